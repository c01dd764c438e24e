"""The numbers a text states, so an answer can be checked against the entry it comes from."""

from __future__ import annotations

import re

# "90", "0,5%", "100.000", "2/3", "01/07/2025", "15–30": each number separately, keeping its
# decimal part; dates and fractions count as the numbers they are made of.
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> set[str]:
    """Canonical numbers in ``text``: "01" → "1", "100.000" → "100000", "0,5" → "0.5"."""
    found: set[str] = set()
    for raw in _NUMBER_RE.findall(text):
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
            found.add(raw.replace(".", ""))
            continue
        head, _, tail = raw.replace(",", ".").partition(".")
        found.add(f"{int(head)}.{tail}" if tail else str(int(head)))
    return found
