"""Study cards from the catalogue: the deck, its filters, plausible wrong answers, what to ask next."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from triggermap.catalogue.model import (
    PREVALENCE_WEIGHT,
    Catalogue,
    ConditionId,
    MuscleId,
    TriggerPoint,
    TriggerPointId,
    point_title,
)
from triggermap.geometry.atlas import Atlas
from triggermap.geometry.regions import RegionId
from triggermap.services.explore import zone_on_side
from triggermap.services.study_schedule import retrievability
from triggermap.storage.study_progress import CardState

CardKind = Literal["which_muscle", "draw_pattern", "find_point", "condition"]
#: The exercises, in the order the setup page lists them.
CARD_KINDS: tuple[CardKind, ...] = ("which_muscle", "draw_pattern", "find_point", "condition")
KIND_TITLES = {
    "which_muscle": "Which muscle?",
    "draw_pattern": "Draw the pattern",
    "find_point": "Find the point",
    "condition": "Condition to muscles",
}
#: The region under which condition cards are counted in the progress summary.
CONDITIONS_REGION = "conditions"

#: Sets of views a referral pattern is shown on, tried in this order (after the trigger point's
#: own close-up view): the first that shows the whole pattern is used.
PATTERN_VIEW_SETS: tuple[tuple[str, ...], ...] = (
    ("anterior", "posterior"),
    ("lateral",),
    ("head",),
    ("hand",),
    ("foot",),
    ("pelvis",),
    ("anterior", "posterior", "lateral"),
)
CLOSE_UP_VIEWS = ("head", "hand", "foot", "pelvis")

#: Two muscles closer than this (body units of the trigger point's view) are neighbours.
NEIGHBOUR_DISTANCE = 30.0
#: Wrong answers are drawn from this many of the most plausible trigger points.
DISTRACTOR_POOL = 10


@dataclass(frozen=True)
class StudyCard:
    """One thing to learn: an exercise `kind` about a `subject` (a trigger point id, or a
    condition id for condition cards)."""

    kind: CardKind
    subject: str

    @property
    def key(self) -> str:
        """The card's stable key in the progress file, "<kind>:<subject>"."""
        return f"{self.kind}:{self.subject}"


def card_subject(catalogue: Catalogue, card: StudyCard) -> str:
    """What a card asks about, in words: the trigger point ('Soleus TrP1') or the condition.
    Raises KeyError for a subject the catalogue no longer has."""
    if card.kind == "condition":
        return catalogue.conditions[ConditionId(card.subject)].name
    return point_title(catalogue, catalogue.trigger_point(TriggerPointId(card.subject)))


def exercise_words(kind: CardKind) -> str:
    """The exercise in running text: 'draw the pattern'."""
    return KIND_TITLES[kind].rstrip("?").lower()


def card_from_key(key: str) -> StudyCard:
    """The card a stored key names; raises ValueError for a key of no known kind."""
    kind, _, subject = key.partition(":")
    if kind not in CARD_KINDS or not subject:
        raise ValueError(f"not a study card key: {key!r}")
    return StudyCard(kind, subject)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DeckFilter:
    """Which cards to study. Empty tuples and None mean "any".

    `regions` are body regions (catalogue.model.REGIONS) of the muscle, or of any muscle of a
    condition; `views` are the trigger point's view; `condition` keeps the trigger points of
    the muscles implicated in it and that condition's card; `prevalences` keep trigger points
    of those grades (condition cards have no prevalence and are kept).
    """

    kinds: tuple[CardKind, ...] = CARD_KINDS
    regions: tuple[str, ...] = ()
    views: tuple[str, ...] = ()
    condition: ConditionId | None = None
    prevalences: tuple[str, ...] = ()


def pattern_zones(
    catalogue: Catalogue, point: TriggerPoint, side: str = "right"
) -> tuple[tuple[RegionId, ...], tuple[RegionId, ...]]:
    """The essential and spillover zones of a trigger point on the patient's `side`."""
    return (
        tuple(zone_on_side(catalogue, z, side) for z in point.essential),
        tuple(zone_on_side(catalogue, z, side) for z in point.spillover),
    )


