"""How a treatment goal's outcome measure went over the visits, and whether it is met.

Pure functions over domain values. Scores are 0–10 on the goal's measure: NPRS pain (the
visit's pain score before treatment; lower is better) or one PSFS activity (higher is better).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from triggermap.clinic.model import TreatmentGoal, Visit

#: What each measure is called on screen and in exports.
MEASURE_NAMES = {"nprs": "NPRS", "psfs": "PSFS"}


@dataclass(frozen=True)
class GoalProgress:
    """A goal's measure over the visits: (visit date, score 0–10) oldest first, and whether
    the latest score meets the target (None: no target, or not scored at any visit yet)."""

    goal: TreatmentGoal
    scores: tuple[tuple[date, int], ...]
    met: bool | None

    @property
    def latest(self) -> int | None:
        return self.scores[-1][1] if self.scores else None


def activity_key(activity: str) -> str:
    """A PSFS activity as compared: case and spaces ignored ("Sitting at work" is
    "sitting  at Work")."""
    return "".join(activity.split()).casefold()


def measure_score(goal: TreatmentGoal, visit: Visit) -> int | None:
    """The goal's measure as recorded at `visit` (None: not recorded there, or no measure)."""
    if goal.measure == "nprs":
        return visit.pain_before
    if goal.measure == "psfs":
        wanted = activity_key(goal.activity)
        for item in visit.psfs:
            if activity_key(item.activity) == wanted:
                return item.score
    return None


def meets_target(goal: TreatmentGoal, score: int) -> bool | None:
    """Whether `score` meets the goal's target: at most it for NPRS pain, at least it for a
    PSFS activity (None: the goal has no measure or no target)."""
    if goal.target is None:
        return None
    if goal.measure == "nprs":
        return score <= goal.target
    if goal.measure == "psfs":
        return score >= goal.target
    return None


def goal_progress(goal: TreatmentGoal, visits: Sequence[Visit]) -> GoalProgress:
    """The goal's measure at each of `visits` (oldest first) that recorded it."""
    scores = tuple(
        (visit.visit_date, score)
        for visit in visits
        if (score := measure_score(goal, visit)) is not None
    )
    met = meets_target(goal, scores[-1][1]) if scores else None
    return GoalProgress(goal, scores, met)


def goal_line(goal: TreatmentGoal) -> str:
    """The goal on one line: "Sit at work for 2 hours — PSFS 3 → 8 by 2027-02-01 · open"
    (a closed goal's status carries its date: "achieved 2026-11-30")."""
    parts = [goal.text]
    if goal.measure in MEASURE_NAMES:
        scale = MEASURE_NAMES[goal.measure]
        start = f"{goal.baseline} → " if goal.baseline is not None else "→ "
        target = f"{goal.target}" if goal.target is not None else "?"
        parts.append(f" — {scale} {start}{target}")
    if goal.target_date is not None:
        parts.append(f"{' —' if len(parts) == 1 else ''} by {goal.target_date.isoformat()}")
    status = STATUS_WORDS.get(goal.status, goal.status)
    if goal.closed_on is not None:
        status += f" {goal.closed_on.isoformat()}"
    return "".join(parts) + f" · {status}"


#: A goal's status in words.
STATUS_WORDS = {
    "open": "open",
    "achieved": "achieved",
    "partly_achieved": "partly achieved",
    "not_achieved": "not achieved",
    "discontinued": "discontinued",
}
