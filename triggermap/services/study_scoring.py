"""Scores of study answers, 0–100: drawn referral patterns, located points, names and choices."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from typing import TypeVar

from triggermap.catalogue.model import Catalogue, Muscle, MuscleId, TriggerPoint
from triggermap.services.pain_ranking import CLOSE_UP_SCALE

#: A spillover zone counts this much of an essential zone of the same area: spillover is felt
#: only by some patients (the same weight the pain ranking gives it).
SPILLOVER_WEIGHT = 0.5

#: A located point within this distance of the true one (full-body body units, about 17 mm
#: on an adult: one fingertip) scores full marks ...
FULL_MARKS_DISTANCE = 20.0
#: ... and one this far away or further scores nothing (about a hand's breadth).
ZERO_MARKS_DISTANCE = 120.0

#: A choice of the right muscle but another of its trigger points earns half marks.
RIGHT_MUSCLE_WRONG_POINT = 50.0

Zone = TypeVar("Zone", bound=Hashable)


@dataclass(frozen=True)
class DrawingScore:
    """How a drawn referral pattern compares with the true one.

    `found` is the weighted share (0–1) of the true pattern that was painted, essential zones
    counting fully and spillover by SPILLOVER_WEIGHT; `stray` is the share (0–1) of the painted
    area that lies outside the pattern. `score` (0–100) is found × (1 − stray).
    """

    score: float
    found: float
    stray: float
    found_essential: frozenset
    missed_essential: frozenset
    found_spillover: frozenset
    missed_spillover: frozenset
    extra: frozenset


def drawing_score(
    painted: Collection[Zone],
    essential: Collection[Zone],
    spillover: Collection[Zone],
    zone_area: Callable[[Zone], float],
) -> DrawingScore:
    """Score a painted pattern against a trigger point's essential and spillover zones.

    Zones are any hashable ids (the UI uses sided RegionIds, so a zone painted on the wrong
    side is a stray zone); `zone_area` gives a zone's skin area in square body units, so a
    large zone counts for more than a small one. A perfect drawing scores 100, an empty one 0,
    a drawing of only the spillover scores in between.
    """
    painted_set = set(painted)
    essential_set = set(essential)
    spillover_set = set(spillover) - essential_set
    pattern = essential_set | spillover_set

    def area(zones: Collection[Zone]) -> float:
        return sum(max(0.0, float(zone_area(zone))) for zone in zones)

    wanted = area(essential_set) + SPILLOVER_WEIGHT * area(spillover_set)
    hit = area(painted_set & essential_set) + SPILLOVER_WEIGHT * area(painted_set & spillover_set)
    found = hit / wanted if wanted > 0 else 0.0
    painted_area = area(painted_set)
    extra = painted_set - pattern
    stray = area(extra) / painted_area if painted_area > 0 else 0.0
    return DrawingScore(
        score=round(100.0 * found * (1.0 - stray), 1),
        found=found,
        stray=stray,
        found_essential=frozenset(painted_set & essential_set),
        missed_essential=frozenset(essential_set - painted_set),
        found_spillover=frozenset(painted_set & spillover_set),
        missed_spillover=frozenset(spillover_set - painted_set),
        extra=frozenset(extra),
    )


def full_body_distance(view: str, dx: float, dy: float) -> float:
    """The length of an offset (dx, dy) in `view`'s body units, at full-body scale."""
    # close-up views are judged at the full-body scale, as the pain ranking judges zone areas
    return math.hypot(dx, dy) * CLOSE_UP_SCALE.get(view, 1.0)


def distance_score(distance: float) -> float:
    """Marks (0–100) for a point placed `distance` full-body units from the true spot:
    full marks within FULL_MARKS_DISTANCE, none beyond ZERO_MARKS_DISTANCE, linear between."""
    if not math.isfinite(distance) or distance >= ZERO_MARKS_DISTANCE:
        return 0.0
    if distance <= FULL_MARKS_DISTANCE:
        return 100.0
    span = ZERO_MARKS_DISTANCE - FULL_MARKS_DISTANCE
    return round(100.0 * (ZERO_MARKS_DISTANCE - distance) / span, 1)


