"""One line of machine-readable figures per benchmark, for `python bench/run_all.py`.

Each benchmark prints its own human table, then calls `emit` once: a line that
starts with RESULT_MARK and carries its figures as JSON. The suite runner reads
only that line, so a benchmark stays runnable (and readable) on its own.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

RESULT_MARK = "BENCH-RESULT "


@dataclass(frozen=True)
class Figure:
    metric: str
    value: float
    unit: str
    target: str = ""  # as a person reads it: ">= 60%", "< 150 ms"; empty when there is none
    ok: bool | None = None  # None: a figure to read, not a target to meet


def emit(bench: str, figures: list[Figure]) -> None:
    print(RESULT_MARK + json.dumps({"bench": bench, "figures": [asdict(f) for f in figures]}))


def parse(output: str) -> list[dict[str, object]]:
    return [
        json.loads(line[len(RESULT_MARK) :])
        for line in output.splitlines()
        if line.startswith(RESULT_MARK)
    ]
