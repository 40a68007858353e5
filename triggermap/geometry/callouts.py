"""Where numbered badges go so that none covers another: on the point each one labels when
there is room, otherwise as near to it as possible (the map then draws a leader line).

Used for the ranked muscles of a condition, where several small neck muscles crowd into a
few centimetres of the figure. All lengths are in the caller's units (scene units).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
#: A rectangle: left, top, right, bottom.
Box = tuple[float, float, float, float]

#: Centre-to-centre distance between two badges, in badge radii (2 = touching).
BADGE_SPACING = 2.3
#: Directions tried on each ring around a point (every 22.5°).
DIRECTIONS = 16


def place_badges(
    anchors: Sequence[Point], radius: float, bounds: Box, centre_x: float | None = None
) -> list[Point]:
    """Badge centres for `anchors`, placed in the order given (the most important first: it
    keeps its own point when it can). A badge covers no other badge and no other anchor, and
    stays inside `bounds`. A badge that must move goes to the nearest free place on rings
    around its anchor, trying first the direction away from `centre_x` (the body's midline),
    so badges spread out to the sides rather than over the middle of the figure.
    """
    gap = BADGE_SPACING * radius
    placed: list[Point] = []
    for index, anchor in enumerate(anchors):
        others = [a for i, a in enumerate(anchors) if i != index]
        outward = math.pi if centre_x is not None and anchor[0] < centre_x else 0.0
        chosen = next(
            (
                c
                for c in _candidates(*anchor, gap, outward, reach=math.dist(bounds[:2], bounds[2:]))
                if _is_free(c, radius, gap, bounds, placed, others)
            ),
            None,
        )
        if chosen is None:  # the figure is full: overlap rather than lose the label
            left, _, right, _ = bounds
            chosen = (min(max(anchor[0], left + radius), right - radius), anchor[1])
        placed.append(chosen)
    return placed


def _is_free(
    centre: Point,
    radius: float,
    gap: float,
    bounds: Box,
    placed: list[Point],
    other_anchors: list[Point],
) -> bool:
    """Whether a badge at `centre` stays inside `bounds`, keeps `gap` from every placed badge
    and covers none of the other anchors."""
    x, y = centre
    left, top, right, bottom = bounds
    if not (left + radius <= x <= right - radius and top + radius <= y <= bottom - radius):
        return False
    if any(math.hypot(x - px, y - py) < gap for px, py in placed):
        return False
    return all(math.hypot(x - ox, y - oy) >= radius for ox, oy in other_anchors)


def _candidates(x: float, y: float, step: float, outward: float, reach: float):
    """The anchor itself, then points on rings `step` apart out to `reach`, each ring's
    points ordered from the `outward` direction (radians) round to the opposite one."""
    yield x, y
    angles = sorted(
        (2 * math.pi * k / DIRECTIONS for k in range(DIRECTIONS)),
        key=lambda a: abs(math.remainder(a - outward, 2 * math.pi)),
    )
    for ring in range(1, math.ceil(reach / step) + 1):
        for angle in angles:
            yield x + ring * step * math.cos(angle), y + ring * step * math.sin(angle)
