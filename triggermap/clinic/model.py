"""Domain values of the patient record: patients, goals, visits, needled points. Frozen dataclasses.

Units: lengths and depths in millimetres, height in centimetres, weight in kilograms, pain on
the 0–10 numeric rating scale, times as timezone-aware UTC datetimes, dates as calendar dates.
Sides are always the patient's side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, NewType

from triggermap.catalogue.model import TriggerPointId
from triggermap.geometry.regions import PAIRED_SIDES, PairedSide

PatientId = NewType("PatientId", str)
VisitId = NewType("VisitId", str)

Sex = Literal["female", "male", "other", "unknown"]
SEXES: tuple[str, ...] = ("female", "male", "other", "unknown")

#: A needle's side (see geometry.regions: the one vocabulary of sides).
Side = PairedSide
SIDES: tuple[str, ...] = PAIRED_SIDES

#: How the needle was used once in the muscle.
TECHNIQUES: tuple[str, ...] = (
    "static",  # left in place for a time
    "pistoning",  # fast in-and-out passes (fast-in, fast-out)
    "rotation",  # turned to wind the tissue
    "electrical_stimulation",  # needle used as an electrode
)

#: How the patient tolerated a needled point.
TOLERANCE: tuple[str, ...] = ("well", "moderately", "poorly", "stopped")

#: Treatments given in a visit besides needling.
ADJUNCTS: tuple[str, ...] = (
    "electrical_stimulation",
    "heat",
    "manual_therapy",
    "stretching",
    "exercise",
    "advice",
)

#: Adverse events a therapist records after needling.
ADVERSE_EVENT_KINDS: tuple[str, ...] = (
    "bleeding",
    "bruising",
    "soreness",
    "fainting",
    "nausea",
    "headache",
    "fatigue",
    "nerve_irritation",
    "pneumothorax_suspected",
    "other",
)
ADVERSE_EVENT_SEVERITIES: tuple[str, ...] = ("mild", "significant", "serious")
#: When an adverse event began ("" when not recorded).
ADVERSE_EVENT_ONSETS: tuple[str, ...] = (
    "during needling",
    "later the same day",
    "within 48 hours",
    "later",
)


@dataclass(frozen=True)
class ScreeningAnswer:
    """One contraindication of the catalogue asked about: present or not, with a note."""

    contraindication_id: str
    present: bool
    note: str = ""


@dataclass(frozen=True)
class Screening:
    """A dated contraindication screening: the catalogue's list asked item by item."""

    screened_on: date
    answers: tuple[ScreeningAnswer, ...]

    def present(self) -> tuple[str, ...]:
        """Ids of the contraindications the patient has, in screening order."""
        return tuple(answer.contraindication_id for answer in self.answers if answer.present)


@dataclass(frozen=True)
class Consent:
    """Informed consent to dry needling: when, what was explained, and whether it was signed."""

    given_on: date
    explained: str
    signed: bool
    signed_by: str = ""


#: The outcome measures a treatment goal can be tied to ("": none, the goal is judged in words):
#: the visit's NPRS pain score (`Visit.pain_before`, 0–10, lower is better) or one activity of
#: its Patient-Specific Functional Scale (`Visit.psfs`, 0–10, higher is better).
GOAL_MEASURES: tuple[str, ...] = ("", "nprs", "psfs")
#: How a treatment goal stands: open while it is worked on, then how it ended.
GOAL_STATUSES: tuple[str, ...] = (
    "open",
    "achieved",
    "partly_achieved",
    "not_achieved",
    "discontinued",  # given up without judging it (the problem changed, care ended early)
)


@dataclass(frozen=True)
class TreatmentGoal:
    """A goal of the episode of care, in the patient's words ("Sit at work for 2 hours"),
    optionally tied to an outcome measure the visits record, with its score when the goal was
    set (`baseline`) and the score aimed for (`target`), both 0–10 on that measure's scale.

    `number` names the goal within the patient's record (1, 2, …; kept when others are
    added or closed). `measure` is one of GOAL_MEASURES; for "psfs", `activity` is the PSFS
    activity in the words the visits record it (matched ignoring case and spaces). `set_on`
    and `target_date` are calendar dates; `closed_on` is the date a goal left "open" (None
    while it is open).
    """

    number: int
    text: str
    set_on: date
    target_date: date | None = None
    measure: str = ""
    activity: str = ""
    baseline: int | None = None
    target: int | None = None
    status: str = "open"
    closed_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Patient:
    """A patient. Height, weight and sex matter: depth limits are chosen for build and sex.

    `goals` are the treatment goals of the patient's episode of care. They belong to the
    patient, not to a visit: a goal is set at one visit, reviewed over the following ones and
    closed at another, while a signed visit never changes; and the program keeps one episode
    per patient record. So they are saved with the patient's details (one version, one audit
    entry, one digest), and a save from a window that read an older version is refused.
    """

    id: PatientId
    family_name: str
    given_name: str
    date_of_birth: date
    sex: Sex
    height_cm: float | None = None
    weight_kg: float | None = None
    notes: str = ""
    screening: Screening | None = None
    consent: Consent | None = None
    goals: tuple[TreatmentGoal, ...] = ()
    #: The stored version this value was read at (0: never stored). A save names it, and is
    #: refused when the stored record has moved on (changed in another window meanwhile).
    #: Not part of equality: two values with the same content are the same record content.
    version: int = field(default=0, compare=False)

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}".strip(", ")

    @property
    def body_mass_index(self) -> float | None:
        """kg/m², or None when height or weight is unknown."""
        if not self.height_cm or not self.weight_kg:
            return None
        metres = self.height_cm / 100.0
        return self.weight_kg / (metres * metres)


