"""Intake: exactly once, threading replies, acknowledgement in the same transaction."""

import json

from sqlalchemy import func, select

from hub.intake.service import accept
from hub.models import Case, CaseEvent, InboundReceipt, Message, OutboxItem
from hub.petition import Attachment, Channel, KindHint
from hub.state import HubState
from tests.factories import petition, png_bytes
from workflows import lifecycle


async def count(state: HubState, model: type) -> int:
    async with state.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_new_petition_opens_a_routed_case_with_ack_in_outbox(state: HubState) -> None:
    async with state.sessions() as session:
        result = await accept(session, petition(), state.intake_context())
        await session.commit()
    assert result.created and result.pin and len(result.pin) == 6
    case = result.case
    assert case.reference.startswith("KEF-")
    assert case.status == lifecycle.ROUTED
    assert case.category == "water" and case.kind == "complaint"
    assert case.due_at and case.first_response_due_at and case.due_at > case.received_at
    async with state.sessions() as session:
        outbox = (await session.scalars(select(OutboxItem))).all()
        kinds = [
            e.kind for e in (await session.scalars(select(CaseEvent).order_by(CaseEvent.seq))).all()
        ]
    assert [o.purpose for o in outbox] == ["acknowledgement"]
    assert outbox[0].channel == "sms"
    payload = json.loads(outbox[0].payload)
    assert payload["notice"] == "acknowledgement"
    assert payload["params"]["reference"] == case.reference
    assert result.pin not in outbox[0].payload  # the PIN waits encrypted
    assert state.vault.decrypt(payload["secret_params"]["pin"]) == result.pin
    assert kinds == ["received", "routed", "notice_queued"]


async def test_same_message_three_times_is_stored_once(state: HubState) -> None:
    p = petition(external_id="SM-retried")
    results = []
    for _ in range(3):
        async with state.sessions() as session:
            results.append(await accept(session, p, state.intake_context()))
            await session.commit()
    assert [r.replayed for r in results] == [False, True, True]
    assert {r.case.reference for r in results} == {results[0].case.reference}
    assert await count(state, Case) == 1
    assert await count(state, Message) == 1
    assert await count(state, InboundReceipt) == 1
    assert await count(state, OutboxItem) == 1


async def test_rolled_back_intake_leaves_nothing(state: HubState) -> None:
    async with state.sessions() as session:
        await accept(session, petition(external_id="SM-rollback"), state.intake_context())
        await session.rollback()
    assert await count(state, Case) == 0
    assert await count(state, InboundReceipt) == 0
    assert await count(state, OutboxItem) == 0


async def test_reply_with_reference_joins_the_case_of_the_same_reporter(state: HubState) -> None:
    async with state.sessions() as session:
        first = await accept(session, petition(), state.intake_context())
        await session.commit()
    reply = petition(text="still no water", reply_to_reference=first.case.reference.lower())
    async with state.sessions() as session:
        second = await accept(session, reply, state.intake_context())
        await session.commit()
    assert not second.created
    assert second.case.id == first.case.id
    assert await count(state, Case) == 1
    assert await count(state, Message) == 2


async def test_reference_from_another_sender_does_not_join(state: HubState) -> None:
    async with state.sessions() as session:
        first = await accept(session, petition(), state.intake_context())
        await session.commit()
    stranger = petition(sender="+21655111222", reply_to_reference=first.case.reference)
    async with state.sessions() as session:
        other = await accept(session, stranger, state.intake_context())
        await session.commit()
    assert other.created and other.case.id != first.case.id


async def test_message_while_awaiting_citizen_joins_and_resumes(state: HubState) -> None:
    async with state.sessions() as session:
        first = await accept(session, petition(), state.intake_context())
        case = await session.get(Case, first.case.id)
        assert case is not None
        case.status = lifecycle.AWAITING_CITIZEN
        await session.commit()
    async with state.sessions() as session:
        answer = await accept(session, petition(text="rue 12, maison 4"), state.intake_context())
        await session.commit()
    assert answer.case.id == first.case.id
    assert answer.case.status == lifecycle.IN_PROGRESS


