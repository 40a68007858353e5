"""Dates typed the usual ways are read as meant, or refused with one sentence; never guessed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.typed_dates import MONTH_NAMES, read_typed_date

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    "typed",
    [
        "1960-03-21",
        "1960-3-21",
        "1960/03/21",
        "1960.03.21",
        "19600321",
        "21.03.1960",
        "21.3.1960",
        "21/03/1960",
        "21-03-1960",
        "21 March 1960",
        "21 mar 1960",
        "21. März 1960".replace("März", "March"),
        "March 21, 1960",
        "  21 March  1960 ",
    ],
)
def test_the_common_typed_forms_read_as_meant(typed):
    assert read_typed_date(typed, what="The date of birth", latest=TODAY) == date(1960, 3, 21)


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("", "Enter the date of birth"),
        ("20300615", "cannot be after 2026-12-02"),
        ("30.02.1960", "there is no 30 February 1960"),
        ("1960-13-01", "there is no month 13"),
        ("21.03.60", "four digits"),
        ("1850-01-01", "cannot be before 1900-01-01"),
        ("next tuesday", "is not a date"),
        ("21 Smarch 1960", "is not a date"),
    ],
)
def test_impossible_future_and_unreadable_dates_get_one_sentence(typed, sentence):
    with pytest.raises(PatientDataError) as refused:
        read_typed_date(typed, what="The date of birth", latest=TODAY)
    assert len(refused.value.problems) == 1
    assert sentence in refused.value.problems[0]


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_any_date_typed_in_any_accepted_form_reads_back(day):
    forms = [
        day.isoformat(),
        f"{day:%Y%m%d}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}",
        f"{MONTH_NAMES[day.month - 1][:3]} {day.day}, {day.year}",
    ]
    for typed in forms:
        assert read_typed_date(typed, what="The date", latest=TODAY) == day, typed