def pattern_views(atlas: Atlas, catalogue: Catalogue, point: TriggerPoint) -> tuple[str, ...]:
    """The views to show (or draw) a trigger point's referral pattern on: the first set of
    PATTERN_VIEW_SETS (its own close-up view first) that shows every zone of the pattern, else
    the first that shows every essential zone; () if no set does."""
    essential, spillover = pattern_zones(catalogue, point)
    candidates = [s for s in PATTERN_VIEW_SETS if all(v in atlas.views for v in s)]
    if point.view in CLOSE_UP_VIEWS and point.view in atlas.views:
        candidates.insert(0, (point.view,))

    def shown(views: tuple[str, ...], zones: Iterable[RegionId]) -> bool:
        return all(any(atlas.view(v).region(z) is not None for v in views) for z in zones)

    for wanted in ((*essential, *spillover), essential):
        for views in candidates:
            if shown(views, wanted):
                return views
    return ()


def muscle_layer(atlas: Atlas, view: str, muscle_id: str) -> str | None:
    """The layer ("superficial" or "deep") a muscle is drawn in, in a view; None if absent."""
    region = (
        atlas.views[view].region(RegionId("muscle", muscle_id, "right"))
        if (view in atlas.views)
        else None
    )
    return region.layer if region is not None else None


def card_region(catalogue: Catalogue, card: StudyCard) -> str:
    """The body region a card belongs to (CONDITIONS_REGION for condition cards)."""
    if card.kind == "condition":
        return CONDITIONS_REGION
    point = catalogue.trigger_point(TriggerPointId(card.subject))
    return catalogue.muscles[point.muscle_id].region


def build_deck(catalogue: Catalogue, atlas: Atlas, deck_filter: DeckFilter) -> list[StudyCard]:
    """Every card the filter lets through that the atlas can show, in catalogue order."""
    condition = catalogue.conditions.get(deck_filter.condition) if deck_filter.condition else None
    deck: list[StudyCard] = []
    point_kinds = [k for k in deck_filter.kinds if k != "condition"]
    for point in catalogue.trigger_points() if point_kinds else ():
        muscle = catalogue.muscles[point.muscle_id]
        if deck_filter.regions and muscle.region not in deck_filter.regions:
            continue
        if deck_filter.views and point.view not in deck_filter.views:
            continue
        if deck_filter.prevalences and point.prevalence not in deck_filter.prevalences:
            continue
        if deck_filter.condition and (condition is None or muscle.id not in condition.muscles):
            continue
        views = pattern_views(atlas, catalogue, point)
        for kind in point_kinds:
            if kind == "find_point" and muscle_layer(atlas, point.view, muscle.id) is None:
                continue
            if kind in ("which_muscle", "draw_pattern") and not views:
                continue
            deck.append(StudyCard(kind, point.id))
    if "condition" in deck_filter.kinds:
        for found in catalogue.conditions.values():
            if deck_filter.condition and found.id != deck_filter.condition:
                continue
            regions = {catalogue.muscles[m].region for m in found.muscles if m in catalogue.muscles}
            if deck_filter.regions and not regions & set(deck_filter.regions):
                continue
            if len(found.muscles) >= 2:
                deck.append(StudyCard("condition", found.id))
    return deck


# -- plausible wrong answers --------------------------------------------------------------------


def neighbour_muscles(atlas: Atlas, view: str, muscle_id: str) -> set[MuscleId]:
    """Muscles drawn within NEIGHBOUR_DISTANCE of a muscle in a view (right side, any layer)."""
    if view not in atlas.views:
        return set()
    body = atlas.views[view]
    own = body.region(RegionId("muscle", muscle_id, "right"))
    if own is None:
        return set()
    return {
        MuscleId(region.region_id.name)
        for region in body.regions
        if region.region_id.kind == "muscle"
        and region.region_id.side == "right"
        and region.region_id.name != muscle_id
        and region.area.distance(own.area) <= NEIGHBOUR_DISTANCE
    }


