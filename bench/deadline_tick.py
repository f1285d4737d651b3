"""Deadline tick at scale: a tick handling 1,000 due cases in a store of 10,000 and of 1,000,000.

    python bench/deadline_tick.py [--large 1000000] [--small 10000] [--due 1000] [--runs 5]

Needs PostgreSQL (HUB_BENCH_DATABASE_URL, default postgresql://root@127.0.0.1:5432/test);
it creates and drops scratch databases. Prints the median tick time per store size,
the ratio, and the query plan of the due-case scan. Targets: under 500 ms per tick,
and the large store's tick at most 1.5 times the small store's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import asyncpg
from report import Figure, emit

from hub.deadlines.service import tick
from hub.migrate import upgrade
from hub.seed import ensure_defaults
from hub.settings import Settings
from hub.state import HubState

ADMIN_URL = os.environ.get("HUB_BENCH_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")

FILL = """
INSERT INTO cases (reference, pin_hash, kind, category, status, channel, structure_id,
    anonymous, sealed, summary, supporters_count, received_at, updated_at,
    first_response_due_at, due_at, next_deadline_at, last_event_seq, last_event_hash,
    overdue, escalation_level, hidden_from, reminders_sent)
SELECT 'KEF-' || upper(lpad(to_hex(g), 4, '0')) || '-' || upper(lpad(to_hex(g % 65536), 4, '0')) || g,
    md5(g::text), 'complaint', 'water',
    CASE WHEN g <= $2 THEN 'routed' ELSE 'closed' END, 'sms', $3, false, false,
    'Pas d''eau dans le quartier ' || g, 0,
    now() - interval '40 days', now(), now() + (g % 30) * interval '1 day',
    now() + (g % 60) * interval '1 day',
    CASE WHEN g <= $2 THEN now() + interval '1 day' + (g % 30) * interval '1 day' END,
    0, '', false, 0, '', 5
FROM generate_series(1, $1) AS g
"""
MAKE_DUE = """
UPDATE cases SET next_deadline_at = now() - interval '1 minute', overdue = false,
    first_response_due_at = now() - interval '1 minute', reminders_sent = 5
WHERE id IN (SELECT id FROM cases WHERE status = 'routed' ORDER BY id LIMIT $1)
"""


def url_for(name: str) -> str:
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


async def recreate(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL.replace("postgresql://", "postgres://"))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()


async def drop(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL.replace("postgresql://", "postgres://"))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def prepare(name: str, total: int, open_cases: int) -> HubState:
    await recreate(name)
    url = url_for(name)
    await asyncio.to_thread(upgrade, url)
    settings = Settings(
        secret_key="bench-" + "x" * 40, database_url=url, data_dir=Path(tempfile.mkdtemp())
    )  # type: ignore[arg-type]
    state = HubState.build(settings)
    async with state.sessions() as session:
        await ensure_defaults(session)
    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
    structure = await conn.fetchval("SELECT id FROM structures WHERE code = 'sonede-kef'")
    started = time.perf_counter()
    await conn.execute(FILL, total, open_cases, structure)
    await conn.execute("ANALYZE cases")
    print(
        f"  loaded {total:,} cases ({open_cases:,} open) in {time.perf_counter() - started:.1f} s"
    )
    await conn.close()
    return state


async def measure(state: HubState, due: int, runs: int) -> list[float]:
    url = state.settings.database_url
    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
    timings = []
    for _ in range(runs):
        await conn.execute(MAKE_DUE, due)
        started = time.perf_counter()
        report = await tick(state)
        timings.append((time.perf_counter() - started) * 1000)
        assert report.handled == due, report
    plan = await conn.fetch(
        "EXPLAIN SELECT * FROM cases WHERE next_deadline_at <= now() ORDER BY next_deadline_at LIMIT 500"
    )
    await conn.close()
    print("  plan: " + " | ".join(r[0].strip() for r in plan[:2]))
    return timings


async def run(large: int, small: int, due: int, runs: int) -> None:
    results = {}
    for label, total in (("small", small), ("large", large)):
        print(f"{label} store:")
        name = f"hub_bench_tick_{label}"
        state = await prepare(name, total, max(total // 10, due))
        timings = await measure(state, due, runs)
        await state.engine.dispose()
        await drop(name)
        results[label] = statistics.median(timings)
        print(
            f"  tick of {due:,} due cases: median {results[label]:.0f} ms "
            f"(runs: {', '.join(f'{t:.0f}' for t in timings)})"
        )
    ratio = results["large"] / results["small"]
    print()
    print(f"| store | cases | tick of {due} due (median ms) |")
    print("| --- | --- | --- |")
    print(f"| small | {small:,} | {results['small']:.0f} |")
    print(f"| large | {large:,} | {results['large']:.0f} |")
    emit(
        "tick",
        [
            Figure(
                f"tick of {due:,} due in {large:,} cases",
                results["large"],
                "ms",
                "< 500 ms",
                results["large"] < 500,
            ),
            Figure(f"tick of {due:,} due in {small:,} cases", results["small"], "ms"),
            Figure("large / small tick", ratio, "x", "<= 1.5", ratio <= 1.5),
        ],
    )
    print(
        f"ratio large/small: {ratio:.2f} (target ≤ 1.5) — "
        f"{'PASS' if ratio <= 1.5 and results['large'] < 500 else 'FAIL'}; "
        f"large tick {'<' if results['large'] < 500 else '≥'} 500 ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.large, args.small, args.due, args.runs))


if __name__ == "__main__":
    main()
