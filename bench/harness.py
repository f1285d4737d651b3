"""What the intake benchmarks share: scratch databases, servers, timed load, turns, report.

Each benchmark (sms_intake.py, telegram_intake.py, email_intake.py) runs the hub and
a bare baseline in their own processes, with the same engine and pool, and feeds
both the same messages in turns, round by round, so that other work on the
machine weighs on both alike. Then it checks the targets: the hub keeps at least
60% of the baseline's throughput, its p99 latency is at most twice the baseline's,
and every distinct message made exactly one case.

PostgreSQL: HUB_BENCH_DATABASE_URL (default postgresql://root@127.0.0.1:5432/test),
whose server gets scratch databases made and dropped here. Redis:
HUB_BENCH_REDIS_URL (default a scratch database 15, emptied before and after): the
hub queues its delivery nudges there as a production API process does, and no
worker runs, so nothing is sent during the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from report import Figure, emit

ADMIN_URL = os.environ.get("HUB_BENCH_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
BASELINE_URL_ENV = "HUB_BENCH_BASELINE_URL"
ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
THROUGHPUT_TARGET = 0.60  # the hub's requests/s over the baseline's, at least
TAIL_TARGET = 2.0  # the hub's p99 over the baseline's, at most

# Citizens' words, in the hub's languages and scripts.
TEXTS = (
    "انقطاع الماء في حي الدير منذ ثلاثة أيام",
    "Coupure d'électricité rue Ibn Khaldoun depuis hier soir",
    "الفانوس العمومي مطفي في نهج الجمهورية",
    "Ordures non ramassées devant l'école primaire de la cité Ennour",
    "7ofra kbira fi triq el souk, karhba tay7et fiha",
    "The bus to Tajerouine did not come this morning again",
)


# ---------------------------------------------------------------- databases


def url_for(name: str) -> str:
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


async def admin(*statements: str, url: str = ADMIN_URL) -> None:
    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def fetch_count(database: str, query: str) -> int:
    conn = await asyncpg.connect(url_for(database).replace("postgresql://", "postgres://"))
    try:
        return int(await conn.fetchval(query))
    finally:
        await conn.close()


async def create_databases(hub_db: str, baseline_db: str, baseline_table: str) -> None:
    """The hub's database, migrated and seeded; the baseline's, with its one table."""
    for name in (hub_db, baseline_db):
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    await admin(baseline_table, url=url_for(baseline_db))
    from hub.migrate import upgrade

    await asyncio.to_thread(upgrade, url_for(hub_db))
    await _seed(url_for(hub_db))


async def _seed(url: str) -> None:
    from hub.db import make_engine, make_sessionmaker
    from hub.seed import ensure_defaults
    from hub.settings import Settings

    engine = make_engine(Settings(secret_key=SECRET_KEY, database_url=url))
    async with make_sessionmaker(engine)() as session:
        await ensure_defaults(session)
    await engine.dispose()


async def drop_databases(*names: str) -> None:
    for name in names:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def empty_redis() -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.flushdb()
    except OSError as exc:
        print(f"  (Redis at {REDIS_URL} unreachable: {exc}; nudges will be dropped)")
    finally:
        await client.aclose()


def baseline_engine() -> Any:
    """The baseline's engine: the hub's own factory, so the same driver and pool."""
    from hub.db import make_engine
    from hub.settings import Settings

    settings = Settings(secret_key=SECRET_KEY, database_url=os.environ[BASELINE_URL_ENV])
    return make_engine(settings)


@asynccontextmanager
async def baseline_lifespan(app: Any) -> AsyncIterator[None]:
    """A baseline web app's engine, for its lifetime."""
    app.state.engine = baseline_engine()
    yield
    await app.state.engine.dispose()


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_uvicorn(
    name: str, app: str, port: int, extra_args: Sequence[str], env: dict[str, str]
) -> Server:
    """Hub and baselines are served alike: one uvicorn process, these flags."""
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        *extra_args,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return start_process(name, command, f"http://127.0.0.1:{port}", env)


def start_process(name: str, command: list[str], url: str, env: dict[str, str]) -> Server:
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    return Server(name, url, process)


