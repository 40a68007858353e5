"""Spaced repetition: ratings from scores, and when cards come back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating
from hypothesis import given
from hypothesis import strategies as st

from triggermap.services.study_schedule import (
    GUESSED_RATING,
    PASS_SCORE,
    RATINGS,
    default_rating,
    is_due,
    passed,
    rating_for_score,
    schedule_review,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def history(scores, start=START):
    """The state after answering at each due time with the given scores."""
    state, when = None, start
    for score in scores:
        state = schedule_review(state, score, when)
        when = state.due
    return state


def test_scores_map_to_ratings_in_order() -> None:
    assert rating_for_score(0) == Rating.Again
    assert rating_for_score(PASS_SCORE - 1) == Rating.Again
    assert rating_for_score(PASS_SCORE) == Rating.Hard
    assert rating_for_score(85) == Rating.Good
    assert rating_for_score(100) == Rating.Easy
    assert not passed(PASS_SCORE - 0.1)
    assert passed(PASS_SCORE)


def test_a_failed_new_card_comes_back_sooner_than_a_passed_one() -> None:
    failed = schedule_review(None, 10, START)
    passed_card = schedule_review(None, 90, START)
    assert START < failed.due < passed_card.due


@pytest.mark.parametrize("earlier", [[100], [90, 90], [100, 90, 90]])
def test_a_failed_review_comes_back_sooner_than_a_passed_one(earlier) -> None:
    before = history(earlier)
    when = before.due
    failed = schedule_review(before, 20, when)
    passed_card = schedule_review(before, 90, when)
    assert failed.due < passed_card.due
    assert failed.phase == "relearning"


def test_cards_answered_well_come_back_at_growing_intervals() -> None:
    state, when, gaps = None, START, []
    for _ in range(5):
        state = schedule_review(state, 100, when)
        gaps.append(state.due - when)
        when = state.due
    assert gaps == sorted(gaps)
    assert gaps[-1] > timedelta(days=30)


def test_scheduling_is_deterministic() -> None:
    assert history([100, 50, 90, 100]) == history([100, 50, 90, 100])


def test_due_means_a_seen_card_whose_time_has_come() -> None:
    state = schedule_review(None, 90, START)
    assert not is_due(None, START)
    assert not is_due(state, START)
    assert is_due(state, state.due)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        schedule_review(None, 50, datetime(2026, 1, 1))


@given(st.lists(st.floats(0, 100), min_size=1, max_size=8))
def test_every_answer_is_due_again_later(scores) -> None:
    state, when = None, START
    for score in scores:
        state = schedule_review(state, score, when)
        assert state.due > when
        assert state.last_review == when
        when = state.due


def test_the_default_rating_follows_the_score() -> None:
    assert [default_rating(s) for s in (0, PASS_SCORE, 85, 100)] == [*RATINGS]
    assert all(RATINGS[default_rating(s)] == rating_for_score(s) for s in range(101))


def test_the_learners_rating_is_what_fsrs_schedules_by() -> None:
    lucky = schedule_review(None, 100, START, GUESSED_RATING)
    assert lucky == schedule_review(None, 0, START)
    assert lucky.due - START <= timedelta(minutes=10)  # within the learning steps
    assert schedule_review(None, 100, START).due - START >= timedelta(days=1)
    assert schedule_review(None, 0, START, "easy").phase == "review"


def test_an_unknown_rating_is_refused() -> None:
    with pytest.raises(KeyError):
        schedule_review(None, 100, START, "perfect")
