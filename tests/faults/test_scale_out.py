"""Two API processes and two workers on one PostgreSQL and one Redis.

Providers and clerks send the same message to both APIs at once: one case each.
Both workers run the deadline tick on the same overdue cases: one overdue event
per case, each case in exactly one staff notice, each notice mailed once.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlmodel import col

from channels.sms.fake_twilio import FakeTwilio
from hub.models import Case, InboundReceipt, OutboxItem, utcnow
from hub.state import HubState
from hub.users import create_user
from tests.conftest import free_port
from tests.faults.processes import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    Api,
    HubProcess,
    TwilioClient,
    citizen,
    count,
    event_kinds,
    hub_env,
    new_sid,
    receipts_by_sid,
    sms_form,
    start_worker,
    state_for,
    stop_all,
    twilio_env,
    wait_until,
)
from tests.faults.servers import PrivateRedis

CITIZENS = 50
COPIES = 2  # of each SMS, to each API
COUNTER_KEYS = 10
PASSWORD = "correct horse battery"


class Relay:
    """The SMTP relay staff mail goes through; keeps what it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.received.append((list(envelope.rcpt_tos), envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


async def test_two_apis_and_two_workers(
    hub_database: str, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    state = state_for(hub_database, tmp_path)
    async with state.sessions() as session:
        officer = await create_user(session, "officer@sonede.tn", PASSWORD, "officer", "sonede-kef")
        officer.language = "en"
        session.add(officer)
        await create_user(session, "clerk@kef.tn", PASSWORD, "clerk", "kef-municipality")
        await session.commit()
    relay = Relay()
    smtp = Controller(relay, hostname="127.0.0.1", port=free_port())
    smtp.start()
    processes: list[HubProcess] = []
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        env = hub_env(
            hub_database, private_redis.url, tmp_path, **twilio_env(twilio),
            HUB_SMTP_HOST="127.0.0.1", HUB_SMTP_PORT=str(smtp.port), HUB_SMTP_TLS="false",
            HUB_MAIL_FROM="hub@kef.tn",
        )  # fmt: skip

        def worker(name: str) -> HubProcess:
            process = start_worker(env, tmp_path / f"{name}.log", sweep_seconds="1")
            processes.append(process)
            return process

        try:
            apis = [Api(env, tmp_path / f"api-{n}.log") for n in (1, 2)]
            processes.extend(apis)
            for api in apis:
                api.wait_ready()

            # ---- the same SMS, to both APIs at once
            twilio_side = TwilioClient(tries=1)
            messages = [sms_form(new_sid(), citizen(n)) for n in range(CITIZENS)]
            jobs = [(api.base_url, m) for m in messages for api in apis for _ in range(COPIES)]
            random.Random(6).shuffle(jobs)
            rest = await twilio_side.warm_up(jobs)
            await twilio_side.post_all(rest, concurrency=16)
            answers = Counter(str(d.statuses) for d in twilio_side.deliveries)
            assert answers == {"[200]": len(jobs)}, answers
            assert await receipts_by_sid(state) == Counter(m["MessageSid"] for m in messages)

            # ---- a clerk's entry, sent twice to each API with one Idempotency-Key
            references = await _counter_entries(apis)
            assert len(references) == COUNTER_KEYS
            assert await count(state, Case) == CITIZENS + COUNTER_KEYS
            assert await count(state, InboundReceipt) == CITIZENS + COUNTER_KEYS  # one per key

            # ---- the SMS cases are overdue; two workers start at once and both tick
            # (arq runs the sweep at start-up) while they deliver the acknowledgements.
            await _make_overdue(state)
            workers = [worker("worker-1"), worker("worker-2")]

            def acknowledged() -> Counter[str]:
                return Counter(sms.to for sms in twilio.sent)

            async def done() -> bool:
                staff = Counter(i.status for i in await _staff_items(state))
                return len(acknowledged()) == CITIZENS and set(staff) == {"sent"}

            assert await wait_until(done, timeout=90), workers[0].tail()
            await asyncio.sleep(3)  # three more beats of each worker: nothing more
            assert acknowledged() == Counter(citizen(n) for n in range(CITIZENS))
            kinds = await event_kinds(state)
            assert (kinds["overdue"], kinds["escalated"]) == (CITIZENS, 0), kinds
            # Each overdue case counted in exactly one notice (a notice names 20 at most).
            items = await _staff_items(state)
            assert {i.purpose for i in items} == {"staff_overdue"}
            notices = [json.loads(i.payload)["params"] for i in items]
            assert sum(p["count"] for p in notices) == CITIZENS, notices
            named = Counter(r for p in notices for r in p["references"].split(", "))
            assert set(named.values()) == {1}, named
            staff_mail = [m for m in relay.received if m[0] == ["officer@sonede.tn"]]
            assert len(staff_mail) == len(items)  # each notice mailed once
            assert all(w.alive for w in workers)
        finally:
            stop_all(*processes)
            smtp.stop()
            await state.engine.dispose()


async def _counter_entries(apis: list[Api]) -> set[str]:
    async with httpx.AsyncClient(timeout=20) as client:
        signed_in = await client.post(
            apis[0].base_url + "/api/v1/auth/token",
            data={"username": "clerk@kef.tn", "password": PASSWORD},
        )
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["access_token"]

        async def enter(api: Api, key: str, n: int) -> httpx.Response:
            return await client.post(
                api.base_url + "/api/v1/cases",
                json={"text": f"Route effondrée, rue {n}", "channel": "counter",
                      "category": "roads"},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
            )  # fmt: skip

        calls = [
            enter(api, f"counter-{n}", n)
            for n in range(COUNTER_KEYS)
            for api in apis
            for _ in range(COPIES)
        ]
        responses = await asyncio.gather(*calls)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: len(calls)}, [r.text for r in responses if r.status_code != 201][:3]
    return {r.json()["reference"] for r in responses}


async def _make_overdue(state: HubState) -> None:
    """First answers were due an hour ago: overdue now, escalation days away."""
    now = utcnow()
    async with state.sessions() as session:
        await session.execute(
            update(Case)
            .where(col(Case.channel) == "sms")
            .values(
                received_at=now - timedelta(days=10),
                first_response_due_at=now - timedelta(hours=1),
                next_deadline_at=now - timedelta(hours=1),
                reminders_sent=5,
            )
        )
        await session.commit()


async def _staff_items(state: HubState) -> list[OutboxItem]:
    async with state.sessions() as session:
        query = select(OutboxItem).where(col(OutboxItem.purpose).startswith("staff_"))
        return list((await session.scalars(query)).all())
