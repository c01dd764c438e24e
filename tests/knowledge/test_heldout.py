"""The held-out question set (heldout_questions.toml) is frozen: written before tuning for
issue 14 and never tuned on. Its hash is pinned here so that any edit shows up in review."""

from __future__ import annotations

import hashlib
from pathlib import Path

HELDOUT_FILE = Path(__file__).with_name("heldout_questions.toml")
HELDOUT_SHA256 = "758eb31c5f10fcf83d6dae64ca48c37340e2fc63dcb8818ac404d47299c99c79"


def test_heldout_set_is_frozen() -> None:
    digest = hashlib.sha256(HELDOUT_FILE.read_bytes()).hexdigest()
    assert digest == HELDOUT_SHA256, "heldout_questions.toml changed: it must stay frozen"