async def wait_for_http(server: Server, probe: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            _still_running(server)
            try:
                await client.get(server.url + probe)
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise SystemExit(f"{server.name} server did not start")


async def wait_for_port(server: Server, port: int) -> None:
    for _ in range(300):
        _still_running(server)
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise SystemExit(f"{server.name} does not listen on port {port}")


def _still_running(server: Server) -> None:
    if server.process.poll() is not None:
        raise SystemExit(f"{server.name} server exited with {server.process.returncode}")


# ---------------------------------------------------------------- load


@dataclass(frozen=True)
class Load:
    """Messages to send; some twice, as providers retry, in an order where a retry may race."""

    items: list[Any]
    distinct: int

    def share(self, index: int, parts: int) -> Load:
        return Load(self.items[index::parts], 0)


def with_retries(make: Callable[[int], Any], requests: int, repeats: float, rng: Any) -> Load:
    """`requests` messages made by `make(n)`; a share `repeats` of them delivered twice."""
    distinct = round(requests / (1 + repeats))
    originals = [make(n) for n in range(distinct)]
    retried = rng.sample(originals, requests - distinct)
    everything = originals + retried
    rng.shuffle(everything)
    return Load(everything, distinct)


# Sends one message; None when the server accepted it, else what it answered.
Send = Callable[[Any], Awaitable[str | None]]
# Opens what sends (an HTTP client, SMTP connections) for one contender's turn.
Sender = Callable[[int], AbstractAsyncContextManager[Send]]


@dataclass
class Result:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, other: Result) -> None:
        self.seconds += other.seconds
        self.latencies += other.latencies
        for answer, count in other.errors.items():
            self.errors[answer] = self.errors.get(answer, 0) + count

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    def line(self) -> str:
        return (
            f"  {self.name:<9} {self.rps:8.1f} req/s   p50 {self.percentile(0.50) * 1000:7.1f} ms"
            f"   p99 {self.percentile(0.99) * 1000:7.1f} ms   errors {dict(self.errors) or 0}"
        )


async def drive(name: str, load: Load, sender: Sender, concurrency: int) -> Result:
    """Send every message with `concurrency` in flight; time each one."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for item in load.items:
        queue.put_nowait(item)
    result = Result(name)

    async def worker(send: Send) -> None:
        while not queue.empty():
            item = queue.get_nowait()
            started = time.perf_counter()
            refused = await send(item)
            result.latencies.append(time.perf_counter() - started)
            if refused is not None:
                result.errors[refused] = result.errors.get(refused, 0) + 1

    async with sender(concurrency) as send:
        started = time.perf_counter()
        await asyncio.gather(*(worker(send) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - started
    return result


def http_sender(
    base_url: str, request: Callable[[httpx.AsyncClient, Any], Awaitable[httpx.Response]]
) -> Sender:
    """An HTTP client kept open for the turn; `request` posts one message with it."""

    @asynccontextmanager
    async def opened(concurrency: int) -> AsyncIterator[Send]:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

            async def send(item: Any) -> str | None:
                response = await request(client, item)
                return None if response.status_code == 200 else str(response.status_code)

            yield send

    return opened


@dataclass
class Contender:
    server: Server
    ready: Callable[[], Awaitable[None]]
    sender: Sender
    result: Result | None = None

    async def turn(self, load: Load, concurrency: int) -> None:
        outcome = await drive(self.server.name, load, self.sender, concurrency)
        if self.result is None:
            self.result = outcome
        else:
            self.result.add(outcome)


async def compete(
    contenders: list[Contender], load: Load, warmup: Load, concurrency: int, rounds: int
) -> None:
    """Take turns, round by round, so that a busy moment on the machine hits both alike."""
    for contender in contenders:
        await contender.ready()
        await drive("warm-up", warmup, contender.sender, concurrency)
    for index in range(rounds):
        order = contenders if index % 2 == 0 else contenders[::-1]
        for contender in order:
            await contender.turn(load.share(index, rounds), concurrency)


# ---------------------------------------------------------------- one benchmark


@dataclass
class Setup:
    """What a benchmark's `start` gets to start its two servers with."""

    name: str
    data_dir: str
    hub_app: str
    servers: list[Server] = field(default_factory=list)

    @property
    def hub_db(self) -> str:
        return f"hub_bench_{self.name}"

    @property
    def baseline_db(self) -> str:
        return f"hub_bench_{self.name}_baseline"

    def hub_environment(self, **channel: str) -> dict[str, str]:
        """The hub as a production API process runs: PostgreSQL and Redis, plus one channel."""
        return {
            "HUB_DATABASE_URL": url_for(self.hub_db),
            "HUB_SECRET_KEY": SECRET_KEY,
            "HUB_DATA_DIR": self.data_dir,
            "HUB_REDIS_URL": REDIS_URL,
            **channel,
        }

    def baseline_environment(self) -> dict[str, str]:
        return {BASELINE_URL_ENV: url_for(self.baseline_db)}

    def started(self, server: Server) -> Server:
        self.servers.append(server)  # stopped by `run`, whatever happens
        return server

    def hub(self, port: int, **channel: str) -> Server:
        environment = self.hub_environment(**channel)
        return self.started(start_uvicorn("hub", self.hub_app, port, ["--factory"], environment))


