"""The pain-guide benchmark: paint each area a public pain guide lists and see where the
muscles it names come in "Where does it hurt?".

The guide (`tests/fixtures/pain_guide.toml`) was written from public pages, each entry naming
its page: for a painful area, the muscles that refer pain there, marked essential where the
page says the area is the main part of the muscle's pattern. It is independent of the
catalogue's own records, so a muscle the ranking misses is a finding, not a tautology.

Used by `tests/test_pain_guide.py` (the thresholds) and `bench/pain_guide.py` (the figures).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from triggermap.services.explore import zone_on_side
from triggermap.services.pain_ranking import rank_trigger_points

GUIDE_FILE = Path(__file__).parent / "fixtures" / "pain_guide.toml"

#: The intensity (0–10) painted over every zone of an area: a moderate pain.
PAINTED = 6


@dataclass(frozen=True)
class Listed:
    """A muscle the guide lists for an area."""

    muscle_id: str
    essential: bool
    in_catalogue: bool
    source: str


@dataclass(frozen=True)
class Area:
    """A painful area of the guide: its name, the catalogue zones it is made of, its muscles."""

    name: str
    zones: tuple[str, ...]
    muscles: tuple[Listed, ...]

    def listed(self, essential_only: bool = False) -> list[str]:
        """The catalogue muscles the guide lists here, once each, in the guide's order."""
        seen: list[str] = []
        for m in self.muscles:
            if m.in_catalogue and (m.essential or not essential_only) and m.muscle_id not in seen:
                seen.append(m.muscle_id)
        return seen


def read_guide(path: Path = GUIDE_FILE) -> list[Area]:
    """The guide's areas, in file order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Area(
            name=a["name"],
            zones=tuple(a["zones"]),
            muscles=tuple(
                Listed(
                    muscle_id=m["id"],
                    essential=bool(m.get("essential", False)),
                    in_catalogue=bool(m.get("in_catalogue", True)),
                    source=m["source"],
                )
                for m in a["muscles"]
            ),
        )
        for a in data["area"]
    ]


def ranked_muscles(area: Area, catalogue, weights) -> list[str]:
    """The muscles "Where does it hurt?" offers for the area painted on the right side (a
    midline zone as the midline), in the order of their best-ranked trigger point."""
    drawing = {zone_on_side(catalogue, z, "right"): PAINTED for z in area.zones}
    order: list[str] = []
    # every candidate, not only the twenty the window lists, so a rank past ten is known
    for candidate in rank_trigger_points(drawing, catalogue, weights, limit=10_000):
        muscle = candidate.point_id.split(".")[0]
        if muscle not in order:
            order.append(muscle)
    return order


@dataclass(frozen=True)
class AreaResult:
    """Where the listed muscles of one area came in."""

    area: Area
    offered: tuple[str, ...]

    def rank(self, muscle_id: str) -> int | None:
        """1-based rank of the muscle among those offered, or None when not offered."""
        return self.offered.index(muscle_id) + 1 if muscle_id in self.offered else None

    def found(self, k: int, essential_only: bool = False) -> tuple[int, int]:
        """(listed muscles in the top k, listed muscles)."""
        listed = self.area.listed(essential_only)
        top = set(self.offered[:k])
        return sum(1 for m in listed if m in top), len(listed)

    def reciprocal_rank(self) -> float:
        """1 / the rank of the first listed muscle offered (0 when none is)."""
        ranks = [r for m in self.area.listed() if (r := self.rank(m)) is not None]
        return 1.0 / min(ranks) if ranks else 0.0

    def missed(self, k: int) -> list[str]:
        """Listed muscles not in the top k, with their rank or 'not offered'."""
        out = []
        for m in self.area.listed():
            r = self.rank(m)
            if r is None or r > k:
                out.append(f"{m} ({'not offered' if r is None else f'#{r}'})")
        return out


@dataclass(frozen=True)
class Figures:
    """The benchmark's figures over all areas (recall counted over listed muscles)."""

    areas: int
    listed: int
    recall_at_5: float
    recall_at_10: float
    essential_recall_at_10: float
    mean_reciprocal_rank: float
    empty_areas: tuple[str, ...]


def measure(
    catalogue, weights, guide: list[Area] | None = None
) -> tuple[Figures, list[AreaResult]]:
    """Paint every area of the guide and gather the figures."""
    guide = read_guide() if guide is None else guide
    results = [AreaResult(a, tuple(ranked_muscles(a, catalogue, weights))) for a in guide]
    scored = [r for r in results if r.area.listed()]

    def share(k: int, essential_only: bool = False) -> float:
        hits = total = 0
        for r in scored:
            h, n = r.found(k, essential_only)
            hits, total = hits + h, total + n
        return hits / total if total else 1.0

    figures = Figures(
        areas=len(results),
        listed=sum(len(r.area.listed()) for r in scored),
        recall_at_5=share(5),
        recall_at_10=share(10),
        essential_recall_at_10=share(10, essential_only=True),
        mean_reciprocal_rank=sum(r.reciprocal_rank() for r in scored) / max(1, len(scored)),
        empty_areas=tuple(r.area.name for r in results if not r.offered),
    )
    return figures, results
