"""Concurrency on PostgreSQL: idempotent intake and unique references under load."""

import asyncio
import dataclasses
import itertools
from pathlib import Path

import httpx
from sqlalchemy import func, select

from hub.app import create_app
from hub.intake.service import accept
from hub.models import Case, InboundReceipt, Message, OutboxItem
from hub.references import new_reference
from hub.state import HubState
from hub.users import create_user
from tests.conftest import settings_for
from tests.factories import case_body, petition


async def counts(state: HubState) -> dict[str, int]:
    async with state.sessions() as session:
        return {
            model.__name__: int(await session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Case, Message, InboundReceipt, OutboxItem)
        }


async def test_fifty_concurrent_identical_api_submissions_make_one_case(
    pg_url: str, tmp_path: Path
) -> None:
    app = create_app(settings_for(pg_url, tmp_path))
    state: HubState = app.state.hub
    async with state.sessions() as session:
        await create_user(
            session, "clerk@test.tn", "correct horse battery", "clerk", "kef-municipality"
        )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        token = (
            await client.post(
                "/api/v1/auth/token",
                data={"username": "clerk@test.tn", "password": "correct horse battery"},
            )
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "double-click-42"}
        responses = await asyncio.gather(
            *(client.post("/api/v1/cases", json=case_body(), headers=headers) for _ in range(50))
        )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["reference"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 49
    assert await counts(state) == {"Case": 1, "Message": 1, "InboundReceipt": 1, "OutboxItem": 1}
    await state.engine.dispose()


async def test_fifty_concurrent_provider_retries_make_one_message(
    pg_url: str, tmp_path: Path
) -> None:
    state = HubState.build(settings_for(pg_url, tmp_path))
    same = petition(external_id="SM-concurrent-retry")

    async def deliver() -> str:
        async with state.sessions() as session:
            result = await accept(session, same, state.intake_context())
            await session.commit()
            return result.case.reference

    references = await asyncio.gather(*(deliver() for _ in range(50)))
    assert len(set(references)) == 1
    assert await counts(state) == {"Case": 1, "Message": 1, "InboundReceipt": 1, "OutboxItem": 1}
    await state.engine.dispose()


async def test_references_stay_unique_when_draws_collide(pg_url: str, tmp_path: Path) -> None:
    """Every concurrent intake first draws the same reference; all must still succeed."""
    state = HubState.build(settings_for(pg_url, tmp_path))
    draws = itertools.count()

    def colliding(prefix: str) -> str:
        # the first 40 draws all return one reference, later draws are random
        return f"{prefix}-AAAA-AAAA" if next(draws) < 40 else new_reference(prefix)

    ctx = dataclasses.replace(state.intake_context(), draw_reference=colliding)

    async def file(n: int) -> str:
        async with state.sessions() as session:
            result = await accept(
                session, petition(external_id=f"SM-{n}", sender=f"+2169800{n:04d}"), ctx
            )
            await session.commit()
            return result.case.reference

    references = await asyncio.gather(*(file(n) for n in range(40)))
    assert len(set(references)) == 40
    assert "KEF-AAAA-AAAA" in references
    assert (await counts(state))["Case"] == 40
    await state.engine.dispose()
