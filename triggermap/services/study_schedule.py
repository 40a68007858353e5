"""Spaced repetition of study cards with FSRS: when each card comes back, from how it went."""

from __future__ import annotations

from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler, State

from triggermap.storage.study_progress import RATING_NAMES, CardState

#: A card answered with at least this score (0–100) counts as passed.
PASS_SCORE = 60.0
#: Scores at or above these thresholds earn the FSRS ratings Good and Easy; below PASS_SCORE
#: is Again (forgotten), between PASS_SCORE and GOOD_SCORE is Hard.
GOOD_SCORE = 80.0
EASY_SCORE = 97.0

#: Share of cards the learner should still know when they come due (FSRS's default).
DESIRED_RETENTION = 0.9

#: The FSRS rating of each rating name the learner can give (RATING_NAMES).
RATINGS: dict[str, Rating] = dict(
    zip(RATING_NAMES, (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy), strict=True)
)
#: "I guessed": a right answer the learner did not know counts as forgotten.
GUESSED_RATING = "again"

_STATE_NAMES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}
_STATES = {name: state for state, name in _STATE_NAMES.items()}


def rating_for_score(score: float) -> Rating:
    """The FSRS rating (Again, Hard, Good, Easy) that a score of 0–100 stands for."""
    if score < PASS_SCORE:
        return Rating.Again
    if score < GOOD_SCORE:
        return Rating.Hard
    if score < EASY_SCORE:
        return Rating.Good
    return Rating.Easy


def default_rating(score: float) -> str:
    """The rating name offered as the default after an answer scoring `score` (0–100); the
    learner may change it (a lucky guess scores 100 but is not known)."""
    return next(name for name, rating in RATINGS.items() if rating == rating_for_score(score))


def passed(score: float) -> bool:
    """Whether a score (0–100) counts as a correct answer."""
    return score >= PASS_SCORE


def schedule_review(
    previous: CardState | None, score: float, reviewed_at: datetime, rating: str | None = None
) -> CardState:
    """The card's state after an answer scoring `score` (0–100) at `reviewed_at` (aware, any
    zone): when it is due next and FSRS's memory estimates. `previous` is None for a new card.
    FSRS is given the learner's `rating` (a name of RATINGS), else the score's default rating.

    Pure and deterministic: FSRS's interval fuzzing is off, so the same history always gives
    the same schedule. A failed card comes back sooner than a passed one.
    """
    if reviewed_at.tzinfo is None:
        raise ValueError("reviewed_at must be timezone-aware")
    when = reviewed_at.astimezone(UTC)
    scheduler = Scheduler(desired_retention=DESIRED_RETENTION, enable_fuzzing=False)
    card = _fsrs_card(previous, when)
    fsrs_rating = RATINGS[rating] if rating is not None else rating_for_score(score)
    updated, _log = scheduler.review_card(card, fsrs_rating, when)
    return CardState(
        phase=_STATE_NAMES[updated.state],
        step=updated.step,
        stability=updated.stability,
        difficulty=updated.difficulty,
        due=updated.due,
        last_review=updated.last_review,
    )


def retrievability(state: CardState, now: datetime) -> float:
    """FSRS's estimate (0–1) that the learner still knows the card at `now` (aware): how much
    of it is remembered after the time since its last answer, given its memory stability."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    scheduler = Scheduler(desired_retention=DESIRED_RETENTION, enable_fuzzing=False)
    return scheduler.get_card_retrievability(_fsrs_card(state, now), now.astimezone(UTC))


def is_due(state: CardState | None, now: datetime) -> bool:
    """Whether a card should be reviewed at `now` (a new card, None, is not 'due' but new)."""
    return state is not None and state.due <= now


def _fsrs_card(previous: CardState | None, when: datetime) -> Card:
    # card ids are our card keys, kept in the progress file; FSRS's own id is not used, and
    # giving one avoids the library's 1 ms sleep that makes ids unique
    if previous is None:
        return Card(card_id=1, due=when)
    return Card(
        card_id=1,
        state=_STATES[previous.phase],
        step=previous.step,
        stability=previous.stability,
        difficulty=previous.difficulty,
        due=previous.due.astimezone(UTC),
        last_review=previous.last_review.astimezone(UTC) if previous.last_review else None,
    )