async def test_corruption_hint_seals_and_routes_to_the_cell(state: HubState) -> None:
    p = petition(kind_hint=KindHint.corruption_report, category_hint="roads", anonymous=True)
    async with state.sessions() as session:
        result = await accept(session, p, state.intake_context())
        await session.commit()
        structure = await session.scalar(select(Case.structure_id).where(Case.id == result.case.id))
        from hub.models import Structure

        code = await session.scalar(select(Structure.code).where(Structure.id == structure))
    assert result.case.sealed and result.case.kind == "corruption_report"
    assert result.case.category == "corruption"
    assert code == "anti-corruption-cell"


async def test_attachment_is_stored_on_disk_with_sha256(state: HubState) -> None:
    image = png_bytes()
    p = petition(attachments=(Attachment("photo.png", "image/png", image),))
    async with state.sessions() as session:
        await accept(session, p, state.intake_context())
        await session.commit()
        from hub.models import Attachment as Row

        row = (await session.scalars(select(Row))).one()
    import hashlib

    from hub.attachments import path_for

    assert row.sha256 == hashlib.sha256(image).hexdigest()
    assert path_for(state.settings.attachments_path, row.sha256).read_bytes() == image


async def test_counter_entry_without_contact_has_no_ack(state: HubState) -> None:
    p = petition(channel=Channel.counter, sender=None, external_id="walkin-1")
    async with state.sessions() as session:
        result = await accept(session, p, state.intake_context())
        await session.commit()
    assert result.created and result.case.reporter_id is None
    assert await count(state, OutboxItem) == 0


async def test_new_case_written_without_the_orm_stays_usable_in_its_session(
    state: HubState,
) -> None:
    """The case is written with Core INSERTs, yet the caller may go on with it (demo, API)."""
    from hub.audit import append_event, verify_all

    async with state.sessions() as session:
        result = await accept(session, petition(), state.intake_context())
        case = result.case
        assert case.id and case.last_event_seq == 3 and result.message and result.message.id
        append_event(session, case, "status_changed", "test", {"to": lifecycle.ASSIGNED})
        case.status = lifecycle.ASSIGNED
        await session.commit()
    async with state.sessions() as session:
        stored = await session.get(Case, case.id)
        assert stored is not None and stored.status == lifecycle.ASSIGNED
        assert stored.last_event_seq == 4
        checked, broken = await verify_all(session)
    assert checked == 1 and broken is None


async def test_a_new_case_costs_a_bounded_number_of_statements(state: HubState) -> None:
    from sqlalchemy import event

    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    async with state.sessions() as session:  # rules, routing and lexicon now cached
        await accept(session, petition(sender="+21655000111"), state.intake_context())
        await session.commit()
    event.listen(state.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with state.sessions() as session:
            await accept(session, petition(), state.intake_context())
            await session.commit()
    finally:
        event.remove(state.engine.sync_engine, "before_cursor_execute", seen)
    statements = [s for s in statements if not s.startswith("BEGIN")]  # SQLite's own
    # PostgreSQL: the claim with the citizen's look-up, the duplicates read, and the case
    # with its message, acknowledgement and events (inserts in a WITH). SQLite has no
    # data-modifying WITH: claim, reporter read and insert, duplicates, case, message,
    # outbox, events. Never an UPDATE: the receipt names the reserved ids, the case row
    # its chain head.
    postgresql = state.engine.dialect.name == "postgresql"
    assert len(statements) <= (3 if postgresql else 8), statements
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in statements), statements
    assert not any("SAVEPOINT" in s for s in statements)


async def test_the_receipt_names_the_case_and_message_it_opened(state: HubState) -> None:
    async with state.sessions() as session:
        result = await accept(session, petition(external_id="SM-reserved"), state.intake_context())
        await session.commit()
    async with state.sessions() as session:
        receipt = (await session.scalars(select(InboundReceipt))).one()
        message_ids = (await session.scalars(select(Message.id))).all()
    assert receipt.case_id == result.case.id
    assert result.message is not None and receipt.message_id == result.message.id
    assert message_ids == [result.message.id]


