"""The hub's real processes (`hub serve`, `hub worker`) and a client that behaves like Twilio."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import col
from twilio.request_validator import RequestValidator

from channels.sms.fake_twilio import FakeTwilio
from hub.models import CaseEvent, InboundReceipt, OutboxItem
from hub.state import HubState
from tests.conftest import SECRET, free_port, settings_for

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_URL = "http://hub.test"  # what Twilio signs; the processes listen on 127.0.0.1
WEBHOOK = "/channels/sms/twilio"
ACCOUNT_SID = "AC3f9a1c2e7b5d4068a9e1f2c3b4d5e6f7"
AUTH_TOKEN = "faults-twilio-auth-token-0123456789"
HUB_NUMBER = "+21670000000"
WATER = "انقطاع الماء في حي الدير منذ ثلاثة أيام"


def hub_env(
    database_url: str, redis_url: str | None, data_dir: Path, **extra: str
) -> dict[str, str]:
    """The environment of a hub process: only what the test sets, no HUB_* of the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "FAULTS_"))}
    env.update(
        HUB_SECRET_KEY=SECRET,
        HUB_DATABASE_URL=database_url,
        HUB_DATA_DIR=str(data_dir),
        HUB_PUBLIC_URL=PUBLIC_URL,
        PYTHONPATH=str(ROOT),
        **extra,
    )
    if redis_url:
        env["HUB_REDIS_URL"] = redis_url
    return env


def twilio_env(twilio: FakeTwilio) -> dict[str, str]:
    return {
        "HUB_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "HUB_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "HUB_TWILIO_FROM": HUB_NUMBER,
        "HUB_TWILIO_API_BASE": twilio.base_url,
    }


