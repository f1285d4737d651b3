"""Open311 GeoReport v2, used as a client would."""

import httpx
from sqlalchemy import select

from hub.intake.conversation import receive
from hub.models import Case
from hub.petition import KindHint
from hub.state import HubState
from tests.conftest import StaffFactory
from tests.factories import petition


async def api_key(client: httpx.AsyncClient, staff: StaffFactory) -> str:
    _, admin = await staff("administrator")
    issued = await client.post("/api/v1/open311/keys", json={"name": "FixMyKef app"}, headers=admin)
    assert issued.status_code == 201
    return str(issued.json()["api_key"])


async def test_services_in_the_requested_language(client: httpx.AsyncClient) -> None:
    services = (await client.get("/open311/v2/services.json", params={"locale": "fr"})).json()
    water = next(s for s in services if s["service_code"] == "water")
    assert (
        water["service_name"] == "Eau"
        and water["metadata"] is False
        and water["type"] == "realtime"
    )
    arabic = (await client.get("/open311/v2/services.json", params={"locale": "ar"})).json()
    assert next(s for s in arabic if s["service_code"] == "water")["service_name"] == "الماء"
    definition = await client.get("/open311/v2/services/water.json")
    assert definition.json() == {"service_code": "water", "attributes": []}
    missing = await client.get("/open311/v2/services/weather.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


async def test_post_then_get_a_request(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    key = await api_key(client, staff)
    posted = await client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "lighting",
            "lat": "36.18",
            "long": "8.71",
            "description": "Lampadaire éteint rue de Tunis",
            "email": "citoyen@example.tn",
        },
    )
    assert posted.status_code == 201, posted.text
    request_id = posted.json()[0]["service_request_id"]
    assert request_id.startswith("KEF-")
    one = (
        await client.get(f"/open311/v2/requests/{request_id}.json", params={"locale": "fr"})
    ).json()[0]
    assert one["status"] == "open" and one["service_code"] == "lighting"
    assert one["agency_responsible"] == "Municipalité du Kef"
    assert one["expected_datetime"] and one["lat"] == 36.18
    assert one["description"] == "Lampadaire éteint rue de Tunis"
    assert "citoyen@example.tn" not in str(one)
    listed = (
        await client.get("/open311/v2/requests.json", params={"service_code": "lighting"})
    ).json()
    assert [r["service_request_id"] for r in listed] == [request_id]
    by_id = (
        await client.get("/open311/v2/requests.json", params={"service_request_id": request_id})
    ).json()
    assert len(by_id) == 1
    assert (await client.get("/open311/v2/requests.json", params={"status": "closed"})).json() == []


async def test_spec_errors(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    key = await api_key(client, staff)
    no_key = await client.post(
        "/open311/v2/requests.json", data={"service_code": "water", "lat": "1", "long": "1"}
    )
    assert no_key.status_code == 403 and no_key.json()[0]["code"] == 403
    bad_key = await client.post(
        "/open311/v2/requests.json", data={"api_key": "nope", "service_code": "water"}
    )
    assert bad_key.status_code == 403
    unknown = await client.post(
        "/open311/v2/requests.json",
        data={"api_key": key, "service_code": "x", "lat": "1", "long": "1", "description": "d"},
    )
    assert unknown.status_code == 400 and "service_code" in unknown.json()[0]["description"]
    nowhere = await client.post(
        "/open311/v2/requests.json",
        data={"api_key": key, "service_code": "water", "description": "d"},
    )
    assert nowhere.status_code == 400 and "location" in nowhere.json()[0]["description"]
    bad_lat = await client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "water",
            "lat": "500",
            "long": "1",
            "description": "d",
        },
    )
    assert bad_lat.status_code == 400 and bad_lat.json()[0]["code"] == 400
    bad_date = await client.get("/open311/v2/requests.json", params={"start_date": "yesterday"})
    assert bad_date.status_code == 400
    assert (await client.get("/open311/v2/requests/KEF-0000-0000.json")).status_code == 404


async def test_revoked_key_is_refused(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    _, admin = await staff("administrator")
    issued = (
        await client.post("/api/v1/open311/keys", json={"name": "old app"}, headers=admin)
    ).json()
    assert (
        await client.delete(f"/api/v1/open311/keys/{issued['id']}", headers=admin)
    ).status_code == 204
    refused = await client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": issued["api_key"],
            "service_code": "water",
            "lat": "1",
            "long": "1",
            "description": "d",
        },
    )
    assert refused.status_code == 403


async def test_corruption_reports_are_never_listed(
    client: httpx.AsyncClient, state: HubState
) -> None:
    sealed = await receive(state, petition(kind_hint=KindHint.corruption_report, text="rachwa"))
    public = await receive(state, petition(sender="+21655000999", text="pas d'eau"))
    listed = (await client.get("/open311/v2/requests.json")).json()
    ids = [r["service_request_id"] for r in listed]
    assert public.reference in ids and sealed.reference not in ids
    assert (await client.get(f"/open311/v2/requests/{sealed.reference}.json")).status_code == 404
    by_id = await client.get(
        "/open311/v2/requests.json", params={"service_request_id": sealed.reference}
    )
    assert by_id.json() == []
    one = (await client.get(f"/open311/v2/requests/{public.reference}.json")).json()[0]
    assert one["description"] is None  # an SMS's text is not published
    async with state.sessions() as session:
        assert len((await session.scalars(select(Case))).all()) == 2
