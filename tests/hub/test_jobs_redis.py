"""arq workers on the machine's real Redis, in burst mode."""

import asyncio
from datetime import timedelta

import pytest
from arq.worker import Worker
from sqlalchemy import select, update

from hub.intake.conversation import receive
from hub.jobs import ArqJobs, worker_settings
from hub.models import Case, CaseEvent, OutboxItem
from hub.settings import Settings
from hub.state import HubState
from tests.factories import petition
from tests.recording import RecordingAdapter

# arq calls redis-py's deprecated close() on shutdown; that is arq's business.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


def burst_worker(settings: Settings, adapter: RecordingAdapter) -> Worker:
    def install(state: HubState) -> None:
        state.channels["sms"] = adapter

    config = worker_settings(settings, prepare=install)
    return Worker(**config, burst=True, handle_signals=False, poll_delay=0.05)


async def test_worker_delivers_what_intake_queued(state: HubState, redis_url: str) -> None:
    settings = state.settings.model_copy(update={"redis_url": redis_url})
    state.jobs = ArqJobs(redis_url)
    first = await receive(state, petition(external_id="SM-a"))
    await receive(state, petition(external_id="SM-a"))  # the provider's retry: nothing new
    adapter = RecordingAdapter()
    worker = burst_worker(settings, adapter)
    await worker.main()
    await worker.close()
    await state.jobs.stop()
    assert len(adapter.sent) == 1
    assert first.reference is not None and first.reference in adapter.sent[0].text
    async with state.sessions() as session:
        statuses = {i.status for i in (await session.scalars(select(OutboxItem))).all()}
    assert statuses == {"sent"}


async def test_intake_keeps_accepting_while_redis_is_down(state: HubState, redis_url: str) -> None:
    state.jobs = ArqJobs("redis://127.0.0.1:1/0")  # nothing listens there
    reception = await receive(state, petition())
    assert reception.outcome == "opened"  # the citizen's message is safe in the database
    async with state.sessions() as session:
        item = (await session.scalars(select(OutboxItem))).one()
    assert item.status == "pending"
    # Redis is back: the worker's sweep finds what the lost nudge did not announce
    adapter = RecordingAdapter()
    settings = state.settings.model_copy(update={"redis_url": redis_url})
    worker = burst_worker(settings, adapter)
    await worker.main()
    await worker.close()
    assert len(adapter.sent) == 1


async def test_two_workers_run_the_cron_tick_without_double_effects(
    state: HubState, redis_url: str
) -> None:
    await receive(state, petition())
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
        assert case.first_response_due_at is not None
        past = case.first_response_due_at - timedelta(days=30)
        # the deadline has passed long ago: due for "overdue" now
        await session.execute(
            update(Case).values(
                received_at=past - timedelta(days=5),
                first_response_due_at=past,
                next_deadline_at=past,
                reminders_sent=5,
            )
        )
        await session.commit()
    settings = state.settings.model_copy(update={"redis_url": redis_url})
    adapters = [RecordingAdapter(), RecordingAdapter()]
    workers = [burst_worker(settings, a) for a in adapters]
    await asyncio.gather(*(w.main() for w in workers))
    for w in workers:
        await w.close()
    async with state.sessions() as session:
        kinds = [e.kind for e in (await session.scalars(select(CaseEvent))).all()]
    assert kinds.count("overdue") == 1
    assert sum(len(a.sent) for a in adapters) == 1  # the acknowledgement, once
