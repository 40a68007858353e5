"""Scheduling that tells the truth: the due count at start, the learner's own rating after each
answer ("I guessed" counts as Again), empty answers not scored, and labelled progress counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from triggermap.services.study_cards import DeckFilter, StudyCard, build_deck, card_region
from triggermap.services.study_schedule import schedule_review
from triggermap.storage.study_progress import DEFAULT_LEARNER, ReviewRecord, StudyProgress
from triggermap.ui.study import StudyWindow

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
WHICH_MUSCLE = StudyCard("which_muscle", "infraspinatus.trp1")


def fixed_clock() -> datetime:
    return NOW


def open_window(qtbot, context) -> StudyWindow:
    shown = StudyWindow(context, rng=random.Random(4), clock=fixed_clock)
    qtbot.addWidget(shown)
    shown.resize(1400, 900)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


@pytest.fixture
def window(qtbot, context) -> StudyWindow:
    return open_window(qtbot, context)


def write_history(context, learner: str, cards, answered_at: datetime) -> dict:
    """Answer `cards` well at `answered_at` through the storage API; returns their states."""
    states = {}
    with StudyProgress.in_data_dir(context.data_dir) as progress:
        for card in cards:
            state = schedule_review(None, 90, answered_at)
            region = card_region(context.catalogue, card)
            progress.record_review(
                ReviewRecord(learner, card.key, card.kind, card.subject, region, 90, answered_at),
                state,
            )
            states[card.key] = state
    return states


def saved(context, learner=DEFAULT_LEARNER):
    with StudyProgress.in_data_dir(context.data_dir) as progress:
        return progress.reviews(learner), progress.card_states(learner)


# -- the due count at start ---------------------------------------------------------------------


def test_a_fresh_start_counts_the_cards_due(qtbot, context):
    deck = build_deck(context.catalogue, context.atlas, DeckFilter())
    states = write_history(context, DEFAULT_LEARNER, deck[:4], NOW - timedelta(days=30))
    write_history(context, DEFAULT_LEARNER, deck[4:6], NOW)  # answered now: not due
    assert sum(s.due <= NOW for s in states.values()) == 4
    window = open_window(qtbot, context)
    assert window.pages.currentWidget() is window.setup_page
    assert "4 of them are due" in window.setup_page.deck_label.text()


def test_the_due_count_is_of_the_learner_who_studied_last_and_follows_the_name(qtbot, context):
    deck = build_deck(context.catalogue, context.atlas, DeckFilter())
    with StudyProgress.in_data_dir(context.data_dir) as progress:
        progress.add_learner(DEFAULT_LEARNER)
    write_history(context, "Ana", deck[:3], NOW - timedelta(days=30))
    window = open_window(qtbot, context)
    setup = window.setup_page
    assert setup.learner_name() == "Ana"
    assert "3 of them are due" in setup.deck_label.text()
    setup.learner_choice.setCurrentText(DEFAULT_LEARNER)
    assert "0 of them are due" in setup.deck_label.text()
    setup.learner_choice.setCurrentText("Ana")
    assert "3 of them are due" in setup.deck_label.text()


# -- rating after the answer --------------------------------------------------------------------


def answer_right(qtbot, window):
    """Pick the right choice of the which-muscle card (as a lucky guess would)."""
    window.start_session(DeckFilter(kinds=("which_muscle",)), 10, DEFAULT_LEARNER)
    page = window.show_card(WHICH_MUSCLE)
    qtbot.keyClick(page, getattr(Qt.Key, f"Key_{page.choices.index(WHICH_MUSCLE.subject) + 1}"))
    assert page.score == 100
    return page


def test_a_lucky_guess_rated_i_guessed_comes_back_within_minutes(qtbot, window, context):
    page = answer_right(qtbot, window)
    assert page.rating_row.isVisible()
    assert page.default_rating == "easy"
    assert "Easy" in page.continue_button.text()
    assert "bold" in page.rating_buttons["easy"].styleSheet()
    assert page.guessed_button.text() == "I guessed (I)"
    page.guessed_button.click()
    [review], states = saved(context)
    assert (review.card_key, review.score, review.rating, review.guessed) == (
        WHICH_MUSCLE.key,
        100,
        "again",
        True,
    )
    state = states[WHICH_MUSCLE.key]
    assert state.phase == "learning"
    assert state.due - review.reviewed_at <= timedelta(minutes=10)  # the learning step


def test_a_right_answer_called_a_guess_is_not_counted_as_passed(qtbot, window):
    page = answer_right(qtbot, window)
    page.guessed_button.click()
    window.end_session()
    line = window.summary_page.session_line.text()
    assert "0 of 1 cards passed (1 more right by a guess)" in line


def test_enter_keeps_the_suggested_rating(qtbot, window, context):
    page = answer_right(qtbot, window)
    qtbot.keyClick(page, Qt.Key.Key_Return)
    [review], states = saved(context)
    assert (review.rating, review.guessed) == ("easy", False)
    assert states[WHICH_MUSCLE.key].due - review.reviewed_at >= timedelta(days=1)
    assert window.session_cards[-1] != WHICH_MUSCLE  # on to the next card


@pytest.mark.parametrize(
    ("key", "rating"),
    [
        (Qt.Key.Key_A, "again"),
        (Qt.Key.Key_H, "hard"),
        (Qt.Key.Key_G, "good"),
        (Qt.Key.Key_E, "easy"),
        (Qt.Key.Key_I, "again"),
    ],
)
def test_each_rating_has_its_key(qtbot, window, context, key, rating):
    page = answer_right(qtbot, window)
    qtbot.keyClick(page, key)
    [review], _states = saved(context)
    assert review.rating == rating
    assert review.guessed == (key == Qt.Key.Key_I)
    assert f"({Qt.Key(key).name[-1]})" in (
        page.guessed_button.text() if key == Qt.Key.Key_I else page.rating_buttons[rating].text()
    )


def test_rating_keys_do_nothing_before_the_answer(qtbot, window, context):
    window.start_session(DeckFilter(kinds=("which_muscle",)), 10, DEFAULT_LEARNER)
    page = window.show_card(WHICH_MUSCLE)
    qtbot.keyClick(page, Qt.Key.Key_A)
    assert not page.is_answered
    assert not page.rating_row.isVisible()
    assert saved(context)[0] == []


def test_ending_the_session_after_an_answer_keeps_the_suggested_rating(qtbot, window, context):
    page = answer_right(qtbot, window)
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.summary_page
    [review], _states = saved(context)
    assert review.rating == "easy"


def test_a_rating_counts_once(qtbot, window, context):
    page = answer_right(qtbot, window)
    page.rate("hard")
    page.rate("easy")
    assert [r.rating for r in saved(context)[0]] == ["hard"]


# -- empty answers ------------------------------------------------------------------------------

EMPTY_CASES = {
    "which_muscle": StudyCard("which_muscle", "upper_trapezius.trp1"),
    "draw_pattern": StudyCard("draw_pattern", "infraspinatus.trp1"),
    "find_point": StudyCard("find_point", "gluteus_medius.trp1"),
    "condition": StudyCard("condition", "tension_type_headache"),
}


@pytest.mark.parametrize("kind", sorted(EMPTY_CASES))
def test_an_empty_answer_is_not_scored(qtbot, window, context, kind):
    window.start_session(DeckFilter(kinds=(kind,)), 10, DEFAULT_LEARNER)
    page = window.show_card(EMPTY_CASES[kind])
    qtbot.keyClick(page, Qt.Key.Key_Return)
    page.check_button.click()
    assert not page.is_answered
    assert page.check_button.isVisible()
    assert page.feedback.text().startswith("<i>")  # a sentence says what to do
    assert len(page.feedback.text()) > 30
    assert window.session_scores == []
    window.end_session()
    assert saved(context)[0] == []


def test_an_empty_which_muscle_answer_of_spaces_is_not_scored(qtbot, window):
    window.start_session(DeckFilter(kinds=("which_muscle",)), 10, DEFAULT_LEARNER)
    page = window.show_card(EMPTY_CASES["which_muscle"])
    page.name_field.setFocus()
    qtbot.keyClicks(page.name_field, "   ")
    qtbot.keyClick(page.name_field, Qt.Key.Key_Return)
    assert not page.is_answered


# -- progress page ------------------------------------------------------------------------------


def test_the_progress_page_labels_selection_and_all_card_counts(qtbot, context):
    deck = build_deck(context.catalogue, context.atlas, DeckFilter())
    conditions = [c for c in deck if c.kind == "condition"]
    points = [c for c in deck if c.kind != "condition"]
    write_history(
        context, DEFAULT_LEARNER, [*conditions[:2], *points[:3]], NOW - timedelta(days=30)
    )
    window = open_window(qtbot, context)
    setup = window.setup_page
    for kind, box in setup.kind_boxes.items():
        box.setChecked(kind == "condition")
    setup.progress_button.click()
    summary = window.summary_page
    assert window.pages.currentWidget() is summary
    selection, overall = summary.selection_totals.text(), summary.totals.text()
    assert "In this selection" in selection
    assert f"({len(conditions)} cards)" in selection
    assert "due now: 2 " in selection
    assert "In all cards" in overall
    assert "due now: 5 " in overall
    assert "answers: 5 " in overall
