"""How every benchmark suite times a call and summarises the times (shared by bench/*.py)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings(action: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of each of `repeat` calls of `action`, after one untimed warm-up."""
    action()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` 0.95 for p95) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def distribution(values: list[float]) -> dict[str, float]:
    """Median, p95 and p99 of `values`, in their unit (seconds for timings)."""
    return {
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
    }
