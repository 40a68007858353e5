"""Treatment goals (issue 15), without Qt: what a goal may hold, how its measure went over the
visits and whether it is met, and how it travels in the JSON, CSV and FHIR exports."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.goal_progress import (
    activity_key,
    goal_line,
    goal_progress,
    meets_target,
)
from triggermap.clinic.model import FunctionalActivity, PatientId, TreatmentGoal, Visit, VisitId
from triggermap.clinic.validation import (
    check_patient,
    check_treatment_goal,
    treatment_goal_problems,
)
from triggermap.services.context import AppContext
from triggermap.services.patient_exports import (
    GOAL_FHIR_STATUS,
    fhir_bundle,
    read_visits_json,
    visits_csv,
    visits_json,
)

from .patient_examples import example_patient, example_visit

TODAY = date(2026, 12, 1)


def a_goal(number: int = 1, **changes: object) -> TreatmentGoal:
    fields: dict[str, object] = {
        "number": number,
        "text": "Sit at work for 2 hours",
        "set_on": date(2026, 2, 2),
        "target_date": date(2027, 2, 1),
        "measure": "psfs",
        "activity": "Sitting at work",
        "baseline": 3,
        "target": 8,
    }
    fields.update(changes)
    return TreatmentGoal(**fields)  # type: ignore[arg-type]


def nprs_goal(**changes: object) -> TreatmentGoal:
    values: dict[str, object] = {
        "text": "Lift my grandchild without neck pain",
        "measure": "nprs",
        "activity": "",
        "baseline": 7,
        "target": 2,
    }
    values.update(changes)
    return a_goal(2, **values)


def visit_on(day: date, pain: int | None = None, **psfs: int) -> Visit:
    return Visit(
        id=VisitId(f"v{day.isoformat()}"),
        patient_id=PatientId("p1"),
        visit_date=day,
        pain_before=pain,
        psfs=tuple(FunctionalActivity(activity, score) for activity, score in psfs.items()),
    )


@pytest.fixture(scope="module")
def catalogue():
    return AppContext.default().catalogue


# --- what a goal may hold ---------------------------------------------------------------------


def test_a_well_formed_goal_passes():
    assert treatment_goal_problems(a_goal(), TODAY) == []
    assert treatment_goal_problems(nprs_goal(), TODAY) == []
    words_only = a_goal(measure="", activity="", baseline=None, target=None, target_date=None)
    assert treatment_goal_problems(words_only, TODAY) == []
    closed = a_goal(status="discontinued", closed_on=date(2026, 6, 1))
    assert treatment_goal_problems(closed, TODAY) == []


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"text": ""}, "Goal 1: the goal's text is missing."),
        ({"text": " Sit "}, "Goal 1: the goal's text begins or ends with spaces."),
        (
            {"text": "Sit\nstand"},
            "Goal 1: the goal's text contains control characters or line breaks.",
        ),
        (
            {"baseline": -1},
            "Goal 1: the baseline score must be a whole number from 0 to 10 (got -1).",
        ),
        ({"target": 11}, "Goal 1: the target score must be a whole number from 0 to 10 (got 11)."),
        (
            {"target": 7.5},
            "Goal 1: the target score must be a whole number from 0 to 10 (got 7.5).",
        ),
        ({"target": None}, "Goal 1: a goal measured by a scale needs a target score."),
        (
            {"target_date": date(2026, 2, 1)},
            "Goal 1: the target date cannot be before the goal was set (got 2026-02-01).",
        ),
        (
            {"set_on": date(2026, 12, 2), "target_date": None},
            "Goal 1: the date it was set cannot be in the future (got 2026-12-02).",
        ),
        (
            {"status": "achieved"},
            "Goal 1: a goal that is no longer open needs the date it was closed.",
        ),
        ({"closed_on": date(2026, 3, 1)}, "Goal 1: an open goal has no closing date."),
        (
            {"status": "achieved", "closed_on": date(2026, 12, 2)},
            "Goal 1: the closing date cannot be in the future (got 2026-12-02).",
        ),
        (
            {"status": "achieved", "closed_on": date(2026, 1, 1)},
            "Goal 1: the closing date cannot be before the goal was set (got 2026-01-01).",
        ),
        (
            {"status": "done"},
            "Goal 1: the status must be one of open, achieved, partly_achieved, "
            "not_achieved, discontinued (got 'done').",
        ),
        ({"activity": ""}, "Goal 1: a PSFS goal names the activity it is measured by."),
        ({"activity": "  "}, "Goal 1: a PSFS goal names the activity it is measured by."),
        ({"measure": "nprs"}, "Goal 1: only a PSFS goal names an activity."),
        (
            {"measure": "vas", "activity": ""},
            "Goal 1: the measure must be NPRS, PSFS or none (got 'vas').",
        ),
        (
            {"measure": "", "activity": ""},
            "Goal 1: a goal without a measure takes no baseline or target score.",
        ),
        ({"number": 0}, "A goal number must be a whole number from 1 (got 0)."),
    ],
)
def test_each_impossible_value_is_one_sentence(changes, sentence):
    assert treatment_goal_problems(a_goal(**changes), TODAY) == [sentence]
    with pytest.raises(PatientDataError):
        check_treatment_goal(a_goal(**changes), TODAY)


def test_the_patient_check_covers_the_goals_and_their_numbers(catalogue):
    patient = example_patient(1, goals=(a_goal(1), nprs_goal()))
    check_patient(patient, TODAY, catalogue)
    with pytest.raises(PatientDataError) as refused:
        check_patient(dataclasses.replace(patient, goals=(a_goal(1), a_goal(1))), TODAY, catalogue)
    assert list(refused.value.problems) == [
        "Two treatment goals share a number; each goal needs its own number."
    ]


@given(
    text=st.text(max_size=300),
    activity=st.text(max_size=300),
    baseline=st.one_of(st.none(), st.integers(-5, 15)),
    target=st.one_of(st.none(), st.integers(-5, 15)),
    measure=st.sampled_from(["", "nprs", "psfs", "other"]),
    status=st.sampled_from(["open", "achieved", "partly_achieved", "not_achieved", "x"]),
    closed=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
)
def test_any_input_gives_sentences_never_an_exception(
    text, activity, baseline, target, measure, status, closed
):
    goal = a_goal(
        text=text,
        activity=activity,
        baseline=baseline,
        target=target,
        measure=measure,
        status=status,
        closed_on=closed,
    )
    problems = treatment_goal_problems(goal, TODAY)
    assert all(isinstance(p, str) and p.endswith(".") and "\n" not in p for p in problems)
    if not problems:
        assert goal.text
        assert goal.text == goal.text.strip()
        assert (goal.status == "open") == (goal.closed_on is None)
        assert measure in ("", "nprs", "psfs")


# --- progress over the visits -----------------------------------------------------------------


def test_nprs_progress_is_the_pain_before_treatment_of_each_visit_that_has_one():
    visits = [
        visit_on(date(2026, 2, 2), 7),
        visit_on(date(2026, 2, 9)),
        visit_on(date(2026, 2, 16), 4),
        visit_on(date(2026, 3, 2), 2),
    ]
    progress = goal_progress(nprs_goal(), visits)
    assert progress.scores == ((date(2026, 2, 2), 7), (date(2026, 2, 16), 4), (date(2026, 3, 2), 2))
    assert progress.latest == 2
    assert progress.met is True  # pain at most the target: lower is better
    assert goal_progress(nprs_goal(), visits[:3]).met is False


def test_psfs_progress_follows_the_activity_whatever_its_case_and_spacing():
    visits = [
        visit_on(date(2026, 2, 2), **{"Sitting at work": 3, "Lifting": 5}),
        visit_on(date(2026, 2, 9), **{"sitting  at WORK ": 6}),
        visit_on(date(2026, 2, 16), **{"Lifting": 9}),
        visit_on(date(2026, 3, 2), **{" Sitting at work": 8}),
    ]
    progress = goal_progress(a_goal(), visits)
    assert progress.scores == ((date(2026, 2, 2), 3), (date(2026, 2, 9), 6), (date(2026, 3, 2), 8))
    assert progress.met is True  # at least the target: higher is better
    assert goal_progress(a_goal(), visits[:3]).met is False


def test_a_goal_without_a_measure_or_scores_has_no_verdict():
    visits = [visit_on(date(2026, 2, 2), 3)]
    words_only = a_goal(measure="", activity="", baseline=None, target=None)
    assert goal_progress(words_only, visits).scores == ()
    assert goal_progress(words_only, visits).met is None
    assert goal_progress(a_goal(), visits).met is None  # no visit rated the activity
    assert goal_progress(a_goal(), []).latest is None


@given(score=st.integers(0, 10), target=st.integers(0, 10))
def test_the_target_is_met_from_the_right_side_of_each_scale(score, target):
    assert meets_target(nprs_goal(target=target), score) is (score <= target)
    assert meets_target(a_goal(target=target), score) is (score >= target)


@given(st.text(), st.text())
def test_activities_match_ignoring_case_and_spaces_only(first, second):
    same = "".join(first.split()).casefold() == "".join(second.split()).casefold()
    assert (activity_key(first) == activity_key(second)) is same


def test_a_goal_on_one_line():
    assert goal_line(a_goal()) == "Sit at work for 2 hours — PSFS 3 → 8 by 2027-02-01 · open"
    closed = nprs_goal(target_date=None, status="partly_achieved", closed_on=date(2026, 11, 30))
    assert goal_line(closed) == (
        "Lift my grandchild without neck pain — NPRS 7 → 2 · partly achieved 2026-11-30"
    )
    words_only = a_goal(measure="", activity="", baseline=None, target=None)
    assert goal_line(words_only) == "Sit at work for 2 hours — by 2027-02-01 · open"


# --- exports ----------------------------------------------------------------------------------

GOALS = (
    a_goal(1),
    nprs_goal(status="achieved", closed_on=date(2026, 11, 30), target_date=None),
    a_goal(
        3,
        text="=Walk the dog",
        measure="",
        activity="",
        baseline=None,
        target=None,
        status="discontinued",
        closed_on=date(2026, 5, 1),
    ),
)


def test_the_json_export_carries_the_goals_and_reads_them_back(catalogue):
    patient = example_patient(1, goals=GOALS)
    visits = [example_visit(patient.id, 1)]
    document = json.loads(visits_json(patient, visits, catalogue))
    assert document["patient"]["goals"][0] == {
        "number": 1,
        "text": "Sit at work for 2 hours",
        "set_on": "2026-02-02",
        "target_date": "2027-02-01",
        "measure": "psfs",
        "activity": "Sitting at work",
        "baseline": 3,
        "target": 8,
        "status": "open",
        "closed_on": None,
    }
    read_patient, _ = read_visits_json(visits_json(patient, visits, catalogue))
    assert read_patient.goals == GOALS
    # a document written before goals existed reads as a patient without goals
    del document["patient"]["goals"]
    assert read_visits_json(json.dumps(document))[0].goals == ()


def test_the_csv_export_has_a_goal_row_per_goal(catalogue):
    patient = example_patient(1, goals=GOALS)
    rows = list(
        csv.DictReader(io.StringIO(visits_csv(patient, [example_visit(patient.id)], catalogue)))
    )
    goal_rows = [row for row in rows if row["record"] == "goal"]
    assert [row["goal_number"] for row in goal_rows] == ["1", "2", "3"]
    first = goal_rows[0]
    assert (first["goal_text"], first["goal_measure"], first["goal_activity"]) == (
        "Sit at work for 2 hours",
        "psfs",
        "Sitting at work",
    )
    assert (first["goal_baseline"], first["goal_target"], first["goal_target_date"]) == (
        "3",
        "8",
        "2027-02-01",
    )
    assert (goal_rows[1]["goal_status"], goal_rows[1]["goal_closed_on"]) == (
        "achieved",
        "2026-11-30",
    )
    assert goal_rows[2]["goal_text"] == "'=Walk the dog"  # no formula
    assert all(row["patient_id"] == patient.id and row["visit_id"] == "" for row in goal_rows)


def test_the_fhir_export_gives_each_goal_as_a_valid_goal_resource(catalogue):
    patient = example_patient(1, goals=GOALS)
    bundle = fhir_bundle(patient, [example_visit(patient.id)], catalogue)  # validated inside
    goals = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal"]
    assert len(goals) == 3
    [patient_entry] = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    open_goal, achieved, dropped = goals
    assert open_goal["subject"] == {"reference": patient_entry["fullUrl"]}
    assert open_goal["description"] == {"text": "Sit at work for 2 hours"}
    assert open_goal["lifecycleStatus"] == "active"
    assert open_goal["achievementStatus"]["coding"][0]["code"] == "in-progress"
    assert open_goal["startDate"] == "2026-02-02"
    [target] = open_goal["target"]
    assert target["dueDate"] == "2027-02-01"
    assert target["detailInteger"] == 8
    assert target["measure"]["text"] == "PSFS: Sitting at work (0–10, higher is better)"
    assert achieved["lifecycleStatus"] == "completed"
    assert achieved["achievementStatus"]["coding"][0]["code"] == "achieved"
    assert achieved["statusDate"] == "2026-11-30"
    assert achieved["target"][0]["measure"]["coding"][0]["code"] == "72514-3"
    assert "dueDate" not in achieved["target"][0]
    assert dropped["lifecycleStatus"] == "cancelled"
    assert "achievementStatus" not in dropped
    assert dropped["target"] == [{"dueDate": "2027-02-01"}]  # no measure, no score
    # the same goal gets the same id in every export
    again = fhir_bundle(patient, [example_visit(patient.id)], catalogue)
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in bundle["entry"]]


def test_every_status_has_a_fhir_mapping_from_the_value_sets():
    lifecycle = {"proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled"}
    achievement = {
        "in-progress",
        "improving",
        "worsening",
        "no-change",
        "achieved",
        "sustaining",
        "not-achieved",
        "no-progress",
        "not-attainable",
    }
    from triggermap.clinic.model import GOAL_STATUSES

    assert set(GOAL_FHIR_STATUS) == set(GOAL_STATUSES)
    for status, (life, achieved) in GOAL_FHIR_STATUS.items():
        assert life in lifecycle, status
        assert achieved is None or achieved in achievement, status
