"""The one rule of sides and views (geometry.placement), without Qt: where a trigger point or
needle on the patient's right, left or midline lands in a two-sided and a one-sided view."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box

from triggermap.geometry.atlas import BodyView, Region
from triggermap.geometry.placement import (
    Landing,
    drawn_mirrored,
    panel_region_area,
    panel_shows,
    where_it_lands,
)
from triggermap.geometry.regions import PAIRED_SIDES, RegionId

DELTOID_R = RegionId("muscle", "deltoid", "right")
DELTOID_L = RegionId("muscle", "deltoid", "left")
STERNUM = RegionId("zone", "sternum", "midline")
ABSENT_R = RegionId("muscle", "soleus", "right")


def _view(name, view_box, axis, areas) -> BodyView:
    regions = tuple(
        Region(region_id, name, "zones" if region_id.kind == "zone" else "superficial", area, i)
        for i, (region_id, area) in enumerate(areas.items())
    )
    x, y, width, height = view_box
    return BodyView(name, view_box, axis, box(x, y, x + width, y + height), regions)


#: Front-like: both sides drawn, the left the mirror of the right across x = 100.
TWO_SIDED = _view(
    "front",
    (0.0, 0.0, 200.0, 100.0),
    100.0,
    {
        DELTOID_R: box(10, 10, 40, 40),
        DELTOID_L: box(160, 10, 190, 40),
        STERNUM: box(90, 50, 110, 70),
    },
)
#: Lateral-like: the right side only, in a view box that does not start at 0 (centre x = 200).
ONE_SIDED = _view("side", (50.0, 0.0, 300.0, 100.0), None, {DELTOID_R: box(60, 10, 120, 40)})

coordinate = st.floats(min_value=-1000, max_value=1000, allow_nan=False)
inside_deltoid = st.tuples(st.floats(10.5, 39.5), st.floats(10.5, 39.5))


@given(coordinate, coordinate)
def test_a_right_side_point_lands_where_the_catalogue_puts_it(x, y):
    for body in (TWO_SIDED, ONE_SIDED):
        assert where_it_lands(body, DELTOID_R, x, y) == Landing(x, y, mirrored=False)
        assert where_it_lands(body, DELTOID_R, x, y, reflected_panels=False) == Landing(
            x, y, mirrored=False
        )


@given(coordinate, coordinate)
def test_a_left_point_of_a_two_sided_view_is_reflected_across_its_mirror_axis(x, y):
    landing = where_it_lands(TWO_SIDED, DELTOID_L, x, y)
    assert landing == Landing(2 * 100.0 - x, y, mirrored=False)
    # the same on a drawing without reflected panels: a two-sided view needs none
    assert where_it_lands(TWO_SIDED, DELTOID_L, x, y, reflected_panels=False) == landing


@given(coordinate, coordinate)
def test_the_left_of_a_one_sided_view_lands_on_its_reflected_panel(x, y):
    landing = where_it_lands(ONE_SIDED, DELTOID_L, x, y)
    # reflected about the view box's centre line (x0 + width / 2), not about x = 0
    assert landing == Landing(2 * 200.0 - x, y, mirrored=True)
    assert ONE_SIDED.reflection_x == 200.0
    assert TWO_SIDED.reflection_x == 100.0
    # the map window draws the lateral view once, as the right side: the left is not on it
    assert where_it_lands(ONE_SIDED, DELTOID_L, x, y, reflected_panels=False) is None


def test_a_point_on_the_midline_lands_on_itself_on_either_side():
    for side in PAIRED_SIDES:
        region = RegionId("muscle", "deltoid", side)
        assert where_it_lands(TWO_SIDED, region, 100.0, 33.0) == Landing(100.0, 33.0, False)
    # a midline region is its own mirror: never reflected, in either kind of view
    assert where_it_lands(TWO_SIDED, STERNUM, 95.0, 60.0) == Landing(95.0, 60.0, False)
    assert not drawn_mirrored(ONE_SIDED, "midline")


def test_a_region_the_view_does_not_show_lands_nowhere():
    for body in (TWO_SIDED, ONE_SIDED):
        for region in (ABSENT_R, ABSENT_R.other_side()):
            assert where_it_lands(body, region, 20.0, 20.0) is None
            assert not panel_shows(body, False, region)
            assert not panel_shows(body, True, region)
            assert panel_region_area(body, drawn_mirrored(body, region.side), region).is_empty
    # nor a midline zone the view does not draw
    assert where_it_lands(ONE_SIDED, STERNUM, 95.0, 60.0) is None


def test_only_the_left_of_a_one_sided_view_is_drawn_mirrored():
    for side in ("right", "left", "midline"):
        assert not drawn_mirrored(TWO_SIDED, side)
    assert drawn_mirrored(ONE_SIDED, "left")
    assert not drawn_mirrored(ONE_SIDED, "right")
    # a right region is never on a reflected panel, even of a view that draws it
    assert panel_shows(ONE_SIDED, False, DELTOID_R)
    assert not panel_shows(ONE_SIDED, True, DELTOID_R)
    assert not panel_shows(TWO_SIDED, True, DELTOID_R)
    assert panel_shows(ONE_SIDED, True, DELTOID_L)
    assert not panel_shows(ONE_SIDED, False, DELTOID_L)


@pytest.mark.parametrize("body", [TWO_SIDED, ONE_SIDED], ids=["two-sided", "one-sided"])
@given(spot=inside_deltoid)
def test_a_point_inside_its_muscle_lands_inside_that_muscle_as_drawn(body, spot):
    """Points and areas follow one rule: where a left point lands is inside the left muscle's
    area on the same drawing, never the other side's."""
    x0, _, _, _ = body.region(DELTOID_R).area.bounds
    x, y = x0 + spot[0] - 10, spot[1]  # inside the right deltoid of this view
    for region in (DELTOID_R, DELTOID_L):
        landing = where_it_lands(body, region, x, y)
        assert landing is not None
        drawn = panel_region_area(body, landing.mirrored, region)
        assert drawn.contains(Point(landing.x, landing.y))
        other = panel_region_area(body, landing.mirrored, region.other_side())
        assert not other.contains(Point(landing.x, landing.y))


def test_a_left_point_of_the_built_figure_lands_in_the_left_muscle(mini_view: BodyView):
    """The same on a figure built as the shipped views are (Bézier paths, mirrored by the build)."""
    paired = [
        r
        for r in mini_view.region_ids("superficial")
        if r.side == "right" and r.other_side() in mini_view.region_ids()
    ]
    assert paired
    for region_id in paired:
        x, y = mini_view.inside_point(region_id)
        landing = where_it_lands(mini_view, region_id.other_side(), x, y)
        assert landing is not None
        assert not landing.mirrored
        assert mini_view.region_at(landing.x, landing.y, ("superficial",)) == (
            region_id.other_side()
        )
