"""The whole benchmark suite in one command, one table at the end.

    python bench/run_all.py [--quick] [--only NAME ...]

Runs each benchmark as its own process (so one's memory and caches do not
weigh on the next), in the order below, then prints every figure with its
target and whether it was met. `--quick` runs the small sizes meant for a
check that the suite works (minutes instead of most of an hour); the figures
recorded in docs/benchmarks.md come from a full run. Exits non-zero when a
target is missed or a benchmark fails. Needs PostgreSQL and Redis as each
benchmark says.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import parse  # noqa: E402

HERE = Path(__file__).resolve().parent
# name: (script, full-run arguments, quick-run arguments)
SUITE: dict[str, tuple[str, list[str], list[str]]] = {
    "triage": ("triage.py", [], []),
    "sms": ("sms_intake.py", [], ["--requests", "600", "--rounds", "2"]),
    "telegram": ("telegram_intake.py", [], ["--requests", "600", "--rounds", "2"]),
    "email": ("email_intake.py", [], ["--requests", "300", "--rounds", "2"]),
    "mixed": ("mixed_load.py", [], ["--seconds", "20"]),
    "tick": ("deadline_tick.py", [], ["--large", "100000", "--small", "10000"]),
    "dashboard": ("dashboard.py", [], ["--cases", "100000"]),
    "partitioning": ("partitioning.py", [], ["--cases", "200000", "--runs", "3"]),
}


def run(name: str, quick: bool) -> tuple[list[dict[str, object]], int, float]:
    script, full, small = SUITE[name]
    command = [sys.executable, str(HERE / script), *(small if quick else full)]
    print(f"== {name}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - started
    sys.stdout.write(done.stdout)
    if done.returncode not in (0, 1) or not parse(done.stdout):
        sys.stdout.write(done.stderr[-3000:])
    return parse(done.stdout), done.returncode, seconds


def table(results: list[tuple[str, list[dict[str, object]], int, float]]) -> bool:
    print()
    print(f"{'bench':13} {'figure':44} {'value':>12} {'target':>12}  result")
    all_met = True
    for name, reports, code, seconds in results:
        if not reports:
            print(f"{name:13} {'(no result: exit ' + str(code) + f', {seconds:.0f} s)':44}")
            all_met = False
            continue
        for report in reports:
            for figure in report["figures"]:  # type: ignore[union-attr]
                ok = figure["ok"]
                verdict = "" if ok is None else ("met" if ok else "MISSED")
                all_met = all_met and ok is not False
                value = f"{figure['value']:.4g} {figure['unit']}"
                print(
                    f"{name:13} {figure['metric']:44} {value:>12} {figure['target']:>12}  {verdict}"
                )
    return all_met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: check the suite runs")
    parser.add_argument("--only", nargs="*", choices=list(SUITE), default=list(SUITE))
    args = parser.parse_args()
    results = [(name, *run(name, args.quick)) for name in args.only]
    return 0 if table(results) else 1


if __name__ == "__main__":
    sys.exit(main())