@dataclass(frozen=True)
class PainMark:
    """One zone of a pain drawing: the zone's region id (`zone.<zone_id>.<side>`) and 0–10."""

    region_id: str
    intensity: int


@dataclass(frozen=True)
class NeedledPoint:
    """A trigger point in a visit's plan; the fields after `side` record what was done.

    `number` is the needle's number on the map (1, 2, …). `dose` says how much was given in the
    technique's own terms ("6 passes", "5 min"); `performed` is False while only planned.
    """

    number: int
    trigger_point_id: TriggerPointId
    side: Side
    performed: bool = False
    needle_length_mm: float | None = None
    needle_gauge_mm: float | None = None
    depth_mm: float | None = None
    technique: str | None = None
    dose: str = ""
    local_twitch: bool | None = None
    familiar_pain: bool | None = None
    tolerance: str | None = None
    needle_brand: str = ""
    needle_lot: str = ""
    # the trigger-point examination at this point (the international consensus criteria,
    # Fernández-de-las-Peñas & Dommerholt 2018: a taut band, a hypersensitive spot in it and
    # referred pain; the local twitch and familiar pain above); None: not examined
    taut_band: bool | None = None
    spot_tenderness: bool | None = None
    referred_pain: bool | None = None


@dataclass(frozen=True)
class AdverseEventRecord:
    """An adverse event seen in or after a visit: kind and severity, the needle concerned
    (its number in the plan; None: not one needle), when it began, what was done about it,
    and how it ended (follow-up and resolution, in words)."""

    kind: str
    severity: str
    note: str = ""
    needle_number: int | None = None
    onset: str = ""
    action_taken: str = ""
    resolution: str = ""


@dataclass(frozen=True)
class SafetyWarning:
    """A warning raised while planning, kept with the visit when the therapist proceeds.

    `kind`: "pneumothorax", "neurovascular", "organ", "both_sides_of_thorax",
    "contraindication", "precaution", "no_consent", "no_screening", "not_needled" (a point
    the catalogue says is treated by hand only).
    """

    kind: str
    message: str
    trigger_point_id: str | None = None
    side: str | None = None
    max_depth_mm: float | None = None


@dataclass(frozen=True)
class FunctionalActivity:
    """One item of the Patient-Specific Functional Scale (Stratford et al. 1995): an activity
    the patient finds hard, in their words, and how well they can do it now, 0 (unable) to
    10 (as before the problem)."""

    activity: str
    score: int


@dataclass(frozen=True)
class Diagnosis:
    """A diagnosis recorded at a visit by the therapist: its ICD-10-CM code and its name as
    chosen (a catalogue condition's, or the therapist's own words for another valid code)."""

    code: str
    display: str


@dataclass(frozen=True)
class Addendum:
    """A dated correction or addition to a finalised visit (finalised visits never change)."""

    written_at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class Visit:
    """One treatment visit: complaint, pain drawing, pain scores, plan and what was done."""

    id: VisitId
    patient_id: PatientId
    visit_date: date
    complaint: str = ""
    pain_drawing: tuple[PainMark, ...] = ()
    pain_before: int | None = None
    pain_after: int | None = None
    needles: tuple[NeedledPoint, ...] = ()
    adjuncts: tuple[str, ...] = ()
    adverse_events: tuple[AdverseEventRecord, ...] = ()
    warnings: tuple[SafetyWarning, ...] = ()
    notes: str = ""
    diagnoses: tuple[Diagnosis, ...] = ()
    # the visit as a SOAP note: what the patient reports, what was found, the therapist's
    # assessment and the plan of care (the needling plan itself is `needles`)
    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    care_plan: str = ""
    #: the Patient-Specific Functional Scale at this visit (up to five activities)
    psfs: tuple[FunctionalActivity, ...] = ()

    @property
    def psfs_score(self) -> float | None:
        """The PSFS score: the mean of the item scores (0–10), None when none were rated."""
        if not self.psfs:
            return None
        return sum(item.score for item in self.psfs) / len(self.psfs)

    finalised_at: datetime | None = None
    finalised_by: str = ""
    addenda: tuple[Addendum, ...] = field(default_factory=tuple)
    #: The stored version this value was read at (0: never stored). A save names it, and is
    #: refused when the stored record has moved on (changed in another window meanwhile).
    #: Not part of equality: two values with the same content are the same record content.
    version: int = field(default=0, compare=False)

    @property
    def finalised(self) -> bool:
        return self.finalised_at is not None