@dataclass(frozen=True)
class Bench:
    name: str  # the scratch databases are hub_bench_<name> and hub_bench_<name>_baseline
    ids: str  # what tells two messages apart, for the report ("MessageSids")
    baseline_table: str  # CREATE TABLE of the baseline's one table
    make_load: Callable[[int, float, str], Load]  # (messages, share sent twice, batch)
    start: Callable[[Setup], tuple[Contender, Contender]]  # the hub, then the baseline


async def run(bench: Bench, options: Options) -> int:
    """Both servers, the warm-up, the turns, the counts; the exit code of `report`."""
    setup = Setup(bench.name, "", options.hub_app)
    await create_databases(setup.hub_db, setup.baseline_db, bench.baseline_table)
    await empty_redis()
    load = bench.make_load(options.requests, options.repeats, "A")
    # The warm-up has its own ids and citizens; the counts below subtract it.
    warmup = bench.make_load(options.warmup, 0.0, "W")
    try:
        with tempfile.TemporaryDirectory(prefix=f"hub-bench-{bench.name}-") as data_dir:
            setup.data_dir = data_dir
            hub, baseline = bench.start(setup)
            await compete([hub, baseline], load, warmup, options.concurrency, options.rounds)
            for server in setup.servers:
                server.stop()
        cases = await fetch_count(setup.hub_db, "SELECT count(*) FROM cases")
        receipts = await fetch_count(setup.hub_db, "SELECT count(*) FROM inbound_receipts")
    finally:
        for server in setup.servers:
            server.stop()
        await empty_redis()
        await drop_databases(setup.hub_db, setup.baseline_db)
    assert hub.result is not None and baseline.result is not None
    stored = Stored(
        bench.ids,
        len(load.items),
        load.distinct,
        cases - warmup.distinct,
        receipts - warmup.distinct,
    )
    return report(bench.name, hub.result, baseline.result, stored)


Post = Callable[[httpx.AsyncClient, Any], Awaitable[httpx.Response]]


def web_pair(
    setup: Setup,
    hub_channel: dict[str, str],
    hub_post: Callable[[str], Post],
    baseline_module: str,
    baseline_post: Post,
) -> tuple[Contender, Contender]:
    """The hub and a baseline web app (`<module>:baseline_app`), each in its own uvicorn.

    `hub_channel` holds the hub's settings of the channel; `hub_post` gets the hub's
    public URL (Twilio signs it).
    """
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    hub = setup.hub(port, HUB_PUBLIC_URL=public_url, **hub_channel)
    app = f"{baseline_module}:baseline_app"
    extra = ["--app-dir", str(BENCH_DIR)]
    environment = setup.baseline_environment()
    baseline = setup.started(start_uvicorn("baseline", app, free_port(), extra, environment))
    return (
        Contender(
            hub,
            lambda: wait_for_http(hub, "/healthz"),
            http_sender(hub.url, hub_post(public_url)),
        ),
        Contender(
            baseline,
            lambda: wait_for_http(baseline, "/docs"),
            http_sender(baseline.url, baseline_post),
        ),
    )