def distractor_plausibility(
    catalogue: Catalogue, truth: TriggerPoint, other: TriggerPoint, neighbours: Collection[str]
) -> float:
    """How easily `other` is mistaken for `truth` (0 = not at all): overlapping referral zones
    count most, then another point of the same muscle, a neighbouring muscle, the same region."""
    if other.id == truth.id:
        return 0.0
    truth_zones = set(truth.essential) | set(truth.spillover)
    other_zones = set(other.essential) | set(other.spillover)
    union = truth_zones | other_zones
    overlap = len(truth_zones & other_zones) / len(union) if union else 0.0
    score = 4.0 * overlap
    if set(truth.essential) & set(other.essential):
        score += 1.0
    if other.muscle_id == truth.muscle_id:
        score += 1.5
    elif other.muscle_id in neighbours:
        score += 1.0
    if catalogue.muscles[other.muscle_id].region == catalogue.muscles[truth.muscle_id].region:
        score += 0.5
    return score


def which_muscle_choices(
    catalogue: Catalogue, atlas: Atlas, point_id: TriggerPointId, rng: random.Random, count: int = 4
) -> tuple[TriggerPointId, ...]:
    """`count` trigger points to choose from, the true one among them, in random order; the
    wrong ones drawn (weighted by plausibility) from the most plausible."""
    truth = catalogue.trigger_point(point_id)
    neighbours = neighbour_muscles(atlas, truth.view, truth.muscle_id)
    ranked = sorted(
        (
            (distractor_plausibility(catalogue, truth, other, neighbours), other.id)
            for other in catalogue.trigger_points()
            if other.id != truth.id
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )
    pool = [(weight, pid) for weight, pid in ranked[:DISTRACTOR_POOL] if weight > 0]
    wrong = weighted_sample(pool, count - 1, rng)
    if len(wrong) < count - 1:
        rest = [pid for _, pid in ranked if pid not in wrong]
        wrong += rng.sample(rest, min(count - 1 - len(wrong), len(rest)))
    choices = [truth.id, *wrong]
    rng.shuffle(choices)
    return tuple(choices)


@dataclass(frozen=True)
class ConditionQuestion:
    """Muscles offered for a condition, in display order, and those that are implicated."""

    condition_id: ConditionId
    choices: tuple[MuscleId, ...]
    implicated: frozenset[MuscleId]


def condition_choices(
    catalogue: Catalogue, condition_id: ConditionId, rng: random.Random, count: int = 9
) -> ConditionQuestion:
    """A checklist of `count` muscles (nine fit the number keys): the condition's most often
    implicated muscles (at most two thirds of the list) and muscles of the same body regions
    that are not implicated in it, in random order."""
    condition = catalogue.conditions[condition_id]
    implicated = [m for m in condition.muscles if m in catalogue.muscles][: max(1, 2 * count // 3)]
    regions = {catalogue.muscles[m].region for m in implicated}
    others = [m for m in catalogue.muscles if m not in condition.muscles]
    near = [m for m in others if catalogue.muscles[m].region in regions]
    far = [m for m in others if m not in near]
    wanted = count - len(implicated)
    wrong = rng.sample(near, min(wanted, len(near)))
    wrong += rng.sample(far, min(wanted - len(wrong), len(far)))
    choices = [*implicated, *wrong]
    rng.shuffle(choices)
    return ConditionQuestion(condition.id, tuple(choices), frozenset(implicated))


# -- what to ask next ---------------------------------------------------------------------------


#: A new card of a rarer prevalence grade is introduced once the learner knows this many cards
#: of more common grades in the same body region (or has seen all of them).
KNOWN_BEFORE_RARER = 4
#: A card the learner "knows": FSRS has moved it out of its learning steps (answered well
#: enough, often enough) and not back into relearning.
KNOWN_PHASE = "review"


def new_card_weight(catalogue: Catalogue, card: StudyCard) -> float:
    """How likely an introducible new card is to be drawn: a very common trigger point four
    times as likely as a rare one (condition cards as an occasional one)."""
    if card.kind == "condition":
        return 2.0
    point = catalogue.trigger_point(TriggerPointId(card.subject))
    return float(point.prevalence_weight)


def introducible_new_cards(
    catalogue: Catalogue, deck: Iterable[StudyCard], states: Mapping[str, CardState]
) -> list[StudyCard]:
    """The new cards of `deck` that may be introduced now: common points first, rare ones as
    the common ones are known.

    Why gate by region rather than sort the whole deck by prevalence: a plain sort would keep
    every rare point away until all very common, common and occasional cards of the deck had
    been seen — hundreds of cards — although the rare points are where clinicians score worst
    and must come. Within a region, the common points are the patterns the rarer ones are
    told apart from, so a new card of prevalence grade g in region R is introduced only when
    the learner knows KNOWN_BEFORE_RARER cards of R that are more common than g, or has seen
    every such card of the deck. A new learner thus starts with the most common points of each
    region. Condition cards have no prevalence and are always introducible. Filters count: with
    only rare points in the deck, they come at once.
    """
    cards = list(deck)
    more_common: dict[tuple[str, int], list[StudyCard]] = {}
    grades: dict[str, int] = {}
    for card in cards:
        if card.kind == "condition":
            continue
        point = catalogue.trigger_point(TriggerPointId(card.subject))
        grades[card.key] = point.prevalence_weight
    regions = {key: card_region(catalogue, card) for card in cards if (key := card.key) in grades}
    for card in cards:
        if card.key not in grades:
            continue
        region, grade = regions[card.key], grades[card.key]
        for rarer in range(min(PREVALENCE_WEIGHT.values()), grade):
            more_common.setdefault((region, rarer), []).append(card)

    def introducible(card: StudyCard) -> bool:
        if card.key not in grades:
            return True
        above = more_common.get((regions[card.key], grades[card.key]), [])
        known = sum(1 for c in above if c.key in states and states[c.key].phase == KNOWN_PHASE)
        return known >= KNOWN_BEFORE_RARER or all(c.key in states for c in above)

    return [c for c in cards if c.key not in states and introducible(c)]


def weighted_sample(
    weighted: Iterable[tuple[float, str]], count: int, rng: random.Random
) -> list[str]:
    """Up to `count` distinct items drawn without replacement, each with chance proportional to
    its weight (Efraimidis–Spirakis keys); items of weight 0 or less are never drawn."""
    if count <= 0:
        return []
    keyed = [(rng.random() ** (1.0 / weight), item) for weight, item in weighted if weight > 0]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [item for _, item in keyed[:count]]


def choose_cards(
    catalogue: Catalogue,
    deck: Iterable[StudyCard],
    states: Mapping[str, CardState],
    now: datetime,
    count: int,
    rng: random.Random,
    recent: Collection[str] = (),
) -> list[StudyCard]:
    """The next `count` cards: due cards first (longest overdue first), then new cards (those
    `introducible_new_cards` lets in, common trigger points more likely), then (for practice
    beyond what is due) the cards due soonest. Cards whose keys are in `recent` are left out."""
    deck = list(deck)
    cards = [c for c in deck if c.key not in recent]
    due = sorted(
        (c for c in cards if c.key in states and states[c.key].due <= now),
        key=lambda c: (states[c.key].due, c.key),
    )
    chosen = due[:count]
    # which new cards may come is judged on the whole deck: the cards just asked count too
    new = {c.key: c for c in introducible_new_cards(catalogue, deck, states) if c.key not in recent}
    drawn = weighted_sample(
        ((new_card_weight(catalogue, c), key) for key, c in new.items()), count - len(chosen), rng
    )
    chosen += [new[key] for key in drawn]
    if len(chosen) < count:
        later = sorted(
            (c for c in cards if c.key in states and states[c.key].due > now),
            key=lambda c: (states[c.key].due, c.key),
        )
        chosen += later[: count - len(chosen)]
    return chosen


#: "Weakest" is judged by what the learner will still know this far ahead: right after an
#: answer every card is remembered (FSRS retrievability 1), a card just missed included, so
#: the chance of knowing it a day later tells weak memories (low stability) from strong ones.
WEAKEST_HORIZON = timedelta(days=1)


def weakest_cards(
    deck: Iterable[StudyCard], states: Mapping[str, CardState], now: datetime, count: int
) -> list[StudyCard]:
    """The `count` cards of `deck` the learner is least likely to know: the answered cards
    in order of FSRS retrievability a WEAKEST_HORIZON from `now`, lowest first (ties: the
    harder card, by FSRS difficulty, then card order). Cards never answered have no memory
    to measure and are not among them; an empty list means nothing has been answered yet."""
    later = now + WEAKEST_HORIZON
    seen = [(n, c) for n, c in enumerate(deck) if c.key in states]
    ranked = sorted(
        seen,
        key=lambda nc: (
            retrievability(states[nc[1].key], later),
            -(states[nc[1].key].difficulty or 0.0),
            nc[0],
        ),
    )
    return [card for _, card in ranked[:count]]
