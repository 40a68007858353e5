"""A click on the map does one predictable thing (issue 15): while drawing pain it paints or
unpaints the skin zone under it and nothing else; otherwise a click on an X plans that point and
never touches the drawing. The map says which mode it is in, Esc leaves drawing, and an X
under the pointer is named, with the open patient's depth limit there."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from triggermap.clinic.safety import hazards_of, safe_depth_mm
from triggermap.geometry.regions import RegionId
from triggermap.services.context import AppContext
from triggermap.ui.main_window import DRAWING_BANNER, MainWindow

from .test_main_window_plan import open_visit, safe_point

#: A point with a pneumothorax hazard over the apex of the lung, shown in the back view.
UPPER_TRAPEZIUS_TRP1 = "upper_trapezius.trp1"


@pytest.fixture
def window(qtbot, shipped_context: AppContext, tmp_path: Path) -> MainWindow:
    """The main window, shown and active (Esc and focus go where a user's would)."""
    context = dataclasses.replace(shipped_context, data_dir=tmp_path / "records")
    shown = MainWindow(context)
    qtbot.addWidget(shown)
    shown.resize(1400, 900)
    shown.show()
    qtbot.waitExposed(shown)
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    yield shown
    QToolTip.hideText()
    shown.close()


def x_mark_of(window: MainWindow, point_id: str, side: str = "left"):
    """Show the back view with the point's muscle selected; its X mark and where it lies on
    the map's viewport (pixels)."""
    point = window._context.catalogue.trigger_point(point_id)
    window.show_view("posterior")
    window.map_view.select(RegionId("muscle", point.muscle_id, side))
    mark = next(m for m in window.map_view.trigger_point_marks if m.point_id == point_id)
    return mark, window.map_view.mapFromScene(mark.x, mark.y)


def click(qtbot, window: MainWindow, pos: QPoint) -> None:
    qtbot.mouseClick(window.map_view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def recorded(signal) -> list:
    seen: list = []
    signal.connect(seen.append)
    return seen


def test_while_drawing_a_click_on_an_x_paints_its_zone_and_plans_nothing(qtbot, window):
    open_visit(window)
    _, pos = x_mark_of(window, safe_point(window._context, "posterior").id)
    zone = window.map_view.region_at_view_point(QPointF(pos), ("zones",))
    assert zone is not None
    clicked_points = recorded(window.map_view.trigger_point_clicked)
    window.pain_toggle.setChecked(True)
    click(qtbot, window, pos)
    assert window.pain_drawing == {zone: 5.0}
    visit = window.patient_panel.current_visit
    assert [m.region_id for m in visit.pain_drawing] == [str(zone)]
    assert visit.needles == ()
    # the same click again unpaints the zone, and still plans nothing
    click(qtbot, window, pos)
    assert window.pain_drawing == {}
    assert window.patient_panel.current_visit.pain_drawing == ()
    assert window.patient_panel.current_visit.needles == ()
    assert clicked_points == []


def test_outside_drawing_a_click_on_an_x_plans_it_and_leaves_the_drawing(qtbot, window):
    open_visit(window)
    point = safe_point(window._context, "posterior")
    _, pos = x_mark_of(window, point.id)
    zone = window.map_view.region_at_view_point(QPointF(pos), ("zones",))
    window.pain_toggle.setChecked(True)
    click(qtbot, window, pos)  # the zone under the X is painted …
    window.paint_pain_zone(RegionId("zone", "temple", "right"))
    window.pain_toggle.setChecked(False)
    drawing = dict(window.pain_drawing)
    saved_drawing = window.patient_panel.current_visit.pain_drawing
    assert zone in drawing
    zone_clicks = recorded(window.map_view.zone_clicked)
    click(qtbot, window, pos)  # … and a click on the X then plans a needle, nothing else
    visit = window.patient_panel.current_visit
    assert [(n.trigger_point_id, n.side) for n in visit.needles] == [(point.id, "left")]
    assert window.pain_drawing == drawing
    assert visit.pain_drawing == saved_drawing
    assert zone_clicks == []
    assert window.map_view.selection == RegionId("muscle", point.muscle_id, "left")


def test_a_click_sent_while_drawing_never_plans_a_needle(qtbot, window):
    open_visit(window)
    mark, _ = x_mark_of(window, safe_point(window._context, "posterior").id)
    window.pain_toggle.setChecked(True)
    # whoever sends it (the map sends none while drawing), the window does not plan it
    window.map_view.trigger_point_clicked.emit(mark)
    assert window.patient_panel.current_visit.needles == ()


def test_the_map_says_it_is_drawing_and_esc_stops(qtbot, window):
    x_mark_of(window, UPPER_TRAPEZIUS_TRP1)
    view = window.map_view
    assert not view.drawing_banner.isVisible()
    assert view.viewport().cursor().shape() == Qt.CursorShape.OpenHandCursor
    qtbot.mouseClick(window.pain_toggle, Qt.MouseButton.LeftButton)
    assert view.pain_mode
    # a banner in the map's own corner, over the figure's viewport, says what a click does
    banner = view.drawing_banner
    assert banner.isVisible()
    assert banner.text() == DRAWING_BANNER
    assert "Esc" in banner.text()
    assert view.viewport().geometry().contains(banner.geometry())
    assert banner.geometry().left() - view.viewport().geometry().left() < 20
    assert view.viewport().cursor().shape() == Qt.CursorShape.CrossCursor
    assert view._marks_item.opacity() < 1  # the X marks fade: they take no clicks
    # the map has the keys once drawing starts, so the banner's Esc works at once
    assert view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not window.pain_toggle.isChecked()
    assert not view.pain_mode
    assert not banner.isVisible()
    assert view._marks_item.opacity() == 1
    assert view.viewport().cursor().shape() == Qt.CursorShape.OpenHandCursor
    # Esc outside drawing changes nothing
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not window.pain_toggle.isChecked()


def hover(qtbot, window: MainWindow, pos: QPoint) -> None:
    qtbot.mouseMove(window.map_view.viewport(), pos)


def tooltip_at(qtbot, window: MainWindow, pos: QPoint) -> str:
    """What the map's tooltip says when the pointer rests at `pos` ("" for none)."""
    viewport = window.map_view.viewport()
    QToolTip.hideText()  # Qt lets a tooltip fade out: wait until the last one has gone
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    )
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_hovering_an_x_names_it_and_with_a_visit_this_patients_depth_limit(qtbot, window):
    catalogue = window._context.catalogue
    mark, pos = x_mark_of(window, UPPER_TRAPEZIUS_TRP1)
    away = pos + QPoint(0, 60)
    hover(qtbot, window, away)
    hover(qtbot, window, pos)
    assert window.map_view.hovered_mark == mark
    assert window.map_view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    name = "Upper trapezius TrP1, left"
    # without a visit: the name and the hazard, no patient's figure
    assert window.map_view.trigger_point_tip.splitlines()[0] == name
    assert "Pneumothorax risk" in window.map_view.trigger_point_tip
    assert " mm" not in window.map_view.trigger_point_tip
    assert window.hover_label.text().startswith(name)
    assert tooltip_at(qtbot, window, pos) == window.map_view.trigger_point_tip
    # with a visit open: this patient's limit at that point, on that side
    open_visit(window)
    patient = window.patient_panel.current_patient
    point = catalogue.trigger_point(UPPER_TRAPEZIUS_TRP1)
    limit = min(
        depth
        for hazard in hazards_of(catalogue, point, "left")
        if (depth := safe_depth_mm(hazard, patient)) is not None
    )
    hover(qtbot, window, away)
    hover(qtbot, window, pos)
    tip = window.map_view.trigger_point_tip
    assert tip.splitlines()[0] == name
    assert f"no deeper than {limit:g} mm for this patient" in tip
    assert f"{limit:g} mm" in window.hover_label.text()
    assert tooltip_at(qtbot, window, pos) == tip
    # off the X, the status bar names the muscle again and there is no X tooltip
    hover(qtbot, window, away)
    assert window.map_view.hovered_mark is None
    assert window.map_view.trigger_point_tip == ""
    assert window.hover_label.text() == window.describe(window.map_view.hovered_region)
    assert tooltip_at(qtbot, window, away) == ""


def test_while_drawing_the_pointer_shows_the_skin_zone_not_the_x(qtbot, window):
    _, pos = x_mark_of(window, UPPER_TRAPEZIUS_TRP1)
    zone = window.map_view.region_at_view_point(QPointF(pos), ("zones",))
    assert zone is not None
    window.pain_toggle.setChecked(True)
    hovered_marks = recorded(window.map_view.trigger_point_hovered)
    hover(qtbot, window, pos + QPoint(0, 40))
    hover(qtbot, window, pos)
    assert hovered_marks == []
    assert window.map_view.hovered_mark is None
    # what a click would paint is lit and named, not the muscle or its X
    assert window.map_view.hovered_region == zone
    assert window.hover_label.text() == window.describe(zone)
    assert tooltip_at(qtbot, window, pos) == ""
    assert window.map_view.viewport().cursor().shape() == Qt.CursorShape.CrossCursor
