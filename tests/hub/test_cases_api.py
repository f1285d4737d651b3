"""POST/GET /api/v1/cases: the counter entry through the API, roles and bad input."""

import httpx
from sqlalchemy import func, select

from hub.models import Case
from hub.state import HubState
from tests.conftest import StaffFactory
from tests.factories import b64, case_body, png_bytes


async def cases_in_store(state: HubState) -> int:
    async with state.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Case)) or 0)


async def test_clerk_records_a_case(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    _, auth = await staff("clerk", "kef-municipality")
    response = await client.post("/api/v1/cases", json=case_body(), headers=auth)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) >= {"reference", "pin", "status", "category", "kind", "structure", "due_at"}
    assert body["status"] == "routed"
    assert body["category"] == "roads" and body["kind"] == "complaint"
    assert body["structure"] == "kef-municipality"
    assert len(body["pin"]) == 6 and body["pin"].isdigit()
    track = await client.get(f"/api/v1/track/{body['reference']}", params={"pin": body["pin"]})
    assert track.status_code == 200
    assert track.json()["messages"][0]["body"].startswith("Nid de poule")


async def test_idempotency_key_replays_the_same_case(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    _, auth = await staff("clerk", "kef-municipality")
    headers = {**auth, "Idempotency-Key": "form-123"}
    first = await client.post("/api/v1/cases", json=case_body(), headers=headers)
    second = await client.post("/api/v1/cases", json=case_body(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["reference"] == second.json()["reference"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert await cases_in_store(state) == 1
    ref = second.json()["reference"]
    # the PIN of the answer the client kept works; the one it never saw does not
    ok = await client.get(f"/api/v1/track/{ref}", params={"pin": second.json()["pin"]})
    old = await client.get(f"/api/v1/track/{ref}", params={"pin": first.json()["pin"]})
    assert ok.status_code == 200
    assert old.status_code == 404


async def test_idempotency_key_with_other_body_is_refused(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    _, auth = await staff("clerk", "kef-municipality")
    headers = {**auth, "Idempotency-Key": "form-9"}
    assert (
        await client.post("/api/v1/cases", json=case_body(), headers=headers)
    ).status_code == 201
    other = await client.post("/api/v1/cases", json=case_body(text="autre chose"), headers=headers)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]
    assert await cases_in_store(state) == 1


async def test_attachment_checked_by_content(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    _, auth = await staff("clerk", "kef-municipality")
    photo = {"filename": "photo.png", "content_base64": b64(png_bytes())}
    ok = await client.post("/api/v1/cases", json=case_body(attachments=[photo]), headers=auth)
    assert ok.status_code == 201
    fake = {"filename": "photo.jpg", "content_base64": b64(b"#!/bin/sh\nrm -rf /\n")}
    bad = await client.post("/api/v1/cases", json=case_body(attachments=[fake]), headers=auth)
    assert bad.status_code == 415
    assert "photo.jpg" in bad.json()["detail"]
    assert await cases_in_store(state) == 1


async def test_oversized_attachment_is_413(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    _, auth = await staff("clerk", "kef-municipality")
    big = png_bytes() + b"\0" * (state.settings.max_attachment_bytes + 1)
    body = case_body(attachments=[{"filename": "big.png", "content_base64": b64(big)}])
    response = await client.post("/api/v1/cases", json=body, headers=auth)
    assert response.status_code == 413


async def test_oversized_body_is_413(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    _, auth = await staff("clerk", "kef-municipality")
    huge = b"x" * (state.settings.max_body_bytes + 10)
    response = await client.post(
        "/api/v1/cases", content=huge, headers={**auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert await cases_in_store(state) == 0


async def test_bad_input_gets_reasons(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    _, auth = await staff("clerk", "kef-municipality")
    cases = [
        (case_body(phone="12"), "phone"),
        (case_body(email="not-an-email"), "email"),
        (case_body(category="weather"), "category"),
        (case_body(text=""), "text"),
        (case_body(text="x" * 5001), "text"),
        (case_body(colour="red"), "colour"),
        (case_body(anonymous="perhaps"), "anonymous"),
    ]
    for body, field in cases:
        response = await client.post("/api/v1/cases", json=body, headers=auth)
        assert response.status_code == 422, (field, response.text)
        assert field in response.text
    broken = await client.post(
        "/api/v1/cases", content=b"{not json", headers={**auth, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert "JSON" in broken.json()["detail"]
    assert await cases_in_store(state) == 0


async def test_tunisian_number_without_prefix_is_accepted(
    client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    _, auth = await staff("clerk", "kef-municipality")
    response = await client.post("/api/v1/cases", json=case_body(phone="22 333 444"), headers=auth)
    assert response.status_code == 201


async def test_sign_in_is_required(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/v1/cases", json=case_body())).status_code == 401
    assert (await client.get("/api/v1/cases")).status_code == 401
    bad = await client.post("/api/v1/auth/token", data={"username": "x@y.tn", "password": "nope"})
    assert bad.status_code == 401


async def test_monitor_may_not_record(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    _, auth = await staff("monitor")
    assert (await client.post("/api/v1/cases", json=case_body(), headers=auth)).status_code == 403


async def test_officer_reads_only_own_structure(
    client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    _, clerk = await staff("clerk", "kef-municipality")
    roads = (await client.post("/api/v1/cases", json=case_body(), headers=clerk)).json()
    water = (
        await client.post("/api/v1/cases", json=case_body(category="water"), headers=clerk)
    ).json()
    _, officer = await staff("officer", "kef-municipality")
    listed = (await client.get("/api/v1/cases", headers=officer)).json()
    assert [c["reference"] for c in listed] == [roads["reference"]]
    assert (
        await client.get(f"/api/v1/cases/{roads['reference']}", headers=officer)
    ).status_code == 200
    assert (
        await client.get(f"/api/v1/cases/{water['reference']}", headers=officer)
    ).status_code == 404


async def test_clerk_reads_only_what_they_entered(
    client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    _, first = await staff("clerk", "kef-municipality")
    _, second = await staff("clerk", "kef-municipality")
    mine = (await client.post("/api/v1/cases", json=case_body(), headers=first)).json()
    theirs = (await client.post("/api/v1/cases", json=case_body(), headers=second)).json()
    listed = (await client.get("/api/v1/cases", headers=first)).json()
    assert [c["reference"] for c in listed] == [mine["reference"]]
    assert (
        await client.get(f"/api/v1/cases/{theirs['reference']}", headers=first)
    ).status_code == 404


async def test_corruption_report_is_sealed_from_officers(
    client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    _, clerk = await staff("clerk", "kef-municipality")
    report = (
        await client.post(
            "/api/v1/cases",
            json=case_body(
                category="corruption", text="Un agent municipal a demandé un pot-de-vin"
            ),
            headers=clerk,
        )
    ).json()
    assert report["structure"] == "anti-corruption-cell" and report["kind"] == "corruption_report"
    _, cell_officer = await staff("officer", "anti-corruption-cell")
    _, municipal = await staff("officer", "kef-municipality")
    _, investigator = await staff("investigator")
    _, supervisor = await staff("supervisor")
    ref = report["reference"]
    for headers in (cell_officer, municipal, supervisor, clerk):
        assert (await client.get(f"/api/v1/cases/{ref}", headers=headers)).status_code == 404
        assert ref not in (await client.get("/api/v1/cases", headers=headers)).text
    seen = await client.get(f"/api/v1/cases/{ref}", headers=investigator)
    assert seen.status_code == 200
    assert seen.json()["events"][-1]["kind"] == "report_read"  # the read is on the record


async def test_filters(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    _, clerk = await staff("clerk", "kef-municipality")
    await client.post("/api/v1/cases", json=case_body(), headers=clerk)
    await client.post("/api/v1/cases", json=case_body(category="water"), headers=clerk)
    _, admin = await staff("administrator")
    water = (await client.get("/api/v1/cases", params={"category": "water"}, headers=admin)).json()
    assert [c["category"] for c in water] == ["water"]
    by_structure = await client.get(
        "/api/v1/cases", params={"structure": "sonede-kef"}, headers=admin
    )
    assert len(by_structure.json()) == 1
    bad = await client.get("/api/v1/cases", params={"status": "lost"}, headers=admin)
    assert bad.status_code == 422 and "status" in bad.text


async def test_repeated_wrong_passwords_lock_the_address(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    user, _ = await staff("clerk", "kef-municipality")
    for _ in range(state.settings.sign_in_max_failures):
        wrong = await client.post(
            "/api/v1/auth/token", data={"username": user.email, "password": "nope"}
        )
        assert wrong.status_code == 401
    locked = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": "correct horse battery"}
    )
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    other, _ = await staff("clerk", "kef-municipality")  # another address still signs in
    assert other.email != user.email
