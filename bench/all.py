"""Run every benchmark suite, then one summary of all figures with their targets.

    QT_QPA_PLATFORM=offscreen python bench/all.py [--quick]

Each suite (bench/run.py, explorer.py, scaling.py, pain_guide.py, and patients.py and exports.py where they
exist) runs as its own process, one after another, so that one suite's caches and memory do
not colour the next one's figures; its table is printed as it runs. The summary is read back
from the JSON files the suites just wrote to bench/results/ and also written to
bench/results/summary-<date>.txt. Exits non-zero only if a suite crashed or overran its time;
a target that is not met is reported, not an error (timings on a shared machine are evidence,
not a gate).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
#: In this order; the optional ones are run only if they exist.
SUITES = (
    "run.py",
    "explorer.py",
    "clinic_start.py",
    "scaling.py",
    "pain_guide.py",
    "patients.py",
    "exports.py",
)
#: The whole run must fit in 10 minutes on 2 cores; no suite may take most of it.
SUITE_TIME_LIMIT_SECONDS = 420
WHOLE_RUN_BUDGET_SECONDS = 600


def run_suite(script: Path, quick: bool) -> tuple[int, list[Path], float]:
    """Run one suite, echoing its output; its exit status, the JSON files it wrote, seconds."""
    command = [sys.executable, str(script), *(["--quick"] if quick else [])]
    started = time.perf_counter()
    started_wall = time.time()
    written: list[Path] = []
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
    ) as child:
        # a suite that hangs (even silently) is stopped, so the whole run stays bounded
        watchdog = threading.Timer(SUITE_TIME_LIMIT_SECONDS, child.kill)
        watchdog.start()
        assert child.stdout is not None
        for line in child.stdout:
            print(f"  {line}", end="", flush=True)
            if line.startswith("wrote ") and line.rstrip().endswith(".json"):
                written.append(Path(line[len("wrote ") :].strip()))
        status = child.wait()
        watchdog.cancel()
    if time.perf_counter() - started >= SUITE_TIME_LIMIT_SECONDS:
        print(f"  {script.name} overran {SUITE_TIME_LIMIT_SECONDS} s and was stopped")
    if not written:
        # a suite that printed no "wrote" line: take the results files it touched
        written = [p for p in RESULTS.glob("*.json") if p.stat().st_mtime >= started_wall]
    return status, written, time.perf_counter() - started


def value_text(row: dict) -> str:
    if "unit" in row:
        return f"{row.get('value', float('nan')):.3f} {row['unit']}"
    if row.get("seconds") is None:
        return f"{row.get('value', float('nan')):.1f} MiB"
    text = f"{row['seconds'] * 1e3:.3f} ms"
    if "p95" in row:
        text += f" (p95 {row['p95'] * 1e3:.3f})"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions in every suite")
    args = parser.parse_args()
    started = time.perf_counter()
    outcomes: list[tuple[str, int, list[Path], float]] = []
    for name in SUITES:
        script = BENCH / name
        if not script.is_file():
            continue
        print(f"== {name}", flush=True)
        status, written, seconds = run_suite(script, args.quick)
        print(f"== {name}: exit status {status}, {seconds:.0f} s", flush=True)
        print(flush=True)
        outcomes.append((name, status, written, seconds))

    lines = [
        f"== summary: every figure, its target, and whether it is met"
        f"{' (--quick run)' if args.quick else ''}",
        f"{'suite':<12}{'figure':<62}{'value':<28}{'target':<44}verdict",
    ]
    unmet = 0
    for name, _status, written, _seconds in outcomes:
        for path in written:
            try:
                rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
            except (OSError, ValueError, KeyError) as error:
                lines.append(f"{name:<12}could not read {path}: {error}")
                continue
            for row in rows:
                met = row.get("met")
                verdict = "-" if met is None else ("met" if met else "NOT MET")
                unmet += met is False
                lines.append(
                    f"{name:<12}{row['figure'][:60]:<62}{value_text(row):<28}"
                    f"{str(row.get('target', ''))[:42]:<44}{verdict}"
                )
    total = time.perf_counter() - started
    crashed = [name for name, status, _, _ in outcomes if status != 0]
    lines.append("")
    for name, status, written, seconds in outcomes:
        files = ", ".join(p.name for p in written) or "no results"
        outcome = "ok" if status == 0 else f"FAILED ({status})"
        lines.append(f"{name:<12}{outcome:<14}{seconds:6.0f} s  {files}")
    budget = "within" if total <= WHOLE_RUN_BUDGET_SECONDS else "OVER"
    lines.append(
        f"all suites: {total:.0f} s ({budget} the {WHOLE_RUN_BUDGET_SECONDS} s budget); "
        f"{unmet} target(s) not met; {len(crashed)} suite(s) failed"
        + (f": {', '.join(crashed)}" if crashed else "")
    )
    print("\n".join(lines))
    summary = RESULTS / f"summary-{datetime.now(UTC):%Y-%m-%d}.txt"
    summary.parent.mkdir(parents=True, exist_ok=True)
    summary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {summary}")
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
