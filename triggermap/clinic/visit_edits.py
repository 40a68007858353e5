"""The edits a therapist makes to an open visit, as pure functions of the visit.

Each takes the visit as it is and returns it as the edit leaves it, or raises `EditRefused`
with the one sentence to show. The rules of an edit (a point is planned once per side, the
catalogue's needle for this build, numbering without gaps, an adverse event recorded once)
live here, so the screen, the command line and the tests apply the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from triggermap.catalogue.model import Catalogue, TriggerPointId, point_title
from triggermap.clinic.model import (
    ADJUNCTS,
    AdverseEventRecord,
    FunctionalActivity,
    NeedledPoint,
    Patient,
    SafetyWarning,
    Side,
    Visit,
)
from triggermap.clinic.safety import plan_warnings, suggested_needle


class EditRefused(ValueError):
    """The edit cannot be made; the message is the sentence to show the therapist."""


def words(identifier: str) -> str:
    """A snake_case id as plain words ("nerve_irritation" → "nerve irritation")."""
    return identifier.replace("_", " ")


def warning_key(warning: SafetyWarning) -> tuple:
    """What makes a warning the same warning again as the plan grows (the message of a point's
    hazard names the needle's number, which changes when needles are removed)."""
    if warning.trigger_point_id:
        return (warning.kind, warning.trigger_point_id, warning.side, warning.max_depth_mm)
    if warning.kind == "both_sides_of_thorax":
        return (warning.kind,)
    return (warning.kind, warning.message)


@dataclass(frozen=True)
class PlannedPoint:
    """A trigger point added to the plan: the visit with it (its new warnings not yet kept),
    the warnings it raises that the visit has not seen, and the undo step's name."""

    visit: Visit
    fresh_warnings: tuple[SafetyWarning, ...]
    text: str

    def acknowledged(self) -> Visit:
        """The visit with the point and its fresh warnings kept (after the therapist read
        them): the warnings shown are part of the record."""
        return replace(self.visit, warnings=(*self.visit.warnings, *self.fresh_warnings))


def plan_point(
    visit: Visit,
    patient: Patient,
    catalogue: Catalogue,
    point_id: str,
    side: Side,
    today: date,
) -> PlannedPoint:
    """Add a trigger point on the patient's `side` as the next numbered needle, with the
    catalogue's needle length and gauge (mm) for this patient's build."""
    title = f"{point_title(catalogue, point_id)} ({side})"
    if any(n.trigger_point_id == point_id and n.side == side for n in visit.needles):
        raise EditRefused(f"{title} is already in the plan.")
    number = max((n.number for n in visit.needles), default=0) + 1
    needle = NeedledPoint(number=number, trigger_point_id=TriggerPointId(point_id), side=side)
    point = catalogue.trigger_point(TriggerPointId(point_id))
    suggestion = suggested_needle(catalogue, point, patient, side)
    if suggestion is not None:
        # the catalogue's needle for this build, never longer than needed over the thorax
        needle = replace(
            needle, needle_length_mm=suggestion.length_mm, needle_gauge_mm=suggestion.gauge_mm
        )
    planned = replace(visit, needles=(*visit.needles, needle))
    known = {warning_key(w) for w in visit.warnings}
    fresh = tuple(
        w for w in plan_warnings(patient, planned, catalogue, today) if warning_key(w) not in known
    )
    return PlannedPoint(planned, fresh, f"Add needle {number}: {title}")


def without_needle(visit: Visit, number: int) -> Visit:
    """The plan without needle `number`; later needles move up one number."""
    if all(n.number != number for n in visit.needles):
        raise EditRefused(f"The plan has no needle {number}.")
    kept = [n for n in visit.needles if n.number != number]
    return replace(visit, needles=tuple(replace(n, number=i) for i, n in enumerate(kept, start=1)))


def with_needle_field(visit: Visit, number: int, field: str, value: object) -> Visit:
    """Needle `number` with one recorded field (depth in mm, technique, …) changed."""
    return replace(
        visit,
        needles=tuple(
            replace(n, **{field: value}) if n.number == number else n for n in visit.needles
        ),
    )


def with_activity(visit: Visit, activity: str, score: int) -> Visit:
    """The visit with an activity of the Patient-Specific Functional Scale rated (0–10)."""
    activity = " ".join(activity.split())
    if not activity:
        raise EditRefused("Name the activity in the patient's words first.")
    return replace(visit, psfs=(*visit.psfs, FunctionalActivity(activity, score)))


def without_activity(visit: Visit, index: int) -> Visit:
    """The visit without the rated activity at `index`."""
    if not 0 <= index < len(visit.psfs):
        raise EditRefused("Choose the activity to remove first.")
    return replace(visit, psfs=visit.psfs[:index] + visit.psfs[index + 1 :])


def with_adverse_event(visit: Visit, event: AdverseEventRecord) -> Visit:
    """The visit with an adverse event recorded (the needle concerned, onset, action)."""
    same = (event.kind, event.severity, event.needle_number, event.onset)
    if any((e.kind, e.severity, e.needle_number, e.onset) == same for e in visit.adverse_events):
        # the same event at the same needle twice in one visit is a double click on Add
        # (the second click found the action field already cleared), not a second event
        raise EditRefused(
            "This adverse event is recorded already; add its follow-up to the one listed."
        )
    return replace(visit, adverse_events=(*visit.adverse_events, event))


def with_event_resolution(visit: Visit, index: int, resolution: str) -> Visit:
    """Adverse event `index` with its follow-up and resolution recorded."""
    if not 0 <= index < len(visit.adverse_events):
        raise EditRefused("Choose the adverse event first.")
    events = list(visit.adverse_events)
    events[index] = replace(events[index], resolution=resolution.strip())
    return replace(visit, adverse_events=tuple(events))


def without_adverse_event(visit: Visit, index: int) -> Visit:
    """The visit without adverse event `index` (entered by mistake in a draft)."""
    if not 0 <= index < len(visit.adverse_events):
        raise EditRefused("Choose the adverse event first.")
    return replace(
        visit, adverse_events=visit.adverse_events[:index] + visit.adverse_events[index + 1 :]
    )


def with_adjunct(visit: Visit, adjunct: str, on: bool) -> Visit:
    """The visit with an adjunct (heat, stretching, …) given or not, in the ADJUNCTS order."""
    return replace(
        visit,
        adjuncts=tuple(
            a for a in ADJUNCTS if (a in visit.adjuncts and a != adjunct) or (a == adjunct and on)
        ),
    )


def with_visit_date(visit: Visit, patient: Patient, day: date) -> Visit:
    """The visit moved to `day` (never before the birth; the future is refused on saving)."""
    if day < patient.date_of_birth:
        raise EditRefused("The visit date cannot be before the date of birth.")
    return replace(visit, visit_date=day)
