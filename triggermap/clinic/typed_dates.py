"""Dates as people type them into a clinic's forms, read without guessing.

Accepted: ISO (1960-03-21, 1960/3/21, 1960.03.21), eight digits year first (19600321), day
first with dots, slashes or dashes (21.03.1960, 21/3/1960, 21-03-1960), and the month in words
(21 March 1960, 21 Mar 1960, March 21, 1960). Years always have four digits: "60" could be 1960
or 2060, and a date of birth must not be guessed. Refused, each with one sentence: an
impossible date (30 February), a date after `latest` (the future, for a birth), before
`earliest`, and anything else.
"""

from __future__ import annotations

import re
from datetime import date

from triggermap.clinic.errors import PatientDataError

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()

_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_EIGHT_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_DAY_MONTH_WORD = re.compile(r"(\d{1,2})\.?\s+([a-z]+)\.?,?\s+(\d{4})")
_MONTH_WORD_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_SHORT_YEAR = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2}|\d{2}[-/.]\d{1,2}[-/.]\d{1,2}")

#: How to type a date, for placeholders and sentences.
TYPED_DATE_HINT = "e.g. 1960-03-21, 21.03.1960 or 21 March 1960"


def read_typed_date(
    text: str,
    *,
    what: str,
    latest: date | None = None,
    earliest: date = date(1900, 1, 1),
) -> date:
    """The date typed in `text`; PatientDataError with one sentence otherwise. `what` names
    the field in the sentence ("The date of birth")."""
    typed = " ".join(text.strip().lower().split())
    if not typed:
        raise PatientDataError([f"Enter {what.lower()} ({TYPED_DATE_HINT})."])
    parts = _parts(typed)
    if parts is None:
        if _SHORT_YEAR.fullmatch(typed):
            raise PatientDataError([f"Give the year of {what.lower()} in four digits."])
        raise PatientDataError(
            [f"{what} “{text.strip()[:40]}” is not a date triggermap can read ({TYPED_DATE_HINT})."]
        )
    year, month, day = parts
    if not 1 <= month <= 12:
        raise PatientDataError([f"{what}: there is no month {month}."])
    try:
        found = date(year, month, day)
    except ValueError:
        raise PatientDataError(
            [f"{what}: there is no {day} {MONTH_NAMES[month - 1]} {year}."]
        ) from None
    if latest is not None and found > latest:
        raise PatientDataError([f"{what} cannot be after {latest.isoformat()}."])
    if found < earliest:
        raise PatientDataError([f"{what} cannot be before {earliest.isoformat()}."])
    return found


def _parts(typed: str) -> tuple[int, int, int] | None:
    """(year, month, day) of the typed text, or None when it has none of the known forms."""
    for pattern in (_YEAR_FIRST, _EIGHT_DIGITS):
        matched = pattern.fullmatch(typed)
        if matched:
            year, month, day = (int(group) for group in matched.groups())
            return year, month, day
    matched = _DAY_FIRST.fullmatch(typed)
    if matched:
        day, month, year = (int(group) for group in matched.groups())
        return year, month, day
    matched = _DAY_MONTH_WORD.fullmatch(typed)
    if matched and matched.group(2) in MONTHS:
        return int(matched.group(3)), MONTHS[matched.group(2)], int(matched.group(1))
    matched = _MONTH_WORD_DAY.fullmatch(typed)
    if matched and matched.group(1) in MONTHS:
        return int(matched.group(3)), MONTHS[matched.group(1)], int(matched.group(2))
    return None


def spoken_date(day: date) -> str:
    """A date in words, as the form shows back what it read: "21 March 1960"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
