"""The chart session without a window: each use case saves what it says and returns what
changed; a busy database keeps the edit waiting; another writer's change is joined field by
field, or kept and the user's own value shown; one clock decides every save. And the pure
edits of a visit (clinic.visit_edits) keep their rules."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date, timedelta

import pytest

from triggermap.clinic.model import (
    AdverseEventRecord,
    Consent,
    NeedledPoint,
    Patient,
    Screening,
    ScreeningAnswer,
    Visit,
)
from triggermap.clinic.safety import DEPTH_BEYOND_LIMIT_CONFIRMED, hazards_of, plan_warnings
from triggermap.clinic.visit_edits import (
    EditRefused,
    plan_point,
    with_adverse_event,
    with_visit_date,
    without_needle,
)
from triggermap.services.chart_session import ChartSession, Outcome, Problem
from triggermap.services.context import AppContext
from triggermap.services.patient_records import PATIENT_DB_NAME, Changes, new_patient_id
from triggermap.storage.patient_db import RecordChanged


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return AppContext.default(tmp_path_factory.mktemp("unused")).catalogue


def a_patient(catalogue, **changes) -> Patient:
    today = date.today()
    patient = Patient(
        id=new_patient_id(),
        family_name="Okafor",
        given_name="Ada",
        date_of_birth=date(1975, 6, 2),
        sex="female",
        height_cm=168.0,
        weight_kg=64.0,
        screening=Screening(
            today, tuple(ScreeningAnswer(c, False) for c in catalogue.contraindications)
        ),
        consent=Consent(today, "Explained risks and benefits.", True, "Ada Okafor"),
    )
    return dataclasses.replace(patient, **changes)


def session_of(data_dir, catalogue, today=date.today) -> ChartSession:
    session = ChartSession(data_dir, catalogue, today)
    session.open()
    return session


@pytest.fixture
def session(tmp_path, catalogue):
    opened = session_of(tmp_path / "records", catalogue)
    yield opened
    opened.close()


@pytest.fixture
def other(session, catalogue):
    """A second window on the same records."""
    opened = session_of(session.data_dir, catalogue)
    yield opened
    opened.close()


def started(session: ChartSession, catalogue) -> Visit:
    """A saved patient, opened, with today's visit started."""
    outcome = session.save_patient(a_patient(catalogue), new=True)
    assert outcome.saved
    assert session.patient is not None
    assert session.start_visit().applied
    assert session.visit is not None
    return session.visit


def point_with(catalogue, kinds: set[str]):
    for point in catalogue.trigger_points():
        if {h.kind for h in hazards_of(catalogue, point)} == kinds:
            return point
    raise AssertionError(f"no trigger point with hazards {kinds}")


def edit(session: ChartSession, **fields) -> Outcome:
    visit = session.visit
    return session.edit(dataclasses.replace(visit, **fields), visit)


# ------------------------------------------------------------------- use cases and Changes


def test_an_edit_is_saved_and_says_what_changed(session, catalogue):
    visit = started(session, catalogue)
    outcome = edit(session, complaint="Neck pain for three weeks")
    assert outcome.saved
    assert outcome.applied
    assert outcome.visit_shown
    (changes,) = outcome.changes
    assert changes.visits
    assert changes.visit_id == visit.id
    assert changes.visit.complaint == "Neck pain for three weeks"
    assert session.visit_record(visit.id).complaint == "Neck pain for three weeks"
    assert session.stored is session.visit  # the next join starts from what was saved


def test_starting_a_visit_opens_it_and_forgets_the_last_visits_undo(session, catalogue):
    visit = started(session, catalogue)
    assert session.visits_today()[0].id == visit.id
    outcome = session.start_visit()  # the caller asked: a second visit today
    assert outcome.forget_undo
    assert outcome.visit_shown
    assert [c.visit.id for c in outcome.changes] == [session.visit.id]
    assert len(session.visits_today()) == 2


# ------------------------------------------------------------------- a busy database


