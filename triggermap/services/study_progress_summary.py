"""A learner's progress at a glance: cards due, accuracy by region and by day, weakest cards."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from statistics import fmean

from triggermap.storage.study_progress import CardState, ReviewRecord

#: A card's weakness is judged on its latest answers only, so old mistakes since put right
#: no longer count.
RECENT_ANSWERS = 3


@dataclass(frozen=True)
class RegionAccuracy:
    """Mean score (0–100) of the answers about one body region."""

    region: str
    accuracy: float
    answers: int


@dataclass(frozen=True)
class WeakCard:
    """A card the learner knows least: mean score (0–100) of its latest answers."""

    card_key: str
    kind: str
    subject: str
    accuracy: float
    answers: int


@dataclass(frozen=True)
class DayAccuracy:
    """Mean score (0–100) of one day's answers (the learner's calendar day)."""

    day: date
    accuracy: float
    answers: int


@dataclass(frozen=True)
class ProgressSummary:
    """Where a learner stands. Of the deck (the current selection, `deck_size` cards):
    `cards_due` now, `cards_seen` and `cards_new`. Of all cards the learner ever answered:
    `cards_due_all`, `answers`, overall accuracy (mean score 0–100, None before the first
    answer) and its breakdowns by region, card and day."""

    cards_due: int
    cards_seen: int
    cards_new: int
    deck_size: int
    cards_due_all: int
    answers: int
    accuracy: float | None
    by_region: tuple[RegionAccuracy, ...]
    weakest: tuple[WeakCard, ...]
    by_day: tuple[DayAccuracy, ...]


def summarise_progress(
    reviews: Iterable[ReviewRecord],
    states: Mapping[str, CardState],
    deck_keys: Collection[str],
    now: datetime,
    zone: tzinfo = UTC,
    weakest_count: int = 5,
) -> ProgressSummary:
    """Summarise a learner's answers and card schedules against the deck of `deck_keys`.

    Days are calendar days in `zone`. Weakest cards are those whose latest RECENT_ANSWERS
    answers score lowest on average (cards answered perfectly are never "weak").
    """
    answers = sorted(reviews, key=lambda r: r.reviewed_at)
    keys = set(deck_keys)
    due = sum(1 for key, state in states.items() if key in keys and state.due <= now)
    seen = sum(1 for key in states if key in keys)
    by_region: dict[str, list[float]] = defaultdict(list)
    by_day: dict[date, list[float]] = defaultdict(list)
    by_card: dict[str, list[ReviewRecord]] = defaultdict(list)
    for answer in answers:
        by_region[answer.region].append(answer.score)
        by_day[answer.reviewed_at.astimezone(zone).date()].append(answer.score)
        by_card[answer.card_key].append(answer)
    weak = []
    for key, card_answers in by_card.items():
        latest = card_answers[-RECENT_ANSWERS:]
        accuracy = fmean(a.score for a in latest)
        if accuracy < 100:
            first = card_answers[0]
            weak.append(WeakCard(key, first.kind, first.subject, accuracy, len(card_answers)))
    weak.sort(key=lambda w: (w.accuracy, -w.answers, w.card_key))
    return ProgressSummary(
        cards_due=due,
        cards_seen=seen,
        cards_new=len(keys) - seen,
        deck_size=len(keys),
        cards_due_all=sum(1 for state in states.values() if state.due <= now),
        answers=len(answers),
        accuracy=fmean(a.score for a in answers) if answers else None,
        by_region=tuple(
            RegionAccuracy(region, fmean(scores), len(scores))
            for region, scores in sorted(by_region.items(), key=lambda item: fmean(item[1]))
        ),
        weakest=tuple(weak[:weakest_count]),
        by_day=tuple(
            DayAccuracy(day, fmean(scores), len(scores)) for day, scores in sorted(by_day.items())
        ),
    )
