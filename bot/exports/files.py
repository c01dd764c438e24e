"""Writing export files on the server: they hold personal data, so whatever the umask, each
file is readable by its owner only (0600) and each folder created for them is 0700."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from bot.delivery.outgoing import Attachment

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents as 0700; folders that exist are left alone."""
    missing = [path for path in (folder, *folder.parents) if not path.exists()]
    for path in reversed(missing):
        path.mkdir(mode=FOLDER_MODE)
        path.chmod(FOLDER_MODE)  # mkdir's mode is filtered by the umask


def write_private(folder: Path, files: Iterable[Attachment]) -> list[Path]:
    """Write the files into ``folder`` as 0600 (also a file that was already there)."""
    private_folder(folder)
    written = []
    for attachment in files:
        path = folder / attachment.filename
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb", closefd=False) as out:
                out.write(attachment.content)
        finally:
            os.close(fd)
        written.append(path)
    return written
