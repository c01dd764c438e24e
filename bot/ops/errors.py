"""The one error of the operator's tools."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore was refused or failed; the message tells the operator why."""
