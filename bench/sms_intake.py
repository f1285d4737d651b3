"""SMS intake under load: signed Twilio webhooks against the hub, next to a bare baseline.

    python bench/sms_intake.py [--requests 2000] [--concurrency 20] [--repeats 0.1]

Needs PostgreSQL (HUB_BENCH_DATABASE_URL, default postgresql://root@127.0.0.1:5432/test);
it creates and drops the scratch databases hub_bench_sms (the hub) and
hub_bench_sms_baseline (one table). Both apps run in their own uvicorn process
with the same flags, engine and pool; the same httpx load drives them in turns
(round by round, so that other work on the machine weighs on both alike).

The hub runs as a production API process does: PostgreSQL, and delivery nudges
queued in Redis for the arq workers (HUB_BENCH_REDIS_URL, default a scratch
Redis database 15, emptied before and after), so no SMS is sent during the run.

Prints requests/s, p50 and p99 latency of each, the ratios, and checks that the
hub opened exactly one case per distinct MessageSid although some were sent
twice. Targets: the hub keeps at least 60% of the baseline's throughput, and its
p99 is at most twice the baseline's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from fastapi import FastAPI, Request, Response
from sqlalchemy import text
from twilio.request_validator import RequestValidator

ADMIN_URL = os.environ.get("HUB_BENCH_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
HUB_DB = "hub_bench_sms"
BASELINE_DB = "hub_bench_sms_baseline"
BASELINE_URL_ENV = "HUB_BENCH_BASELINE_URL"
ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_SID = "AC" + "b" * 32
AUTH_TOKEN = "bench-twilio-auth-token"
HUB_NUMBER = "+21670000000"
SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
TEXTS = (
    "انقطاع الماء في حي الدير منذ ثلاثة أيام",
    "Coupure d'électricité rue Ibn Khaldoun depuis hier soir",
    "الفانوس العمومي مطفي في نهج الجمهورية",
    "Ordures non ramassées devant l'école primaire de la cité Ennour",
    "7ofra kbira fi triq el souk, karhba tay7et fiha",
    "The bus to Tajerouine did not come this morning again",
)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


# ---------------------------------------------------------------- the baseline app

baseline_app = FastAPI()


@asynccontextmanager
async def _baseline_engine(app: FastAPI) -> AsyncIterator[None]:
    from hub.db import make_engine
    from hub.settings import Settings

    # The hub's own engine factory: same driver, pool size and pre-ping.
    settings = Settings(secret_key=SECRET_KEY, database_url=os.environ[BASELINE_URL_ENV])
    app.state.engine = make_engine(settings)
    yield
    await app.state.engine.dispose()


baseline_app.router.lifespan_context = _baseline_engine


@baseline_app.post("/sms")
async def baseline_sms(request: Request) -> Response:
    """What any webhook receiver does at least: read the form, insert one row, commit."""
    form = await request.form()
    async with request.app.state.engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO sms (message_sid, sender, body) VALUES (:sid, :sender, :body)"),
            {"sid": form["MessageSid"], "sender": form["From"], "body": form["Body"]},
        )
    return Response(EMPTY_TWIML, media_type="text/xml")


# ---------------------------------------------------------------- databases and servers


def url_for(name: str) -> str:
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


async def admin(*statements: str, url: str = ADMIN_URL) -> None:
    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def create_databases() -> None:
    for name in (HUB_DB, BASELINE_DB):
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    await admin(
        "CREATE TABLE sms (id bigserial PRIMARY KEY, message_sid text NOT NULL, "
        "sender text NOT NULL, body text NOT NULL, received_at timestamptz DEFAULT now())",
        url=url_for(BASELINE_DB),
    )
    from hub.migrate import upgrade

    await asyncio.to_thread(upgrade, url_for(HUB_DB))
    await seed_hub()


async def seed_hub() -> None:
    from hub.db import make_engine, make_sessionmaker
    from hub.seed import ensure_defaults
    from hub.settings import Settings

    engine = make_engine(Settings(secret_key=SECRET_KEY, database_url=url_for(HUB_DB)))
    async with make_sessionmaker(engine)() as session:
        await ensure_defaults(session)
    await engine.dispose()


async def drop_databases() -> None:
    for name in (HUB_DB, BASELINE_DB):
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
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(
    name: str, app: str, port: int, extra_args: Sequence[str], env: dict[str, str]
) -> Server:
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
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    return Server(name, f"http://127.0.0.1:{port}", process)


async def wait_until_up(server: Server, probe: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            if server.process.poll() is not None:
                raise SystemExit(f"{server.name} server exited with {server.process.returncode}")
            try:
                await client.get(server.url + probe)
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise SystemExit(f"{server.name} server did not start")


# ---------------------------------------------------------------- load


@dataclass(frozen=True)
class Load:
    path: str
    bodies: list[dict[str, str]]
    distinct: int


def twilio_load(requests: int, repeats: float, batch: str = "A") -> Load:
    """Incoming SMS from many citizens; a share of them delivered twice, as Twilio retries."""
    rng = random.Random(batch)
    distinct = round(requests / (1 + repeats))
    bodies = [_incoming(batch, n, rng) for n in range(distinct)]
    retried = rng.sample(bodies, requests - distinct)
    everything = bodies + retried
    rng.shuffle(everything)  # a retry may race its original
    return Load("/channels/sms/twilio", everything, distinct)


def _incoming(batch: str, n: int, rng: random.Random) -> dict[str, str]:
    sid = f"SM{batch}{n:031x}"
    body = f"{rng.choice(TEXTS)}, n° {rng.randint(1, 120)}"
    return {
        "ToCountry": "TN",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "FromCountry": "TN",
        "To": HUB_NUMBER,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": f"+2169{ord(batch) % 10}{n:06d}",
        "ApiVersion": "2010-04-01",
    }


@dataclass
class Result:
    name: str
    seconds: float
    latencies: list[float]
    errors: dict[int, int]

    def merged(self, other: Result) -> Result:
        errors = dict(self.errors)
        for status, count in other.errors.items():
            errors[status] = errors.get(status, 0) + count
        return Result(
            self.name, self.seconds + other.seconds, self.latencies + other.latencies, errors
        )

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


async def drive(
    name: str, base_url: str, load: Load, concurrency: int, sign_for: str | None
) -> Result:
    """Send every body with `concurrency` requests in flight; time each one."""
    signer = RequestValidator(AUTH_TOKEN)
    queue: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    for body in load.bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    errors: dict[int, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            headers = {}
            if sign_for is not None:
                headers["X-Twilio-Signature"] = signer.compute_signature(sign_for, body)
            started = time.perf_counter()
            response = await client.post(load.path, data=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors[response.status_code] = errors.get(response.status_code, 0) + 1

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return Result(name, seconds, latencies, errors)


async def count_hub_rows() -> tuple[int, int]:
    conn = await asyncpg.connect(url_for(HUB_DB).replace("postgresql://", "postgres://"))
    try:
        cases = await conn.fetchval("SELECT count(*) FROM cases")
        receipts = await conn.fetchval("SELECT count(*) FROM inbound_receipts")
    finally:
        await conn.close()
    return int(cases), int(receipts)


# ---------------------------------------------------------------- the run


def hub_environment(public_url: str, data_dir: str) -> dict[str, str]:
    return {
        "HUB_DATABASE_URL": url_for(HUB_DB),
        "HUB_SECRET_KEY": SECRET_KEY,
        "HUB_DATA_DIR": data_dir,
        "HUB_PUBLIC_URL": public_url,
        "HUB_REDIS_URL": REDIS_URL,
        "HUB_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "HUB_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "HUB_TWILIO_FROM": HUB_NUMBER,
        # Nothing is sent during the run; were it, it would go nowhere real.
        "HUB_TWILIO_API_BASE": f"http://127.0.0.1:{free_port()}",
    }


@dataclass
class Contender:
    server: Server
    load: Load
    warmup: Load
    signed: bool  # the hub checks Twilio's signature; the baseline checks nothing
    result: Result | None = None

    def chunk(self, index: int, rounds: int) -> Load:
        bodies = self.load.bodies[index::rounds]
        return Load(self.load.path, bodies, len({b["MessageSid"] for b in bodies}))

    async def drive(self, load: Load, concurrency: int) -> None:
        # Twilio signs the URL it calls: here the hub's own address is its public URL.
        signed_url = self.server.url + load.path if self.signed else None
        result = await drive(self.server.name, self.server.url, load, concurrency, signed_url)
        self.result = result if self.result is None else self.result.merged(result)


async def compete(contenders: list[Contender], concurrency: int, rounds: int) -> None:
    """Take turns, round by round, so that a busy moment on the machine hits both alike."""
    for contender in contenders:
        await wait_until_up(contender.server, "/healthz" if contender.signed else "/docs")
        await drive(
            "warm-up",
            contender.server.url,
            contender.warmup,
            concurrency,
            contender.server.url + contender.warmup.path if contender.signed else None,
        )
    for index in range(rounds):
        order = contenders if index % 2 == 0 else contenders[::-1]
        for contender in order:
            await contender.drive(contender.chunk(index, rounds), concurrency)


async def run(
    requests: int, concurrency: int, repeats: float, warmup_requests: int, rounds: int, hub_app: str
) -> int:
    await create_databases()
    await empty_redis()
    load = twilio_load(requests, repeats, batch="A")
    # The warm-up has its own ids and citizens; the counts below subtract it.
    warmup = twilio_load(warmup_requests, 0.0, batch="W")
    servers: list[Server] = []
    try:
        with tempfile.TemporaryDirectory(prefix="hub-bench-sms-") as data_dir:
            port = free_port()
            environment = hub_environment(f"http://127.0.0.1:{port}", data_dir)
            servers.append(start_server("hub", hub_app, port, ["--factory"], environment))
            servers.append(
                start_server(
                    "baseline",
                    "sms_intake:baseline_app",
                    free_port(),
                    ["--app-dir", str(Path(__file__).resolve().parent)],
                    {BASELINE_URL_ENV: url_for(BASELINE_DB)},
                )
            )
            hub = Contender(servers[0], load, warmup, signed=True)
            baseline = Contender(
                servers[1],
                Load("/sms", load.bodies, load.distinct),
                Load("/sms", warmup.bodies, warmup.distinct),
                signed=False,
            )
            await compete([hub, baseline], concurrency, rounds)
            for server in servers:
                server.stop()
        cases, receipts = await count_hub_rows()
    finally:
        for server in servers:
            server.stop()
        await empty_redis()
        await drop_databases()
    assert hub.result is not None and baseline.result is not None
    return report(
        load, hub.result, baseline.result, cases - warmup.distinct, receipts - warmup.distinct
    )


def report(load: Load, hub: Result, baseline: Result, cases: int, receipts: int) -> int:
    throughput = hub.rps / baseline.rps
    tail = hub.percentile(0.99) / baseline.percentile(0.99)
    checks = {
        f"throughput {throughput:.0%} of the baseline (target >= 60%)": throughput >= 0.60,
        f"p99 {tail:.2f}x the baseline's (target <= 2x)": tail <= 2.0,
        f"{cases} cases for {load.distinct} distinct MessageSids "
        f"({len(load.bodies) - load.distinct} sent twice)": cases == load.distinct,
        f"{receipts} inbound receipts": receipts == load.distinct,
        "no error answers": not hub.errors and not baseline.errors,
    }
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n{len(load.bodies)} requests per app, {os.cpu_count()} CPUs, "
        f"load average now {load_average}\n"
    )
    print(hub.line())
    print(baseline.line())
    print()
    for label, passed in checks.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {label}")
    return 0 if all(checks.values()) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--repeats", type=float, default=0.1, help="share sent twice")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4, help="turns taken by each app")
    parser.add_argument(
        "--hub-app", default="hub.app:create_app", help="app factory serving the hub"
    )
    args = parser.parse_args()
    code = asyncio.run(
        run(args.requests, args.concurrency, args.repeats, args.warmup, args.rounds, args.hub_app)
    )
    sys.exit(code)


if __name__ == "__main__":
    main()
