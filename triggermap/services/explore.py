"""Use cases of the map explorer: a muscle's trigger points, their marks and referral zones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from triggermap.geometry.placement import where_it_lands
from triggermap.geometry.regions import RegionId

if TYPE_CHECKING:
    # Only named in annotations: the catalogue's classes arrive with the catalogue, and the
    # geometry (shapely) where it is used, both after the window's first paint.
    from triggermap.catalogue.model import Catalogue, Condition, TriggerPoint, TriggerPointId
    from triggermap.geometry.atlas import Atlas, BodyView


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


@dataclass(frozen=True)
class PointViews:
    """Where to look at a trigger point: the map's choice of views that shows its X and most
    of its pattern (or, when no figure shows both, the pattern), and the views that hold the
    part of the pattern that choice does not."""

    views: tuple[str, ...]
    elsewhere: tuple[str, ...]
    #: False when the X is in a view other than these (no figure shows both)
    shows_point: bool = True


def views_for_point(
    atlas: Atlas,
    catalogue: Catalogue,
    point: TriggerPoint,
    side: str,
    choices: Sequence[tuple[str, ...]],
) -> PointViews:
    """The first of the map's `choices` (single views and side-by-side pairs) that shows the
    point's X (its own view) with its whole pattern; else its whole essential pattern; else
    the most of the essential pattern; and when that is none of it, the choice that shows
    the most of the pattern, without the X. The point's own view alone wins ties, so a
    pattern that fits beside the point is not shown on a pair of smaller figures."""
    zones = referral_regions(catalogue, point.id, side)
    essential, everything = zones.essential, (*zones.essential, *zones.spillover)
    holding = [c for c in choices if point.view in c and all(v in atlas.views for v in c)]
    holding.sort(key=lambda c: (c != (point.view,), len(c)))
    if not holding:
        return PointViews((point.view,), ())

    def shown(views: tuple[str, ...], wanted: tuple[RegionId, ...]) -> int:
        return sum(any(atlas.view(v).region(z) is not None for v in views) for z in wanted)

    best = next((c for c in holding if shown(c, everything) == len(everything)), None)
    best = best or next((c for c in holding if shown(c, essential) == len(essential)), None)
    best = best or max(holding, key=lambda c: shown(c, essential))
    if essential and not shown(best, essential):
        # no figure with the X shows any of the pattern (the scalenes' X is on the head
        # view, their pain on the chest and arm): the pattern where it is, the X elsewhere
        usable = sorted(
            (c for c in choices if all(v in atlas.views for v in c)), key=lambda c: len(c)
        )
        best = max(usable, key=lambda c: shown(c, essential))
    missing = [z for z in everything if not any(atlas.view(v).region(z) is not None for v in best)]
    elsewhere = tuple(
        name
        for name, view in atlas.views.items()
        if name not in best and any(view.region(z) is not None for z in missing)
    )
    return PointViews(best, elsewhere, point.view in best)
