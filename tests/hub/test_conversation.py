"""Commands and replies from a citizen's own channel."""

import json

from sqlalchemy import func, select

from hub.intake.conversation import receive
from hub.models import Case, OutboxItem, Reporter, Supporter
from hub.outbox import service
from hub.state import HubState
from tests.factories import petition
from tests.recording import RecordingAdapter
from workflows import lifecycle

OTHER = "+21655000111"


def sms(state: HubState) -> RecordingAdapter:
    adapter = RecordingAdapter()
    state.channels["sms"] = adapter
    return adapter


async def notices(state: HubState) -> list[str]:
    async with state.sessions() as session:
        items = (await session.scalars(select(OutboxItem).order_by(OutboxItem.id))).all()
    return [json.loads(i.payload)["notice"] for i in items]


async def test_status_from_own_number_needs_no_pin(state: HubState) -> None:
    adapter = sms(state)
    opened = await receive(state, petition(language="en"))
    await receive(state, petition(text=f"STATUS {opened.reference}", language="en"))
    await service.deliver_due(state)
    assert "sent to the service" in adapter.sent[-1].text
    assert opened.reference in adapter.sent[-1].text


async def test_status_from_another_number_needs_the_pin(state: HubState) -> None:
    adapter = sms(state)
    opened = await receive(state, petition())
    await receive(state, petition(sender=OTHER, text=f"STATUS {opened.reference}", language="fr"))
    await receive(
        state, petition(sender=OTHER, text=f"etat {opened.reference} {opened.pin}", language="fr")
    )
    await service.deliver_due(state)
    to_other = [m.text for m in adapter.sent if m.to == OTHER]
    assert "Aucune demande" in to_other[0]
    assert "transmise au service" in to_other[1]


async def test_status_without_reference_reports_latest_open_case(state: HubState) -> None:
    adapter = sms(state)
    opened = await receive(state, petition())
    await receive(state, petition(text="حالة"))
    await service.deliver_due(state)
    assert opened.reference in adapter.sent[-1].text


async def test_stop_and_start(state: HubState) -> None:
    adapter = sms(state)
    opened = await receive(state, petition())
    await service.deliver_due(state)
    await receive(state, petition(text="STOP"))
    await receive(state, petition(text=f"STATUS {opened.reference}"))
    await service.deliver_due(state)
    assert len(adapter.sent) == 1  # only the acknowledgement before STOP
    async with state.sessions() as session:
        failed = (
            await session.scalars(select(OutboxItem).where(OutboxItem.status == "failed"))
        ).one()
    assert "STOP" in (failed.last_error or "")
    await receive(state, petition(text="START"))
    await service.deliver_due(state)
    assert len(adapter.sent) == 2


async def test_new_opens_a_second_case_even_while_awaiting(state: HubState) -> None:
    first = await receive(state, petition())
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
        case.status = lifecycle.AWAITING_CITIZEN
        await session.commit()
    second = await receive(state, petition(text="NOUVEAU la route est cassée"))
    assert second.outcome == "opened" and second.reference != first.reference


async def test_corruption_keyword_files_a_sealed_anonymous_report(state: HubState) -> None:
    filed = await receive(state, petition(text="FASAD el 3on tleb menni flous", name="Ali"))
    async with state.sessions() as session:
        case = (await session.scalars(select(Case).where(Case.reference == filed.reference))).one()
        reporter = await session.get(Reporter, case.reporter_id)
    assert case.sealed and case.anonymous and case.kind == "corruption_report"
    assert case.summary == "el 3on tleb menni flous"
    assert reporter is not None and reporter.name_enc is None  # no identity kept


async def test_support_counts_each_citizen_once(state: HubState) -> None:
    opened = await receive(state, petition())
    for n in range(3):
        await receive(
            state, petition(sender=f"+2165000{n:04d}", text=f"SUPPORT {opened.reference}")
        )
    await receive(state, petition(sender="+21650000000", text=f"ادعم {opened.reference}"))  # again
    await receive(state, petition(text=f"SUPPORT {opened.reference}"))  # the reporter
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
        rows = await session.scalar(select(func.count()).select_from(Supporter))
    assert case.supporters_count == 3 and rows == 3
    assert (await notices(state)).count("supported") == 5


async def test_replayed_command_answers_once(state: HubState) -> None:
    opened = await receive(state, petition())
    again = petition(text=f"STATUS {opened.reference}", external_id="SM-status-1")
    for _ in range(3):
        await receive(state, again)
    assert (await notices(state)).count("status") == 1


async def test_dispute_after_resolution_reopens(state: HubState) -> None:
    opened = await receive(state, petition())
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
        case.status, case.resolved_at = lifecycle.RESOLVED, case.received_at
        await session.commit()
    joined = await receive(state, petition(text="ما تحلش المشكل، mazel el ma maqtou3"))
    assert joined.outcome == "joined" and joined.reference == opened.reference
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    assert case.status == lifecycle.REOPENED


async def test_answer_while_awaiting_restarts_the_clock(state: HubState) -> None:
    from datetime import timedelta

    await receive(state, petition())
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
        due_before = case.due_at
        case.status = lifecycle.AWAITING_CITIZEN
        case.paused_at = case.received_at - timedelta(days=2)
        await session.commit()
    await receive(state, petition(text="rue 5"))
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    assert case.status == lifecycle.IN_PROGRESS and case.paused_at is None
    assert due_before is not None and case.due_at is not None
    assert case.due_at - due_before >= timedelta(days=2)


async def test_photo_without_text_joins_the_open_case(state: HubState) -> None:
    from hub.petition import Attachment
    from tests.factories import png_bytes

    opened = await receive(state, petition())
    photo = await receive(
        state, petition(text="", attachments=(Attachment("p.png", "image/png", png_bytes()),))
    )
    assert photo.outcome == "joined" and photo.reference == opened.reference


async def test_petition_passing_the_threshold_is_flagged_to_supervisors(state: HubState) -> None:
    from hub.users import create_user

    async with state.sessions() as session:
        await create_user(
            session, "sup@kef.tn", "correct horse battery", "supervisor", "central-bureau"
        )
    state.settings = state.settings.model_copy(update={"petition_flag_threshold": 3})
    opened = await receive(state, petition())
    for n in range(4):
        await receive(
            state, petition(sender=f"+2165100{n:04d}", text=f"SUPPORT {opened.reference}")
        )
    async with state.sessions() as session:
        flags = (
            await session.scalars(select(OutboxItem).where(OutboxItem.purpose == "staff_petition"))
        ).all()
    assert len(flags) == 1  # flagged once, when the count reached 3
