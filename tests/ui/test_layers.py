"""Layer toggles hide and show what they name, change what a click finds, and are remembered;
a trackpad pinch zooms."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QNativeGestureEvent, QPointingDevice
from PySide6.QtWidgets import QApplication

from triggermap.geometry.regions import RegionId
from triggermap.ui.main_window import MainWindow

PEC_MAJOR_L = RegionId("muscle", "pectoralis_major", "left")


def shown_window(qtbot, context, settings=None) -> MainWindow:
    window = MainWindow(context, settings)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def red_pixels(window: MainWindow) -> int:
    image = window.map_view.viewport().grab().toImage()
    return sum(
        1
        for y in range(0, image.height(), 3)
        for x in range(0, image.width(), 3)
        if (c := image.pixelColor(x, y)).red() > 150 and c.green() < 80 and c.blue() < 100
    )


def test_the_referral_layer_hides_and_shows_the_pattern(qtbot, mini_context):
    window = shown_window(qtbot, mini_context)
    window.map_view.select(PEC_MAJOR_L)
    window.choose_trigger_point("pectoralis_major.trp1")
    with_pattern = red_pixels(window)
    assert with_pattern > 20
    window.layer_actions["referral"].setChecked(False)
    assert red_pixels(window) < with_pattern / 10
    window.layer_actions["referral"].setChecked(True)
    assert red_pixels(window) == with_pattern


def test_trigger_point_marks_follow_their_layer(qtbot, mini_context):
    window = shown_window(qtbot, mini_context)
    window.map_view.select(PEC_MAJOR_L)
    assert window.map_view._marks_item.isVisible()
    window.layer_actions["trigger_points"].setChecked(False)
    assert not window.map_view._marks_item.isVisible()
    window.map_view.select(RegionId("muscle", "deltoid", "right"))  # new marks stay hidden
    assert not window.map_view._marks_item.isVisible()


def test_hiding_the_superficial_layer_lets_a_click_find_nothing_there(qtbot, mini_context):
    window = shown_window(qtbot, mini_context)
    x, y = mini_context.atlas.view("mini").inside_point(RegionId("muscle", "deltoid", "right"))
    point = window.map_view.mapFromScene(x, y)
    window.layer_actions["superficial"].setChecked(False)
    qtbot.mouseClick(window.map_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.map_view.selection is None
    window.layer_actions["superficial"].setChecked(True)
    qtbot.mouseClick(window.map_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.map_view.selection == RegionId("muscle", "deltoid", "right")


def test_layers_are_remembered(qtbot, mini_context, tmp_path):
    path = str(tmp_path / "settings.ini")
    first = shown_window(qtbot, mini_context, QSettings(path, QSettings.Format.IniFormat))
    first.layer_actions["labels"].setChecked(False)
    first.close()
    second = shown_window(qtbot, mini_context, QSettings(path, QSettings.Format.IniFormat))
    assert not second.layer_actions["labels"].isChecked()
    assert second.layer_actions["referral"].isChecked()
    assert not second.map_view.layer_shown["labels"]


def test_a_pinch_zooms_the_map(qtbot, mini_context):
    window = shown_window(qtbot, mini_context)
    before = window.map_view.transform().m11()
    centre = QPointF(window.map_view.viewport().rect().center())
    pinch = QNativeGestureEvent(
        Qt.NativeGestureType.ZoomNativeGesture,
        QPointingDevice.primaryPointingDevice(),
        2,
        centre,
        centre,
        window.map_view.viewport().mapToGlobal(centre),
        0.25,
        QPointF(0, 0),
    )
    QApplication.sendEvent(window.map_view.viewport(), pinch)
    assert window.map_view.transform().m11() == before * 1.25
