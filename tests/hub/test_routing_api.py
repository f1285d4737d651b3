"""Administrators edit routing rules and the hierarchy; intake follows them."""

import httpx

from tests.conftest import StaffFactory
from tests.factories import case_body


async def test_default_rules_are_listed(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    _, admin = await staff("administrator")
    rules = (await client.get("/api/v1/routing/rules", headers=admin)).json()
    assert rules[0]["structure"] == "equipment-kef" and rules[0]["category"] == "roads"


async def test_saved_rule_routes_new_cases(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    _, admin = await staff("administrator")
    _, clerk = await staff("clerk", "kef-municipality")
    rules = [
        {
            "name": "Tajerouine health",
            "structure": "central-bureau",
            "category": "health",
            "municipality": "Tajerouine",
        },
        {
            "name": "national roads",
            "structure": "equipment-kef",
            "category": "roads",
            "keywords": ["route nationale"],
        },
    ]
    saved = await client.put("/api/v1/routing/rules", json=rules, headers=admin)
    assert saved.status_code == 200, saved.text
    case = await client.post(
        "/api/v1/cases",
        json=case_body(category="health", text="Pas de médecin", municipality="Tajerouine"),
        headers=clerk,
    )
    assert case.json()["structure"] == "central-bureau"
    road = await client.post(
        "/api/v1/cases", json=case_body(text="Trou sur la route nationale"), headers=clerk
    )
    assert road.json()["structure"] == "equipment-kef"


async def test_breaking_rules_are_refused_with_reasons(
    client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    _, admin = await staff("administrator")
    bad = [
        {"name": "roads", "structure": "kef-municipality", "category": "roads"},
        {
            "name": "national roads",
            "structure": "equipment-kef",
            "category": "roads",
            "keywords": ["route nationale"],
        },
        {"name": "bribes to the mayor", "structure": "kef-municipality", "category": "corruption"},
    ]
    response = await client.put("/api/v1/routing/rules", json=bad, headers=admin)
    assert response.status_code == 422
    reasons = " ".join(p["reason"] for p in response.json()["detail"]["problems"])
    assert "unreachable" in reasons and "anti-corruption cell" in reasons
    kept = (await client.get("/api/v1/routing/rules", headers=admin)).json()
    assert [r["name"] for r in kept] == ["national and regional roads"]  # nothing changed


async def test_only_administrators_edit_rules(
    client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    _, officer = await staff("officer", "kef-municipality")
    response = await client.put("/api/v1/routing/rules", json=[], headers=officer)
    assert response.status_code == 403


async def test_hierarchy_cycle_is_refused(client: httpx.AsyncClient, staff: StaffFactory) -> None:
    _, admin = await staff("administrator")
    ok = await client.patch(
        "/api/v1/structures/kef-municipality", json={"parent": "central-bureau"}, headers=admin
    )
    assert ok.status_code == 200 and ok.json()["parent"] == "central-bureau"
    loop = await client.patch(
        "/api/v1/structures/central-bureau", json={"parent": "kef-municipality"}, headers=admin
    )
    assert loop.status_code == 422
    assert "loop" in loop.text
    unknown = await client.patch(
        "/api/v1/structures/steg-kef", json={"parent": "nowhere"}, headers=admin
    )
    assert unknown.status_code == 422


async def test_report_naming_a_structure_stays_hidden_from_it(
    client: httpx.AsyncClient, staff: StaffFactory
) -> None:
    _, clerk = await staff("clerk", "kef-municipality")
    _, admin = await staff("administrator")
    report = (
        await client.post(
            "/api/v1/cases",
            json=case_body(category="corruption", text="Un agent de la STEG demande de l'argent"),
            headers=clerk,
        )
    ).json()
    _, investigator = await staff("investigator")
    _, steg_officer = await staff("officer", "steg-kef")
    ref = report["reference"]
    # even if the cell later makes it an ordinary case of the structure it names
    unsealed = await client.post(
        f"/api/v1/cases/{ref}/actions/reclassify",
        json={"category": "electricity"},
        headers=investigator,
    )
    assert unsealed.status_code == 200
    seen = (await client.get(f"/api/v1/cases/{ref}", headers=admin)).json()
    assert seen["category"] == "electricity" and seen["structure"] == "central-bureau"  # not STEG
    assert (await client.get(f"/api/v1/cases/{ref}", headers=steg_officer)).status_code == 404
    assert ref not in (await client.get("/api/v1/cases", headers=steg_officer)).text
