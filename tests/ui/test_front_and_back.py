"""The side-by-side front and back view: clicks find the right panel; patterns cross over."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from triggermap.geometry.regions import RegionId
from triggermap.ui.main_window import MainWindow

INFRASPINATUS_R = RegionId("muscle", "infraspinatus", "right")


@pytest.fixture
def window(shipped_window: MainWindow) -> MainWindow:
    shipped_window.show_view("front_back")
    return shipped_window


def test_both_panels_are_shown_and_clicks_hit_the_back_panel(qtbot, window: MainWindow):
    front, back = window.map_view.panels
    assert (front.body.name, back.body.name) == ("anterior", "posterior")
    x, y = back.body.inside_point(INFRASPINATUS_R)
    qtbot.mouseClick(
        window.map_view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.map_view.mapFromScene(x + back.dx, y),
    )
    assert window.map_view.selection == INFRASPINATUS_R


def test_an_infraspinatus_pattern_shows_on_the_front_of_the_shoulder(qtbot, window: MainWindow):
    front, _ = window.map_view.panels
    window.map_view.select(INFRASPINATUS_R)
    point_id = next(
        p.id
        for p in window._context.catalogue.muscles["infraspinatus"].trigger_points
        if "anterior_shoulder" in p.essential
    )
    x, y = front.body.inside_point(RegionId("zone", "anterior_shoulder", "right"))
    where = window.map_view.mapFromScene(x + front.dx, y)
    before = window.map_view.viewport().grab().toImage().pixelColor(where)
    window.choose_trigger_point(point_id)
    qtbot.wait(10)
    after = window.map_view.viewport().grab().toImage().pixelColor(where)
    assert after.name() != before.name()
    assert after.red() > after.blue() + 60
