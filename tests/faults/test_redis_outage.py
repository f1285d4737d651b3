"""Redis stops in the middle of a load of SMS: intake goes on, and nothing is lost or sent twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from channels.sms.fake_twilio import FakeTwilio
from hub.models import Case, InboundReceipt
from tests.faults.processes import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    Api,
    TwilioClient,
    citizen,
    count,
    hub_env,
    new_sid,
    outbox_statuses,
    receipts_by_sid,
    sms_form,
    start_worker,
    state_for,
    stop_all,
    twilio_env,
    wait_until,
)
from tests.faults.servers import PrivateRedis

LOAD = 200
OUTAGE_AFTER = 50  # webhooks answered before Redis is killed


async def test_redis_killed_during_a_load(
    hub_database: str, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    state = state_for(hub_database, tmp_path)
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        env = hub_env(hub_database, private_redis.url, tmp_path, **twilio_env(twilio))
        api = Api(env, tmp_path / "api.log")
        worker = start_worker(env, tmp_path / "worker.log", sweep_seconds="2")
        try:
            api.wait_ready()
            twilio_side = TwilioClient(tries=1)  # no retry: every first answer must be a 2xx
            load = await twilio_side.load_under_way(api.base_url, LOAD, OUTAGE_AFTER, api.tail)
            private_redis.stop(kill=True)  # a crash, mid-load
            await load
            deliveries = twilio_side.deliveries
            sent_during_outage = len(twilio.sent)

            answers = Counter(str(d.statuses) for d in deliveries)
            assert answers == {"[200]": LOAD}, f"{answers}\n{api.tail()}"
            assert await receipts_by_sid(state) == Counter(d.sid for d in deliveries)
            assert await count(state, Case) == LOAD
            assert await count(state, InboundReceipt) == LOAD

            # Redis comes back on the same address: the worker, paused meanwhile,
            # goes on; had it died, its sends in flight would be lost as `uncertain`.
            private_redis.start()
            assert worker.alive, worker.tail()

            async def drained() -> bool:
                return (await outbox_statuses(state)).get("sent", 0) == LOAD

            assert await wait_until(drained, timeout=60), (
                f"{await outbox_statuses(state)}\n{worker.tail()}"
            )
            await asyncio.sleep(4)  # two more sweeps: nothing more may go out
            acknowledgements = Counter(sms.to for sms in twilio.sent)
            assert acknowledgements == Counter(citizen(n) for n in range(LOAD)), (
                f"twice: {[to for to, n in acknowledgements.items() if n > 1]}"
            )
            assert await outbox_statuses(state) == {"sent": LOAD}
            assert sent_during_outage < LOAD  # the outage did hold some back

            # The API's nudges reach the new Redis again: fresh SMS are queued as jobs
            # there (the sweep delivers without queueing any).
            after = [(api.base_url, sms_form(new_sid(), citizen(LOAD + n))) for n in range(10)]
            again = await TwilioClient(tries=1).post_all(after, concurrency=4)
            assert all(d.statuses == [200] for d in again), again

            async def nudged() -> bool:
                return bool(await private_redis.keys("arq:*outbox*"))

            assert await wait_until(nudged, timeout=20), api.tail()
        finally:
            stop_all(api, worker)
            await state.engine.dispose()