def test_a_busy_database_keeps_the_edit_waiting_and_saves_it_when_free(session, catalogue):
    visit = started(session, catalogue)
    writer = sqlite3.connect(session.data_dir / PATIENT_DB_NAME, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        outcome = edit(session, pain_before=6)
        assert outcome.applied
        assert not outcome.saved
        assert not outcome.changes
        assert "Waiting for another window" in outcome.notice
        assert session.pending is not None
        assert session.visit.pain_before == 6
        assert session.stored.pain_before is None  # the base of a join is still the stored one
        assert session.retry_pending().applied  # still busy: still waiting
        signing = session.sign("T. Therapist", [])
        assert signing.notice.startswith("Not signed: the last change is still waiting")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    outcome = session.retry_pending()
    assert outcome.saved
    assert outcome.notice == "Saved."
    assert session.pending is None
    assert session.visit_record(visit.id).pain_before == 6


def test_a_wait_of_about_ten_seconds_is_shown_as_a_problem(session, catalogue, monkeypatch):
    started(session, catalogue)
    monkeypatch.setattr("triggermap.services.chart_session.SAVE_RETRIES_BEFORE_PROBLEM", 3)
    writer = sqlite3.connect(session.data_dir / PATIENT_DB_NAME, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        outcomes = [edit(session, pain_before=5), session.retry_pending(), session.retry_pending()]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [o.problem is None for o in outcomes] == [True, True, False]
    assert outcomes[-1].problem.title == "Not saved yet"


# ------------------------------------------------------------------- another writer


def test_another_windows_change_to_another_field_is_joined(session, other, catalogue):
    visit = started(session, catalogue)
    other.open_patient(other.patient_record(visit.patient_id))
    other.open_visit(other.visit_record(visit.id))
    assert edit(other, notes="Tender at C5-6").saved
    outcome = edit(session, complaint="Neck pain")  # this window read the visit before
    assert outcome.saved
    assert not outcome.kept_out
    assert "both changes are kept" in outcome.notice
    stored = session.visit_record(visit.id)
    assert (stored.complaint, stored.notes) == ("Neck pain", "Tender at C5-6")


def test_both_windows_changing_one_field_keep_the_stored_and_show_mine(session, other, catalogue):
    visit = started(session, catalogue)
    other.open_patient(other.patient_record(visit.patient_id))
    other.open_visit(other.visit_record(visit.id))
    assert edit(other, complaint="Theirs: headache").saved
    outcome = edit(session, complaint="Mine: neck pain", pain_before=4)
    assert outcome.saved  # the pain score, which only this window changed, is saved
    assert "Mine: neck pain" in outcome.kept_out
    stored = session.visit_record(visit.id)
    assert (stored.complaint, stored.pain_before) == ("Theirs: headache", 4)


def test_a_visit_voided_elsewhere_closes_and_shows_what_was_typed(session, other, catalogue):
    visit = started(session, catalogue)
    other.open_patient(other.patient_record(visit.patient_id))
    other.open_visit(other.visit_record(visit.id))
    assert other.void().saved
    outcome = edit(session, complaint="Typed before I knew")
    assert not outcome.applied
    assert outcome.forget_undo
    assert outcome.problem == Problem(
        "The change was not saved",
        "This visit was signed or removed in another window or program meanwhile.",
    )
    assert "Typed before I knew" in outcome.kept_out
    assert session.visit is None


def test_a_change_saved_elsewhere_is_read_when_looked_for(session, other, catalogue):
    visit = started(session, catalogue)
    other.open_patient(other.patient_record(visit.patient_id))
    other.open_visit(other.visit_record(visit.id))
    assert edit(other, pain_after=2).saved
    assert session.changed_elsewhere()
    outcome = session.reread_visit()
    assert outcome.visit_shown
    assert session.visit.pain_after == 2
    assert session.reread_visit() == Outcome()  # nothing new the second time


def test_patient_details_changed_in_two_windows_merge_or_refuse_with_a_sentence(
    session, other, catalogue
):
    visit = started(session, catalogue)
    other.open_patient(other.patient_record(visit.patient_id))
    assert other.save_patient(dataclasses.replace(other.patient, notes="Theirs"), new=False).saved
    # another field: joined
    taller = dataclasses.replace(session.patient, height_cm=171.0)
    assert session.save_patient(taller, new=False).saved
    assert (session.patient.height_cm, session.patient.notes) == (171.0, "Theirs")
    assert session.visit is not None  # correcting details keeps the open visit open
    # the same field: refused, the stored value stays
    assert other.save_patient(dataclasses.replace(other.patient, notes="Again"), new=False)
    with pytest.raises(RecordChanged, match="changed these details meanwhile \\(notes\\)"):
        session.save_patient(dataclasses.replace(session.patient, notes="Mine"), new=False)
    assert session.patient_record(visit.patient_id).notes == "Again"


# ------------------------------------------------------------------- signing and the clock


def test_signing_keeps_the_confirmation_of_depths_beyond_the_limit(session, catalogue):
    started(session, catalogue)
    risky = point_with(catalogue, {"pneumothorax"})
    planned = plan_point(session.visit, session.patient, catalogue, risky.id, "right", date.today())
    assert planned.fresh_warnings
    assert session.edit(planned.acknowledged(), session.visit).saved
    deep = dataclasses.replace(
        session.visit.needles[0], needle_length_mm=60.0, depth_mm=60.0, performed=True
    )
    assert edit(session, needles=(deep,)).saved
    beyond = session.depths_beyond_limit()
    assert beyond
    assert "60 mm recorded" in beyond[0]
    outcome = session.sign("T. Therapist", beyond)
    assert outcome.saved
    assert session.visit.finalised
    assert session.visit.warnings[-1].kind == DEPTH_BEYOND_LIMIT_CONFIRMED
    assert session.visit.finalised_by == "T. Therapist"


def test_an_empty_visit_is_not_signed(session, catalogue):
    started(session, catalogue)
    outcome = session.sign("T. Therapist", [])
    assert not outcome.saved
    assert "empty visit cannot be signed" in outcome.problem.text
    assert not session.visit.finalised


def test_the_sessions_clock_decides_the_visit_date_and_its_checks(tmp_path, catalogue):
    ahead = date.today() + timedelta(days=400)
    session = session_of(tmp_path / "records", catalogue, today=lambda: ahead)
    try:
        visit = started(session, catalogue)
        assert visit.visit_date == ahead  # the real clock would call it a future visit
        assert session.visits_today()[0].id == visit.id
    finally:
        session.close()


def test_a_closed_session_refuses_an_edit_with_a_sentence(session, catalogue):
    started(session, catalogue)
    visit = session.visit
    session.close()
    outcome = session.edit(dataclasses.replace(visit, complaint="late"), visit)
    assert not outcome.applied
    assert outcome.problem.title == "The change was not saved"


def test_outcomes_in_a_row_keep_every_change_and_the_later_sentence():
    first = Outcome(changes=(Changes(visits=True),), notice="one", saved=True, kept_out="a")
    later = Outcome(changes=(Changes(patients=True),), notice=None, applied=True, kept_out="b")
    both = first.then(later)
    assert both.changes == first.changes + later.changes
    assert (both.notice, both.saved, both.applied, both.kept_out) == ("one", True, True, "a\n\nb")


# ------------------------------------------------------------------- the pure edits


def test_a_point_is_planned_once_per_side_numbered_and_with_the_builds_needle(catalogue):
    patient = a_patient(catalogue)
    point = point_with(catalogue, set())
    visit = Visit("v1", patient.id, date.today())
    planned = plan_point(visit, patient, catalogue, point.id, "left", date.today())
    needle = planned.visit.needles[0]
    assert (needle.number, needle.side) == (1, "left")
    if point.needling is not None and point.needling.needles:
        assert needle.needle_length_mm is not None
        assert needle.needle_gauge_mm is not None
    with pytest.raises(EditRefused, match="is already in the plan"):
        plan_point(planned.visit, patient, catalogue, point.id, "left", date.today())
    other_side = plan_point(planned.visit, patient, catalogue, point.id, "right", date.today())
    assert [n.number for n in other_side.visit.needles] == [1, 2]
    assert [n.number for n in without_needle(other_side.visit, 1).needles] == [1]
    with pytest.raises(EditRefused):
        without_needle(other_side.visit, 7)


def test_a_warning_read_once_is_not_asked_again(catalogue):
    patient = a_patient(catalogue)
    risky = point_with(catalogue, {"pneumothorax"})
    visit = Visit("v1", patient.id, date.today())
    first = plan_point(visit, patient, catalogue, risky.id, "right", date.today())
    assert [w.kind for w in first.fresh_warnings] == ["pneumothorax"]
    kept = first.acknowledged()
    assert set(kept.warnings) >= set(first.fresh_warnings)
    again = without_needle(kept, 1)
    readded = plan_point(again, patient, catalogue, risky.id, "right", date.today())
    assert readded.fresh_warnings == ()  # the same hazard at the same point, read already
    assert plan_warnings(patient, readded.visit, catalogue, date.today())


def test_the_same_adverse_event_twice_is_refused_and_a_visit_cannot_precede_birth(catalogue):
    patient = a_patient(catalogue)
    visit = Visit("v1", patient.id, date.today())
    event = AdverseEventRecord("bruising", "mild", "", 1, "during", "pressure")
    once = with_adverse_event(visit, event)
    with pytest.raises(EditRefused, match="recorded already"):
        with_adverse_event(once, dataclasses.replace(event, action_taken=""))
    with pytest.raises(EditRefused, match="before the date of birth"):
        with_visit_date(visit, patient, date(1970, 1, 1))


def test_a_save_is_checked_once_with_the_catalogue_and_the_sessions_clock(
    session, catalogue, monkeypatch
):
    import triggermap.services.patient_records as records
    import triggermap.storage.patient_db as storage
    from triggermap.clinic import validation

    started(session, catalogue)
    calls = []

    def counted(visit, today, catalogue=None, date_of_birth=None):
        calls.append((today, catalogue is not None, date_of_birth))
        return validation.check_visit(visit, today, catalogue, date_of_birth)

    monkeypatch.setattr(storage, "check_visit", counted)
    monkeypatch.setattr(records, "check_visit", counted, raising=False)
    assert edit(session, complaint="Checked once").saved
    assert calls == [(date.today(), True, session.patient.date_of_birth)]
    # the catalogue's part of the check is storage's now: an unknown point is refused
    ghost = NeedledPoint(number=1, trigger_point_id="ghost", side="right")
    outcome = edit(session, needles=(ghost,))
    assert not outcome.saved
    assert "ghost" in outcome.problem.text
