"""Mock exams: a timed, mixed set of questions with no feedback until the end, then a scored
report by body region and exercise type.

An exam is a test, not a review: its answers are kept in the progress file's exam history but
do not move any card's schedule (the learner gives no rating, and a card asked in an exam
keeps the due date spaced repetition gave it).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from triggermap.catalogue.model import Catalogue
from triggermap.services.study_cards import CARD_KINDS, StudyCard, card_region
from triggermap.services.study_schedule import passed
from triggermap.storage.study_progress import MockExamAnswer, MockExamRecord

#: Questions in a mock exam unless the learner chooses otherwise.
EXAM_QUESTIONS = 20
#: Time allowed per question (seconds): 90 s, as in the timed practical written papers
#: students prepare for (about a minute and a half to read a pattern and answer).
SECONDS_PER_QUESTION = 90


def _spread(groups: dict[str, list[StudyCard]], rng: random.Random) -> list[StudyCard]:
    """The cards of all groups in rounds, one card of every group still holding cards per
    round (in random order), each group's cards shuffled."""
    pools = {name: rng.sample(cards, len(cards)) for name, cards in groups.items()}
    order: list[StudyCard] = []
    while any(pools.values()):
        names = sorted(name for name, cards in pools.items() if cards)
        rng.shuffle(names)
        order.extend(pools[name].pop() for name in names)
    return order


def plan_mock_exam(
    catalogue: Catalogue, deck: Iterable[StudyCard], count: int, rng: random.Random
) -> list[StudyCard]:
    """`count` cards of `deck` (fewer if the deck is smaller), mixed so that every exercise
    type, and within each type every body region of the deck, is asked about as evenly as
    the deck allows.

    Each exercise type lines up its cards region by region in rounds; the exam then takes
    the types in turn from those lines. New cards and known ones alike come (an exam asks
    what the syllabus holds, not what is due). The order is shuffled at the end so that the
    types do not come round in a fixed rhythm.
    """
    by_kind: dict[str, dict[str, list[StudyCard]]] = defaultdict(lambda: defaultdict(list))
    for card in deck:
        by_kind[card.kind][card_region(catalogue, card)].append(card)
    lines = {kind: _spread(regions, rng) for kind, regions in by_kind.items()}
    kinds = sorted(lines)
    chosen: list[StudyCard] = []
    while len(chosen) < count and any(lines.values()):
        for kind in kinds:
            if lines[kind] and len(chosen) < count:
                chosen.append(lines[kind].pop(0))
    rng.shuffle(chosen)
    return chosen


def time_limit_s(questions: int) -> int:
    """The time allowed (seconds) for a mock exam of `questions` questions."""
    return questions * SECONDS_PER_QUESTION


def seconds_left(started_at: datetime, now: datetime, limit_s: int) -> int:
    """Whole seconds left of the exam at `now` (0 when the time is up)."""
    return max(0, int(limit_s - (now - started_at).total_seconds()))


@dataclass(frozen=True)
class GroupScore:
    """The result of one group of questions (a region or an exercise type)."""

    name: str
    asked: int
    passed: int
    mean_score: float


@dataclass(frozen=True)
class MockExamReport:
    """What a finished mock exam says: the overall score (0–100, unanswered counting 0), the
    questions passed and unanswered, and the same by body region and by exercise type (weakest
    first), and the cards missed, for review."""

    asked: int
    answered: int
    passed: int
    mean_score: float
    by_region: tuple[GroupScore, ...]
    by_kind: tuple[GroupScore, ...]
    missed: tuple[str, ...]
    timed_out: bool


def _groups(answers: Sequence[MockExamAnswer], key) -> tuple[GroupScore, ...]:
    grouped: dict[str, list[float]] = defaultdict(list)
    for answer in answers:
        grouped[key(answer)].append(answer.score or 0.0)
    scores = [
        GroupScore(name, len(s), sum(passed(x) for x in s), sum(s) / len(s))
        for name, s in grouped.items()
    ]
    return tuple(sorted(scores, key=lambda g: (g.mean_score, g.name)))


def report_mock_exam(exam: MockExamRecord) -> MockExamReport:
    """The scored report of a mock exam."""
    answers = exam.answers
    scores = [a.score or 0.0 for a in answers]
    kind_order = {kind: n for n, kind in enumerate(CARD_KINDS)}
    by_kind = _groups(answers, lambda a: a.kind)
    return MockExamReport(
        asked=len(answers),
        answered=sum(1 for a in answers if a.score is not None),
        passed=sum(passed(s) for s in scores),
        mean_score=sum(scores) / len(scores) if scores else 0.0,
        by_region=_groups(answers, lambda a: a.region),
        by_kind=tuple(sorted(by_kind, key=lambda g: (g.mean_score, kind_order.get(g.name, 99)))),
        missed=tuple(a.card_key for a in answers if not passed(a.score or 0.0)),
        timed_out=exam.timed_out,
    )
