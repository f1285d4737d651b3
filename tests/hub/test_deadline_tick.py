"""The deadline tick against the store: reminders, overdue, escalation up two levels."""

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from hub.deadlines.service import tick
from hub.intake.conversation import receive
from hub.models import Case, CaseEvent, OutboxItem, Structure, utcnow
from hub.state import HubState
from hub.users import create_user
from tests.conftest import StaffFactory
from tests.factories import petition


async def one_case(state: HubState) -> Case:
    async with state.sessions() as session:
        return (await session.scalars(select(Case))).one()


async def structure_code(state: HubState, structure_id: int | None) -> str:
    async with state.sessions() as session:
        found = await session.get(Structure, structure_id)
        assert found is not None
        return found.code


async def events(state: HubState) -> list[str]:
    async with state.sessions() as session:
        return [
            e.kind for e in (await session.scalars(select(CaseEvent).order_by(CaseEvent.id))).all()
        ]


async def test_tick_reminds_then_marks_overdue_then_escalates_twice(state: HubState) -> None:
    async with state.sessions() as session:
        # a three-level hierarchy: kef-municipality → equipment-kef → central-bureau
        ids = {s.code: s for s in (await session.scalars(select(Structure))).all()}
        ids["kef-municipality"].parent_id = ids["equipment-kef"].id
        await session.commit()
        await create_user(
            session, "chef@kef.tn", "correct horse battery", "officer", "kef-municipality"
        )
        await create_user(
            session, "sup@kef.tn", "correct horse battery", "supervisor", "central-bureau"
        )
    await receive(state, petition(category_hint="waste"))
    case = await one_case(state)
    deadline = case.first_response_due_at
    assert deadline is not None and case.next_deadline_at is not None
    # walk the clock forward: reminder, overdue, escalate, escalate
    report = await tick(state, now=deadline - timedelta(days=1))
    assert report.reminders == 1 and (await one_case(state)).reminders_sent == 1
    report = await tick(state, now=deadline + timedelta(minutes=1))
    assert report.overdue == 1 and (await one_case(state)).overdue
    report = await tick(state, now=deadline + timedelta(days=2, minutes=1))
    case = await one_case(state)
    assert (
        report.escalated == 1 and await structure_code(state, case.structure_id) == "equipment-kef"
    )
    report = await tick(state, now=deadline + timedelta(days=4, minutes=1))
    case = await one_case(state)
    assert (
        report.escalated == 1 and await structure_code(state, case.structure_id) == "central-bureau"
    )
    assert case.escalation_level == 2
    report = await tick(state, now=deadline + timedelta(days=30))
    assert report.handled == 0  # the top of the hierarchy: nothing more to do
    assert [
        k for k in await events(state) if k in ("deadline_reminder", "overdue", "escalated")
    ] == [
        "deadline_reminder",
        "overdue",
        "escalated",
        "escalated",
    ]
    async with state.sessions() as session:
        staff = (
            await session.scalars(select(OutboxItem).where(OutboxItem.purpose.like("staff_%")))
        ).all()
    assert {"staff_reminder", "staff_overdue", "staff_escalated"} <= {i.purpose for i in staff}


async def test_tick_touches_only_due_cases(state: HubState) -> None:
    for n in range(5):
        await receive(state, petition(external_id=f"SM-{n}", sender=f"+2169811100{n}"))
    async with state.sessions() as session:
        await session.execute(
            update(Case)
            .where(Case.id <= 2)
            .values(next_deadline_at=utcnow() - timedelta(minutes=1))
        )
        await session.commit()
    report = await tick(state)
    assert report.handled == 2


async def test_two_ticks_at_once_act_once(state: HubState) -> None:
    await receive(state, petition())
    case = await one_case(state)
    assert case.first_response_due_at is not None
    when = case.first_response_due_at + timedelta(minutes=1)
    async with state.sessions() as session:
        await session.execute(update(Case).values(reminders_sent=5))  # straight to overdue
        await session.commit()
    reports = await asyncio.gather(tick(state, now=when), tick(state, now=when))
    assert sum(r.overdue for r in reports) == 1
    assert (await events(state)).count("overdue") == 1


