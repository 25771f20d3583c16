"""Turning what a user typed into an answer, and an answer into a grade. No I/O."""

from __future__ import annotations

import math
import re

# (a first group of 0 is no thousands: 0,001 is a decimal comma)
_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _brief(text: str) -> str:
    """What the user typed, cut short for a one-line message."""
    text = text.strip()
    return text if len(text) <= 30 else text[:27] + "..."


def parse_number(text: str) -> float:
    """A number as people type it: 0.5, .5, -3, 1e-3, 1/3, 50% (= 0.5), 1,000.

    Raises ValueError with a short reason."""
    cleaned = text.strip().replace("_", "").replace("\u2212", "-")  # (the minus sign too)
    if not cleaned:
        raise ValueError("nothing typed; for example 0.25")
    if "," in cleaned:
        # 1,000 is a thousands separator; 0,54 is a decimal comma and would silently mean 54
        if not _THOUSANDS.match(cleaned.lstrip("+-").rstrip("%").strip()):
            raise ValueError(f"'{_brief(text)}': use a dot for decimals, e.g. 0.54")
        cleaned = cleaned.replace(",", "")
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1].strip()
    if "/" in cleaned:
        top, _, bottom = cleaned.partition("/")
        if not (_NUMBER.match(top.strip()) and _NUMBER.match(bottom.strip())):
            raise ValueError(f"'{_brief(text)}' is not a number")
        if not all(math.isfinite(float(part)) for part in (top, bottom)):
            raise ValueError(f"'{_brief(text)}' is too large")
        if float(bottom) == 0:
            raise ValueError("division by zero")
        from fractions import Fraction  # here: it imports decimal, start-up time for all

        try:
            value = float(Fraction(top.strip()) / Fraction(bottom.strip()))
        except (OverflowError, ZeroDivisionError):
            raise ValueError(f"'{_brief(text)}' is too large") from None
    elif _NUMBER.match(cleaned):
        value = float(cleaned)
    else:
        raise ValueError(f"'{_brief(text)}' is not a number")
    if not math.isfinite(value):
        raise ValueError(f"'{_brief(text)}' is too large")
    return value / 100 if percent else value


def parse_option_numbers(text: str, count: int, several: bool) -> list[int]:
    """Option numbers typed as '2' or '1 3' / '1,3' -> zero-based indexes.

    Raises ValueError with a short reason."""
    parts = [p for p in re.split(r"[\s,]+", text.strip()) if p]
    if not parts:
        raise ValueError(f"choose an option from 1 to {count}")
    if len(parts) > 1 and not several:
        raise ValueError(f"choose one option from 1 to {count}")
    indexes = []
    for part in parts:
        # the length check first: int() refuses numbers of thousands of digits
        if not part.isdigit() or len(part) > 6 or not 1 <= int(part) <= count:
            raise ValueError(f"choose from 1 to {count} ('{_brief(part)}' is not an option)")
        indexes.append(int(part) - 1)
    return sorted(set(indexes))
