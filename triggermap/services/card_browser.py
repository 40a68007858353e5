"""The card browser: every study card with where the learner stands on it, found by muscle,
region or condition, and each card's own answer history."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from triggermap.catalogue.model import Catalogue, TriggerPointId, point_title
from triggermap.services.study_cards import (
    KIND_TITLES,
    StudyCard,
    card_region,
    card_subject,
    exercise_words,
)
from triggermap.services.study_schedule import retrievability
from triggermap.storage.study_progress import CardState, ReviewRecord

#: What a card's status is called in the browser.
STATUS_TITLES = {
    "new": "New",
    "due": "Due",
    "learning": "Learning",
    "known": "Known",
    "suspended": "Suspended",
}


@dataclass(frozen=True)
class CardRow:
    """One card as the browser lists it: what it asks, its body region, its status (a key of
    STATUS_TITLES), when it is due (None for a new card), how many answers it has had, the
    latest score (0–100) and FSRS's estimate (0–1) that the learner knows it now (None for a
    card still being learnt: just after an answer FSRS counts it as known, a card just
    missed included, which would read as nonsense)."""

    card: StudyCard
    title: str
    region: str
    status: str
    due: datetime | None
    answers: int
    last_score: float | None
    retention: float | None


def _folded(text: str) -> str:
    """Lower case without accents, for matching what is typed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def card_words(catalogue: Catalogue, card: StudyCard) -> str:
    """Everything a card can be found by: the muscle (and its other names) or the condition,
    the trigger point's label, the conditions its muscle is implicated in, the exercise."""
    parts = [KIND_TITLES[card.kind]]
    if card.kind == "condition":
        condition = catalogue.conditions.get(card.subject)
        if condition is not None:
            parts += [condition.name, *condition.synonyms]
    else:
        point = catalogue.trigger_point(TriggerPointId(card.subject))
        muscle = catalogue.muscles[point.muscle_id]
        parts += [point_title(catalogue, point), muscle.name, *muscle.synonyms]
        parts += [c.name for c in catalogue.conditions.values() if muscle.id in c.muscles]
    return _folded(" ".join(parts))


def browse_cards(
    catalogue: Catalogue,
    deck: Iterable[StudyCard],
    states: Mapping[str, CardState],
    reviews: Iterable[ReviewRecord],
    suspended: Collection[str],
    now: datetime,
    typed: str = "",
    region: str = "",
) -> list[CardRow]:
    """The cards of `deck` whose words contain every word typed (any order, any case, no
    accents needed) and, if `region` is given, of that body region (or "conditions"), each
    with the learner's standing on it, in deck order."""
    words = _folded(typed).split()
    history: dict[str, list[ReviewRecord]] = defaultdict(list)
    for review in reviews:
        history[review.card_key].append(review)
    rows = []
    for card in deck:
        if region and card_region(catalogue, card) != region:
            continue
        if words:
            found = card_words(catalogue, card)
            if not all(word in found for word in words):
                continue
        state = states.get(card.key)
        answered = history.get(card.key, [])
        if card.key in suspended:
            status = "suspended"
        elif state is None:
            status = "new"
        elif state.due <= now:
            status = "due"
        elif state.phase == "review":
            status = "known"
        else:
            status = "learning"
        rows.append(
            CardRow(
                card=card,
                title=card_title_words(catalogue, card),
                region=card_region(catalogue, card),
                status=status,
                due=state.due if state else None,
                answers=len(answered),
                last_score=answered[-1].score if answered else None,
                retention=(
                    retrievability(state, now) if state and state.phase == "review" else None
                ),
            )
        )
    return rows


def card_title_words(catalogue: Catalogue, card: StudyCard) -> str:
    """A card in words: 'Soleus TrP1 — draw the pattern'."""
    try:
        subject = card_subject(catalogue, card)
    except KeyError:
        subject = card.subject  # a card of an older catalogue
    return f"{subject} — {exercise_words(card.kind)}"


def card_history(reviews: Iterable[ReviewRecord], card_key: str) -> list[ReviewRecord]:
    """The learner's answers to one card, latest first."""
    return sorted(
        (r for r in reviews if r.card_key == card_key), key=lambda r: r.reviewed_at, reverse=True
    )