def main(bench: Bench, description: str, argv: Sequence[str] | None = None) -> None:
    sys.exit(asyncio.run(run(bench, options(description, argv))))


# ---------------------------------------------------------------- report and options


@dataclass(frozen=True)
class Stored:
    """What the hub stored for the measured messages (the warm-up's taken away)."""

    ids: str  # what tells two messages apart ("MessageSids")
    sent: int
    distinct: int
    cases: int
    receipts: int


def report(bench: str, hub: Result, baseline: Result, stored: Stored) -> int:
    """Print the figures and the checks, and their machine-readable line (report.py);
    the exit code: 0 when every target is met."""
    throughput = hub.rps / baseline.rps
    tail = hub.percentile(0.99) / baseline.percentile(0.99)
    errors = sum(hub.errors.values()) + sum(baseline.errors.values())
    checks = {
        f"throughput {throughput:.0%} of the baseline (target >= {THROUGHPUT_TARGET:.0%})": (
            throughput >= THROUGHPUT_TARGET
        ),
        f"p99 {tail:.2f}x the baseline's (target <= {TAIL_TARGET:g}x)": tail <= TAIL_TARGET,
        f"{stored.cases} cases for {stored.distinct} distinct {stored.ids} "
        f"({stored.sent - stored.distinct} sent twice)": stored.cases == stored.distinct,
        f"{stored.receipts} inbound receipts": stored.receipts == stored.distinct,
        "no error answers": errors == 0,
    }
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n{stored.sent} messages per app, {os.cpu_count()} CPUs, "
        f"load average now {load_average}\n"
    )
    print(hub.line())
    print(baseline.line())
    print()
    for label, passed in checks.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {label}")
    emit(bench, _figures(hub, baseline, throughput, tail, stored, errors))
    return 0 if all(checks.values()) else 1


def _figures(
    hub: Result, baseline: Result, throughput: float, tail: float, stored: Stored, errors: int
) -> list[Figure]:
    return [
        Figure("hub throughput", hub.rps, "req/s"),
        Figure("baseline throughput", baseline.rps, "req/s"),
        Figure(
            "hub / baseline throughput",
            throughput * 100,
            "%",
            f">= {THROUGHPUT_TARGET:.0%}",
            throughput >= THROUGHPUT_TARGET,
        ),
        Figure("hub p50", hub.percentile(0.50) * 1000, "ms"),
        Figure("hub p99", hub.percentile(0.99) * 1000, "ms"),
        Figure("baseline p99", baseline.percentile(0.99) * 1000, "ms"),
        Figure("hub / baseline p99", tail, "x", f"<= {TAIL_TARGET:g}", tail <= TAIL_TARGET),
        *(
            Figure(
                f"{rows} - distinct {stored.ids}",
                count - stored.distinct,
                "",
                "= 0",
                count == stored.distinct,
            )
            for rows, count in (("cases", stored.cases), ("receipts", stored.receipts))
        ),
        Figure("error answers", errors, "", "= 0", errors == 0),
    ]


@dataclass(frozen=True)
class Options:
    requests: int
    concurrency: int
    repeats: float
    warmup: int
    rounds: int
    hub_app: str  # the app factory serving the hub


def options(description: str, argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--requests", type=int, default=2000, help="messages per app")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--repeats", type=float, default=0.1, help="share sent twice")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4, help="turns taken by each app")
    parser.add_argument(
        "--quick", action="store_true", help="a short run for a suite: 600 messages, 2 rounds"
    )
    parser.add_argument("--hub-app", default="hub.app:create_app", help="app factory of the hub")
    args = parser.parse_args(argv)
    if args.quick:
        return Options(600, args.concurrency, args.repeats, 60, 2, args.hub_app)
    return Options(
        args.requests, args.concurrency, args.repeats, args.warmup, args.rounds, args.hub_app
    )
