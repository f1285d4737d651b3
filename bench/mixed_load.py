"""Mixed load: intake on every channel, with and without staff reading the dashboard.

    python bench/mixed_load.py [--seconds 60] [--senders 6] [--readers 4]

Runs the production shape on this machine: `hub serve` (one API process, with the
inbound SMTP listener) and `hub worker` (arq on Redis) as real processes, on a
scratch PostgreSQL database (hub_bench_mixed) and Redis database 13. The
providers' sides are local stand-ins, so every acknowledgement really goes out:
Twilio's API (channels.sms.fake_twilio), Telegram's Bot API
(channels.telegram.simulator) and an SMTP relay (aiosmtpd).

Two phases of --seconds each: intake alone (signed Twilio webhooks, Telegram
updates with their secret, mail through the SMTP listener, in equal shares),
then the same intake while officers page through their queue and search it.
Prints accepted requests/s per channel in each phase, the dashboard's p50/p95
under load, the API and worker processes' peak resident memory (sampled every
0.2 s from /proc), and checks that every accepted message made exactly one
inbound receipt. Target: the API process stays under 250 MB resident.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import asyncpg
import httpx
import redis
from aiosmtpd.controller import Controller
from report import Figure, emit
from twilio.request_validator import RequestValidator

from channels.sms.fake_twilio import FakeTwilio
from channels.telegram.simulator import FakeBotApi, text_update

ADMIN_URL = os.environ.get("HUB_BENCH_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DATABASE = "hub_bench_mixed"
ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-mixed-" + "x" * 40
ACCOUNT_SID = "AC" + "c" * 32
AUTH_TOKEN = "bench-mixed-twilio-token"
BOT_TOKEN = "7001:bench-mixed-bot"
BOT_SECRET = "bench-mixed-telegram-secret"
OFFICER, PASSWORD = "officer@bench.kef.tn", "bench password 0123"
RSS_TARGET_MB = 250.0
TEXTS = (
    "انقطاع الماء في حي الدير منذ ثلاثة أيام",
    "Coupure d'électricité rue Ibn Khaldoun depuis hier soir",
    "Ordures non ramassées devant l'école primaire de la cité Ennour",
    "7ofra kbira fi triq el souk, karhba tay7et fiha",
    "The street lights on Avenue de la République are off",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sink:
    """The SMTP relay the hub sends its mail to: counts what arrives."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.received += 1
        return "250 OK"


async def prepare_database() -> str:
    admin = await asyncpg.connect(ADMIN_URL.replace("postgresql://", "postgres://"))
    await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DATABASE}"')
    await admin.close()
    url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{DATABASE}"
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_SECRET_KEY": SECRET}
    subprocess.run([sys.executable, "-m", "hub.cli", "migrate"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [sys.executable, "-m", "hub.cli", "users", "create", "--email", OFFICER,
         "--password", PASSWORD, "--role", "officer", "--structure", "kef-municipality"],
        env=env, check=True, cwd=ROOT, capture_output=True,
    )  # fmt: skip
    return url


@contextlib.contextmanager
def processes(env: dict[str, str], port: int, logs: Path) -> Iterator[tuple[int, int]]:
    with open(logs / "api.log", "w") as api_log, open(logs / "worker.log", "w") as worker_log:
        api = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "serve", "--port", str(port)],
            env=env, cwd=ROOT, stdout=api_log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "worker"],
            env=env, cwd=ROOT, stdout=worker_log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        yield from _running(api, worker, port, logs)


def _running(
    api: subprocess.Popen[bytes], worker: subprocess.Popen[bytes], port: int, logs: Path
) -> Iterator[tuple[int, int]]:
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            if api.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the API did not start; see {logs / 'api.log'}")
            time.sleep(0.2)
        yield api.pid, worker.pid
    finally:
        for process in (api, worker):
            process.terminate()
        for process in (api, worker):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)


