"""A condition's ranked muscles get numbered badges that stay readable where muscles crowd."""

from __future__ import annotations

import itertools
import math

import pytest
from PySide6.QtCore import QPointF

from triggermap.ui.main_window import MainWindow
from triggermap.ui.map_overlays import RANK_BADGE_PX


@pytest.fixture
def window(shipped_window: MainWindow) -> MainWindow:
    return shipped_window


def on_screen(window: MainWindow):
    """Each badge's centre and the point it labels, in viewport pixels."""
    view = window.map_view
    return [
        (view.mapFromScene(QPointF(*b.centre)), view.mapFromScene(QPointF(*b.anchor)), b)
        for b in view.rank_badges
    ]


def assert_apart(window: MainWindow) -> None:
    centres = [centre for centre, _, _ in on_screen(window)]
    for a, b in itertools.combinations(centres, 2):
        assert math.dist((a.x(), a.y()), (b.x(), b.y())) >= RANK_BADGE_PX, (a, b)


def show_headache(window: MainWindow, view: str) -> None:
    window.show_view(view)
    window.condition_choice.setCurrentIndex(
        window.condition_choice.findData("tension_type_headache")
    )


@pytest.mark.parametrize("view", ["posterior", "front_back", "head"])
def test_crowded_neck_muscles_get_badges_that_do_not_overlap(qtbot, window: MainWindow, view):
    show_headache(window, view)
    badges = window.map_view.rank_badges
    assert {b.rank for b in badges} >= {1, 4, 5, 6}  # trapezius and the small neck muscles
    assert_apart(window)
    radius = RANK_BADGE_PX / 2 / window.map_view.transform().m11()  # scene units
    moved = [b for b in badges if math.dist(b.centre, b.anchor) > radius]
    assert moved  # the back of the neck is too small for every badge in place
    # a badge moved aside is tied to its muscle by a leader line; one left in place is not
    assert all(b.leader.isVisible() == (b in moved) for b in badges)


def test_badges_are_drawn_white_with_their_number(qtbot, window: MainWindow):
    show_headache(window, "posterior")
    qtbot.wait(10)
    image = window.map_view.viewport().grab().toImage()
    for centre, _, badge in on_screen(window):
        below_number = image.pixelColor(centre.x(), centre.y() + RANK_BADGE_PX // 2 - 3)
        assert min(below_number.red(), below_number.green(), below_number.blue()) > 200, badge.rank
    number_pixels = [
        image.pixelColor(centre.x() + dx, centre.y() + dy).lightness()
        for centre, _, _ in on_screen(window)[:1]
        for dx in range(-4, 5)
        for dy in range(-5, 6)
    ]
    assert min(number_pixels) < 80  # dark digits inside the white disc


def test_badges_are_placed_again_when_the_map_zooms_out(qtbot, window: MainWindow):
    show_headache(window, "posterior")
    window.map_view.zoom(0.5)  # badges keep their size on screen, so they need more room
    assert_apart(window)
    window.map_view.fit()
    assert_apart(window)
