"""Where a trigger point, needle or region on one of the patient's sides lands in a body view.

The one rule of sides and views. Every view is drawn for the patient's right side. A two-sided
view (front, back, head, hand, foot) draws the left too, as the mirror image across its midline
(`BodyView.mirror_axis`). A one-sided view (lateral) draws the right only: the patient's left is
the whole drawing reflected about its centre line, a second, "mirrored" drawing of that view
(the patient map draws it; the map window does not).

Positions are body units in the frame of the drawing they land on. Nothing here imports shapely
or Qt: the map window imports this before its first paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from triggermap.geometry.regions import RegionId, Side

if TYPE_CHECKING:
    from triggermap.geometry.atlas import Area, BodyView


@dataclass(frozen=True)
class Landing:
    """Where a spot lands: (x, y) body units in the frame of the drawing that shows it;
    `mirrored` is True when that drawing is a one-sided view reflected (the patient's left)."""

    x: float
    y: float
    mirrored: bool


def one_sided(body: BodyView) -> bool:
    """True for a view that draws one side only (the other is its whole reflection)."""
    return body.mirror_axis is None


def drawn_mirrored(body: BodyView, side: Side) -> bool:
    """Whether the patient's `side` is drawn by the view reflected: the left of a one-sided
    view; every other side of every view is in the view's own drawing."""
    return side == "left" and one_sided(body)


def panel_shows(body: BodyView, mirrored: bool, region_id: RegionId) -> bool:
    """Whether a drawing of `body` (its own, or reflected when `mirrored`) shows the region on
    the region's own side."""
    if not mirrored:
        return body.region(region_id) is not None
    if region_id.side == "right":
        return False
    return body.region(region_id.other_side()) is not None


def panel_region_area(body: BodyView, mirrored: bool, region_id: RegionId) -> Area:
    """The region's area in that drawing's frame (body units); empty if it does not show it."""
    if not panel_shows(body, mirrored, region_id):
        return body.union_of(())
    if not mirrored:
        return body.union_of([region_id])
    return body.mirror_area(body.union_of([region_id.other_side()]))


def where_it_lands(
    body: BodyView, region_id: RegionId, x: float, y: float, *, reflected_panels: bool = True
) -> Landing | None:
    """Where a spot of a region (a trigger point or needle of a muscle on the patient's side)
    lands in a view, or None when the view does not show that region on that side.

    (x, y) are body units as the catalogue gives them: on the patient's right side (a midline
    region's spot as drawn). A left spot is the right one mirrored: across the midline in a
    two-sided view, into the reflected drawing (`mirrored`) in a one-sided view.
    `reflected_panels` says whether the caller draws that reflection at all: the patient map
    does; the map window and the study maps draw each view once, as it is, so on them a
    one-sided view shows the right side only.
    """
    mirrored = drawn_mirrored(body, region_id.side)
    if mirrored and not reflected_panels:
        return None
    if not panel_shows(body, mirrored, region_id):
        return None
    if region_id.side == "left":
        x, y = body.mirror_point(x, y)
    return Landing(x, y, mirrored)