async def test_a_reply_joins_with_the_receipt_pointing_at_the_joined_case(
    state: HubState,
) -> None:
    """The id reserved for a new case is not used: the receipt is moved to the joined one."""
    async with state.sessions() as session:
        first = await accept(session, petition(), state.intake_context())
        await session.commit()
    reply = petition(external_id="SM-reply", reply_to_reference=first.case.reference)
    async with state.sessions() as session:
        second = await accept(session, reply, state.intake_context())
        await session.commit()
    async with state.sessions() as session:
        receipt = (
            await session.scalars(
                select(InboundReceipt).where(InboundReceipt.external_id == "SM-reply")
            )
        ).one()
    assert second.case.id == first.case.id
    assert receipt.case_id == first.case.id
    assert second.message is not None and receipt.message_id == second.message.id


async def test_a_known_citizen_is_found_again_and_a_new_contact_is_added(
    state: HubState,
) -> None:
    from hub.models import Reporter

    async with state.sessions() as session:
        await accept(session, petition(), state.intake_context())
        await session.commit()
    counter = petition(
        channel=Channel.counter, sender=None, phone="+21698123456", email="amel@example.tn"
    )
    async with state.sessions() as session:
        result = await accept(session, counter, state.intake_context())
        await session.commit()
    async with state.sessions() as session:
        reporters = (await session.scalars(select(Reporter))).all()
    assert len(reporters) == 1 and result.case.reporter_id == reporters[0].id
    assert state.vault.decrypt(reporters[0].email_enc) == "amel@example.tn"


def test_new_row_has_the_defaults_the_model_gives() -> None:
    from hub.db import new_row
    from hub.models import Reporter

    made = new_row(Case, reference="KEF-1", pin_hash="h", kind="k", category="water",
                   status="routed", channel="sms")  # fmt: skip
    built = Case(reference="KEF-1", pin_hash="h", kind="k", category="water",
                 status="routed", channel="sms")  # fmt: skip
    moments = {"received_at", "updated_at"}  # made by a default factory, a moment apart
    assert made.model_dump(exclude=moments) == built.model_dump(exclude=moments)
    assert made.received_at.tzinfo is not None
    assert new_row(Reporter).model_dump(exclude={"created_at"}) == Reporter().model_dump(
        exclude={"created_at"}
    )


def test_new_row_refuses_a_row_without_its_required_fields() -> None:
    import pytest

    from hub.db import new_row

    with pytest.raises(TypeError, match="body"):
        new_row(Message, case_id=1, direction="inbound", channel="sms")


class TestNudges:
    """Delivery nudges after intake commits: coalesced into few Redis jobs."""

    async def test_a_burst_of_commits_makes_one_job(self) -> None:
        from hub.jobs import ArqJobs

        pool = RecordingPool()
        jobs = ArqJobs("redis://unused")
        jobs._pool = pool  # the Redis connection, recorded
        for ids in ([1], [2, 3], [4]):
            await jobs.outbox_ready(ids)
        await jobs.stop()
        assert pool.jobs == [("deliver_outbox_items", ([1, 2, 3, 4],), "outbox-batch-1-4")]

    async def test_a_batch_becomes_one_delivery_job_per_item(self) -> None:
        from hub.jobs import deliver_outbox_items

        pool = RecordingPool()
        await deliver_outbox_items({"redis": pool}, [7, 9])
        assert pool.jobs == [
            ("deliver_outbox_item", (7,), "outbox-7"),
            ("deliver_outbox_item", (9,), "outbox-9"),
        ]

    async def test_nothing_to_nudge_sends_nothing(self) -> None:
        from hub.jobs import ArqJobs

        pool = RecordingPool()
        jobs = ArqJobs("redis://unused")
        jobs._pool = pool
        await jobs.outbox_ready([])
        await jobs.stop()
        assert pool.jobs == []


class RecordingPool:
    """Stands in for arq's Redis pool: remembers the jobs enqueued."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, tuple[object, ...], str]] = []

    async def enqueue_job(self, function: str, *args: object, _job_id: str) -> None:
        self.jobs.append((function, args, _job_id))

    async def aclose(self) -> None:
        return None
