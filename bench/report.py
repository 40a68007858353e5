"""Print benchmark rows with their targets, and write them to bench/results/<name>-<date>.json."""

from __future__ import annotations

import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def report(name: str, rows: list[dict]) -> Path:
    """Each row: figure, seconds (or a value with its unit, MiB unless `unit` says), optional
    ratio, p95/p99, target, met."""
    for row in rows:
        met = row.get("met")
        verdict = "" if met is None else ("met" if met else "NOT MET")
        value = (
            f"{row['value']:9.3f} {row['unit']}"
            if "unit" in row
            else f"{row['value']:9.1f} MiB"
            if row.get("seconds") is None
            else f"{row['seconds'] * 1e3:9.3f} ms"
        )
        ratio = f" {row['ratio']:.2f}×" if "ratio" in row else ""
        spread = (
            f" p95 {row['p95'] * 1e3:.3f} ms p99 {row['p99'] * 1e3:.3f} ms" if "p99" in row else ""
        )
        print(f"{row['figure']:<58}{value}{ratio}{spread}  target {row['target']} {verdict}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    output = RESULTS / f"{name}-{datetime.now(UTC):%Y-%m-%d}.json"
    machine = {"machine": platform.platform(), "python": sys.version.split()[0], "rows": rows}
    output.write_text(json.dumps(machine, indent=2))
    print(f"wrote {output}")
    return output