def choice_score(chosen: TriggerPoint | None, truth: TriggerPoint) -> float:
    """Marks for a chosen trigger point: 100 if it is the one, half for another point of the
    same muscle, else 0 (also when nothing was chosen)."""
    if chosen is None:
        return 0.0
    if chosen.id == truth.id:
        return 100.0
    if chosen.muscle_id == truth.muscle_id:
        return RIGHT_MUSCLE_WRONG_POINT
    return 0.0


def set_overlap_score(chosen: Collection[Hashable], truth: Collection[Hashable]) -> float:
    """Marks for picking a set (muscles of a condition): 100 × |chosen ∩ truth| / |chosen ∪ truth|,
    so missing a muscle and adding a wrong one both cost marks."""
    chosen_set, truth_set = set(chosen), set(truth)
    union = chosen_set | truth_set
    if not union:
        return 100.0
    return round(100.0 * len(chosen_set & truth_set) / len(union), 1)


# -- typed names --------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
#: Words that say "muscle" and add nothing to which muscle is meant.
_FILLER = frozenset({"m", "mm", "muscle", "muscles", "musculus", "musculi", "the", "of"})
#: Words that may stand before a trigger point's label (trigger point 2).
_POINT_WORDS = frozenset({"point", "trigger"})


def name_words(text: str) -> tuple[str, ...]:
    """The words of a name as compared: accents and case folded, filler words dropped, a
    plural 's' dropped (so 'suboccipital' matches 'suboccipitals')."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = []
    for word in _WORD.findall(folded):
        if word in _FILLER:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return tuple(words)


@dataclass(frozen=True)
class TypedAnswer:
    """What a typed answer names: a muscle (or None) and, if given, one of its trigger points."""

    muscle_id: MuscleId | None
    point_label: str | None


def _names_of(muscle: Muscle) -> list[tuple[str, ...]]:
    return [name_words(n) for n in (muscle.name, muscle.latin_name, *muscle.synonyms) if n]


def _point_key(words: Collection[str]) -> str:
    """A trigger point's label as compared: 'TrP2', 'trp 2', 'trigger point 2' and '2' are
    one key; 'superficial_upper' and 'superficial upper' another."""
    joined = "".join(w for w in words if w not in _POINT_WORDS)
    return re.sub(r"^(trp|tp)(?=\d)", "", joined)


def read_typed_answer(typed: str, catalogue: Catalogue) -> TypedAnswer:
    """The muscle (and trigger point) a typed answer names, by name, Latin name or synonym in
    any word order; leftover words may name one of its trigger points ('upper trapezius 1',
    'deltoid central'). Any text is safe; text that names no muscle gives TypedAnswer(None,
    None). When several names fit, the longest (most specific) wins."""
    words = name_words(typed[:500])
    best: tuple[int, Muscle, list[str]] | None = None
    for muscle in catalogue.muscles.values():
        for name in _names_of(muscle):
            rest = list(words)
            try:
                for word in name:
                    rest.remove(word)
            except ValueError:
                continue  # a word of this name was not typed
            if name and (best is None or len(name) > best[0]):
                best = (len(name), muscle, rest)
    if best is None:
        return TypedAnswer(None, None)
    _, muscle, rest = best
    key = _point_key(rest)
    for point in muscle.trigger_points:
        if key and _point_key(name_words(point.label.replace("_", " "))) == key:
            return TypedAnswer(muscle.id, point.label)
    return TypedAnswer(muscle.id, None)


def typed_answer_score(answer: TypedAnswer, truth: TriggerPoint, catalogue: Catalogue) -> float:
    """Marks for a typed answer: the right muscle with the right point (or a muscle with a
    single trigger point) 100; the right muscle without its point or with another one 50."""
    if answer.muscle_id != truth.muscle_id:
        return 0.0
    muscle = catalogue.muscles[truth.muscle_id]
    if answer.point_label == truth.label or len(muscle.trigger_points) == 1:
        return 100.0
    return RIGHT_MUSCLE_WRONG_POINT
