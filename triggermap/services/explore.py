"""Use cases of the map explorer: a muscle's trigger points, their marks and referral zones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from triggermap.geometry.placement import where_it_lands
from triggermap.geometry.regions import RegionId

if TYPE_CHECKING:
    # Only named in annotations: the catalogue's classes arrive with the catalogue, and the
    # geometry (shapely) where it is used, both after the window's first paint.
    from triggermap.catalogue.model import Catalogue, Condition, TriggerPoint, TriggerPointId
    from triggermap.geometry.atlas import BodyView


@dataclass(frozen=True)
class TriggerPointMark:
    """Where to draw a trigger point's X in a view: body units, on the patient's `side`."""

    point_id: TriggerPointId
    label: str
    x: float
    y: float
    side: str


@dataclass(frozen=True)
class ReferralRegions:
    """The zones a trigger point refers pain to, on the side of the trigger point."""

    essential: tuple[RegionId, ...]
    spillover: tuple[RegionId, ...]


def trigger_points_by_prevalence(catalogue: Catalogue, muscle_id: str) -> list[TriggerPoint]:
    """A muscle's trigger points, most often found first (source order breaks ties)."""
    muscle = catalogue.muscles.get(muscle_id)
    if muscle is None:
        return []
    points = list(muscle.trigger_points)
    return sorted(points, key=lambda p: -p.prevalence_weight)


def trigger_point_marks(
    catalogue: Catalogue, view: BodyView, muscle: RegionId
) -> list[TriggerPointMark]:
    """X marks of a muscle's trigger points in one view, on the muscle's side.

    Catalogue coordinates are for the patient's right side; the left side's marks are their
    mirror. The view is drawn as it is, unreflected: a one-sided view (lateral) shows the
    right side only.
    """
    marks = []
    for point in trigger_points_by_prevalence(catalogue, muscle.name):
        if point.view != view.name:
            continue
        landing = where_it_lands(view, muscle, point.x, point.y, reflected_panels=False)
        if landing is None:
            continue
        marks.append(TriggerPointMark(point.id, point.label, landing.x, landing.y, muscle.side))
    return marks


def referral_regions(catalogue: Catalogue, point_id: TriggerPointId, side: str) -> ReferralRegions:
    """The essential and spillover zones of a trigger point on the patient's `side`.

    Referred pain of myofascial trigger points is felt on the same side as the trigger point;
    midline zones are shared by both sides.
    """
    point = catalogue.trigger_point(point_id)
    return ReferralRegions(
        tuple(zone_on_side(catalogue, z, side) for z in point.essential),
        tuple(zone_on_side(catalogue, z, side) for z in point.spillover),
    )


def zone_on_side(catalogue: Catalogue, zone_id: str, side: str) -> RegionId:
    """A zone on the patient's `side`; a midline zone belongs to both sides and stays midline."""
    zone = catalogue.zones.get(zone_id)
    midline = zone is not None and zone.sides == "midline"
    return RegionId("zone", zone_id, "midline" if midline else side)  # type: ignore[arg-type]


def conditions_of_muscle(catalogue: Catalogue, muscle_id: str) -> list[Condition]:
    """Conditions in which the muscle is commonly implicated, most strongly implicated first."""
    found = [c for c in catalogue.conditions.values() if muscle_id in c.muscles]
    return sorted(found, key=lambda c: (c.muscles.index(muscle_id), c.name))
