"""Explain mode: the patient's own map and the plain-language primer, full screen."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from triggermap.catalogue.model import TriggerPointId
from triggermap.clinic.model import (
    NeedledPoint,
    PainMark,
    Patient,
    PatientId,
    SafetyWarning,
    Visit,
    VisitId,
)
from triggermap.clinic.patient_primer import PRIMER
from triggermap.services.context import AppContext
from triggermap.ui.patients.explain import ExplainWindow, muscle_words, needle_words


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> AppContext:
    return AppContext.default(tmp_path_factory.mktemp("unused"))


@pytest.fixture
def patient() -> Patient:
    return Patient(PatientId("p1"), "Reinholt", "Mara", date(1980, 3, 14), "female")


@pytest.fixture
def visit(context: AppContext) -> Visit:
    point = context.catalogue.trigger_point(TriggerPointId("upper_trapezius.trp1"))
    zone = point.essential[0]
    return Visit(
        VisitId("v1"),
        PatientId("p1"),
        date.today(),
        pain_drawing=(PainMark(f"zone.{zone}.left", 8),),
        needles=(NeedledPoint(1, point.id, "left", performed=True),),
    )


def dark(image: QImage, x: float, y: float) -> bool:
    colour = image.pixelColor(round(x), round(y))
    return max(colour.red(), colour.green(), colour.blue()) < 80


def test_the_map_shows_the_numbered_needle(qtbot, context, patient, visit):
    window = ExplainWindow(context, patient, visit)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    image = window.map_canvas.grab().toImage()
    assert window.map_canvas.placements, "the map was not painted"
    needle = next(
        (placement, mark)
        for placement in window.map_canvas.placements
        for mark in placement.panel.needles
    )
    placement, mark = needle
    centre = placement.to_target(mark.x, mark.y)
    # a placed needle is a dark disc: dark all round its number
    radius = placement.rect.height() * 0.022
    assert all(
        dark(image, centre.x() + dx * radius * 0.7, centre.y() + dy * radius * 0.7)
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
    )
    # the body is drawn: a good share of the map is not white
    coloured = sum(
        1
        for x in range(0, image.width(), 6)
        for y in range(0, image.height(), 6)
        if image.pixelColor(x, y).name() != "#ffffff"
    )
    assert coloured > (image.width() // 6) * (image.height() // 6) * 0.08


def test_the_words_name_the_pain_muscles_needles_and_primer(qtbot, context, patient, visit):
    warned = dataclasses.replace(
        visit,
        notes="Therapist's own note",
        warnings=(
            SafetyWarning(
                "pneumothorax",
                "Do not needle deeper than 14 mm.",
                visit.needles[0].trigger_point_id,
                "left",
                14.0,
            ),
        ),
    )
    window = ExplainWindow(context, patient, warned)
    qtbot.addWidget(window)
    text = window.text.text()
    zone = context.catalogue.zones[visit.pain_drawing[0].region_id.split(".")[1]]
    assert zone.name in text
    assert "Upper trapezius" in text
    assert "on your left" in text
    for section in PRIMER:
        assert section.title in text.replace("&quot;", '"')
    assert "acupuncture" in text
    assert "twitch" in text
    # the therapist's notes and warnings are not for this screen
    assert "14 mm" not in text
    assert "Therapist's own note" not in text
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    # the text is really drawn, in large type: dark glyph pixels beside the map
    label = window.text.grab().toImage()
    rows_with_ink = sum(
        1
        for y in range(min(label.height(), 400))
        if any(dark(label, x, y) for x in range(0, label.width(), 2))
    )
    assert rows_with_ink > 100


def test_plain_words_for_muscles_and_needles(context, visit):
    two = dataclasses.replace(
        visit,
        needles=(
            *visit.needles,
            NeedledPoint(2, TriggerPointId("upper_trapezius.trp1"), "right"),
        ),
    )
    assert needle_words(two, context.catalogue) == [
        "1. Upper trapezius, on your left",
        "2. Upper trapezius, on your right",
    ]
    [muscle] = muscle_words(two, context.catalogue)
    assert "left and right" in muscle
    assert "neck and shoulder" in muscle


def test_escape_closes_and_full_screen(qtbot, context, patient, visit):
    window = ExplainWindow(context, patient, visit)
    qtbot.addWidget(window)
    window.showFullScreen()
    qtbot.waitExposed(window)
    assert window.isFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_empty_visit_says_nothing_is_planned(qtbot, context, patient):
    empty = Visit(VisitId("v2"), PatientId("p1"), date.today())
    window = ExplainWindow(context, patient, empty)
    qtbot.addWidget(window)
    assert "No needles planned" in window.text.text()
    assert "Not drawn yet" in window.text.text()
