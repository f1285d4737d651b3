"""Public statistics: honest, categorised, and never identifying a reporter.

Counts under 5 are shown as "<5"; corruption reports appear only as monthly
totals; structures are ranked only when they have enough cases to be fair.
Figures are computed in the database and kept for a few minutes, then
recomputed in the background while the kept ones are still served; every answer
says when it was computed. A narrower view (one structure, category, channel or
range of months) is summed from the same kept figures, never queried again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hub.models import utcnow
from hub.stats import repository as repo

log = logging.getLogger("hub.stats")

SMALL = 5
RANKING_MINIMUM = 20
CACHE_SECONDS = 300.0
STALE_SECONDS = 2 * CACHE_SECONDS  # older figures are never served: the request waits
VIEWS_KEPT = 256  # narrowed views kept per computation; the rest are summed on each request
COUNTERS = ("received", "answered", "resolved", "overdue", "answered_on_time")


def shown(count: int) -> int | str:
    """Small counts could point to a person: they are published as "<5"."""
    return "<5" if 0 < count < SMALL else count


@dataclass(frozen=True)
class Filters:
    """What a reader narrows the figures to; None keeps everything. Months are "YYYY-MM"."""

    structure: str | None = None
    category: str | None = None
    channel: str | None = None
    month_from: str | None = None
    month_to: str | None = None

    def keeps_month(self, month: str) -> bool:
        return (self.month_from is None or month >= self.month_from) and (
            self.month_to is None or month <= self.month_to
        )

    def keeps(self, row: Any) -> bool:
        return (
            self.structure in (None, row.structure)
            and self.category in (None, row.category)
            and self.channel in (None, row.channel)
            and self.keeps_month(row.month)
        )


EVERYTHING = Filters()


@dataclass
class Statistics:
    generated_at: datetime
    rows: list[dict[str, Any]]
    structures: list[dict[str, Any]]
    corruption_reports: list[dict[str, Any]]
    fresh_for_seconds: int = int(CACHE_SECONDS)
    totals: dict[str, Any] = field(default_factory=dict)
    # The same counts summed along one dimension (months without cases count zero).
    categories: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)
    filters: Filters = EVERYTHING


@dataclass
class _Snapshot:
    """What the database answered, kept for CACHE_SECONDS."""

    taken: float
    generated_at: datetime
    grouped: Sequence[Any]
    corruption: Sequence[Any]
    views: dict[Filters, Statistics] = field(default_factory=dict)


_cache: dict[int, _Snapshot] = {}
_refreshing: dict[int, asyncio.Task[None]] = {}


async def statistics(session: AsyncSession, filters: Filters = EVERYTHING) -> Statistics:
    """Figures at most CACHE_SECONDS old; a request never waits for a recomputation
    while the previous figures are under twice that age (they are served meanwhile)."""
    engine = session.bind
    assert isinstance(engine, AsyncEngine), "statistics read through the app's engine"
    key = id(engine)
    snapshot = _cache.get(key)
    age = time.monotonic() - snapshot.taken if snapshot else None
    if snapshot is None or age is None or age >= STALE_SECONDS:
        snapshot = await _query(session, key)
    elif age >= CACHE_SECONDS:
        _refresh(engine, key)  # one recomputation in the background; these figures meanwhile
    view = snapshot.views.get(filters)
    if view is None:
        view = _compute(snapshot, filters)
        if len(snapshot.views) < VIEWS_KEPT:
            snapshot.views[filters] = view
    return view


def _refresh(engine: AsyncEngine, key: int) -> None:
    """Start the one background recomputation for this database, unless it is under way."""
    task = _refreshing.get(key)
    if task is None or task.done():
        _refreshing[key] = asyncio.create_task(_query_apart(engine, key), name="hub-statistics")


async def _query_apart(engine: AsyncEngine, key: int) -> None:
    try:
        async with AsyncSession(engine) as session:
            snapshot = await _query(session, key, install=False)
        # The whole-hub view is what most visitors ask for: ready before the swap, and drawn
        # in a thread so that requests served meanwhile are not held behind it.
        snapshot.views[EVERYTHING] = await asyncio.to_thread(_compute, snapshot, EVERYTHING)
        _cache[key] = snapshot
    except Exception:  # the kept figures stay; the next request tries again
        log.exception("statistics: background recomputation failed")


async def _query(session: AsyncSession, key: int, install: bool = True) -> _Snapshot:
    generated_at = utcnow()
    grouped = await repo.grouped(session)
    corruption = await repo.corruption_totals(session)
    snapshot = _Snapshot(time.monotonic(), generated_at, grouped, corruption)
    if install:
        _cache[key] = snapshot
    return snapshot


def forget() -> None:
    """Drop every kept figure: the next request computes afresh (and waits for it)."""
    _cache.clear()


def expire() -> None:
    """Make the kept figures due for recomputation, as if CACHE_SECONDS had passed."""
    for snapshot in _cache.values():
        snapshot.taken = min(snapshot.taken, time.monotonic() - CACHE_SECONDS)


def _compute(snapshot: _Snapshot, filters: Filters) -> Statistics:
    raw = sorted(
        (r for r in snapshot.grouped if filters.keeps(r)),
        key=lambda r: (r.month, r.structure, r.category, r.channel),
    )
    by_structure = _summed(raw, "structure")
    corruption = [
        {"month": r.month, "received": shown(int(r.received)), "resolved": shown(int(r.resolved))}
        for r in sorted(snapshot.corruption, key=lambda r: str(r.month))
        if filters.keeps_month(r.month)
    ]
    totals = {
        name: shown(int(sum(s[name] for s in by_structure.values())))
        for name in ("received", "answered", "resolved", "overdue")
    }
    return Statistics(
        snapshot.generated_at,
        [_row(r) for r in raw],
        _ranked(by_structure),
        corruption,
        totals=totals,
        categories=_listed("category", _summed(raw, "category")),
        channels=_listed("channel", _summed(raw, "channel")),
        months=_listed("month", _months_without_gaps(_summed(raw, "month"))),
        filters=filters,
    )


def _summed(raw: Iterable[Any], dimension: str) -> dict[str, dict[str, int]]:
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for r in raw:
        s = sums[getattr(r, dimension)]
        for name in COUNTERS:
            s[name] += int(getattr(r, name) or 0)
    return sums


def _months_without_gaps(sums: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    if not sums:
        return sums
    first, last = min(sums), max(sums)
    year, month = int(first[:4]), int(first[5:7])
    filled: dict[str, dict[str, int]] = {}
    while (code := f"{year:04d}-{month:02d}") <= last:
        filled[code] = sums.get(code) or dict.fromkeys(COUNTERS, 0)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled


def _summary(dimension: str, code: str, s: dict[str, int]) -> dict[str, Any]:
    received = s["received"]
    return {
        dimension: code,
        "received": shown(received),
        "answered": shown(s["answered"]),
        "resolved": shown(s["resolved"]),
        "overdue": shown(s["overdue"]),
        "share_answered_on_time": round(s["answered_on_time"] / received, 3)
        if received >= SMALL
        else None,
    }


def _listed(dimension: str, sums: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [_summary(dimension, code, sums[code]) for code in sorted(sums)]


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


def _ranked(by_structure: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Structures ranked by the share answered on time; only those with enough cases."""
    order: dict[str, tuple[float, int]] = {}
    out: list[dict[str, Any]] = []
    for code, s in by_structure.items():
        received = s["received"]
        order[code] = (s["answered_on_time"] / received if received else 0.0, received)
        out.append(
            _summary("structure", code, s) | {"ranked": received >= RANKING_MINIMUM, "rank": None}
        )
    fair = sorted(
        (e for e in out if e["ranked"]), key=lambda e: tuple(-x for x in order[e["structure"]])
    )
    for position, entry in enumerate(fair, start=1):
        entry["rank"] = position
    return sorted(out, key=lambda e: (e["rank"] is None, e["rank"] or 0, e["structure"]))


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)
