"""Impossible patient-record values are refused in plain words; hostile input never crashes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import Addendum, PainMark, Screening, ScreeningAnswer
from triggermap.clinic.validation import (
    check_addendum,
    check_needled_point,
    check_patient,
    check_trigger_point_id,
    check_visit,
)
from triggermap.services.context import AppContext
from triggermap.services.patient_records import new_patient_id, record_visit, register_patient
from triggermap.storage.patient_db import PatientDatabase

from .patient_examples import example_needle, example_patient, example_visit

TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def catalogue():
    return AppContext.default().catalogue


def refusal(check, *arguments) -> str:
    with pytest.raises(PatientDataError) as failure:
        check(*arguments)
    return str(failure.value)


def test_examples_are_valid(catalogue):
    check_patient(example_patient(), TODAY, catalogue)
    check_visit(example_visit("patient0001"), TODAY, catalogue, date(1980, 1, 2))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"family_name": "x" * 10_000},
            "The family name is too long (10,000 characters; at most 100).",
        ),
        ({"family_name": "  "}, "The family name is missing."),
        ({"given_name": "Jo\nDrop"}, "The given name contains control characters or line breaks."),
        (
            {"date_of_birth": TODAY + timedelta(days=1)},
            "The date of birth cannot be in the future (got 2026-11-22).",
        ),
        ({"date_of_birth": date(1850, 1, 1)}, "The date of birth cannot be before 1900-01-01"),
        ({"date_of_birth": "1980-01-01"}, "The date of birth must be a calendar date."),
        ({"sex": "f"}, "Sex must be one of female, male, other, unknown (got 'f')."),
        ({"height_cm": 0.0}, "Height must be between 30 and 272 cm (got 0)."),
        ({"weight_kg": float("nan")}, "Weight must be between 0.5 and 650 kg (got nan)."),
        ({"weight_kg": True}, "Weight must be a number of kg."),
        ({"notes": "n" * 20_001}, "The notes is too long"),
        ({"id": "../../etc"}, "The patient id must be 1 to 64 letters"),
        (
            {"screening": Screening(TODAY, (ScreeningAnswer("no_such_thing", True),))},
            "The screening names an unknown contraindication 'no_such_thing'.",
        ),
        (
            {"screening": Screening(TODAY, (ScreeningAnswer("pregnancy", True),) * 2)},
            "The screening answers 'pregnancy' twice.",
        ),
    ],
)
def test_impossible_patient_values_are_refused_with_a_clear_message(catalogue, changes, message):
    assert message in refusal(check_patient, example_patient(**changes), TODAY, catalogue)


def test_every_problem_is_listed_at_once():
    patient = example_patient(family_name="", height_cm=-1.0, sex="?")
    with pytest.raises(PatientDataError) as failure:
        check_patient(patient, TODAY)
    assert len(failure.value.problems) == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"depth_mm": -3.0}, "Needle 1: depth must be between 0 and 120 mm (got -3)."),
        (
            {"depth_mm": 40.0, "needle_length_mm": 30.0},
            "depth 40 mm is more than the needle's length (30 mm)",
        ),
        ({"needle_gauge_mm": 2.0}, "needle gauge must be between 0.1 and 0.5 mm (got 2)."),
        (
            {"trigger_point_id": "upper_trapezius.trp99"},
            "There is no trigger point 'upper_trapezius.trp99' in the catalogue.",
        ),
        ({"trigger_point_id": "nonsense"}, "There is no trigger point 'nonsense'"),
        ({"side": "both"}, "side must be left or right (got 'both')."),
        ({"technique": "stabbing"}, "technique must be one of static, pistoning"),
        ({"tolerance": "fine"}, "tolerance must be one of well"),
        ({"number": 0}, "A needle number must be a whole number from 1 (got 0)."),
        ({"needle_lot": "L" * 201}, "needle lot is too long"),
        ({"local_twitch": "yes"}, "local twitch response must be yes, no or not recorded."),
    ],
)
def test_impossible_needle_values_are_refused_with_a_clear_message(catalogue, changes, message):
    assert message in refusal(check_needled_point, example_needle(**changes), catalogue)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"visit_date": TODAY + timedelta(days=2)}, "The visit date cannot be in the future"),
        ({"visit_date": date(1970, 1, 1)}, "The visit date cannot be before the date of birth"),
        (
            {"pain_before": 11},
            "The pain score before treatment must be a whole number from 0 to 10 (got 11).",
        ),
        ({"pain_after": -1}, "The pain score after treatment must be a whole number from 0 to 10"),
        (
            {"pain_drawing": (PainMark("zone.temple.centre", 3),)},
            "must look like zone.<zone>.<left|right|midline>",
        ),
        ({"pain_drawing": (PainMark("zone.nowhere.left", 3),)}, "unknown zone 'nowhere'"),
        (
            {"pain_drawing": (PainMark("zone.sternum.left", 3),)},
            "The zone sternum has no side left.",
        ),
        (
            {"pain_drawing": (PainMark("zone.temple.left", 12),)},
            "The pain intensity of zone.temple.left must be a whole number from 0 to 10 (got 12).",
        ),
        ({"pain_drawing": (PainMark("zone.temple.left", 2),) * 2}, "marks zone.temple.left twice"),
        ({"needles": (example_needle(1), example_needle(1))}, "Two needled points share a number"),
        ({"adjuncts": ("cupping",)}, "Unknown adjunct treatment 'cupping'"),
        ({"complaint": "c" * 2_001}, "The complaint is too long"),
        (
            {"needles": (example_needle(1, depth_mm=-3.0),)},
            "Needle 1: depth must be between 0 and 120 mm (got -3).",
        ),
    ],
)
def test_impossible_visit_values_are_refused_with_a_clear_message(catalogue, changes, message):
    visit = example_visit("patient0001", **changes)
    assert message in refusal(check_visit, visit, TODAY, catalogue, date(1980, 1, 2))


def test_trigger_point_ids_are_checked_against_the_catalogue(catalogue):
    assert check_trigger_point_id(catalogue, "upper_trapezius.trp1").muscle_id == "upper_trapezius"
    assert "no trigger point 'x.y'" in refusal(check_trigger_point_id, catalogue, "x.y")


def test_an_addendum_needs_text_an_author_and_a_time_zone():
    assert "The addendum is missing." in refusal(
        check_addendum, Addendum(datetime.now(UTC), "Dr A", "  ")
    )
    assert "with its time zone" in refusal(
        check_addendum, Addendum(datetime(2026, 1, 1), "Dr A", "t")
    )
    assert "author of the addendum is missing" in refusal(
        check_addendum, Addendum(datetime.now(UTC), "", "t")
    )


def test_the_database_refuses_impossible_values_even_without_the_service(tmp_path):
    with PatientDatabase.open(tmp_path / "patients.db") as database:
        with pytest.raises(PatientDataError, match="date of birth cannot be in the future"):
            database.add_patient(example_patient(date_of_birth=date.today() + timedelta(days=1)))
        database.add_patient(example_patient())
        with pytest.raises(PatientDataError, match="depth must be between"):
            database.save_visit(
                dataclasses.replace(
                    example_visit("patient0001"), needles=(example_needle(depth_mm=-3.0),)
                )
            )
        assert database.visits_of(example_patient().id) == []


def test_the_service_refuses_a_trigger_point_the_catalogue_lacks(tmp_path, catalogue):
    with PatientDatabase.open(tmp_path / "patients.db") as database:
        register_patient(database, catalogue, example_patient())
        visit = dataclasses.replace(
            example_visit("patient0001"),
            needles=(example_needle(trigger_point_id="made_up.trp1"),),
        )
        with pytest.raises(PatientDataError, match=r"no trigger point 'made_up\.trp1'"):
            record_visit(database, catalogue, visit)
        assert database.visits_of(example_patient().id) == []


# --- hostile input (hypothesis) -------------------------------------------------------------

any_text = st.text(max_size=300) | st.text(alphabet=st.characters(), min_size=90, max_size=120)
numbers = st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**6), 10**6)


@st.composite
def hostile_patients(draw):
    return example_patient(
        family_name=draw(any_text),
        given_name=draw(any_text),
        notes=draw(any_text),
        date_of_birth=draw(st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 1, 1))),
        sex=draw(st.sampled_from(["female", "male", "other", "unknown", "", "x"])),
        height_cm=draw(numbers),
        weight_kg=draw(numbers),
    )


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    database = PatientDatabase.open(tmp_path_factory.mktemp("hostile") / "patients.db")
    yield database
    database.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(patient=hostile_patients())
def test_any_patient_is_either_refused_plainly_or_saved_and_read_back_exactly(
    shared_database, catalogue, patient
):
    patient = dataclasses.replace(patient, id=new_patient_id())
    refusal = None
    try:
        register_patient(shared_database, catalogue, patient)
    except PatientDataError as error:
        refusal = error
    if refusal is not None:
        assert refusal.problems
        assert all(problem.endswith(".") for problem in refusal.problems)
        with pytest.raises(KeyError):
            shared_database.patient(patient.id)
        return
    assert shared_database.patient(patient.id) == patient
    found = shared_database.find_patients(patient.family_name, limit=10_000)
    if any(character.isalnum() for character in patient.family_name):
        assert patient.id in {p.id for p in found}


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=200) | st.from_regex(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}"),
    limit=st.integers(-5, 100),
)
def test_any_search_text_returns_a_list_and_never_raises(shared_database, text, limit):
    found = shared_database.find_patients(text, limit)
    assert isinstance(found, list)
    assert len(found) <= max(limit, 0)


@settings(max_examples=100, deadline=None)
@given(
    depth=numbers,
    length=numbers,
    gauge=numbers,
    point=st.text(max_size=40) | st.sampled_from(["upper_trapezius.trp1", "rhomboid_major.trp1"]),
    side=st.text(max_size=6) | st.sampled_from(["left", "right"]),
    dose=any_text,
)
def test_any_needle_is_either_valid_or_refused_plainly(
    catalogue, depth, length, gauge, point, side, dose
):
    needle = example_needle(
        depth_mm=depth,
        needle_length_mm=length,
        needle_gauge_mm=gauge,
        trigger_point_id=point,
        side=side,
        dose=dose,
    )
    problems: tuple[str, ...] = ()
    try:
        check_needled_point(needle, catalogue)
    except PatientDataError as error:
        problems = error.problems
    assert all(problem.endswith(".") for problem in problems)
    assert all(len(problem) < 400 for problem in problems)


def test_one_clock_decides_a_save_the_services_today_is_never_overruled(catalogue, tmp_path):
    """The service's `today` is the only clock of a save: a clock ahead of the real one lets
    a visit of that day be saved (storage used to refuse it with the real date), a clock
    behind refuses what is in its future, and the audit's back-dated mark uses it too."""
    ahead = date.today() + timedelta(days=400)
    with PatientDatabase.open(tmp_path / "patients.db") as database:
        patient = example_patient()
        register_patient(database, catalogue, patient, ahead)
        visit = example_visit(patient.id, visit_date=ahead)
        assert record_visit(database, catalogue, visit, ahead).visit.visit_date == ahead
        with pytest.raises(PatientDataError):
            record_visit(database, catalogue, visit, ahead - timedelta(days=1))
        earlier = example_visit(patient.id, number=2, visit_date=ahead - timedelta(days=3))
        record_visit(database, catalogue, earlier, ahead)
        assert database.audit_entries(earlier.id)[-1]["details"].endswith("; back-dated")
