"""Tracking with reference and PIN; wrong PINs look like unknown references; lockout;
web supporters counted once per browser, never on a sealed case."""

import httpx
from sqlmodel import select

from hub.models import Case
from hub.petitions import add_web_supporter, supports_on_the_web, web_support_key
from hub.privacy import Vault
from hub.state import HubState
from tests.conftest import SECRET, StaffFactory
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


async def test_web_supporters_are_counted_once_per_browser_and_never_on_sealed_cases(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    public = await new_case(client, staff)
    _, auth = await staff("clerk", "kef-municipality")
    sealed = (
        await client.post(
            "/api/v1/cases",
            json=case_body(category="corruption", text="rachwa au guichet"),
            headers=auth,
        )
    ).json()
    async with state.sessions() as session:
        case = (
            await session.scalars(select(Case).where(Case.reference == public["reference"]))
        ).one()
        report = (
            await session.scalars(select(Case).where(Case.reference == sealed["reference"]))
        ).one()
        assert await add_web_supporter(session, state.vault, case, "a" * 43)
        assert not await add_web_supporter(session, state.vault, case, "a" * 43)
        assert await add_web_supporter(session, state.vault, case, "b" * 43)
        assert not await add_web_supporter(session, state.vault, report, "a" * 43)
        await session.commit()
        assert case.supporters_count == 2 and report.supporters_count == 0
        assert await supports_on_the_web(session, state.vault, case.reference, "a" * 43)
        assert not await supports_on_the_web(session, state.vault, report.reference, "a" * 43)
        assert not await supports_on_the_web(session, state.vault, case.reference, None)


def test_the_stored_key_is_keyed_and_taken_per_case() -> None:
    vault, other_key = Vault(SECRET), Vault(SECRET[::-1])
    key = web_support_key(vault, "KEF-AAAA-AAAA", "t" * 43)
    assert key.startswith("support:") and "t" * 43 not in key
    assert key == web_support_key(vault, "KEF-AAAA-AAAA", "t" * 43)
    assert key != web_support_key(vault, "KEF-BBBB-BBBB", "t" * 43)  # two cases: unlinkable
    assert key != web_support_key(other_key, "KEF-AAAA-AAAA", "t" * 43)
