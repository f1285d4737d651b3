"""Staff actions through the API: transitions, roles, citizens told, merge, reclassify."""

import json

import httpx
from sqlalchemy import select

from hub.intake.conversation import receive
from hub.models import Case, OutboxItem, TriageCorrection
from hub.state import HubState
from tests.conftest import StaffFactory
from tests.factories import case_body, petition


async def sms_case(state: HubState, **fields: object) -> str:
    reception = await receive(state, petition(**fields))
    assert reception.reference is not None
    return reception.reference


async def notices_for(state: HubState, reference: str) -> list[dict[str, object]]:
    async with state.sessions() as session:
        case = (await session.scalars(select(Case).where(Case.reference == reference))).one()
        items = (
            await session.scalars(
                select(OutboxItem).where(OutboxItem.case_id == case.id).order_by(OutboxItem.id)
            )
        ).all()
    return [json.loads(i.payload) for i in items]


async def test_officer_works_a_case_to_resolution(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    ref = await sms_case(state, category_hint="water", language="fr")
    officer, auth = await staff("officer", "sonede-kef")
    url = f"/api/v1/cases/{ref}/actions"
    assigned = await client.post(f"{url}/assign", json={"officer": officer.email}, headers=auth)
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    asked = await client.post(f"{url}/ask_citizen", json={"reason": "Quelle rue ?"}, headers=auth)
    assert asked.json()["status"] == "awaiting_citizen"
    async with state.sessions() as session:
        case = (await session.scalars(select(Case).where(Case.reference == ref))).one()
        assert case.paused_at is not None and case.next_deadline_at is None  # clock paused
    answer = await receive(state, petition(text="Rue de Tunis, numéro 4", language="fr"))
    assert answer.reference == ref
    resolved = await client.post(f"{url}/resolve", json={"reason": "Fuite réparée"}, headers=auth)
    assert resolved.json()["status"] == "resolved"
    sent = await notices_for(state, ref)
    told = [(n["notice"], n["params"].get("status")) for n in sent]  # type: ignore[union-attr]
    assert ("status_changed", "awaiting_citizen") in told and ("status_changed", "resolved") in told
    assert all(n["language"] == "fr" for n in sent)


async def test_illegal_transition_answers_409_with_allowed(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    ref = await sms_case(state)
    _, auth = await staff("officer", "sonede-kef")
    response = await client.post(f"/api/v1/cases/{ref}/actions/close", json={}, headers=auth)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "close" not in detail["allowed"] and "resolve" in detail["allowed"]


async def test_reason_is_required_where_the_citizen_reads_it(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    ref = await sms_case(state)
    _, auth = await staff("officer", "sonede-kef")
    response = await client.post(f"/api/v1/cases/{ref}/actions/reject", json={}, headers=auth)
    assert response.status_code == 422 and "reason" in response.text


async def test_roles_and_structures(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    ref = await sms_case(state)
    _, clerk = await staff("clerk", "kef-municipality")
    _, other_officer = await staff("officer", "steg-kef")
    _, monitor = await staff("monitor")
    assert (
        await client.post(f"/api/v1/cases/{ref}/actions/start", json={}, headers=other_officer)
    ).status_code == 404
    assert (
        await client.post(f"/api/v1/cases/{ref}/actions/start", json={}, headers=monitor)
    ).status_code == 403
    unknown = await client.post(f"/api/v1/cases/{ref}/actions/teleport", json={}, headers=monitor)
    assert unknown.status_code == 404 and "unknown action" in unknown.text
    assert (
        await client.post(f"/api/v1/cases/{ref}/reply", json={"text": "x"}, headers=clerk)
    ).status_code == 403


async def test_transfer_moves_the_case_and_tells_the_citizen(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    ref = await sms_case(state, category_hint="water")
    _, sonede = await staff("officer", "sonede-kef")
    _, onas = await staff("officer", "onas-kef")
    moved = await client.post(
        f"/api/v1/cases/{ref}/actions/transfer",
        json={"structure": "onas-kef", "reason": "Eaux usées"},
        headers=sonede,
    )
    assert moved.status_code == 200 and "left your queue" in moved.json()["detail"]
    arrived = await client.get(f"/api/v1/cases/{ref}", headers=onas)
    assert arrived.status_code == 200 and arrived.json()["structure"] == "onas-kef"
    assert arrived.json()["status"] == "transferred"
    assert (await client.get(f"/api/v1/cases/{ref}", headers=sonede)).status_code == 404


async def test_reply_reaches_the_outbox_and_stops_the_response_clock(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    ref = await sms_case(state)
    _, auth = await staff("officer", "sonede-kef")
    response = await client.post(
        f"/api/v1/cases/{ref}/reply", json={"text": "Nous intervenons demain"}, headers=auth
    )
    assert response.status_code == 200
    messages = response.json()["messages"]
    assert (
        messages[-1]["direction"] == "outbound"
        and messages[-1]["body"] == "Nous intervenons demain"
    )
    replies = [n for n in await notices_for(state, ref) if n["notice"] == "reply"]
    assert replies and replies[0]["params"]["text"] == "Nous intervenons demain"  # type: ignore[index]
    async with state.sessions() as session:
        case = (await session.scalars(select(Case).where(Case.reference == ref))).one()
    assert case.responded_at is not None
    note = await client.post(
        f"/api/v1/cases/{ref}/notes", json={"text": "appelé le chef d'équipe"}, headers=auth
    )
    assert note.json()["messages"][-1]["direction"] == "note"
    assert (
        len([n for n in await notices_for(state, ref) if n["notice"] == "reply"]) == 1
    )  # notes stay inside


async def test_merge_makes_supporters_who_are_kept_informed(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    kept = await sms_case(
        state, text="Pas d'eau à Sidi Mansour depuis lundi", category_hint="water"
    )
    dup = await sms_case(
        state,
        sender="+21655123123",
        text="Sidi Mansour sans eau depuis lundi",
        category_hint="water",
    )
    _, auth = await staff("officer", "sonede-kef")
    hints = (await client.get(f"/api/v1/cases/{kept}/duplicates", headers=auth)).json()
    assert [h["reference"] for h in hints] == [dup]
    merged = await client.post(
        f"/api/v1/cases/{dup}/actions/merge", json={"into": kept}, headers=auth
    )
    assert merged.status_code == 200 and merged.json()["status"] == "duplicate"
    target = (await client.get(f"/api/v1/cases/{kept}", headers=auth)).json()
    assert target["supporters_count"] == 1
    await client.post(
        f"/api/v1/cases/{kept}/actions/resolve", json={"reason": "Eau rétablie"}, headers=auth
    )
    told = {
        n["reporter_id"] for n in await notices_for(state, kept) if n["notice"] == "status_changed"
    }
    assert len(told) == 2  # the reporter and the merged reporter


async def test_reclassified_as_corruption_is_sealed_at_once(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    _, clerk = await staff("clerk", "kef-municipality")
    ref = (
        await client.post(
            "/api/v1/cases",
            json=case_body(text="L'agent de la mairie veut 50 dinars"),
            headers=clerk,
        )
    ).json()["reference"]
    _, officer = await staff("officer", "kef-municipality")
    _, supervisor = await staff("supervisor")
    _, investigator = await staff("investigator")
    sealed = await client.post(
        f"/api/v1/cases/{ref}/actions/reclassify", json={"category": "corruption"}, headers=officer
    )
    assert sealed.status_code == 200 and "left your queue" in sealed.json()["detail"]
    for headers in (officer, supervisor, clerk):
        assert (await client.get(f"/api/v1/cases/{ref}", headers=headers)).status_code == 404
    seen = (await client.get(f"/api/v1/cases/{ref}", headers=investigator)).json()
    assert seen["structure"] == "anti-corruption-cell" and seen["kind"] == "corruption_report"
    async with state.sessions() as session:
        correction = (await session.scalars(select(TriageCorrection))).one()
    assert (correction.predicted, correction.corrected) == ("roads", "corruption")
