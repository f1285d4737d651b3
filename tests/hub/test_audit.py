"""The hash chain catches an edited, reordered or deleted event."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from hub.audit import verify_all
from hub.intake.service import accept
from hub.state import HubState
from tests.conftest import SECRET
from tests.factories import petition


async def two_cases(state: HubState) -> None:
    for n in range(2):
        async with state.sessions() as session:
            await accept(session, petition(external_id=f"SM-{n}"), state.intake_context())
            await session.commit()


async def tamper(state: HubState, sql: str) -> None:
    """An attacker with database access: switch off the append-only guard first."""
    async with state.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(
                text("ALTER TABLE case_events DISABLE TRIGGER case_events_append_only")
            )
            await conn.execute(text(sql))
            await conn.execute(
                text("ALTER TABLE case_events ENABLE TRIGGER case_events_append_only")
            )
        else:
            await conn.execute(text("DROP TRIGGER case_events_no_update"))
            await conn.execute(text("DROP TRIGGER case_events_no_delete"))
            await conn.execute(text(sql))


async def test_untouched_chain_verifies(state: HubState) -> None:
    await two_cases(state)
    async with state.sessions() as session:
        checked, broken = await verify_all(session)
    assert checked == 2 and broken is None


async def test_events_cannot_be_updated_or_deleted(state: HubState) -> None:
    await two_cases(state)
    for sql in ("UPDATE case_events SET actor = 'x'", "DELETE FROM case_events"):
        with pytest.raises(Exception, match="append-only"):
            async with state.engine.begin() as conn:
                await conn.execute(text(sql))


async def test_edited_row_is_named(state: HubState) -> None:
    await two_cases(state)
    async with state.engine.connect() as conn:
        target = (
            await conn.execute(text("SELECT id FROM case_events ORDER BY id DESC LIMIT 1 OFFSET 1"))
        ).scalar_one()
    await tamper(
        state,
        f'UPDATE case_events SET data = \'{{"structure": "central-bureau"}}\' WHERE id = {target}',
    )
    async with state.sessions() as session:
        _, broken = await verify_all(session)
    assert broken is not None
    assert broken.event_id == target and "altered" in broken.reason


async def test_deleted_last_event_is_found(state: HubState) -> None:
    await two_cases(state)
    await tamper(state, "DELETE FROM case_events WHERE id = (SELECT MAX(id) FROM case_events)")
    async with state.sessions() as session:
        _, broken = await verify_all(session)
    assert broken is not None and "missing" in broken.reason


async def test_hub_audit_verify_command(state: HubState) -> None:
    await two_cases(state)
    env = {**os.environ, "HUB_SECRET_KEY": SECRET, "HUB_DATABASE_URL": state.settings.database_url}
    command = [sys.executable, "-m", "hub.cli", "audit", "verify"]
    ok = subprocess.run(command, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "2 case histories verified" in ok.stdout
    async with state.engine.connect() as conn:
        target = (await conn.execute(text("SELECT MIN(id) FROM case_events"))).scalar_one()
    await tamper(state, f"UPDATE case_events SET actor = 'user:99' WHERE id = {target}")
    bad = subprocess.run(command, env=env, capture_output=True, text=True)
    assert bad.returncode == 1
    assert f"event id {target}" in bad.stderr


def test_the_hash_covers_the_canonical_json_of_the_event() -> None:
    """Stored chains stay verifiable: the canonical text is fixed, whatever computes it."""
    import hashlib
    import json
    from datetime import UTC, datetime

    from hub.audit import GENESIS, event_hash
    from hub.models import CaseEvent

    at = datetime(2025, 11, 4, 8, 21, 7, 123456, tzinfo=UTC)
    data = json.dumps({"channel": "sms", "kind": "complaint"}, sort_keys=True, ensure_ascii=False)
    event = CaseEvent(
        case_id=7, seq=1, kind="received", actor="citizen", data=data, created_at=at,
        prev_hash=GENESIS, hash="",
    )  # fmt: skip
    canonical = (
        '{"actor":"citizen","case_id":7,"created_at":"2025-11-04T08:21:07.123456+00:00",'
        '"data":"{\\"channel\\": \\"sms\\", \\"kind\\": \\"complaint\\"}","kind":"received",'
        f'"prev_hash":"{GENESIS}","seq":1}}'
    )
    assert event_hash(event) == hashlib.sha256(canonical.encode()).hexdigest()


async def test_a_new_case_is_written_with_its_chain_head(state: HubState) -> None:
    """The case row goes in with the head of the events written beside it: no update."""
    async with state.sessions() as session:
        result = await accept(session, petition(), state.intake_context())
        await session.commit()
    async with state.engine.connect() as conn:
        head = (
            await conn.execute(
                text("SELECT last_event_seq, last_event_hash FROM cases WHERE id = :id"),
                {"id": result.case.id},
            )
        ).one()
        last = (
            await conn.execute(
                text("SELECT seq, hash FROM case_events WHERE case_id = :id ORDER BY seq DESC"),
                {"id": result.case.id},
            )
        ).first()
    assert last is not None and tuple(head) == tuple(last)
