"""The patient record in the printed documents' words: needled points, pain zones, dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from triggermap.catalogue.model import Catalogue, SourceId, TriggerPoint
from triggermap.clinic.examination import examination_words
from triggermap.clinic.model import NeedledPoint, PainMark
from triggermap.clinic.patient_primer import PrimerSection
from triggermap.clinic.safety import limits_in_words
from triggermap.geometry.regions import parse_region_id

_VIEW_WORDS = {
    "anterior": "front",
    "posterior": "back",
    "lateral": "side",
    "head": "head and neck",
    "hand": "hand",
    "foot": "foot",
    "pelvis": "pelvic floor",
}


def _point(catalogue: Catalogue, needle: NeedledPoint) -> TriggerPoint | None:
    try:
        return catalogue.trigger_point(needle.trigger_point_id)
    except KeyError:
        return None


def plain_needle(needle: NeedledPoint, catalogue: Catalogue) -> str:
    """ "Upper trapezius, on your left (back view): pain from it usually spreads to …"."""
    point = _point(catalogue, needle)
    if point is None:
        return f"{needle.trigger_point_id}, on your {needle.side}"
    muscle = catalogue.muscles[point.muscle_id]
    view = _VIEW_WORDS.get(point.view, point.view)
    text = f"{muscle.name}, on your {needle.side} ({view} view)"
    zones = [catalogue.zones[z].name for z in point.essential if z in catalogue.zones]
    if zones:
        text += ". Pain from it usually spreads to: " + ", ".join(
            z[:1].lower() + z[1:] for z in zones
        )
    return text + "."


def clinical_needle(needle: NeedledPoint, catalogue: Catalogue) -> str:
    point = _point(catalogue, needle)
    if point is None:
        head = f"{needle.trigger_point_id} {needle.side.upper()}"
    else:
        muscle = catalogue.muscles[point.muscle_id]
        head = f"{muscle.name} {point.label} {needle.side.upper()} ({point.view})"
    parts = [head, "performed" if needle.performed else "planned, not performed"]
    if needle.depth_mm is not None:
        parts.append(f"depth {needle.depth_mm:g} mm")
    if needle.needle_gauge_mm is not None or needle.needle_length_mm is not None:
        gauge = f"{needle.needle_gauge_mm:g}" if needle.needle_gauge_mm is not None else "?"
        length = f"{needle.needle_length_mm:g}" if needle.needle_length_mm is not None else "?"
        parts.append(f"needle {gauge} × {length} mm")
    if needle.technique:
        parts.append(
            needle.technique.replace("_", " ") + (f" {needle.dose}" if needle.dose else "")
        )
    if needle.local_twitch is not None:
        parts.append("twitch" if needle.local_twitch else "no twitch")
    if needle.familiar_pain is not None:
        parts.append("familiar pain" if needle.familiar_pain else "no familiar pain")
    parts.extend(examination_words(needle))
    if needle.tolerance:
        parts.append(f"tolerated {needle.tolerance}")
    if needle.needle_brand or needle.needle_lot:
        parts.append(f"needle {needle.needle_brand} lot {needle.needle_lot or '—'}".strip())
    if point is not None:
        for hazard in point.hazards:
            if hazard.limits and hazard.applies_to_side(needle.side):
                parts.append(f"{hazard.kind} hazard: max {limits_in_words(hazard)}")
    return "; ".join(parts) + "."


def zone_words(mark: PainMark, catalogue: Catalogue) -> str:
    """ "Temple, left 7/10" for a pain-drawing mark."""
    try:
        region = parse_region_id(mark.region_id)
    except ValueError:
        return f"{mark.region_id} {mark.intensity}/10"
    zone = catalogue.zones.get(region.name)
    return f"{zone.name if zone else region.name}, {region.side} {mark.intensity}/10"


def cited(catalogue: Catalogue, sections: Sequence[PrimerSection]) -> list[str]:
    ids: list[SourceId] = []
    for section in sections:
        ids.extend(s for s in section.sources if s not in ids)
    return [catalogue.sources[s].citation for s in ids if s in catalogue.sources]


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
