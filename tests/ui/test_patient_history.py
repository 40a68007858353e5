"""The history window: visits on a timeline, pain scores and painted zones, pain drawings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtGui import QColor, QImage

from triggermap.catalogue.model import TriggerPointId
from triggermap.clinic.model import (
    FunctionalActivity,
    PainMark,
    Patient,
    PatientId,
    TreatmentGoal,
    Visit,
    VisitId,
)
from triggermap.services.context import AppContext
from triggermap.services.patient_records import Changes
from triggermap.ui.changes_hub import changes_hub
from triggermap.ui.patients.history import (
    AFTER_GREEN,
    BEFORE_RED,
    FUNCTION_PURPLE,
    GOAL_LABEL_WIDTH,
    HistoryWindow,
    date_positions,
    goal_targets,
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


# --- treatment goals' targets -----------------------------------------------------------------

PAIN_GOAL = TreatmentGoal(
    1,
    "Lift my grandchild without neck pain, even when she has grown a good deal heavier",
    date(2026, 1, 1),
    measure="nprs",
    baseline=8,
    target=4,
)
SITTING_GOAL = TreatmentGoal(
    2, "Sit at work for 2 hours", date(2026, 1, 1), measure="psfs", activity="Sitting", target=8
)
WORDS_ONLY = TreatmentGoal(3, "Sleep through the night", date(2026, 1, 1))


def test_goal_targets_come_from_goals_with_a_measure_and_say_whether_met(visits):
    sitting = (FunctionalActivity("sitting", 9),)
    scored = [replace(v, psfs=sitting) if v.id == "v3" else v for v in visits]
    targets = goal_targets((PAIN_GOAL, SITTING_GOAL, WORDS_ONLY), scored)
    assert [(t.measure, t.target) for t in targets] == [("nprs", 4), ("psfs", 8)]
    # the latest pain before treatment is 3 (at most 4), the sitting score 9 (at least 8)
    assert [t.met for t in targets] == [True, True]
    assert goal_targets((SITTING_GOAL,), visits)[0].met is None  # never rated
    assert targets[0].label.startswith("NPRS target 4: Lift my grandchild")
    assert targets[0].label.endswith("✓ met")


def pixels_of(image: QImage, y: float, colour: QColor, left: float, right: float) -> int:
    """How many columns between left and right hold a pixel of about this colour within a
    pixel of row y (an antialiased thin line falls across two rows)."""
    return sum(
        1
        for x in range(round(left), round(right))
        if any(
            all(
                abs(a - b) <= 40
                for a, b in zip(
                    image.pixelColor(x, round(y) + dy).getRgb()[:3],
                    colour.getRgb()[:3],
                    strict=True,
                )
            )
            for dy in (-1, 0, 1)
        )
    )


def test_each_goal_is_a_dashed_line_at_its_target_with_its_words_cut_short(
    qtbot, context, patient, visits
):
    with_goals = replace(patient, goals=(PAIN_GOAL, SITTING_GOAL, WORDS_ONLY))
    window = HistoryWindow(context, with_goals, visits)
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    qtbot.waitExposed(window)
    plot = window.plot
    assert [goal.target for goal in plot.goals] == [4, 8]
    image = plot.grab().toImage()
    rect = plot.plot_rect()
    # sample the stretch left of the labels, between the visits' dots
    left, right = rect.left() + 2, rect.left() + 30
    for goal, colour in ((plot.goals[0], BEFORE_RED), (plot.goals[1], FUNCTION_PURPLE)):
        found = pixels_of(image, plot.pain_y(goal.target), colour, left, right)
        assert 0 < found < right - left, "dashed: coloured pixels with gaps between them"
    # no goal at 6: no line there
    assert pixels_of(image, plot.pain_y(6), BEFORE_RED, left, right) == 0
    label = plot.goal_label(plot.goals[0])
    assert label.startswith("NPRS target 4: Lift my grandchild")
    assert label.endswith("…")
    assert len(label) < len(plot.goals[0].label)
    assert plot.goal_label(plot.goals[1]) == plot.goals[1].label  # short: whole
    assert GOAL_LABEL_WIDTH < rect.width()


def test_the_history_follows_goals_set_elsewhere(qtbot, context, patient, visits):
    window = HistoryWindow(context, patient, visits, reload=lambda: visits)
    qtbot.addWidget(window)
    assert window.plot.goals == []
    with_goal = replace(patient, goals=(SITTING_GOAL,))
    changes_hub().publish(Changes(patients=True, patient_id=patient.id, patient=with_goal), None)
    assert [goal.text for goal in window.plot.goals] == ["Sit at work for 2 hours"]
    other = Patient(
        PatientId("p2"), "Other", "Person", date(1970, 1, 1), "male", goals=(PAIN_GOAL,)
    )
    changes_hub().publish(Changes(patients=True, patient_id=other.id, patient=other), None)
    assert [goal.text for goal in window.plot.goals] == ["Sit at work for 2 hours"]
