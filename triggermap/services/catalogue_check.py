"""Validate the catalogue sources against each other and against the atlas; count coverage."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import Point

from triggermap.catalogue.model import (
    BUILDS,
    CONTRAINDICATION_SCOPES,
    HAZARD_KINDS,
    HAZARD_SIDES,
    LIMIT_SEXES,
    REGIONS,
    SEVERITIES,
    VIEWS,
    Catalogue,
    Hazard,
    Muscle,
    TriggerPoint,
)
from triggermap.catalogue.toml_sources import Location, SourceIndex, read_catalogue_sources
from triggermap.clinic.safety import shortest_reaching_length_mm
from triggermap.geometry.atlas import Atlas
from triggermap.geometry.regions import RegionId

#: ICD-10-CM code shape: letter, two characters, optional dot and up to four more.
ICD10_CM = re.compile(r"[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?")

#: Muscles whose trigger points lie over the thorax or lung apex: each needs a pneumothorax
#: hazard, on the muscle or on every one of its trigger points.
OVER_THE_LUNG = (
    "upper_trapezius",
    "middle_trapezius",
    "lower_trapezius",
    "rhomboid_major",
    "rhomboid_minor",
    "serratus_anterior",
    "serratus_posterior_superior",
    "anterior_scalene",
    "middle_scalene",
    "posterior_scalene",
    "pectoralis_major",
    "pectoralis_minor",
    "subclavius",
    "supraspinatus",
    "infraspinatus",
    "iliocostalis_thoracis",
    "longissimus_thoracis",
    "latissimus_dorsi",
)

#: Hazard kinds that need an explicit depth limit for every build.
DEPTH_LIMITED_KINDS = ("pneumothorax", "organ")

#: How far outside its muscle's outline a trigger point may be drawn (body units): the
#: thickness of the outline stroke.
POINT_TOLERANCE = 0.5


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the catalogue, with where it was written."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class CoverageStats:
    """Counts that show how complete the catalogue is."""

    counts: dict[str, int]


def check_catalogue_folder(folder: Path, atlas: Atlas) -> list[Problem]:
    """Read the sources in `folder` and check them; structural errors raise."""
    catalogue, index = read_catalogue_sources(folder)
    return check_catalogue(catalogue, index, atlas)


def check_catalogue(catalogue: Catalogue, index: SourceIndex, atlas: Atlas) -> list[Problem]:
    """Every problem found, in source order."""
    problems: list[Problem] = []

    def report(kind: str, record_id: str, message: str) -> None:
        problems.append(Problem(index.of(kind, record_id), message))

    def need_source(kind: str, record_id: str, source: str, what: str = "") -> None:
        if not source:
            report(kind, record_id, f"{what or kind.replace('_', ' ')} {record_id} names no source")
        elif source not in catalogue.sources:
            report(
                kind,
                record_id,
                f"{what or kind.replace('_', ' ')} {record_id} cites unknown source {source!r}",
            )

    for zone in catalogue.zones.values():
        if zone.view not in VIEWS:
            report("zone", zone.id, f"zone {zone.id} names unknown view {zone.view!r}")

    for muscle in catalogue.muscles.values():
        need_source("muscle", muscle.id, muscle.source)
        if muscle.region not in REGIONS:
            report("muscle", muscle.id, f"muscle {muscle.id} has unknown region {muscle.region!r}")
        if not muscle.trigger_points:
            report("muscle", muscle.id, f"muscle {muscle.id} has no trigger point")
        for hazard in muscle.hazards:
            _check_hazard(hazard, "muscle", muscle.id, report, need_source)
        for point in muscle.trigger_points:
            need_source("trigger_point", point.id, point.source)
            _check_point_zones(catalogue, point, report)
            _check_point_position(atlas, point, report)
            for hazard in point.hazards:
                _check_hazard(hazard, "trigger_point", point.id, report, need_source)
            if point.needling is None and not point.not_needled:
                report(
                    "trigger_point",
                    point.id,
                    f"trigger point {point.id} has no needling guidance "
                    "(nor says why it is not needled: not_needled)",
                )
            elif point.needling is not None and point.not_needled:
                report(
                    "trigger_point",
                    point.id,
                    f"trigger point {point.id} has needling guidance but says it is not needled",
                )
            elif point.needling is not None:
                needling = point.needling
                if not 0 <= needling.depth_min_mm <= needling.depth_max_mm:
                    report(
                        "trigger_point",
                        point.id,
                        f"trigger point {point.id}: needling depth range is not 0 ≤ minimum ≤ maximum",
                    )
                if not needling.needles:
                    report(
                        "trigger_point",
                        point.id,
                        f"trigger point {point.id}: needling suggests no needle",
                    )
                if needling.source:
                    need_source("trigger_point", point.id, needling.source, "needling of")
                _check_needles_over_thorax(muscle, point, report)
        if muscle.id in OVER_THE_LUNG:
            covered = any(h.kind == "pneumothorax" for h in muscle.hazards) or (
                muscle.trigger_points
                and all(
                    any(h.kind == "pneumothorax" for h in p.hazards) for p in muscle.trigger_points
                )
            )
            if not covered:
                report(
                    "muscle",
                    muscle.id,
                    f"muscle {muscle.id} lies over the lung but carries no pneumothorax hazard",
                )

    for condition in catalogue.conditions.values():
        need_source("condition", condition.id, condition.source)
        if condition.first_listed and not ICD10_CM.fullmatch(condition.first_listed):
            report(
                "condition",
                condition.id,
                f"condition {condition.id}: first-listed {condition.first_listed!r} is not an "
                "ICD-10-CM code",
            )
        if not ICD10_CM.fullmatch(condition.icd10):
            report(
                "condition",
                condition.id,
                f"condition {condition.id}: {condition.icd10!r} is not an ICD-10-CM code",
            )
        if not condition.muscles:
            report("condition", condition.id, f"condition {condition.id} names no muscle")
        for muscle_id in condition.muscles:
            if muscle_id not in catalogue.muscles:
                report(
                    "condition",
                    condition.id,
                    f"condition {condition.id} names unknown muscle {muscle_id!r}",
                )
    point_ids = {p.id for p in catalogue.trigger_points()}
    for item in catalogue.contraindications.values():
        need_source("contraindication", item.id, item.source)
        if item.severity not in SEVERITIES:
            report(
                "contraindication",
                item.id,
                f"contraindication {item.id}: severity {item.severity!r} is not one of {', '.join(SEVERITIES)}",
            )
        if item.scope not in CONTRAINDICATION_SCOPES:
            report(
                "contraindication",
                item.id,
                f"contraindication {item.id}: scope {item.scope!r} is not one of "
                f"{', '.join(CONTRAINDICATION_SCOPES)}",
            )
        for field, wanted, known in (
            ("avoid_muscles", item.avoid_muscles, catalogue.muscles),
            ("avoid_points", item.avoid_points, point_ids),
        ):
            for unknown in (identifier for identifier in wanted if identifier not in known):
                report(
                    "contraindication",
                    item.id,
                    f"contraindication {item.id}: {field} names unknown id {unknown!r}",
                )
    for event in catalogue.adverse_events.values():
        need_source("adverse_event", event.id, event.source)
    for caveat in catalogue.caveats.values():
        need_source("caveat", caveat.id, caveat.source)

    problems.extend(_check_against_atlas(catalogue, index, atlas))
    return problems


def _check_hazard(hazard: Hazard, kind: str, record_id: str, report, need_source) -> None:
    if hazard.kind not in HAZARD_KINDS:
        report(
            kind,
            record_id,
            f"{record_id}: hazard kind {hazard.kind!r} is not one of {', '.join(HAZARD_KINDS)}",
        )
    need_source(kind, record_id, hazard.source, "hazard of")
    what = f"{record_id}: {hazard.kind} hazard ({hazard.structure[:40]})"
    if hazard.side not in HAZARD_SIDES:
        report(kind, record_id, f"{what}: side {hazard.side!r} is not left, right or empty")
    any_sex = {row.build: row.max_depth_mm for row in hazard.limits if row.sex == "any"}
    if hazard.kind in DEPTH_LIMITED_KINDS or hazard.limits:
        missing = [build for build in BUILDS if build not in any_sex]
        if missing:
            report(
                kind,
                record_id,
                f"{what}: needs a depth limit for every build; none for {', '.join(missing)}",
            )
    for row in hazard.limits:
        if row.build not in BUILDS:
            report(kind, record_id, f"{what}: limit for unknown build {row.build!r}")
        if row.sex not in LIMIT_SEXES:
            report(kind, record_id, f"{what}: limit for unknown sex {row.sex!r}")
        if row.source:
            need_source(kind, record_id, row.source, "depth limit of")
    for sex in LIMIT_SEXES:
        by_build = {r.build: r.max_depth_mm for r in hazard.limits if r.sex == sex}
        if "slim" in by_build and "average" in by_build and by_build["slim"] > by_build["average"]:
            report(
                kind,
                record_id,
                f"{what}: the slim limit ({by_build['slim']:g} mm) is above the average limit "
                f"({by_build['average']:g} mm)",
            )
        if sex == "any":
            continue
        for build, depth in by_build.items():
            if build in any_sex and any_sex[build] > depth:
                # the figure for any sex is used when sex is not recorded: the safe end
                report(
                    kind,
                    record_id,
                    f"{what}: the {build} limit for any sex ({any_sex[build]:g} mm) is above "
                    f"the {sex} limit ({depth:g} mm)",
                )


def _check_needles_over_thorax(muscle: Muscle, point: TriggerPoint, report) -> None:
    """Over the chest wall a needle no longer than needed, and a depth within the slim limit."""
    needling = point.needling
    hazards = [h for h in (*muscle.hazards, *point.hazards) if h.kind == "pneumothorax"]
    slim = [r.max_depth_mm for h in hazards for r in h.limits if r.build == "slim"]
    if needling is None or not hazards:
        return
    if slim and needling.depth_max_mm > min(slim):
        report(
            "trigger_point",
            point.id,
            f"trigger point {point.id}: suggested depth {needling.depth_max_mm:g} mm exceeds "
            f"its slim-build pneumothorax limit {min(slim):g} mm",
        )
    enough = shortest_reaching_length_mm(needling.depth_max_mm)
    for needle in needling.needles:
        if needle.length_mm > enough:
            report(
                "trigger_point",
                point.id,
                f"trigger point {point.id}: the {needle.build} needle of {needle.length_mm:g} mm "
                f"is longer than needed over the thorax; {enough:g} mm reaches the "
                f"{needling.depth_max_mm:g} mm depth",
            )


def _check_point_zones(catalogue: Catalogue, point, report) -> None:
    if not point.essential:
        report(
            "trigger_point", point.id, f"trigger point {point.id} has no essential referral zone"
        )
    for zone in (*point.essential, *point.spillover):
        if zone not in catalogue.zones:
            report(
                "trigger_point",
                point.id,
                f"trigger point {point.id} refers to unknown zone {zone!r}",
            )
    both = set(point.essential) & set(point.spillover)
    if both:
        report(
            "trigger_point",
            point.id,
            f"trigger point {point.id} lists {', '.join(sorted(both))} as both essential and spillover",
        )


def _check_point_position(atlas: Atlas, point, report) -> None:
    if point.view not in atlas.views:
        report(
            "trigger_point", point.id, f"trigger point {point.id} names unknown view {point.view!r}"
        )
        return
    view = atlas.views[point.view]
    region = view.region(RegionId("muscle", point.muscle_id, "right"))
    if region is None:
        report(
            "trigger_point",
            point.id,
            f"trigger point {point.id}: the {point.view} view does not show muscle.{point.muscle_id}.right",
        )
        return
    if view.silhouette.distance(Point(point.x, point.y)) > POINT_TOLERANCE:
        report(
            "trigger_point",
            point.id,
            f"trigger point {point.id} at ({point.x:g}, {point.y:g}) lies outside the body outline of the {point.view} view",
        )
    distance = region.area.distance(Point(point.x, point.y))
    if distance > POINT_TOLERANCE:
        report(
            "trigger_point",
            point.id,
            f"trigger point {point.id} at ({point.x:g}, {point.y:g}) lies {distance:.1f} body units outside muscle.{point.muscle_id}.right in the {point.view} view",
        )


def _check_against_atlas(catalogue: Catalogue, index: SourceIndex, atlas: Atlas) -> list[Problem]:
    problems = []
    atlas_muscles: set[str] = set()
    atlas_zones: set[str] = set()
    for view in atlas.views.values():
        for region_id in view.region_ids():
            (atlas_zones if region_id.kind == "zone" else atlas_muscles).add(region_id.name)
            if region_id.kind == "zone" and region_id.name in catalogue.zones:
                midline = catalogue.zones[region_id.name].sides == "midline"
                if midline != (region_id.side == "midline"):
                    problems.append(
                        Problem(
                            index.of("zone", region_id.name),
                            f"{region_id} in the {view.name} view does not match zone sides {catalogue.zones[region_id.name].sides!r}",
                        )
                    )
    for kind, drawn, catalogued, file in (
        ("muscle", atlas_muscles, set(catalogue.muscles), "the catalogue"),
        ("zone", atlas_zones, set(catalogue.zones), "zones.toml"),
    ):
        for name in sorted(drawn - catalogued):
            problems.append(
                Problem(
                    Location("assets/svg", 0),
                    f"{kind} {name} is drawn in the atlas but missing from {file}",
                )
            )
        for name in sorted(catalogued - drawn):
            problems.append(
                Problem(index.of(kind, name), f"{kind} {name} is not drawn in any atlas view")
            )
    return problems


def coverage_stats(catalogue: Catalogue) -> CoverageStats:
    """Counts of each kind of record, for `triggermap catalogue stats`."""
    points = catalogue.trigger_points()
    hazards = [h for m in catalogue.muscles.values() for h in m.hazards] + [
        h for p in points for h in p.hazards
    ]
    kinds = Counter(h.kind for h in hazards)
    severities = Counter(c.severity for c in catalogue.contraindications.values())
    counts = {
        "muscles": len(catalogue.muscles),
        "muscles with trigger points": sum(
            1 for m in catalogue.muscles.values() if m.trigger_points
        ),
        "trigger points": len(points),
        "referral zones (essential)": sum(len(p.essential) for p in points),
        "referral zones (spillover)": sum(len(p.spillover) for p in points),
        "trigger points with needling guidance": sum(1 for p in points if p.needling),
        "trigger points treated by hand, not needled": sum(1 for p in points if p.not_needled),
        "hazards": len(hazards),
        "pneumothorax hazards": kinds["pneumothorax"],
        "neurovascular hazards": kinds["neurovascular"],
        "organ hazards": kinds["organ"],
        "zones": len(catalogue.zones),
        "zones per side (left/right pairs)": sum(
            1 for z in catalogue.zones.values() if z.sides == "both"
        ),
        "conditions": len(catalogue.conditions),
        "contraindications (absolute)": severities["absolute"],
        "contraindications (relative)": severities["relative"],
        "precautions": severities["precaution"],
        "adverse events": len(catalogue.adverse_events),
        "caveats": len(catalogue.caveats),
        "sources": len(catalogue.sources),
    }
    return CoverageStats(counts)
