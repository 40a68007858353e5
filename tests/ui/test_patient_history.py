"""The history window: visits on a timeline, pain scores and painted zones, pain drawings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtGui import QColor, QImage

from triggermap.catalogue.model import TriggerPointId
from triggermap.clinic.model import PainMark, Patient, PatientId, Visit, VisitId
from triggermap.services.context import AppContext
from triggermap.ui.patients.history import (
    AFTER_GREEN,
    BEFORE_RED,
    HistoryWindow,
    date_positions,
    visit_points,
)


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> AppContext:
    return AppContext.default(tmp_path_factory.mktemp("unused"))


@pytest.fixture
def visits(context: AppContext) -> list[Visit]:
    point = context.catalogue.trigger_point(TriggerPointId("upper_trapezius.trp1"))
    zones = [
        f"zone.{z}.right"
        for z in (*point.essential, *point.spillover)
        if context.catalogue.zones[z].sides == "both"
    ]
    assert len(zones) >= 3
    start = date.today() - timedelta(days=40)
    scores = [(8, 5, 3), (6, 3, 2), (3, None, 1)]
    return [
        Visit(
            VisitId(f"v{number}"),
            PatientId("p1"),
            start + timedelta(days=days),
            complaint=f"visit {number}",
            pain_drawing=tuple(PainMark(zone, before) for zone in zones[:painted]),
            pain_before=before,
            pain_after=after,
            finalised_at=datetime(2026, 1, 1, tzinfo=UTC) if number < 3 else None,
            finalised_by="T. Therapist" if number < 3 else "",
        )
        # out of order on purpose: the window sorts by date
        for number, days, (before, after, painted) in (
            (2, 14, scores[1]),
            (1, 0, scores[0]),
            (3, 40, scores[2]),
        )
    ]


@pytest.fixture
def patient() -> Patient:
    return Patient(PatientId("p1"), "Reinholt", "Mara", date(1980, 3, 14), "female")


def near(image: QImage, x: float, y: float, colour: QColor, tolerance: int = 40) -> bool:
    """Whether a pixel within 2 px of (x, y) has about this colour."""
    for dx in (-2, -1, 0, 1, 2):
        for dy in (-2, -1, 0, 1, 2):
            found = image.pixelColor(round(x) + dx, round(y) + dy)
            if all(
                abs(a - b) <= tolerance
                for a, b in zip(found.getRgb()[:3], colour.getRgb()[:3], strict=True)
            ):
                return True
    return False


def test_dates_are_placed_in_proportion_to_time():
    days = [date(2026, 1, 1), date(2026, 1, 11), date(2026, 2, 10)]
    assert date_positions(days, 0, 400) == [0, 100, 400]
    assert date_positions([date(2026, 1, 1)], 0, 400) == [200]
    assert date_positions([], 0, 400) == []


def test_points_are_oldest_first_with_zone_counts(visits):
    points = visit_points(visits)
    assert [p.visit_date for p in points] == sorted(v.visit_date for v in visits)
    assert [p.painted_zones for p in points] == [3, 2, 1]
    assert [p.pain_after for p in points] == [5, 3, None]
    assert [p.finalised for p in points] == [True, True, False]


def test_the_plot_draws_pain_before_and_after_per_visit(qtbot, context, patient, visits):
    window = HistoryWindow(context, patient, visits)
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    qtbot.waitExposed(window)
    plot = window.plot
    image = plot.grab().toImage()
    xs = plot.x_positions()
    assert xs == sorted(xs)
    assert len(xs) == 3
    for x, point in zip(xs, plot.points, strict=True):
        assert near(image, x, plot.pain_y(point.pain_before), BEFORE_RED)
        if point.pain_after is not None:
            assert near(image, x, plot.pain_y(point.pain_after), AFTER_GREEN)
    # no "after" score on the last visit: nothing green there
    assert not near(image, xs[2], plot.pain_y(0), AFTER_GREEN)
    # the painted-zone bar of the first visit is taller than the last one's
    bottom = plot.plot_rect().bottom()

    def bar_height(x: float) -> int:
        height = 0
        while height < 300:
            colour = image.pixelColor(round(x) + 6, round(bottom) - height - 2)
            if not (colour.blue() > colour.red() + 20):
                break
            height += 1
        return height

    assert bar_height(xs[0]) > bar_height(xs[2]) > 0


def test_pain_drawings_side_by_side(qtbot, context, patient, visits):
    window = HistoryWindow(context, patient, visits)
    qtbot.addWidget(window)
    window.resize(1400, 800)
    window.show()
    qtbot.waitExposed(window)
    assert len(window.drawing_cards) == len(window.drawing_pictures) == 3
    xs = [card.x() for card in window.drawing_cards]
    assert xs == sorted(xs), "side by side, left to right"
    assert len(set(xs)) == 3
    dates = sorted(v.visit_date.isoformat() for v in visits)
    for card, day in zip(window.drawing_cards, dates, strict=True):
        assert any(day in label.text() for label in card.findChildren(type(window.title)))
    for picture in window.drawing_pictures:
        image = picture.pixmap().toImage()
        painted_blue = sum(
            1
            for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)
            if image.pixelColor(x, y).blue() > image.pixelColor(x, y).red() + 15
        )
        assert painted_blue > 5, "each small map shows its pain drawing in blue"
