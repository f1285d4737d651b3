"""Twilio answers some numbers with errors or not at all: back-off, the others still served.

The real worker sends through the real twilio client to a Twilio stand-in that
is scripted per number: 500s, 429s, or a request left unanswered past the
client's timeout. The worker runs with its clock sped up (first retry after
1 s instead of 30 s, 4 attempts instead of 8, a 1 s Twilio timeout instead of
15 s); the spacing of attempts is read from the times the stand-in saw them.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs

from sqlalchemy import select
from sqlmodel import col

from channels.sms.fake_twilio import FakeTwilio, Refusal
from hub.intake.conversation import receive
from hub.jobs import ArqJobs
from hub.models import Case, CaseEvent, OutboxItem
from hub.petition import Channel, Petition
from hub.state import HubState
from tests.faults.processes import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    WATER,
    HubProcess,
    citizen,
    hub_env,
    start_worker,
    state_for,
    stop_all,
    twilio_env,
    wait_until,
)
from tests.faults.servers import PrivateRedis

BASE = 1.0  # seconds before the first retry (30 in production)
ATTEMPTS = 4
TIMEOUT = 1.0  # Twilio's time to answer (15 in production)
SERVER_ERROR = Refusal(500, 20500, "Internal Server Error")
TOO_MANY = Refusal(429, 20429, "Too Many Requests")


@dataclass(frozen=True)
class Stall:
    """Take the request and never answer it (Twilio does not create the message)."""

    seconds: float


class ScriptedTwilio(FakeTwilio):
    """The Twilio stand-in, with scripted answers per number and a log of every attempt."""

    def __init__(self) -> None:
        super().__init__(ACCOUNT_SID, AUTH_TOKEN)
        self._scripts: dict[str, deque[Refusal | Stall]] = {}
        self._attempts: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def script(self, to: str, *answers: Refusal | Stall) -> None:
        """The next message creates to `to` get these answers; later ones are accepted."""
        self._scripts[to] = deque(answers)

    def attempts(self, to: str) -> list[float]:
        with self._lock:
            return [at for at, number in self._attempts if number == to]

    def _create_message(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        to = parse_qs(body.decode()).get("To", [""])[0]
        with self._lock:
            self._attempts.append((time.monotonic(), to))
            script = self._scripts.get(to)
            answer = script.popleft() if script else None
        if isinstance(answer, Stall):
            time.sleep(answer.seconds)
            handler.close_connection = True
            return
        if answer is not None:
            _refuse(handler, answer)
            return
        handler.rfile = io.BytesIO(body)
        super()._create_message(handler)


def _refuse(handler: BaseHTTPRequestHandler, refusal: Refusal) -> None:
    """An error as Twilio's REST API writes it."""
    data = json.dumps(
        {"code": refusal.code, "message": refusal.message, "status": refusal.status,
         "more_info": f"https://www.twilio.com/docs/errors/{refusal.code}"}
    ).encode()  # fmt: skip
    handler.send_response(refusal.status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


FAILING = citizen(1)  # Twilio answers 500 every time
BUSY = citizen(2)  # 429 twice, then accepted
SILENT = citizen(3)  # never answers in time
OTHERS = [citizen(n) for n in range(10, 20)]  # answered normally


async def test_errors_and_silence_from_twilio(
    hub_database: str, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    state = state_for(hub_database, tmp_path)
    state.jobs = ArqJobs(private_redis.url)
    twilio = ScriptedTwilio()
    with twilio:
        twilio.script(FAILING, *[SERVER_ERROR] * ATTEMPTS)
        twilio.script(BUSY, TOO_MANY, TOO_MANY)
        twilio.script(SILENT, *[Stall(30)] * ATTEMPTS)
        env = hub_env(hub_database, private_redis.url, tmp_path, **twilio_env(twilio))
        worker = start_worker(
            env, tmp_path / "worker.log", sweep_seconds="1", retry_base_seconds=str(BASE),
            max_attempts=str(ATTEMPTS), sms_timeout_seconds=str(TIMEOUT),
        )  # fmt: skip
        try:
            references: dict[str, str] = {}
            for number in (FAILING, BUSY, SILENT):
                references[number] = await _text(state, number)
            await _wait_for_attempts(twilio, SILENT, 1, worker)
            # While the silent request is still open, everyone else is answered.
            started = time.monotonic()
            for number in OTHERS:
                references[number] = await _text(state, number)

            async def others_served() -> bool:
                return {sms.to for sms in twilio.sent} >= set(OTHERS)

            assert await wait_until(others_served, timeout=20), worker.tail()
            assert time.monotonic() - started < 10, "a silent provider held the others back"

            async def settled() -> bool:
                statuses = await _statuses(state)
                return all(s in ("sent", "failed") for s in statuses.values())

            assert await wait_until(settled, timeout=60), f"{await _statuses(state)}"
            statuses = await _statuses(state)
            assert statuses == {
                **dict.fromkeys((BUSY, *OTHERS), "sent"),
                FAILING: "failed",
                SILENT: "failed",
            }
            # Each attempt waited longer than the one before: BASE, 2 BASE, 4 BASE (±20 %).
            for number, tries in ((FAILING, ATTEMPTS), (SILENT, ATTEMPTS), (BUSY, 3)):
                at = twilio.attempts(number)
                assert len(at) == tries, (number, at)
                gaps = [b - a for a, b in zip(at, at[1:], strict=False)]
                floors = [0.8 * BASE * 2**n for n in range(len(gaps))]
                assert all(g >= f for g, f in zip(gaps, floors, strict=True)), (number, gaps)
                assert gaps[-1] > gaps[0], (number, gaps)
            accepted = [sms.to for sms in twilio.sent]
            assert sorted(accepted) == sorted([BUSY, *OTHERS])  # once each, none for the failed

            # The failure shows on the case: an event, and the reason on the outbox item.
            events = await _events(state)
            for number in (FAILING, SILENT):
                assert events[references[number]].count("delivery_failed") == 1
            for number in (BUSY, *OTHERS):
                assert "delivery_failed" not in events[references[number]]
            reasons = await _reasons(state)
            assert "HTTP 500" in reasons[FAILING]
            assert "did not answer" in reasons[SILENT]
            assert worker.alive
        finally:
            stop_all(worker)
            await state.jobs.stop()
            await state.engine.dispose()


async def _text(state: HubState, number: str) -> str:
    reception = await receive(
        state,
        Petition(
            channel=Channel.sms,
            external_id=f"SM{number[1:]:0>32}",
            text=WATER,
            sender=number,
            language="ar",
        ),
    )
    assert reception.reference is not None
    return reception.reference


async def _wait_for_attempts(
    twilio: ScriptedTwilio, number: str, n: int, worker: HubProcess
) -> None:
    async def seen() -> bool:
        assert worker.alive, worker.tail()
        return len(twilio.attempts(number)) >= n

    assert await wait_until(seen, timeout=60, interval=0.05), worker.tail()


async def _outbox_by_number(state: HubState) -> dict[str, OutboxItem]:
    """Each citizen's acknowledgement, by phone number."""
    from hub.models import Reporter

    found: dict[str, OutboxItem] = {}
    async with state.sessions() as session:
        rows = await session.execute(
            select(OutboxItem, Reporter)
            .join(Case, col(Case.id) == col(OutboxItem.case_id))
            .join(Reporter, col(Reporter.id) == col(Case.reporter_id))
        )
        for item, reporter in rows.all():
            number = state.vault.decrypt(reporter.phone_enc)
            assert number is not None and number not in found, f"two for {number}"
            found[number] = item
    return found


async def _statuses(state: HubState) -> dict[str, str]:
    return {n: item.status for n, item in (await _outbox_by_number(state)).items()}


async def _reasons(state: HubState) -> dict[str, str]:
    return {n: item.last_error or "" for n, item in (await _outbox_by_number(state)).items()}


async def _events(state: HubState) -> dict[str, list[str]]:
    async with state.sessions() as session:
        rows = await session.execute(
            select(col(Case.reference), col(CaseEvent.kind))
            .join(Case, col(Case.id) == col(CaseEvent.case_id))
            .order_by(col(CaseEvent.id))
        )
        events: dict[str, list[str]] = {}
        for reference, kind in rows.all():
            events.setdefault(reference, []).append(kind)
    return events
