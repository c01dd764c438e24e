"""A month of the higher committee's overview: typed as "11/2026", carried in a button as
"202611", stepped forward and back."""

from __future__ import annotations

from bot.errors import InvalidInput

Month = tuple[int, int]  # (year, month)


def parse_month(text: str) -> Month:
    """ "11/2026" → (2026, 11); anything else is ``InvalidInput("bad_month")``."""
    parts = text.strip().split("/")
    if len(parts) == 2 and all(p.isascii() and p.isdigit() for p in parts):
        month, year = int(parts[0]), int(parts[1])
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    raise InvalidInput("bad_month")


def month_code(month: Month) -> str:
    """The month as a button argument: "202611"."""
    return f"{month[0]:04d}{month[1]:02d}"


def month_of_code(code: str) -> Month | None:
    if len(code) != 6 or not code.isdigit():
        return None
    year, month = int(code[:4]), int(code[4:])
    return (year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


def step(month: Month, delta: int) -> Month:
    index = month[0] * 12 + month[1] - 1 + delta
    return index // 12, index % 12 + 1
