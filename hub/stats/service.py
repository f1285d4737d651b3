"""Public statistics: honest, categorised, and never identifying a reporter.

Counts under 5 are shown as "<5"; corruption reports appear only as monthly
totals; structures are ranked only when they have enough cases to be fair.
Figures are computed in the database and kept for a few minutes; every answer
says when it was computed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import utcnow
from hub.stats import repository as repo

SMALL = 5
RANKING_MINIMUM = 20
CACHE_SECONDS = 300.0


def shown(count: int) -> int | str:
    """Small counts could point to a person: they are published as "<5"."""
    return "<5" if 0 < count < SMALL else count


@dataclass
class Statistics:
    generated_at: datetime
    rows: list[dict[str, Any]]
    structures: list[dict[str, Any]]
    corruption_reports: list[dict[str, Any]]
    fresh_for_seconds: int = int(CACHE_SECONDS)
    totals: dict[str, Any] = field(default_factory=dict)


_cache: dict[int, tuple[float, Statistics]] = {}


async def statistics(session: AsyncSession) -> Statistics:
    key = id(session.get_bind())
    cached = _cache.get(key)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    computed = await _compute(session)
    _cache[key] = (time.monotonic(), computed)
    return computed


def forget() -> None:
    _cache.clear()


async def _compute(session: AsyncSession) -> Statistics:
    raw = await repo.grouped(session)
    rows = [_row(r) for r in raw]
    by_structure: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in raw:
        s = by_structure[r.structure]
        for name in ("received", "answered", "resolved", "overdue", "answered_on_time"):
            s[name] += int(getattr(r, name) or 0)
    structures = _ranked(by_structure)
    corruption = [
        {"month": r.month, "received": shown(int(r.received)), "resolved": shown(int(r.resolved))}
        for r in await repo.corruption_totals(session)
    ]
    totals = {
        name: shown(int(sum(s[name] for s in by_structure.values())))
        for name in ("received", "answered", "resolved", "overdue")
    }
    return Statistics(utcnow(), rows, structures, corruption, totals=totals)


def _row(r: Any) -> dict[str, Any]:
    received = int(r.received)
    return {
        "structure": r.structure,
        "category": r.category,
        "channel": r.channel,
        "month": r.month,
        "received": shown(received),
        "answered": shown(int(r.answered)),
        "resolved": shown(int(r.resolved)),
        "overdue": shown(int(r.overdue or 0)),
        "median_hours_to_first_response": _round(r.median_hours_to_first_response)
        if received >= SMALL
        else None,
        "median_hours_to_resolution": _round(r.median_hours_to_resolution)
        if received >= SMALL
        else None,
        "share_answered_on_time": round(int(r.answered_on_time or 0) / received, 3)
        if received >= SMALL
        else None,
    }


def _ranked(by_structure: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    """Structures ranked by the share answered on time; only those with enough cases."""
    order: dict[str, tuple[float, int]] = {}
    out: list[dict[str, Any]] = []
    for code, s in by_structure.items():
        received = int(s["received"])
        share = s["answered_on_time"] / received if received else 0.0
        order[code] = (share, received)
        out.append(
            {
                "structure": code,
                "received": shown(received),
                "answered": shown(int(s["answered"])),
                "resolved": shown(int(s["resolved"])),
                "overdue": shown(int(s["overdue"])),
                "share_answered_on_time": round(share, 3) if received >= SMALL else None,
                "ranked": received >= RANKING_MINIMUM,
                "rank": None,
            }
        )
    fair = sorted(
        (e for e in out if e["ranked"]), key=lambda e: tuple(-x for x in order[e["structure"]])
    )
    for position, entry in enumerate(fair, start=1):
        entry["rank"] = position
    return sorted(out, key=lambda e: (e["rank"] is None, e["rank"] or 0, e["structure"]))


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)
