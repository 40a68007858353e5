"""Domain values of the catalogue. Frozen dataclasses with typed ids; lengths in millimetres."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NewType

from triggermap.geometry.regions import PAIRED_SIDES

MuscleId = NewType("MuscleId", str)
ZoneId = NewType("ZoneId", str)
TriggerPointId = NewType("TriggerPointId", str)
ConditionId = NewType("ConditionId", str)
SourceId = NewType("SourceId", str)

Prevalence = Literal["very_common", "common", "occasional", "rare"]
#: Prevalence grades as weights for ranking candidates: a higher weight is found more often.
PREVALENCE_WEIGHT: dict[str, int] = {"very_common": 4, "common": 3, "occasional": 2, "rare": 1}
HAZARD_KINDS = ("pneumothorax", "neurovascular", "organ", "other")
SEVERITIES = ("absolute", "relative", "precaution")
#: Body builds that needle choices and depth limits are given for.
BUILDS = ("slim", "average", "large")
#: The sexes a depth limit may be given for; "any" holds where no study separates them.
LIMIT_SEXES = ("female", "male", "any")
#: Sides a hazard may be confined to; "" means both sides (the heart lies on the left).
HAZARD_SIDES = ("", *PAIRED_SIDES)
#: What a contraindication concerns: the whole patient, only the affected area or limb, or
#: electrical stimulation through the needle (not needling itself).
CONTRAINDICATION_SCOPES = ("whole", "area", "electrical_stimulation")
#: Common lengths of dry-needling needles (mm), shortest first.
COMMON_NEEDLE_LENGTHS_MM = (13.0, 15.0, 25.0, 30.0, 40.0, 50.0, 60.0, 75.0, 100.0)
VIEWS = ("anterior", "posterior", "lateral", "head", "hand", "foot", "pelvis")
REGIONS = (
    "head_and_face",
    "neck_and_shoulder",
    "upper_arm",
    "forearm_and_hand",
    "trunk",
    "hip_and_pelvis",
    "thigh",
    "leg_and_foot",
)


@dataclass(frozen=True)
class Source:
    """A published work that catalogue records cite."""

    id: SourceId
    citation: str


@dataclass(frozen=True)
class Zone:
    """A skin-surface zone; `sides` is "both" (left and right) or "midline"."""

    id: ZoneId
    name: str
    view: str
    sides: Literal["both", "midline"]


@dataclass(frozen=True)
class HazardLimit:
    """The deepest safe insertion (mm) for one build and sex, and the work it rests on."""

    build: str
    sex: str
    max_depth_mm: float
    source: SourceId


@dataclass(frozen=True)
class Hazard:
    """Something a needle could injure near a trigger point or muscle.

    `limits` are explicit depth limits per build and sex (no multipliers); `max_depth_mm` is the
    average-build figure for any sex, or None where the hazard is avoided by direction rather
    than depth. `side` is "" for both sides, else the only side the hazard lies on.
    `limits_note` says why the figures were chosen, and which build or sex has no published
    measurement.
    """

    kind: str
    structure: str
    max_depth_mm: float | None
    technique: str
    note: str
    source: SourceId
    side: str = ""
    limits: tuple[HazardLimit, ...] = ()
    limits_note: str = ""

    def applies_to_side(self, side: str) -> bool:
        """True when a needle on the patient's `side` ("left" or "right") meets this hazard."""
        return not self.side or self.side == side

    def limit_for(self, build: str, sex: str) -> HazardLimit | None:
        """The limit for this build and sex: a sex-specific row where one exists, else the row
        for any sex; None when the hazard has no depth limit for the build."""
        rows = [row for row in self.limits if row.build == build]
        for wanted in (sex, "any"):
            for row in rows:
                if row.sex == wanted:
                    return row
        return None


@dataclass(frozen=True)
class NeedleChoice:
    """A suggested needle for one body build: length and gauge (diameter) in millimetres."""

    build: str
    length_mm: float
    gauge_mm: float


@dataclass(frozen=True)
class Needling:
    """How to needle a trigger point: position, approach, palpation and depth range (mm)."""

    position: str
    approach: str
    palpation: str
    depth_min_mm: float
    depth_max_mm: float
    needles: tuple[NeedleChoice, ...]
    source: SourceId