class Load:
    """Senders on every channel; every accepted message's id is kept to check exactly-once."""

    def __init__(self, base: str, smtp_port: int) -> None:
        self.base = base
        self.smtp_port = smtp_port
        self.accepted: dict[str, list[str]] = {"sms": [], "telegram": [], "email": []}
        self.refused = 0
        self._numbers = itertools.count(1)
        self._signer = RequestValidator(AUTH_TOKEN)

    async def sms(self, client: httpx.AsyncClient) -> None:
        n = next(self._numbers)
        sid = f"SM{n:032x}"
        form = {
            "MessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT_SID, "From": f"+2169{n:07d}",
            "To": "+21670000000", "Body": TEXTS[n % len(TEXTS)], "NumMedia": "0",
        }  # fmt: skip
        url = self.base + "/channels/sms/twilio"
        signature = self._signer.compute_signature(url, form)
        answer = await client.post(url, data=form, headers={"X-Twilio-Signature": signature})
        self._note("sms", sid, answer.status_code == 200)

    async def telegram(self, client: httpx.AsyncClient) -> None:
        n = next(self._numbers)
        update = text_update(chat_id=10_000_000 + n, text=TEXTS[n % len(TEXTS)])
        update["update_id"] = n
        answer = await client.post(
            self.base + "/channels/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": BOT_SECRET},
        )
        self._note("telegram", str(n), answer.status_code == 200)

    async def email(self, _: httpx.AsyncClient) -> None:
        n = next(self._numbers)
        message = EmailMessage()
        message["From"] = f"citoyen{n}@example.tn"
        message["To"] = "requetes@kef.tn"
        message["Subject"] = "Réclamation"
        message["Message-ID"] = f"<bench-{n}@example.tn>"
        message.set_content(TEXTS[n % len(TEXTS)])
        try:
            await aiosmtplib.send(message, hostname="127.0.0.1", port=self.smtp_port, timeout=30)
            self._note("email", f"<bench-{n}@example.tn>", True)
        except aiosmtplib.SMTPException:
            self.refused += 1

    def _note(self, channel: str, ident: str, ok: bool) -> None:
        if ok:
            self.accepted[channel].append(ident)
        else:
            self.refused += 1


async def send_for(load: Load, seconds: float, senders: int) -> dict[str, int]:
    before = {channel: len(ids) for channel, ids in load.accepted.items()}
    stop = time.monotonic() + seconds
    kinds = (load.sms, load.telegram, load.email)

    async def sender(kind_index: int) -> None:
        send = kinds[kind_index % len(kinds)]
        async with httpx.AsyncClient(timeout=30) as client:
            while time.monotonic() < stop:
                await send(client)

    await asyncio.gather(*(sender(i) for i in range(senders)))
    return {channel: len(ids) - before[channel] for channel, ids in load.accepted.items()}


async def read_dashboard(base: str, seconds: float, readers: int) -> list[float]:
    timings: list[float] = []
    stop = time.monotonic() + seconds

    async def reader(n: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            form = await client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token, "no sign-in form"
            signed = await client.post(
                "/login",
                data={"email": OFFICER, "password": PASSWORD, "csrf_token": token.group(1)},
            )
            assert signed.status_code == 303, signed.text[:200]
            pages = ("/dashboard", "/dashboard?q=electricite", "/dashboard?status=all&sort=newest")
            for i in itertools.count(n):
                if time.monotonic() >= stop:
                    return
                started = time.perf_counter()
                page = await client.get(pages[i % len(pages)])
                assert page.status_code == 200
                timings.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(reader(n) for n in range(readers)))
    return timings


@contextlib.asynccontextmanager
async def sampled(pids: tuple[int, int]) -> AsyncIterator[dict[str, float]]:
    peak = {"api": 0.0, "worker": 0.0}

    async def sample() -> None:
        while True:
            peak["api"] = max(peak["api"], rss_mb(pids[0]))
            peak["worker"] = max(peak["worker"], rss_mb(pids[1]))
            await asyncio.sleep(0.2)

    task = asyncio.create_task(sample())
    try:
        yield peak
    finally:
        task.cancel()


async def receipts(url: str) -> dict[str, set[str]]:
    conn = await asyncpg.connect(url.replace("postgresql://", "postgres://"))
    rows = await conn.fetch("SELECT channel, external_id FROM inbound_receipts")
    await conn.close()
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["channel"], set()).add(row["external_id"])
    return found


