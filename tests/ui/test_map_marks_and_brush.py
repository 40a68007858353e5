"""The pain brush paints every zone a stroke passes; needle marks and clicks on trigger points."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from triggermap.geometry.regions import RegionId
from triggermap.ui.main_window import MainWindow
from triggermap.ui.map_overlays import NEEDLE_TEAL, NeedleMark

LATERAL_SHOULDER_L = RegionId("zone", "lateral_shoulder", "left")
PECTORAL_L = RegionId("zone", "pectoral", "left")
STERNUM = RegionId("zone", "sternum", "midline")


@pytest.fixture
def window(qtbot, mini_context) -> MainWindow:
    shown = MainWindow(mini_context)
    qtbot.addWidget(shown)
    shown.resize(1200, 900)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def send_mouse(window: MainWindow, kind, point: QPointF, buttons) -> None:
    button = (
        Qt.MouseButton.LeftButton if kind != QMouseEvent.Type.MouseMove else Qt.MouseButton.NoButton
    )
    event = QMouseEvent(kind, point, point, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.map_view.viewport(), event)


def scene_to_widget(window: MainWindow, x: float, y: float) -> QPointF:
    return QPointF(window.map_view.mapFromScene(x, y))


def test_a_brush_stroke_paints_every_zone_it_crosses_once(qtbot, window, mini_context):
    view = mini_context.atlas.view("mini")
    window.pain_toggle.setChecked(True)
    window.pain_intensity.setValue(7)
    start = scene_to_widget(window, *view.inside_point(LATERAL_SHOULDER_L))
    end = scene_to_widget(window, *view.inside_point(STERNUM))
    held = Qt.MouseButton.LeftButton
    painted: list[RegionId] = []
    window.map_view.zone_painted.connect(painted.append)
    send_mouse(window, QMouseEvent.Type.MouseButtonPress, start, held)
    # one big jump: the zones between the two events must still be painted
    send_mouse(window, QMouseEvent.Type.MouseMove, end, held)
    send_mouse(window, QMouseEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
    # the pectoral zone lies between the two events and is painted too
    assert painted == [LATERAL_SHOULDER_L, PECTORAL_L, STERNUM]
    assert window.pain_drawing == {LATERAL_SHOULDER_L: 7.0, PECTORAL_L: 7.0, STERNUM: 7.0}
    assert window.candidates.count() > 0
    # a stroke is not also a click: the release did not toggle the last zone off


def test_a_brush_stroke_over_painted_zones_keeps_them(qtbot, window, mini_context):
    view = mini_context.atlas.view("mini")
    window.pain_toggle.setChecked(True)
    window.paint_pain_zone(PECTORAL_L)
    point = scene_to_widget(window, *view.inside_point(PECTORAL_L))
    held = Qt.MouseButton.LeftButton
    beyond = QApplication.startDragDistance() + 2  # a stroke, not a click's tremor
    send_mouse(window, QMouseEvent.Type.MouseButtonPress, point, held)
    send_mouse(window, QMouseEvent.Type.MouseMove, point + QPointF(0, beyond), held)
    send_mouse(window, QMouseEvent.Type.MouseMove, point, held)
    send_mouse(window, QMouseEvent.Type.MouseButtonRelease, point, Qt.MouseButton.NoButton)
    assert PECTORAL_L in window.pain_drawing


def test_a_click_with_a_small_tremor_still_unpaints_what_it_clicks(qtbot, window, mini_context):
    view = mini_context.atlas.view("mini")
    window.pain_toggle.setChecked(True)
    window.paint_pain_zone(PECTORAL_L)
    point = scene_to_widget(window, *view.inside_point(PECTORAL_L))
    held = Qt.MouseButton.LeftButton
    send_mouse(window, QMouseEvent.Type.MouseButtonPress, point, held)
    send_mouse(window, QMouseEvent.Type.MouseMove, point + QPointF(1, 1), held)
    send_mouse(
        window, QMouseEvent.Type.MouseButtonRelease, point + QPointF(1, 1), Qt.MouseButton.NoButton
    )
    assert PECTORAL_L not in window.pain_drawing  # a click toggles, as a still click does


def test_needle_marks_are_drawn_numbered_at_their_places(qtbot, window, mini_context):
    view = mini_context.atlas.view("mini")
    x, y = view.inside_point(RegionId("muscle", "deltoid", "left"))
    window.map_view.show_needle_marks([NeedleMark(1, x, y)])
    assert [m.number for m in window.map_view.needle_marks] == [1]
    image = window.map_view.viewport().grab().toImage()
    centre = window.map_view.mapFromScene(x, y)
    # the disc's rim is teal: probe a few pixels off the centre (the centre holds the number)
    colours = {image.pixelColor(centre.x() + dx, centre.y() + 7).name() for dx in (-3, 0, 3)}
    assert NEEDLE_TEAL.name() in colours
    window.map_view.show_needle_marks([])
    image = window.map_view.viewport().grab().toImage()
    assert NEEDLE_TEAL.name() not in {
        image.pixelColor(centre.x() + dx, centre.y() + 7).name() for dx in (-3, 0, 3)
    }


def test_a_click_on_a_trigger_point_mark_reports_it_and_keeps_the_selection(
    qtbot, window, mini_context
):
    window.map_view.select(RegionId("muscle", "pectoralis_major", "left"))
    (mark,) = window.map_view.trigger_point_marks
    with qtbot.waitSignal(window.map_view.trigger_point_clicked) as blocker:
        qtbot.mouseClick(
            window.map_view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=window.map_view.mapFromScene(mark.x, mark.y),
        )
    assert blocker.args == [mark]
    assert mark.side == "left"
    assert window.map_view.selection == RegionId("muscle", "pectoralis_major", "left")


def test_the_pain_outline_stays_visible_over_a_referral_pattern(qtbot, window, mini_context):
    zone = RegionId("zone", "lateral_shoulder", "left")
    window.paint_pain_zone(zone)
    area = window.map_view.scene_area([zone])
    window.map_view.show_referral(area, None)  # a pattern over exactly the painted zone
    image = window.map_view.viewport().grab().toImage()
    blue = 0
    for x, y in area.exterior.coords:
        point = window.map_view.mapFromScene(x, y)
        colour = image.pixelColor(point.x(), point.y())
        blue += colour.blue() > colour.red() + 40
    assert blue > len(area.exterior.coords) / 2