@dataclass(frozen=True)
class TriggerPoint:
    """A trigger point: where it lies (body units of `view`, patient's right side) and where
    its pain refers (essential and spillover zones)."""

    id: TriggerPointId
    muscle_id: MuscleId
    label: str
    view: str
    x: float
    y: float
    prevalence: Prevalence
    location: str
    essential: tuple[ZoneId, ...]
    spillover: tuple[ZoneId, ...]
    symptoms: tuple[str, ...]
    perpetuating_factors: tuple[str, ...]
    needling: Needling | None
    hazards: tuple[Hazard, ...]
    source: SourceId
    #: why the point is treated by hand and never needled (the diaphragm, for one), in place
    #: of needling guidance; "" for a point that is needled
    not_needled: str = ""

    @property
    def prevalence_weight(self) -> int:
        return PREVALENCE_WEIGHT[self.prevalence]


@dataclass(frozen=True)
class Muscle:
    """A muscle with its anatomy and trigger points; hazards here apply to all its points."""

    id: MuscleId
    name: str
    latin_name: str
    synonyms: tuple[str, ...]
    region: str
    origin: str
    insertion: str
    action: str
    innervation: str
    source: SourceId
    hazards: tuple[Hazard, ...] = ()
    trigger_points: tuple[TriggerPoint, ...] = ()


@dataclass(frozen=True)
class Condition:
    """A condition with its ICD-10-CM code and the muscles commonly implicated, most first."""

    id: ConditionId
    name: str
    icd10: str
    synonyms: tuple[str, ...]
    description: str
    muscles: tuple[MuscleId, ...]
    source: SourceId
    #: an ICD-10-CM code listed before `icd10` when the condition is recorded (Z41.1,
    #: "Encounter for cosmetic surgery", before the wrinkle code); "" when none
    first_listed: str = ""

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes a visit records for this condition, in the order they are listed."""
        return (self.first_listed, self.icd10) if self.first_listed else (self.icd10,)

    @property
    def codes_text(self) -> str:
        """The codes as a reader sees them: "R23.4", or "Z41.1 then R23.4"."""
        return " then ".join(self.codes)


@dataclass(frozen=True)
class Contraindication:
    """A reason not to needle, or to needle with care: absolute, relative or precaution."""

    id: str
    name: str
    severity: str
    note: str
    source: SourceId
    scope: str = "whole"
    avoid_muscles: tuple[MuscleId, ...] = ()
    avoid_points: tuple[TriggerPointId, ...] = ()
    avoid_note: str = ""
    under_age_years: int | None = None


@dataclass(frozen=True)
class AdverseEvent:
    """An expected adverse event of dry needling with its published rate in words."""

    id: str
    name: str
    seriousness: str
    rate: str
    note: str
    source: SourceId


@dataclass(frozen=True)
class Caveat:
    """A statement the program shows beside referral maps (e.g. individual variation)."""

    id: str
    text: str
    source: SourceId


@dataclass(frozen=True)
class Catalogue:
    """The whole catalogue, each kind of record by id, in source order."""

    sources: dict[SourceId, Source] = field(default_factory=dict)
    zones: dict[ZoneId, Zone] = field(default_factory=dict)
    muscles: dict[MuscleId, Muscle] = field(default_factory=dict)
    conditions: dict[ConditionId, Condition] = field(default_factory=dict)
    contraindications: dict[str, Contraindication] = field(default_factory=dict)
    adverse_events: dict[str, AdverseEvent] = field(default_factory=dict)
    caveats: dict[str, Caveat] = field(default_factory=dict)

    def trigger_points(self) -> list[TriggerPoint]:
        """Every trigger point, muscle by muscle in source order."""
        return [point for muscle in self.muscles.values() for point in muscle.trigger_points]

    def trigger_point(self, point_id: TriggerPointId) -> TriggerPoint:
        muscle_id = MuscleId(point_id.split(".", 1)[0])
        muscle = self.muscles.get(muscle_id)
        for point in muscle.trigger_points if muscle else ():
            if point.id == point_id:
                return point
        raise KeyError(f"no trigger point {point_id!r}")


def point_title(catalogue: Catalogue, point: TriggerPoint | str) -> str:
    """A trigger point as a clinician reads it: "Upper trapezius TrP1", "Deltoid, central";
    the id itself when the catalogue lacks it (a point a later catalogue dropped)."""
    if not isinstance(point, TriggerPoint):
        try:
            point = catalogue.trigger_point(TriggerPointId(point))
        except KeyError:
            return str(point)
    muscle = catalogue.muscles.get(point.muscle_id)
    name = muscle.name if muscle is not None else point.muscle_id
    if point.label.lower().startswith("trp"):
        return f"{name} {point.label}"
    return f"{name}, {point.label.replace('_', ' ')}"
