"""The outbox: delivered after commit, at most once, retried with back-off."""

import asyncio
import json
from datetime import timedelta

from sqlalchemy import select, update

from hub.intake.conversation import receive
from hub.jobs import InProcessJobs
from hub.models import CaseEvent, Message, OutboxItem, utcnow
from hub.outbox import service
from hub.state import HubState
from tests.factories import petition
from tests.recording import PermanentFailure, RecordingAdapter, TemporaryFailure


def with_adapter(state: HubState, **kwargs: object) -> RecordingAdapter:
    adapter = RecordingAdapter(**kwargs)  # type: ignore[arg-type]
    state.channels["sms"] = adapter
    return adapter


async def only_item(state: HubState) -> OutboxItem:
    async with state.sessions() as session:
        return (await session.scalars(select(OutboxItem))).one()


async def test_acknowledgement_is_sent_once_with_pin_then_wiped(state: HubState) -> None:
    adapter = with_adapter(state)
    reception = await receive(state, petition(language="fr"))
    assert await service.deliver_due(state) == 1
    assert await service.deliver_due(state) == 0  # nothing twice
    assert len(adapter.sent) == 1
    sent = adapter.sent[0]
    assert sent.to == "+21698123456"
    assert reception.reference in sent.text and reception.pin and reception.pin in sent.text
    assert "Votre demande" in sent.text  # in the citizen's language
    item = await only_item(state)
    assert item.status == "sent" and item.provider_id == "sms-1"
    assert reception.pin not in item.payload and json.loads(item.payload)["secret_params"] == {}
    async with state.sessions() as session:
        outbound = (
            await session.scalars(select(Message).where(Message.direction == "outbound"))
        ).one()
        kinds = [
            e.kind for e in (await session.scalars(select(CaseEvent).order_by(CaseEvent.id))).all()
        ]
    assert reception.pin not in outbound.body and "••••••" in outbound.body
    assert outbound.provider_id == "sms-1" and outbound.delivery_state == "sent"
    assert "notice_sent" in kinds


async def test_temporary_failure_backs_off(state: HubState) -> None:
    with_adapter(state, fail_with=TemporaryFailure("provider answered 503"))
    await receive(state, petition())
    await service.deliver_due(state)
    item = await only_item(state)
    assert item.status == "pending" and item.attempts == 1
    assert item.last_error == "provider answered 503"
    assert item.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert await service.deliver_due(state) == 0  # not due yet


async def test_permanent_failure_is_visible_on_the_case(state: HubState) -> None:
    with_adapter(state, fail_with=PermanentFailure("21211 invalid number"))
    await receive(state, petition())
    await service.deliver_due(state)
    item = await only_item(state)
    assert item.status == "failed"
    async with state.sessions() as session:
        kinds = [e.kind for e in (await session.scalars(select(CaseEvent))).all()]
    assert "delivery_failed" in kinds


async def test_gives_up_after_max_attempts(state: HubState) -> None:
    with_adapter(state, fail_with=TemporaryFailure("timeout"))
    await receive(state, petition())
    for _ in range(service.MAX_ATTEMPTS):
        async with state.sessions() as session:
            await session.execute(update(OutboxItem).values(next_attempt_at=utcnow()))
            await session.commit()
        await service.deliver_due(state)
    assert (await only_item(state)).status == "failed"


async def test_channel_off_waits(state: HubState) -> None:
    adapter = with_adapter(state, configured=False)
    await receive(state, petition())
    await service.deliver_due(state)
    item = await only_item(state)
    assert item.status == "pending" and "off" in (item.last_error or "")
    assert adapter.sent == []


async def test_concurrent_senders_send_once(state: HubState) -> None:
    adapter = with_adapter(state)
    await receive(state, petition())
    item = await only_item(state)
    assert item.id is not None
    results = await asyncio.gather(*(service.deliver(state, item.id) for _ in range(5)))
    assert results.count("sent") == 1
    assert len(adapter.sent) == 1


async def test_sender_dying_mid_send_is_never_resent(state: HubState) -> None:
    adapter = with_adapter(state)
    await receive(state, petition())
    # a worker claimed the item and died before recording the outcome
    async with state.sessions() as session:
        await session.execute(
            update(OutboxItem).values(
                status="sending", claimed_until=utcnow() - timedelta(seconds=1)
            )
        )
        await session.commit()
    assert await service.sweep_abandoned(state) == 1
    assert await service.deliver_due(state) == 0
    assert adapter.sent == []
    item = await only_item(state)
    assert item.status == "uncertain"


async def test_in_process_jobs_deliver_after_commit(state: HubState) -> None:
    adapter = with_adapter(state)
    jobs = InProcessJobs(state, interval=60)
    state.jobs = jobs
    await jobs.start()
    try:
        await receive(state, petition())  # nudges the loop after commit
        for _ in range(100):
            if adapter.sent:
                break
            await asyncio.sleep(0.05)
    finally:
        await jobs.stop()
    assert len(adapter.sent) == 1
