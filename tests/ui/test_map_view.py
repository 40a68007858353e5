"""The body map with real widgets: hover and click select the muscle under the mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from triggermap.geometry.regions import RegionId
from triggermap.ui.main_window import FIRST_WINDOW_SIZE, MainWindow

DELTOID_R = RegionId("muscle", "deltoid", "right")
PEC_MINOR_R = RegionId("muscle", "pectoralis_minor", "right")


def widget_point(window: MainWindow, x: float, y: float) -> QPoint:
    return window.map_view.mapFromScene(x, y)


@pytest.fixture
def window(qtbot, mini_context) -> MainWindow:
    shown = MainWindow(mini_context)
    qtbot.addWidget(shown)
    # the first window's size where the screen has room (the offscreen screen is smaller)
    shown.resize(*FIRST_WINDOW_SIZE)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_click_inside_a_muscle_selects_it(qtbot, window, mini_context):
    x, y = mini_context.atlas.view("mini").inside_point(DELTOID_R)
    with qtbot.waitSignal(window.map_view.selected) as blocker:
        qtbot.mouseClick(
            window.map_view.viewport(), Qt.MouseButton.LeftButton, pos=widget_point(window, x, y)
        )
    assert blocker.args == [DELTOID_R]
    assert "deltoid" in window.selection_label.text().lower()
    assert "right side" in window.selection_label.text()


def test_deep_layer_toggle_changes_what_a_click_finds(qtbot, window, mini_context):
    x, y = mini_context.atlas.view("mini").inside_point(PEC_MINOR_R)
    point = widget_point(window, x, y)
    qtbot.mouseClick(window.map_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.map_view.selection == RegionId("muscle", "pectoralis_major", "right")
    window.deep_toggle.setChecked(True)
    qtbot.mouseClick(window.map_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.map_view.selection == PEC_MINOR_R


def test_selection_is_painted(qtbot, window, mini_context):
    x, y = mini_context.atlas.view("mini").inside_point(DELTOID_R)
    point = widget_point(window, x, y)
    before = window.map_view.viewport().grab().toImage().pixelColor(point)
    window.map_view.select(DELTOID_R)
    qtbot.wait(10)
    after = window.map_view.viewport().grab().toImage().pixelColor(point)
    assert after != before
    # the selection colour is a warm amber: much more red than blue
    assert after.red() > after.blue() + 60


def test_the_map_page_follows_a_dark_theme(qtbot, window):
    from PySide6.QtGui import QColor, QPalette

    dark = QPalette(window.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor(30, 30, 30))
    dark.setColor(QPalette.ColorRole.Window, QColor(40, 40, 40))
    dark.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    window.setPalette(dark)
    qtbot.wait(10)
    corner = (
        window.map_view.viewport()
        .grab()
        .toImage()
        .pixelColor(3, window.map_view.viewport().height() - 3)
    )
    assert corner.lightness() < 60


def test_a_drag_that_pans_the_map_never_changes_the_selection(qtbot, window, mini_context):
    view = mini_context.atlas.view("mini")
    deltoid = widget_point(window, *view.inside_point(DELTOID_R))
    pec = widget_point(window, *view.inside_point(RegionId("muscle", "pectoralis_major", "left")))
    viewport = window.map_view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=deltoid)
    assert window.map_view.selection == DELTOID_R
    # press on one muscle, drag across the map, let go over another: a pan, not a choice
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=pec)
    for step in range(1, 6):
        qtbot.mouseMove(viewport, pos=pec + QPoint(step * 12, step * 4))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pec + QPoint(60, 20))
    assert window.map_view.selection == DELTOID_R
    # a click (a tremor under the drag distance) still chooses
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=pec)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pec + QPoint(1, 0))
    assert window.map_view.selection == RegionId("muscle", "pectoralis_major", "left")