async def run(seconds: float, senders: int, readers: int) -> int:
    url = await prepare_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    port, smtp_in = free_port(), free_port()
    sink = Sink()
    relay = Controller(sink, hostname="127.0.0.1", port=free_port())
    relay.start()
    logs = Path(tempfile.mkdtemp(prefix="hub-bench-mixed-"))
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio, FakeBotApi(BOT_TOKEN) as bot:
        env = {
            **os.environ,
            "HUB_DATABASE_URL": url, "HUB_SECRET_KEY": SECRET, "HUB_REDIS_URL": REDIS_URL,
            "HUB_PUBLIC_URL": f"http://127.0.0.1:{port}", "HUB_DATA_DIR": str(logs),
            "HUB_TWILIO_ACCOUNT_SID": ACCOUNT_SID, "HUB_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "HUB_TWILIO_FROM": "+21670000000", "HUB_TWILIO_API_BASE": twilio.base_url,
            "HUB_TELEGRAM_TOKEN": BOT_TOKEN, "HUB_TELEGRAM_SECRET": BOT_SECRET,
            "HUB_TELEGRAM_API_BASE": bot.base_url, "HUB_INBOUND_SMTP_PORT": str(smtp_in),
            "HUB_MAIL_FROM": "requetes@kef.tn", "HUB_SMTP_HOST": "127.0.0.1",
            "HUB_SMTP_PORT": str(relay.port), "HUB_SMTP_TLS": "false",
        }  # fmt: skip
        with processes(env, port, logs) as pids:
            load = Load(f"http://127.0.0.1:{port}", smtp_in)
            await send_for(load, 5, senders)  # warm-up: connections, caches, first jobs
            async with sampled(pids) as peak:
                alone = await send_for(load, seconds, senders)
                together, timings = await asyncio.gather(
                    send_for(load, seconds, senders),
                    read_dashboard(load.base, seconds, readers),
                )
                await asyncio.sleep(5)  # the worker drains what the last requests queued
            stored = await receipts(url)
    relay.stop()
    return report(seconds, load, alone, together, timings, peak, stored, sink)


def report(
    seconds: float,
    load: Load,
    alone: dict[str, int],
    together: dict[str, int],
    timings: list[float],
    peak: dict[str, float],
    stored: dict[str, set[str]],
    sink: Sink,
) -> int:
    print(f"\n{'channel':10} {'intake alone /s':>16} {'with readers /s':>16}")
    for channel in alone:
        print(f"{channel:10} {alone[channel] / seconds:16.1f} {together[channel] / seconds:16.1f}")
    total_alone, total_together = sum(alone.values()), sum(together.values())
    print(f"{'all':10} {total_alone / seconds:16.1f} {total_together / seconds:16.1f}")
    p50 = statistics.median(timings) if timings else 0.0
    p95 = statistics.quantiles(timings, n=100)[94] if len(timings) > 1 else p50
    print(
        f"\ndashboard under intake load: {len(timings)} pages, p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    print(f"peak resident memory: API {peak['api']:.0f} MB (target < {RSS_TARGET_MB:.0f}), "
          f"worker {peak['worker']:.0f} MB")  # fmt: skip
    exact = all(
        len(ids) == len(set(ids)) and set(ids) <= stored.get(channel, set())
        for channel, ids in load.accepted.items()
        if channel != "email"
    )
    mails = len(stored.get("email", set()))
    print(f"every accepted SMS and Telegram update stored once: {exact}; "
          f"mails accepted {len(load.accepted['email'])}, stored {mails}; refused {load.refused}; "
          f"mail relayed out by the worker {sink.received}")  # fmt: skip
    emails_ok = mails == len(load.accepted["email"])
    emit("mixed", [
        Figure("intake alone, all channels", total_alone / seconds, "req/s"),
        Figure("intake with dashboard readers", total_together / seconds, "req/s"),
        Figure("dashboard p95 under intake load", p95, "ms"),
        Figure("API peak resident memory", peak["api"], "MB", f"< {RSS_TARGET_MB:.0f} MB",
               peak["api"] < RSS_TARGET_MB),
        Figure("worker peak resident memory", peak["worker"], "MB"),
        Figure("accepted messages stored exactly once", float(exact and emails_ok), "yes=1",
               "= 1", exact and emails_ok),
    ])  # fmt: skip
    return 0 if exact and emails_ok and peak["api"] < RSS_TARGET_MB else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--senders", type=int, default=6, help="concurrent senders, all channels")
    parser.add_argument("--readers", type=int, default=4, help="officers reading the dashboard")
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args.seconds, args.senders, args.readers)))


if __name__ == "__main__":
    main()
