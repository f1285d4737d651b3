"""Tracking with reference and PIN; wrong PINs look like unknown references; lockout."""

import httpx

from tests.conftest import StaffFactory
from tests.factories import case_body


async def new_case(client: httpx.AsyncClient, staff: StaffFactory) -> dict[str, str]:
    _, auth = await staff("clerk", "kef-municipality")
    return dict((await client.post("/api/v1/cases", json=case_body(), headers=auth)).json())


async def test_track_with_pin(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    case = await new_case(client, staff)
    typed = case["reference"].lower().replace("-", " ")
    response = await client.get(f"/api/v1/track/{typed}", params={"pin": case["pin"]})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "routed"
    assert body["structure_code"] == "kef-municipality"
    assert body["structure_names"]["fr"] == "Municipalité du Kef"
    assert body["due_at"]
    assert "pin" not in body and "phone" not in response.text


async def test_wrong_pin_answers_like_unknown_reference(
    client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    case = await new_case(client, staff)
    wrong_pin = "000000" if case["pin"] != "000000" else "111111"
    wrong = await client.get(f"/api/v1/track/{case['reference']}", params={"pin": wrong_pin})
    unknown = await client.get("/api/v1/track/KEF-0000-0000", params={"pin": case["pin"]})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


async def test_repeated_failures_lock_the_reference(
    client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    case = await new_case(client, staff)
    wrong_pin = "000000" if case["pin"] != "000000" else "111111"
    url = f"/api/v1/track/{case['reference']}"
    for _ in range(5):
        assert (await client.get(url, params={"pin": wrong_pin})).status_code == 404
    locked = await client.get(url, params={"pin": case["pin"]})  # even the right PIN waits
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    # another reference is not affected
    other = await new_case(client, staff)
    ok = await client.get(f"/api/v1/track/{other['reference']}", params={"pin": other["pin"]})
    assert ok.status_code == 200


async def test_pin_is_required(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/track/KEF-0000-0000")
    assert response.status_code == 422
