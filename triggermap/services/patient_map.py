"""A patient's map of one visit: per body-view panel, the pain drawing, referral zones and needles.

Pure geometry over body units, no Qt: the picture (ui.patient_map_picture) only draws what this
lists, so which panel each thing lands on is decided and tested here, by the one rule of sides
and views (geometry.placement) that the map window and the study pages use too.

Panels: the front (anterior) and back (posterior) views always, side by side; then any other
view holding a needled point, and the best view of any painted or referral zone that neither of
those shows. A one-sided view (lateral, drawn as the patient's right) that must show the
patient's left becomes a second, mirrored panel: the two sides never share a panel of that view.
"""

from __future__ import annotations

from dataclasses import dataclass

from triggermap import resources
from triggermap.catalogue.model import VIEWS, Catalogue, MuscleId, TriggerPointId
from triggermap.clinic.model import Visit
from triggermap.geometry.atlas import Atlas
from triggermap.geometry.placement import (
    drawn_mirrored,
    panel_region_area,
    panel_shows,
    where_it_lands,
)
from triggermap.geometry.regions import RegionId, parse_region_id
from triggermap.services.explore import referral_regions

# Which panel shows a region, and where a needle lands on it, is geometry.placement's one rule;
# the region look-ups stay importable from here, where callers of the map have found them.
__all__ = [
    "MapPanel",
    "NeedleMark",
    "PaintedZone",
    "PatientMap",
    "panel_region_area",
    "panel_shows",
    "patient_map",
]


#: Views every patient map shows, left to right: front, then back.
BASE_VIEWS: tuple[str, ...] = ("anterior", "posterior")


@dataclass(frozen=True)
class NeedleMark:
    """A numbered needle on a panel at (x, y) body units of the panel as drawn; `side` is the
    patient's side; `performed` is False for a needle only planned."""

    number: int
    trigger_point_id: TriggerPointId
    muscle_id: MuscleId
    x: float
    y: float
    side: str
    performed: bool


@dataclass(frozen=True)
class PaintedZone:
    """A zone of the pain drawing with its intensity (0–10 numeric rating scale)."""

    region_id: RegionId
    intensity: int


@dataclass(frozen=True)
class MapPanel:
    """One labelled picture of a body view with what lands on it.

    `mirrored` is True for a one-sided view drawn reflected to show the patient's left side;
    its region ids keep the patient's true side (`left`) and the drawing finds their shape by
    mirroring the right side's. Needle coordinates are already in the drawn (mirrored) frame.
    """

    view: str
    mirrored: bool
    caption: str
    painted: tuple[PaintedZone, ...]
    essential: tuple[RegionId, ...]
    spillover: tuple[RegionId, ...]
    needles: tuple[NeedleMark, ...]


@dataclass(frozen=True)
class PatientMap:
    """The panels of a visit's map, left to right, and any pain-drawing zone no view shows."""

    panels: tuple[MapPanel, ...]
    unplaced: tuple[str, ...] = ()

    def panel(self, view: str, mirrored: bool = False) -> MapPanel | None:
        """The panel of a view (and mirroring), if the map has one."""
        for panel in self.panels:
            if panel.view == view and panel.mirrored == mirrored:
                return panel
        return None


def patient_map(visit: Visit, catalogue: Catalogue, atlas: Atlas) -> PatientMap:
    """The map of one visit: every needle of the visit (performed or planned), the referral
    zones of each on the needle's side, and the pain drawing, placed on labelled panels.
    A needle at a trigger point the catalogue no longer has is left off (it has no place)."""
    keys: list[tuple[str, bool]] = [(view, False) for view in BASE_VIEWS if view in atlas.views]
    needles: list[tuple[tuple[str, bool], NeedleMark]] = []
    essential: list[RegionId] = []
    spillover: list[RegionId] = []
    for needle in visit.needles:
        try:
            point = catalogue.trigger_point(needle.trigger_point_id)
        except KeyError:
            continue  # a point a later catalogue dropped has no place to be drawn
        muscle = RegionId("muscle", point.muscle_id, needle.side)
        landing = where_it_lands(atlas.view(point.view), muscle, point.x, point.y)
        if landing is None:
            continue  # a view that does not draw the point's muscle has no place for it
        key = (point.view, landing.mirrored)
        if key not in keys:
            keys.append(key)
        needles.append(
            (
                key,
                NeedleMark(
                    needle.number,
                    point.id,
                    point.muscle_id,
                    landing.x,
                    landing.y,
                    needle.side,
                    needle.performed,
                ),
            )
        )
        referral = referral_regions(catalogue, point.id, needle.side)
        essential.extend(r for r in referral.essential if r not in essential)
        spillover.extend(r for r in referral.spillover if r not in spillover)
    # a zone that is essential for one needle and spillover for another shows as essential
    spillover = [r for r in spillover if r not in essential]

    intensities: dict[RegionId, int] = {}
    unplaced: list[str] = []
    for mark in visit.pain_drawing:
        try:
            region_id = parse_region_id(mark.region_id)
        except ValueError:
            unplaced.append(mark.region_id)
            continue
        intensities[region_id] = max(mark.intensity, intensities.get(region_id, 0))

    for region_id in (*intensities, *essential, *spillover):
        if any(panel_shows(atlas.view(v), m, region_id) for v, m in keys):
            continue
        key = _home_panel(region_id, catalogue, atlas)
        if key is None:
            if region_id in intensities:
                unplaced.append(str(region_id))
            continue
        keys.append(key)

    panels = []
    for view, mirrored in sorted(keys, key=_panel_order):
        body = atlas.view(view)
        shown = [r for r in intensities if panel_shows(body, mirrored, r)]
        panels.append(
            MapPanel(
                view=view,
                mirrored=mirrored,
                caption=_caption(view, mirrored),
                painted=tuple(PaintedZone(r, intensities[r]) for r in shown),
                essential=tuple(r for r in essential if panel_shows(body, mirrored, r)),
                spillover=tuple(r for r in spillover if panel_shows(body, mirrored, r)),
                needles=tuple(mark for key, mark in needles if key == (view, mirrored)),
            )
        )
    return PatientMap(tuple(panels), tuple(unplaced))


def _home_panel(region_id: RegionId, catalogue: Catalogue, atlas: Atlas) -> tuple[str, bool] | None:
    """The panel to add for a zone no chosen panel shows: its catalogue view if that shows it,
    else the first view (in the usual order) that does."""
    zone = catalogue.zones.get(region_id.name)
    candidates = [zone.view] if zone is not None and zone.view in atlas.views else []
    candidates += [v for v in VIEWS if v in atlas.views and v not in candidates]
    for view in candidates:
        body = atlas.view(view)
        mirrored = drawn_mirrored(body, region_id.side)
        if panel_shows(body, mirrored, region_id):
            return view, mirrored
    return None


def _panel_order(key: tuple[str, bool]) -> tuple[int, bool]:
    view, mirrored = key
    return (VIEWS.index(view) if view in VIEWS else len(VIEWS), mirrored)


def _caption(view: str, mirrored: bool) -> str:
    if view == "lateral" and mirrored:
        return "Left side"
    caption = resources.VIEW_TITLES.get(view, view.capitalize())
    return f"{caption} (mirrored)" if mirrored else caption
