"""The main window and the patient panel together: plan needles on the map, draw the pain."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from triggermap.clinic.model import Consent, Patient, Screening, ScreeningAnswer
from triggermap.clinic.safety import hazards_of
from triggermap.geometry.regions import RegionId
from triggermap.services.context import AppContext
from triggermap.services.patient_records import (
    new_patient_id,
    open_patient_database,
    register_patient,
)
from triggermap.ui.main_window import MainWindow
from triggermap.ui.map_overlays import NEEDLE_TEAL


@pytest.fixture
def window(qtbot, shipped_context: AppContext, tmp_path: Path) -> MainWindow:
    context = dataclasses.replace(shipped_context, data_dir=tmp_path / "records")
    shown = MainWindow(context)
    qtbot.addWidget(shown)
    shown.resize(1400, 900)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.close()


def open_visit(window: MainWindow):
    """A screened, consented patient of average build with a new visit open in the panel."""
    context = window._context
    patient = Patient(
        id=new_patient_id(),
        family_name="Okafor",
        given_name="Ben",
        date_of_birth=date(1975, 6, 2),
        sex="male",
        height_cm=180.0,
        weight_kg=80.0,
        screening=Screening(
            date.today(),
            tuple(ScreeningAnswer(c, False) for c in context.catalogue.contraindications),
        ),
        consent=Consent(date.today(), "Explained risks and benefits.", True, "Ben Okafor"),
    )
    database = open_patient_database(context.data_dir)
    try:
        register_patient(database, context.catalogue, patient)
    finally:
        database.close()
    panel = window.patient_panel
    panel.open_patient(panel.database().patient(patient.id))
    return panel.new_visit()


def safe_point(context: AppContext, view: str):
    """A trigger point in `view` with no hazard to warn about (no dialog to answer)."""
    for point in context.catalogue.trigger_points():
        if point.view == view and not hazards_of(context.catalogue, point):
            return point
    raise AssertionError(f"no hazard-free trigger point in the {view} view")


def test_a_click_on_a_trigger_point_plans_a_numbered_needle_on_the_left(qtbot, window):
    open_visit(window)
    point = safe_point(window._context, "posterior")
    window.show_view("posterior")
    region = RegionId("muscle", point.muscle_id, "left")
    window.map_view.select(region)
    mark = next(m for m in window.map_view.trigger_point_marks if m.point_id == point.id)
    qtbot.mouseClick(
        window.map_view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.map_view.mapFromScene(mark.x, mark.y),
    )
    visit = window.patient_panel.current_visit
    assert [(n.number, n.trigger_point_id, n.side) for n in visit.needles] == [
        (1, point.id, "left")
    ]
    (needle_mark,) = window.map_view.needle_marks
    assert (needle_mark.x, needle_mark.y) == pytest.approx((mark.x, mark.y))
    # in the back view the patient's left is on the viewer's left: the mark is left of centre
    assert needle_mark.x < window.map_view.sceneRect().center().x()
    image = window.map_view.viewport().grab().toImage()
    centre = window.map_view.mapFromScene(needle_mark.x, needle_mark.y)
    probes = {image.pixelColor(centre.x() + dx, centre.y() + 7).name() for dx in (-3, 0, 3)}
    assert NEEDLE_TEAL.name() in probes
    # the needle was saved with the visit, as the therapist clicked
    database = open_patient_database(window._context.data_dir)
    try:
        assert len(database.visit(visit.id).needles) == 1
    finally:
        database.close()


def test_the_pain_drawing_goes_to_the_open_visit_and_comes_back_with_it(qtbot, window):
    visit = open_visit(window)
    temple = RegionId("zone", "temple", "right")
    window.pain_intensity.setValue(6)
    window.paint_pain_zone(temple)
    saved = window.patient_panel.current_visit
    assert [(m.region_id, m.intensity) for m in saved.pain_drawing] == [("zone.temple.right", 6)]
    # another visit clears the map's drawing; reopening the first brings it back
    window.patient_panel.confirm_second_visit = lambda status: True  # a second visit today
    window.patient_panel.new_visit()
    assert window.pain_drawing == {}
    database = window.patient_panel.database()
    window.patient_panel.open_visit(database.visit(visit.id))
    assert window.pain_drawing == {temple: 6.0}


def test_a_candidate_is_added_to_the_plan_from_where_does_it_hurt(qtbot, window):
    open_visit(window)
    assert not window.pain_panel.add_button.isEnabled()  # nothing chosen yet
    window.paint_pain_zone(RegionId("zone", "lateral_epicondyle", "right"))
    assert window.candidates.count() > 0
    window.candidates.setCurrentRow(0)
    assert window.pain_panel.add_button.isEnabled()
    point_id, side = window.candidates.item(0).data(Qt.ItemDataRole.UserRole)
    window.patient_panel.editing.confirm_warnings = lambda warnings: True  # whatever it warns about
    qtbot.mouseClick(window.pain_panel.add_button, Qt.MouseButton.LeftButton)
    needles = window.patient_panel.current_visit.needles
    assert [(n.trigger_point_id, n.side) for n in needles] == [(point_id, side)]


def test_without_an_open_plan_a_click_on_a_trigger_point_shows_its_pattern(qtbot, window):
    point = safe_point(window._context, "posterior")
    window.show_view("posterior")
    window.map_view.select(RegionId("muscle", point.muscle_id, "right"))
    mark = next(m for m in window.map_view.trigger_point_marks if m.point_id == point.id)
    qtbot.mouseClick(
        window.map_view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.map_view.mapFromScene(mark.x, mark.y),
    )
    assert window.chosen_point == point.id
    assert window.map_view.needle_marks == []


def test_one_brush_stroke_is_one_save_and_one_undo_step(qtbot, window):
    from PySide6.QtGui import QMouseEvent

    from .test_map_marks_and_brush import scene_to_widget, send_mouse

    visit = open_visit(window)
    window.show_view("anterior")
    view = window._context.atlas.view("anterior")
    start_zone = RegionId("zone", "lateral_shoulder", "left")
    end_zone = RegionId("zone", "sternum", "midline")
    window.pain_toggle.setChecked(True)
    database = window.patient_panel.database()
    entries_before = len(database.audit_entries(visit.id))
    held = Qt.MouseButton.LeftButton
    start = scene_to_widget(window, *view.inside_point(start_zone))
    end = scene_to_widget(window, *view.inside_point(end_zone))
    send_mouse(window, QMouseEvent.Type.MouseButtonPress, start, held)
    send_mouse(window, QMouseEvent.Type.MouseMove, end, held)
    send_mouse(window, QMouseEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
    stored = database.visit(visit.id)
    assert len(stored.pain_drawing) >= 2  # the stroke crossed several zones
    assert len(database.audit_entries(visit.id)) == entries_before + 1  # one save
    window.patient_panel.editing.undo()
    assert database.visit(visit.id).pain_drawing == ()  # one undo step takes it all back
