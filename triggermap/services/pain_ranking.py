"""'Where does it hurt?': rank trigger points whose referral patterns explain a pain drawing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from triggermap.geometry.regions import PAIRED_SIDES, RegionId
from triggermap.services.explore import zone_on_side

if TYPE_CHECKING:
    # Only named in annotations: the catalogue's classes arrive with the catalogue, and the
    # geometry (shapely) where it is used, both after the window's first paint.
    from triggermap.catalogue.model import Catalogue, TriggerPointId
    from triggermap.geometry.atlas import Atlas

#: How much a drawn zone counts when it lies in a pattern's spillover rather than its
#: essential zone (Travell & Simons: spillover is felt only in some patients).
SPILLOVER_WEIGHT = 0.5

#: Multiplier by prevalence grade: among equally good explanations, the point found more
#: often ranks higher, but prevalence never outweighs a clearly better fit.
PREVALENCE_FACTOR = {"very_common": 1.0, "common": 0.9, "occasional": 0.8, "rare": 0.7}


@dataclass(frozen=True)
class Candidate:
    """A trigger point on one side that explains part of the drawing, and why.

    `fit` (0–1) is how well the whole pattern matches the drawing: the area they share
    against both (a Dice coefficient over zone areas, the drawing weighted by intensity,
    spillover counting half). `coverage` is the share (0–1) of the drawing the pattern
    explains. `score` is the fit with the prevalence factor. A point whose spillover alone
    covers the drawing is a candidate too (`essential_hits` empty), ranked below every point
    whose essential zone does.
    """

    point_id: TriggerPointId
    side: str
    score: float
    coverage: float
    essential_hits: tuple[str, ...]
    spillover_hits: tuple[str, ...]
    prevalence: str
    fit: float = 0.0

    def reason(self, zone_names: Mapping[str, str]) -> str:
        """Why it ranks where it does, in plain words."""
        essential = ", ".join(zone_names.get(z, z) for z in self.essential_hits)
        spill = ", ".join(zone_names.get(z, z) for z in self.spillover_hits)
        text = f"explains {round(100 * self.coverage)}% of the drawing"
        if essential:
            text += f"; main pattern covers {essential}"
        if spill:
            text += f"; spillover covers {spill}"
        if not essential:
            text += " (spillover only)"
        return text + f"; {self.prevalence.replace('_', ' ')}"


#: Views drawn at the scale of the whole body, where zone areas are comparable.
FULL_BODY_VIEWS = ("anterior", "posterior", "lateral")

#: Linear scale of the close-up views relative to the full-body figure (a foot is about 260
#: body units long in the full-body views and about 460 in the foot view; the ischial
#: tuberosities, some 12 cm or 125 body units apart in an adult, are 350 apart in the pelvis
#: view).
CLOSE_UP_SCALE = {"head": 0.41, "hand": 0.47, "foot": 0.57, "pelvis": 0.36}


def zone_weights(atlas: Atlas, catalogue: Catalogue) -> dict[str, float]:
    """The skin area of each zone on one side, in square body units at full-body scale, so
    that a painted large zone counts for more than a painted small one.

    The largest area among the full-body views is used; zones seen only in a close-up view
    (the sole of the foot) are scaled down to full-body size.
    """
    weights: dict[str, float] = {}
    for zone in catalogue.zones.values():
        region_id = zone_on_side(catalogue, zone.id, "right")
        areas = [
            float(view.region(region_id).area.area)
            for name, view in atlas.views.items()
            if name in FULL_BODY_VIEWS and view.region(region_id) is not None
        ]
        if not areas:
            areas = [
                float(view.region(region_id).area.area) * CLOSE_UP_SCALE.get(name, 1.0) ** 2
                for name, view in atlas.views.items()
                if view.region(region_id) is not None
            ]
        if areas:
            weights[zone.id] = max(areas)
    return weights


def rank_trigger_points(
    drawing: Mapping[RegionId, float],
    catalogue: Catalogue,
    weights: Mapping[str, float],
    limit: int = 20,
) -> list[Candidate]:
    """Trigger points whose patterns explain a pain drawing, best first.

    `drawing` maps painted zones (with side) to pain intensity 0–10. A candidate has at
    least one zone of its pattern in the drawing; those with an essential zone there come
    first. Within each group: by fit with the prevalence factor, then by how much of the
    drawing is explained, then the more often found point, then catalogue order (never by
    name). Pain is referred to the trigger point's own side; midline zones belong to both.
    """
    painted = {zone: intensity for zone, intensity in drawing.items() if intensity > 0}
    if not painted:
        return []
    average_area = sum(weights.values()) / max(len(weights), 1) or 1.0

    def area(zone_id: str) -> float:
        return weights.get(zone_id, average_area)

    def drawn(zone: RegionId) -> float:
        return area(zone.name) * min(painted[zone], 10.0) / 10.0

    total = sum(drawn(zone) for zone in painted)
    candidates = []
    for order, point in enumerate(catalogue.trigger_points()):
        for side in PAIRED_SIDES:

            def sided(zone_id: str, side: str = side) -> RegionId:
                return zone_on_side(catalogue, zone_id, side)

            essential = [z for z in point.essential if sided(z) in painted]
            spillover = [z for z in point.spillover if sided(z) in painted]
            if not essential and not spillover:
                continue
            # the pattern's weight per zone: essential whole, spillover half
            pattern = {z: area(z) for z in point.essential}
            for z in point.spillover:
                pattern.setdefault(z, SPILLOVER_WEIGHT * area(z))
            shared = sum(min(drawn(sided(z)), pattern[z]) for z in (*essential, *spillover))
            fit = 2 * shared / (total + sum(pattern.values()))
            explained = sum(drawn(sided(z)) for z in essential) + SPILLOVER_WEIGHT * sum(
                drawn(sided(z)) for z in spillover
            )
            candidates.append(
                (
                    (
                        not essential,
                        -fit * PREVALENCE_FACTOR[point.prevalence],
                        -explained,
                        -point.prevalence_weight,
                        order,
                        side,
                    ),
                    Candidate(
                        point.id,
                        side,
                        fit * PREVALENCE_FACTOR[point.prevalence],
                        explained / total,
                        tuple(essential),
                        tuple(spillover),
                        point.prevalence,
                        fit,
                    ),
                )
            )
    candidates.sort(key=lambda pair: pair[0])
    return [candidate for _, candidate in candidates[:limit]]
