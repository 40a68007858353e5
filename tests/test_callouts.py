"""Rank badges: none covers another, each stays near the point it labels and on the figure."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from triggermap.geometry.callouts import BADGE_SPACING, place_badges

BOX = (0.0, 0.0, 1000.0, 2000.0)


def gaps(centres):
    return [math.dist(a, b) for a, b in itertools.combinations(centres, 2)]


def test_badges_with_room_stay_on_their_own_points():
    anchors = [(200.0, 300.0), (600.0, 300.0), (400.0, 1500.0)]
    assert place_badges(anchors, 20.0, BOX) == anchors


def test_crowded_badges_spread_out_and_the_first_stays_closest():
    # eight neck muscles a few millimetres apart, as on the back of a whole-body figure
    anchors = [(480.0 + 6 * i, 300.0 + 4 * (i % 3)) for i in range(8)]
    centres = place_badges(anchors, 25.0, BOX, centre_x=500.0)
    # the first (rank 1) is at most one step from its point: it does not cover the others
    assert math.dist(centres[0], anchors[0]) <= BADGE_SPACING * 25.0 + 1e-9
    assert min(gaps(centres)) >= BADGE_SPACING * 25.0 - 1e-9
    for (ax, ay), (cx, cy) in zip(anchors, centres, strict=True):
        assert math.dist((ax, ay), (cx, cy)) <= 10 * BADGE_SPACING * 25.0


def test_a_moved_badge_goes_away_from_the_midline():
    left_of_midline = place_badges([(300.0, 500.0), (300.0, 500.0)], 20.0, BOX, centre_x=500.0)
    right_of_midline = place_badges([(700.0, 500.0), (700.0, 500.0)], 20.0, BOX, centre_x=500.0)
    assert left_of_midline[1][0] < 300.0
    assert right_of_midline[1][0] > 700.0


def test_a_badge_never_covers_another_muscles_point():
    anchors = [(500.0, 500.0), (510.0, 500.0)]
    first, second = place_badges(anchors, 20.0, BOX)
    assert math.dist(first, anchors[1]) >= 20.0
    assert math.dist(second, anchors[0]) >= 20.0


def test_badges_stay_inside_the_figure_near_its_edge():
    centres = place_badges([(5.0, 5.0), (5.0, 5.0)], 20.0, BOX)
    for x, y in centres:
        assert 20.0 <= x <= 980.0
        assert 20.0 <= y <= 1980.0


@settings(deadline=None)  # a crowded corner searches many rings; correctness is the point
@given(
    st.lists(
        st.tuples(st.floats(0, 1000), st.floats(0, 2000)),
        min_size=1,
        max_size=14,
    ),
    st.floats(5, 40),
    st.none() | st.floats(0, 1000),
)
def test_no_two_badges_overlap_and_all_stay_inside(anchors, radius, midline):
    centres = place_badges(anchors, radius, BOX, centre_x=midline)
    assert len(centres) == len(anchors)
    assert all(g >= BADGE_SPACING * radius - 1e-6 for g in gaps(centres))
    for x, y in centres:
        assert radius - 1e-6 <= x <= 1000 - radius + 1e-6
        assert radius - 1e-6 <= y <= 2000 - radius + 1e-6
