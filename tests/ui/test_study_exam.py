"""Exam preparation in the study window: a mock exam from start to report (timed, no feedback
until the end, kept in the history, schedules untouched) and the weakest-first review."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_study_scheduling import write_history
from triggermap.services.mock_exam import SECONDS_PER_QUESTION
from triggermap.services.study_cards import DeckFilter, build_deck
from triggermap.storage.study_progress import StudyProgress
from triggermap.ui.study import StudyWindow
from triggermap.ui.study.exam_report_page import ExamHistoryModel, GroupScoresModel

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
WHICH_MUSCLE_ONLY = DeckFilter(kinds=("which_muscle",))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def window(qtbot, context, clock) -> StudyWindow:
    shown = StudyWindow(context, rng=random.Random(7), clock=clock)
    qtbot.addWidget(shown)
    shown.resize(1366, 740)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def ready(qtbot, window):
    """The question on screen once it takes input (in an exam, a double-click interval after
    it appears); returns its page."""
    page = window.pages.currentWidget()
    qtbot.waitUntil(page.isEnabled, timeout=5_000)
    return page


def pick(qtbot, window, right: bool) -> None:
    """Answer the which-muscle question on screen by its number key, right or wrong."""
    page = ready(qtbot, window)
    choice = page.choices.index(page.card.subject)
    if not right:
        choice = (choice + 1) % len(page.choices)
    qtbot.keyClick(page, getattr(Qt.Key, f"Key_{choice + 1}"))


def exams(context, learner="Ana"):
    with StudyProgress.in_data_dir(context.data_dir) as progress:
        return (
            progress.mock_exams(learner),
            progress.reviews(learner),
            progress.card_states(learner),
        )


def test_a_mock_exam_runs_to_a_scored_report_without_feedback_and_moves_no_schedule(
    qtbot, window, context, clock
):
    asked = window.start_session(WHICH_MUSCLE_ONLY, 6, "Ana", "exam")
    assert asked == 6
    page = window.pages.currentWidget()
    assert "mock exam, question 1 of 6" in page.header.text()
    assert f"{6 * SECONDS_PER_QUESTION // 60}:00 left" in page.header.text()
    assert page.stop_button.text() == "End exam (Esc)"
    for n in range(6):
        page = window.pages.currentWidget()
        assert f"question {n + 1} of 6" in page.header.text()
        clock.now += timedelta(seconds=30)
        pick(qtbot, window, right=n < 4)
        # no verdict, no rating: the next question (or the report) follows at once
        assert page.feedback.text() == ""
        assert not page.rating_row.isVisible()
    report = window.exam_report_page
    assert window.pages.currentWidget() is report
    assert "4 of 6 questions passed" in report.score_line.text()
    assert "all questions answered" in report.score_line.text()
    assert report.kind_model.rowCount() == 1
    assert report.kind_model.index(0, 1).data() == "6"
    assert report.region_model.rowCount() >= 2  # the exam mixes body regions
    assert report.missed_model.rowCount() == 2
    saved, reviews, states = exams(context)
    assert len(saved) == 1
    assert len(saved[0].answers) == 6
    scores = [a.score for a in saved[0].answers]
    assert scores.count(100) == 4
    assert all(s < 60 for s in scores[4:])  # a wrong choice can earn part marks, not a pass
    assert f"Score {sum(scores) / 6:.0f} / 100" in report.score_line.text()
    assert (reviews, states) == ([], {})  # an exam is not a review
    assert report.history_model.rowCount() == 1
    qtbot.keyClick(report, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.setup_page
    # the next session is an ordinary one again, with feedback
    window.start_session(WHICH_MUSCLE_ONLY, 10, "Ana")
    page = window.pages.currentWidget()
    pick(qtbot, window, right=True)
    assert "Well done" in page.feedback.text()


def test_when_the_time_is_up_the_exam_ends_and_unanswered_questions_score_zero(
    qtbot, window, context, clock
):
    window.start_session(WHICH_MUSCLE_ONLY, 3, "Ana", "exam")
    pick(qtbot, window, right=True)
    clock.now += timedelta(seconds=3 * SECONDS_PER_QUESTION - 5)
    window._exam_tick()
    page = window.pages.currentWidget()
    assert "0:05 left" in page.header.text()
    clock.now += timedelta(seconds=5)
    window._exam_tick()
    assert window.pages.currentWidget() is window.exam_report_page
    assert "the time ran out" in window.exam_report_page.score_line.text()
    [exam], _, _ = exams(context)
    assert exam.timed_out
    assert [a.score for a in exam.answers] == [100, None, None]


def test_escape_in_an_exam_asks_before_ending_it(qtbot, window, context):
    window.start_session(WHICH_MUSCLE_ONLY, 4, "Ana", "exam")
    window.confirm_end_exam = lambda: False
    page = ready(qtbot, window)
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is page  # a slip of the key ends nothing
    assert exams(context)[0] == []
    window.confirm_end_exam = lambda: True
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.exam_report_page
    assert "ended early" in window.exam_report_page.score_line.text()
    [exam], _, _ = exams(context)
    assert [a.score for a in exam.answers] == [None] * 4


def test_closing_the_window_during_an_exam_keeps_it(qtbot, window, context):
    window.start_session(WHICH_MUSCLE_ONLY, 4, "Ana", "exam")
    pick(qtbot, window, right=False)
    window.close()
    [exam], _, _ = exams(context)
    assert [a.score is None for a in exam.answers] == [False, True, True, True]


def test_review_my_weakest_asks_the_cards_least_likely_known_first(qtbot, window, context):
    deck = build_deck(context.catalogue, context.atlas, WHICH_MUSCLE_ONLY)
    write_history(context, "Ana", deck[:3], NOW - timedelta(days=200))  # long forgotten
    write_history(context, "Ana", deck[3:8], NOW - timedelta(hours=1))  # fresh
    asked = window.start_session(WHICH_MUSCLE_ONLY, 10, "Ana", "weakest")
    assert asked == 8  # only answered cards: a new card has no memory to be weak in
    first = window.current_card
    assert first.key in {c.key for c in deck[:3]}
    assert "your weakest cards, 1 of 8" in window.pages.currentWidget().header.text()


def test_review_my_weakest_with_nothing_answered_says_what_to_do(window):
    assert window.start_session(WHICH_MUSCLE_ONLY, 10, "Ana", "weakest") == 0
    assert window.pages.currentWidget() is window.setup_page
    assert "start with a short session" in window.setup_page.message.text()


def test_the_setup_page_offers_the_exam_and_the_weakest_review(qtbot, window):
    setup = window.setup_page
    setup.mock_exam.setChecked(True)
    assert setup.session_kind() == "exam"
    assert setup.session_length() == 20
    setup.weakest_review.setChecked(True)
    assert setup.session_kind() == "weakest"


def test_the_report_models_pass_the_model_tester(qtmodeltester, window, qtbot, context):
    window.start_session(WHICH_MUSCLE_ONLY, 3, "Ana", "exam")
    for _ in range(3):
        pick(qtbot, window, right=True)
    report = window.exam_report_page
    for model in (report.region_model, report.kind_model, report.history_model):
        assert isinstance(model, GroupScoresModel | ExamHistoryModel)
        qtmodeltester.check(model, force_py=True)


def test_a_double_click_in_an_exam_answers_one_question_not_two(qtbot, window, context):
    window.start_session(WHICH_MUSCLE_ONLY, 4, "Ana", "exam")
    page = ready(qtbot, window)
    button = page.choice_buttons[0]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # the second click of the double click lands on the next question at once
    next_page = window.pages.currentWidget()
    qtbot.mouseClick(next_page.choice_buttons[0], Qt.MouseButton.LeftButton)
    assert len(window.exam_scores) == 1
    ready(qtbot, window)
    qtbot.mouseClick(next_page.choice_buttons[0], Qt.MouseButton.LeftButton)
    assert len(window.exam_scores) == 2  # a deliberate click after the pause counts


def test_the_study_window_opens_within_the_screen(qtbot, context):
    shown = StudyWindow(context)
    qtbot.addWidget(shown)
    free = shown.screen().availableGeometry()
    assert shown.width() <= free.width()
    assert shown.height() <= free.height()


def test_a_wheel_scrolling_past_the_filters_does_not_change_them(qtbot, window):
    from tests.ui.test_entry_slips import wheel

    setup = window.setup_page
    setup.region_choice.setCurrentIndex(2)
    window.setup_page.start_button.setFocus()
    wheel(setup.region_choice, -1)
    assert setup.region_choice.currentIndex() == 2