async def test_paused_case_is_not_picked(
    state: HubState, client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    reception = await receive(state, petition())
    _, auth = await staff("officer", "sonede-kef")
    asked = await client.post(
        f"/api/v1/cases/{reception.reference}/actions/ask_citizen",
        json={"reason": "adresse ?"},
        headers=auth,
    )
    assert asked.status_code == 200
    report = await tick(state, now=utcnow() + timedelta(days=60))
    assert report.handled == 0


async def test_day_off_moves_open_deadlines_and_logs_it(
    state: HubState, client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    await receive(state, petition())
    before = await one_case(state)
    assert before.due_at is not None
    from workflows.deadlines import TUNIS

    due_day = before.due_at.astimezone(TUNIS).date()
    _, admin = await staff("administrator")
    added = await client.post(
        "/api/v1/calendar/days-off",
        json={"day": due_day.isoformat(), "reason": "Fête locale"},
        headers=admin,
    )
    assert added.status_code == 201 and added.json()["cases_moved"] == 1
    after = await one_case(state)
    assert after.due_at is not None and after.due_at > before.due_at
    assert "deadline_recomputed" in await events(state)
    again = await client.post(
        "/api/v1/calendar/days-off", json={"day": due_day.isoformat(), "reason": "x"}, headers=admin
    )
    assert again.status_code == 409
    removed = await client.delete(f"/api/v1/calendar/days-off/{due_day.isoformat()}", headers=admin)
    assert removed.status_code == 200
    assert (await one_case(state)).due_at == before.due_at
    _, officer = await staff("officer", "sonede-kef")
    refused = await client.post(
        "/api/v1/calendar/days-off",
        json={"day": due_day.isoformat(), "reason": "x"},
        headers=officer,
    )
    assert refused.status_code == 403


async def test_removing_a_day_off_never_moves_a_deadline_into_the_past(
    state: HubState, client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    from datetime import date

    from workflows.deadlines import Calendar

    _, admin = await staff("administrator")
    await receive(state, petition())
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
        # a deadline that is almost due, spanning a day off in the past
        case.received_at = utcnow() - timedelta(days=30)
        case.due_at = utcnow() + timedelta(hours=1)
        await session.commit()
    past_day = (utcnow() - timedelta(days=3)).date()
    while not Calendar().is_working_day(past_day):  # a weekend day off moves nothing
        past_day -= timedelta(days=1)
    assert isinstance(past_day, date)
    await client.post(
        "/api/v1/calendar/days-off",
        json={"day": past_day.isoformat(), "reason": "x"},
        headers=admin,
    )
    # the add moved due_at forward a day; set it back to "in an hour" and remove the day off
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
        case.due_at = utcnow() + timedelta(hours=1)
        await session.commit()
    await client.delete(f"/api/v1/calendar/days-off/{past_day.isoformat()}", headers=admin)
    case = await one_case(state)
    assert case.due_at is not None and case.due_at > utcnow()
    async with state.sessions() as session:
        last = (await session.scalars(select(CaseEvent).order_by(CaseEvent.id.desc()))).first()
    assert (
        last is not None and "due_at" in last.data and "kept_not_to_fall_in_the_past" in last.data
    )


async def test_policy_api_sets_new_deadlines(
    state: HubState, client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    _, admin = await staff("administrator")
    saved = await client.put(
        "/api/v1/deadline-policies",
        json={
            "category": "water",
            "first_response_days": 1,
            "resolution_days": 4,
            "reminder_days": [1],
        },
        headers=admin,
    )
    assert saved.status_code == 200
    bad = await client.put(
        "/api/v1/deadline-policies",
        json={"category": "water", "first_response_days": 9, "resolution_days": 4},
        headers=admin,
    )
    assert bad.status_code == 422
    await receive(state, petition(category_hint="water"))
    case = await one_case(state)
    assert case.due_at is not None and case.due_at - case.received_at < timedelta(days=9)


async def test_an_overdue_corruption_report_is_never_announced_to_the_structure_it_names(
    state: HubState,
) -> None:
    async with state.sessions() as session:
        water = await create_user(
            session, "eau@kef.tn", "correct horse battery", "officer", "sonede-kef"
        )
        cell = await create_user(session, "cellule@kef.tn", "correct horse battery", "investigator")
    bribe = "Un agent de la SONEDE district du Kef demande une rachwa pour brancher le compteur"
    await receive(state, petition(text=bribe, category_hint=None, kind_hint="corruption_report"))
    case = await one_case(state)
    assert case.sealed and case.first_response_due_at is not None
    await tick(state, now=case.first_response_due_at - timedelta(days=1))
    await tick(state, now=case.first_response_due_at + timedelta(minutes=1))
    assert (await one_case(state)).overdue
    async with state.sessions() as session:
        staff = (
            await session.scalars(select(OutboxItem).where(OutboxItem.purpose.like("staff_%")))
        ).all()
    told = {item.payload.split('"user_id": ')[1].split(",")[0] for item in staff}
    assert str(cell.id) in told  # the cell hears about its own overdue work
    assert str(water.id) not in told  # the structure it names never hears of it
