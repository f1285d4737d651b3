"""PostgreSQL restarts in the middle of a load: 503s that Twilio retries, then each message once."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import httpx

from hub.models import Case, InboundReceipt, OutboxItem
from tests.faults.processes import (
    Api,
    TwilioClient,
    citizen,
    count,
    hub_env,
    new_sid,
    receipts_by_sid,
    sms_form,
    state_for,
    stop_all,
    twilio_env,
    wait_until,
)
from tests.faults.servers import PrivatePostgres, PrivateRedis

LOAD = 200
RESTART_AFTER = 60  # webhooks answered before the restart
HANG = 5.0  # seconds: an answer slower than this counts as a hang


async def test_postgres_restarted_during_a_load(
    private_postgres: PrivatePostgres,
    hub_database: str,
    private_redis: PrivateRedis,
    tmp_path: Path,
) -> None:
    from channels.sms.fake_twilio import FakeTwilio
    from tests.faults.processes import ACCOUNT_SID, AUTH_TOKEN

    state = state_for(hub_database, tmp_path)
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        env = hub_env(hub_database, private_redis.url, tmp_path, **twilio_env(twilio))
        api = Api(env, tmp_path / "api.log")
        try:
            api.wait_ready()
            # Twilio retries a webhook that failed; here a little sooner than it would.
            twilio_side = TwilioClient(tries=40, retry_delay=0.25, timeout=2 * HANG)
            load = await twilio_side.load_under_way(api.base_url, LOAD, RESTART_AFTER, api.tail)
            await asyncio.to_thread(private_postgres.restart, "fast")
            await load
            deliveries = twilio_side.deliveries

            answers = Counter(s for d in deliveries for s in d.statuses)
            assert set(answers) <= {200, 503}, f"{answers}\n{api.tail()}"
            assert answers[503] > 0, "the restart did not reach a request in flight"
            slowest = max(deliveries, key=lambda d: max(d.seconds))
            assert max(slowest.seconds) < HANG, f"an answer was too slow: {slowest}"
            assert all(d.acknowledged for d in deliveries), answers

            # Every message, acknowledged at once or after retries, is stored once.
            assert await receipts_by_sid(state) == Counter(d.sid for d in deliveries)
            assert await count(state, InboundReceipt) == LOAD
            assert await count(state, Case) == LOAD
            assert await count(state, OutboxItem) == LOAD  # one acknowledgement each

            # The API recovers: no request after the restart fails any more.
            async def healthy() -> bool:
                probe = TwilioClient()
                done = await probe.post_all([(api.base_url, sms_form(new_sid(), citizen(LOAD)))], 1)
                return done[0].statuses == [200]

            assert await wait_until(healthy, timeout=10), api.tail()
        finally:
            stop_all(api)
            await state.engine.dispose()


async def test_no_database_listening_is_503_with_retry_after(tmp_path: Path) -> None:
    """Nothing listens where the database should be: the driver's own refusal is a 503."""
    from pydantic import SecretStr

    from hub.app import create_app
    from tests.conftest import free_port, settings_for
    from tests.faults.processes import ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER, PUBLIC_URL, WEBHOOK

    settings = settings_for(f"postgresql://postgres@127.0.0.1:{free_port()}/hub", tmp_path)
    settings = settings.model_copy(
        update={
            "public_url": PUBLIC_URL,
            "twilio_account_sid": ACCOUNT_SID,
            "twilio_auth_token": SecretStr(AUTH_TOKEN),
            "twilio_from": HUB_NUMBER,
        }
    )
    app = create_app(settings)
    params = sms_form(new_sid(), citizen(1))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        response = await client.post(WEBHOOK, data=params, headers=TwilioClient.headers(params))
    await app.state.hub.engine.dispose()
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
