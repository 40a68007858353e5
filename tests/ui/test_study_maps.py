"""Zoom and pan in the study maps: the wheel, the + - 0 keys and the corner buttons zoom, the
zoom survives a resize and ends with the question, and a middle-button drag pans without
painting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolButton

from triggermap.ui.study.maps import ZOOM_RANGE, ZOOM_STEP, StudyMapView


@pytest.fixture
def study_map(qtbot, context) -> StudyMapView:
    view = StudyMapView()
    qtbot.addWidget(view)
    view.resize(500, 600)
    view.show_body_views([(context.atlas.view("anterior"), context.svg_dir / "anterior.svg")])
    view.show()
    qtbot.waitExposed(view)
    return view


def scale(view: StudyMapView) -> float:
    return view.transform().m11()


def test_keys_zoom_in_and_out_and_zero_shows_the_whole_map(qtbot, study_map):
    fitted = scale(study_map)
    qtbot.keyClick(study_map, Qt.Key.Key_Plus)
    qtbot.keyClick(study_map, Qt.Key.Key_Plus)
    assert scale(study_map) == pytest.approx(fitted * ZOOM_STEP**2)
    qtbot.keyClick(study_map, Qt.Key.Key_Minus)
    assert scale(study_map) == pytest.approx(fitted * ZOOM_STEP)
    qtbot.keyClick(study_map, Qt.Key.Key_0)
    assert scale(study_map) == pytest.approx(fitted)


def test_the_zoom_is_bounded(qtbot, study_map):
    fitted = scale(study_map)
    for _ in range(30):
        study_map.zoom_by(ZOOM_STEP)
    assert scale(study_map) == pytest.approx(fitted * ZOOM_RANGE[1])
    for _ in range(60):
        study_map.zoom_by(1 / ZOOM_STEP)
    assert scale(study_map) == pytest.approx(fitted * ZOOM_RANGE[0])


def test_the_zoom_survives_a_resize_and_ends_with_the_question(qtbot, study_map, context):
    study_map.zoom_by(2.0)
    study_map.resize(700, 800)
    qtbot.wait(10)
    study_map.refit()
    fitted_big = scale(study_map)
    study_map.zoom_by(2.0)
    study_map.resize(701, 800)
    assert scale(study_map) == pytest.approx(2.0 * fitted_big, rel=0.02)
    study_map.show_body_views([(context.atlas.view("anterior"), context.svg_dir / "anterior.svg")])
    assert study_map.zoom_factor == 1.0


def test_the_corner_buttons_zoom_and_take_no_focus(qtbot, study_map):
    buttons = study_map.zoom_buttons.findChildren(QToolButton)
    assert [b.text() for b in buttons] == ["+", "\u2212", "Fit"]
    fitted = scale(study_map)
    buttons[0].click()
    assert scale(study_map) == pytest.approx(fitted * ZOOM_STEP)
    buttons[2].click()
    assert scale(study_map) == pytest.approx(fitted)
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in buttons)


def test_a_middle_button_drag_pans_and_paints_nothing(qtbot, study_map):
    study_map.set_pain_mode(True)
    clicked = []
    study_map.zone_clicked.connect(clicked.append)
    study_map.zoom_by(3.0)
    before = study_map.horizontalScrollBar().value(), study_map.verticalScrollBar().value()
    viewport = study_map.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.MiddleButton, pos=QPoint(250, 300))
    qtbot.mouseMove(viewport, QPoint(200, 240))
    qtbot.mouseRelease(viewport, Qt.MouseButton.MiddleButton, pos=QPoint(200, 240))
    after = study_map.horizontalScrollBar().value(), study_map.verticalScrollBar().value()
    assert after != before
    assert clicked == []
