"""Monthly partitioning of cases: what it buys at national scale, measured here.

    python bench/partitioning.py [--cases 2000000] [--months 24] [--runs 7]

Needs PostgreSQL (HUB_BENCH_DATABASE_URL, default postgresql://root@127.0.0.1:5432/test);
creates and drops the scratch database hub_bench_partitioning. Loads the same rows
(the columns the dashboard and statistics read) into a plain table and into one
partitioned by month of receipt, with the same indexes, then times on each:
a month's statistics (counts per structure and status), the open queue of one
structure ordered by deadline, a search for one reference, inserting 10,000 new
cases into the current month, and archiving the oldest month (DELETE against
DETACH + DROP PARTITION). Prints medians in milliseconds and the ratio. This is
the evidence for the partitioning step in docs/scaling.md, not a pass/fail target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
from report import Figure, emit

ADMIN_URL = os.environ.get("HUB_BENCH_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")
DB = "hub_bench_partitioning"
COLUMNS = """
    id bigint NOT NULL,
    reference text NOT NULL,
    structure_id int NOT NULL,
    category text NOT NULL,
    status text NOT NULL,
    sealed boolean NOT NULL,
    received_at timestamptz NOT NULL,
    due_at timestamptz,
    responded_at timestamptz
"""
INDEXES = (
    "CREATE INDEX ON {t} (structure_id, due_at)",
    "CREATE INDEX ON {t} (received_at)",
    "CREATE INDEX ON {t} (reference)",
    # Open cases are a small share: the queue reads them through a partial index.
    "CREATE INDEX ON {t} (structure_id, due_at) WHERE status = 'routed'",
)
FILL = """
INSERT INTO {t}
SELECT g, 'KEF-' || g, 1 + (g / 7) % 10, (ARRAY['water','roads','waste','electricity','health'])[1 + g % 5],
    CASE WHEN g % 10 = 0 THEN 'routed' ELSE 'closed' END, g % 50 = 0,
    $2::timestamptz - ((g % $3) * interval '1 month') - (g % 28) * interval '1 day',
    $2::timestamptz - ((g % $3) * interval '1 month') + (g % 40) * interval '1 day',
    CASE WHEN g % 3 = 0 THEN NULL ELSE $2::timestamptz - ((g % $3) * interval '1 month') END
FROM generate_series(1, $1) AS g
"""
MONTH_STATS = """
SELECT structure_id, status, count(*) FROM {t}
WHERE received_at >= $1 AND received_at < $1 + interval '1 month' AND NOT sealed
GROUP BY structure_id, status
"""
OPEN_QUEUE = """
SELECT id, reference, due_at FROM {t}
WHERE structure_id = 3 AND status = 'routed' AND NOT sealed
ORDER BY due_at LIMIT 51
"""
BY_REFERENCE = "SELECT id FROM {t} WHERE reference = $1"


def url(name: str) -> str:
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}".replace("postgresql://", "postgres://")


async def median_ms(runs: int, work: Callable[[], Awaitable[object]]) -> float:
    await work()  # warm the cache: both tables are timed warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def load(conn: asyncpg.Connection, cases: int, months: int, now: datetime) -> float:
    await conn.execute(f"CREATE TABLE flat ({COLUMNS}, PRIMARY KEY (id))")
    await conn.execute(
        f"CREATE TABLE part ({COLUMNS}, PRIMARY KEY (id, received_at)) PARTITION BY RANGE (received_at)"
    )
    for back in range(-1, months + 1):
        await conn.execute(
            f"""CREATE TABLE part_{back + 1} PARTITION OF part FOR VALUES
            FROM (date_trunc('month', '{now.isoformat()}'::timestamptz) - interval '{back} month')
            TO (date_trunc('month', '{now.isoformat()}'::timestamptz) - interval '{back - 1} month')"""
        )
    await conn.execute(
        "CREATE TABLE part_old PARTITION OF part FOR VALUES FROM (MINVALUE) TO "
        f"(date_trunc('month', '{now.isoformat()}'::timestamptz) - interval '{months} month')"
    )
    started = time.perf_counter()
    for table in ("flat", "part"):
        await conn.execute(FILL.format(t=table), cases, now, months)
        for index in INDEXES:
            await conn.execute(index.format(t=table))
        await conn.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


async def measure(
    conn: asyncpg.Connection, runs: int, now: datetime, months: int
) -> list[tuple[str, float, float]]:
    month = await conn.fetchval(
        "SELECT date_trunc('month', $1::timestamptz) - interval '6 month'", now
    )
    rows: list[tuple[str, float, float]] = []
    checks = (
        ("statistics of one month", MONTH_STATS, (month,)),
        ("open queue of one structure", OPEN_QUEUE, ()),
        ("case by reference", BY_REFERENCE, ("KEF-123457",)),
    )
    for label, sql, args in checks:
        flat = await median_ms(
            runs, lambda sql=sql, args=args: conn.fetch(sql.format(t="flat"), *args)
        )
        part = await median_ms(
            runs, lambda sql=sql, args=args: conn.fetch(sql.format(t="part"), *args)
        )
        rows.append((label, flat, part))
    insert = FILL.replace(
        "FROM generate_series(1, $1) AS g",
        "FROM generate_series($4::bigint, $4::bigint + $1::bigint - 1) AS g",
    )
    timings = []
    for table in ("flat", "part"):
        started = time.perf_counter()
        await conn.execute(insert.format(t=table), 10_000, now, 1, 50_000_000)
        timings.append((time.perf_counter() - started) * 1000)
    rows.append(("insert 10,000 new cases", timings[0], timings[1]))
    oldest = await conn.fetchval(
        "SELECT date_trunc('month', $1::timestamptz) - make_interval(months => $2)", now, months - 1
    )
    started = time.perf_counter()
    await conn.execute(
        "DELETE FROM flat WHERE received_at >= $1 AND received_at < $1 + interval '1 month'", oldest
    )
    deleted = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    name = f"part_{months}"
    await conn.execute(f"ALTER TABLE part DETACH PARTITION {name}")
    await conn.execute(f"DROP TABLE {name}")
    dropped = (time.perf_counter() - started) * 1000
    rows.append(("archive the oldest month", deleted, dropped))
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    admin = await asyncpg.connect(ADMIN_URL.replace("postgresql://", "postgres://"))
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    conn = await asyncpg.connect(url(DB))
    now = datetime(2026, 11, 15, 12, tzinfo=UTC)
    try:
        seconds = await load(conn, args.cases, args.months, now)
        print(
            f"loaded {args.cases:,} cases over {args.months} months into both tables in {seconds:.0f} s"
        )
        rows = await measure(conn, args.runs, now, args.months)
    finally:
        await conn.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        await admin.close()
    emit(
        "partitioning",
        [
            Figure(f"{label}: by month / plain", part / flat if flat else 0, "x")
            for label, flat, part in rows
        ],
    )
    print(f"{'operation':32} {'plain ms':>10} {'by month ms':>12} {'ratio':>7}")
    for label, flat, part in rows:
        print(f"{label:32} {flat:10.1f} {part:12.1f} {part / flat if flat else 0:7.2f}")


if __name__ == "__main__":
    asyncio.run(main())