class HubProcess:
    """A child process with its output in a file, shown when a test fails."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        self._out = log.open("ab")
        self.process = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=self._out, stderr=subprocess.STDOUT
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return f"--- last lines of {self.name} ---\n" + "\n".join(text[-lines:])

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        if self.alive:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._out.close()


class Api(HubProcess):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        super().__init__(
            f"hub serve :{self.port}",
            [sys.executable, "-m", "hub.cli", "serve", "--port", str(self.port)],
            env,
            log,
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 90) -> Api:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.alive, self.tail()
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not start\n{self.tail()}")


def start_worker(env: dict[str, str], log: Path, **speed: str) -> HubProcess:
    """`hub worker` (through tests.faults.fast_worker, which can shorten its waits)."""
    return HubProcess(
        "hub worker",
        [sys.executable, "-m", "tests.faults.fast_worker"],
        {**env, **{f"FAULTS_{k.upper()}": v for k, v in speed.items()}},
        log,
    )


def stop_all(*processes: HubProcess | None) -> None:
    for process in processes:
        if process is not None:
            process.stop()


# ---------------------------------------------------------------- a client that acts as Twilio


def sms_form(sid: str, sender: str, text: str = WATER) -> dict[str, str]:
    """The fields Twilio posts for an incoming SMS."""
    return {
        "ToCountry": "TN", "ToState": "", "SmsMessageSid": sid, "NumMedia": "0", "ToCity": "",
        "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received", "FromCity": "",
        "Body": text, "FromCountry": "TN", "To": HUB_NUMBER, "ToZip": "", "NumSegments": "1",
        "ReferralNumMedia": "0", "MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": sender,
        "ApiVersion": "2010-04-01",
    }  # fmt: skip


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


def citizen(n: int) -> str:
    return f"+2169{n:07d}"


@dataclass
class Delivery:
    """What happened to one webhook: every answer Twilio got, in order."""

    sid: str
    statuses: list[int | str] = field(default_factory=list)  # HTTP status or an error name
    seconds: list[float] = field(default_factory=list)
    started: list[float] = field(default_factory=list)  # time.time() of each attempt

    @property
    def acknowledged(self) -> bool:
        return (
            bool(self.statuses)
            and isinstance(self.statuses[-1], int)
            and (200 <= self.statuses[-1] < 300)
        )


@dataclass
class TwilioClient:
    """Posts signed webhooks as Twilio does and retries a failed one as Twilio would.

    A 5xx, a dropped connection or no answer within `timeout` is retried after
    `retry_delay`, up to `tries` times; a 2xx or 4xx is final.
    """

    timeout: float = 10.0
    retry_delay: float = 0.3
    tries: int = 1
    deliveries: list[Delivery] = field(default_factory=list)

    @staticmethod
    def headers(params: dict[str, str]) -> dict[str, str]:
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + WEBHOOK, params)
        return {"X-Twilio-Signature": signature}

    async def post(
        self, client: httpx.AsyncClient, base_url: str, params: dict[str, str]
    ) -> Delivery:
        delivery = Delivery(params["MessageSid"])
        self.deliveries.append(delivery)
        for attempt in range(self.tries):
            if attempt:
                await asyncio.sleep(self.retry_delay)
            started = time.monotonic()
            delivery.started.append(time.time())
            try:
                response = await client.post(
                    base_url + WEBHOOK, data=params, headers=self.headers(params),
                    timeout=self.timeout,
                )  # fmt: skip
                outcome: int | str = response.status_code
            except httpx.TimeoutException:
                outcome = "timeout"
            except httpx.TransportError as exc:
                outcome = type(exc).__name__
            delivery.statuses.append(outcome)
            delivery.seconds.append(time.monotonic() - started)
            if isinstance(outcome, int) and outcome < 500:
                break
        return delivery

    async def warm_up(
        self, jobs: list[tuple[str, dict[str, str]]]
    ) -> list[tuple[str, dict[str, str]]]:
        """Post the first job for each API alone (a cold process takes seconds to answer
        its first requests); returns the jobs left. `deliveries` keeps them all."""
        first: dict[str, int] = {}
        for n, (base_url, _) in enumerate(jobs):
            first.setdefault(base_url, n)
        for n in first.values():
            done = await self.post_all([jobs[n]], 1)
            assert done[0].acknowledged, done
        return [job for n, job in enumerate(jobs) if n not in first.values()]

    async def load_under_way(
        self, base_url: str, citizens: int, answered: int, log: Callable[[], str]
    ) -> asyncio.Task[list[Delivery]]:
        """One new SMS from each of `citizens`, 8 at a time; returns once `answered` of
        them have an answer, with the rest still on their way (the task)."""
        jobs = [(base_url, sms_form(new_sid(), citizen(n))) for n in range(citizens)]
        rest = await self.warm_up(jobs)
        load = asyncio.create_task(self.post_all(rest, concurrency=8))

        async def enough() -> bool:
            return sum(bool(d.statuses) for d in self.deliveries) >= answered

        assert await wait_until(enough, timeout=60, interval=0.02), log()
        return load

    async def post_all(
        self, jobs: list[tuple[str, dict[str, str]]], concurrency: int
    ) -> list[Delivery]:
        """Post (base_url, params) pairs, `concurrency` at a time."""
        gate = asyncio.Semaphore(concurrency)
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits) as client:

            async def one(base_url: str, params: dict[str, str]) -> Delivery:
                async with gate:
                    return await self.post(client, base_url, params)

            return list(await asyncio.gather(*(one(b, p) for b, p in jobs)))


# ---------------------------------------------------------------- reading the store


def state_for(database_url: str, data_dir: Path) -> HubState:
    return HubState.build(settings_for(database_url, data_dir))


async def receipts_by_sid(state: HubState) -> Counter[str]:
    async with state.sessions() as session:
        rows = await session.scalars(
            select(col(InboundReceipt.external_id)).where(col(InboundReceipt.channel) == "sms")
        )
        return Counter(rows.all())


async def count(state: HubState, model: type) -> int:
    async with state.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def outbox_statuses(state: HubState) -> Counter[str]:
    async with state.sessions() as session:
        return Counter((await session.scalars(select(col(OutboxItem.status)))).all())


async def event_kinds(state: HubState) -> Counter[str]:
    async with state.sessions() as session:
        return Counter((await session.scalars(select(col(CaseEvent.kind)))).all())


async def wait_until(
    predicate: Callable[[], Awaitable[bool]], timeout: float, interval: float = 0.25
) -> bool:
    """Poll an async predicate until it holds or the time is up; its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        if await predicate():
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(interval)
