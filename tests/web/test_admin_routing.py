"""Administrators edit the ordered routing rules as one form; a refused set says why, per row."""

from __future__ import annotations

import re

import httpx
import pytest

from hub.routing import repository as routing_repo
from hub.state import HubState
from tests.web.conftest import SignIn, hidden


def fields(html: str) -> dict[str, str]:
    """The rule rows of the page as a browser would send them (inputs, selected options, text)."""
    data: dict[str, str] = {"csrf_token": hidden(html, "csrf_token")}
    for name, value in re.findall(
        r'<input type="hidden" name="(rule-[^"]+)" value="([^"]*)"', html
    ):
        data[name] = value
    for name, value in re.findall(r'<input id="[^"]+" name="(rule-[^"]+)" value="([^"]*)"', html):
        data[name] = value
    for name, body in re.findall(
        r'<select id="[^"]+" name="(rule-[^"]+)">(.*?)</select>', html, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(
        r'<textarea id="[^"]+" name="(rule-[^"]+)"[^>]*>([^<]*)</textarea>', html
    ):
        data[name] = text
    return data


async def open_rules(client: httpx.AsyncClient, sign_in: SignIn) -> str:
    await sign_in(client, "administrator")
    page = await client.get("/admin/routing?lang=en")
    assert page.status_code == 200
    return page.text


async def stored(state: HubState) -> list[tuple[str, str | None, tuple[str, ...], str | None, str]]:
    async with state.sessions() as session:
        rules = await routing_repo.rules(session)
    return [(r.name, r.category, r.keywords, r.channel, r.structure) for r in rules]


@pytest.mark.parametrize("role", ["clerk", "officer", "supervisor"])
async def test_only_administrators_may_see_the_rules(
    client: httpx.AsyncClient, sign_in: SignIn, role: str
) -> None:
    assert (await client.get("/admin/routing")).status_code == 303  # sign in first
    await sign_in(client, role, "kef-municipality" if role == "officer" else None)
    page = await client.get("/admin/routing?lang=en")
    assert page.status_code == 403
    refused = await client.post(
        "/admin/routing", data={"csrf_token": hidden(page.text, "csrf_token")}
    )
    assert refused.status_code == 403


async def test_rules_are_shown_in_order_with_an_empty_row(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    html = await open_rules(client, sign_in)
    data = fields(html)
    assert data["rule-0-name"] == "national and regional roads"
    assert data["rule-0-category"] == "roads" and data["rule-0-structure"] == "equipment-kef"
    assert "route nationale\nroute regionale" in data["rule-0-keywords"]
    assert data["rule-1-name"] == "" and data["rule-1-position"] == "2"
    assert 'href="/admin/routing"' in html  # in the administrator's menu


async def test_administrator_adds_reorders_and_removes_rules(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    data = fields(await open_rules(client, sign_in))
    data |= {
        "rule-1-position": "0",  # before the roads rule
        "rule-1-name": "SMS about bins",
        "rule-1-category": "waste",
        "rule-1-keywords": "poubelle\r\nbac\n",
        "rule-1-channel": "sms",
        "rule-1-structure": "kef-municipality",
    }
    saved = await client.post("/admin/routing", data=data)
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/routing?saved=1"
    rules = await stored(state)
    assert [r[0] for r in rules] == ["SMS about bins", "national and regional roads"]
    assert rules[0] == ("SMS about bins", "waste", ("poubelle", "bac"), "sms", "kef-municipality")
    assert rules[1][1:] == (
        "roads",
        tuple(data["rule-0-keywords"].splitlines()),
        None,
        "equipment-kef",
    )
    page = await client.get("/admin/routing?saved=1&lang=en")
    assert "The routing rules were saved." in page.text

    data = fields(page.text) | {"rule-0-remove": "yes"}
    assert (await client.post("/admin/routing", data=data)).status_code == 303
    assert [r[0] for r in await stored(state)] == ["national and regional roads"]


async def test_refused_rules_show_the_problem_next_to_the_row_and_keep_the_input(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    data = fields(await open_rules(client, sign_in))
    before = await stored(state)
    data |= {
        "rule-1-name": "catch-all",
        "rule-1-structure": "central-bureau",  # no condition at all
    }
    refused = await client.post("/admin/routing", data=data)
    assert refused.status_code == 422
    assert "The rules were not saved." in refused.text
    problems = re.search(r'id="rule-1-problems"[^>]*>(.*?)</ul>', refused.text, re.S)
    assert problems and "a rule with no condition would catch every case" in problems.group(1)
    assert 'id="rule-0-problems"' not in refused.text
    assert fields(refused.text)["rule-1-name"] == "catch-all"
    assert await stored(state) == before

    corrupt = fields(refused.text) | {"rule-1-category": "corruption"}
    refused = await client.post("/admin/routing", data=corrupt)
    assert refused.status_code == 422 and "anti-corruption cell" in refused.text

    bad = fields(refused.text) | {"rule-1-category": "waste", "rule-1-position": "first"}
    refused = await client.post("/admin/routing", data=bad)
    assert refused.status_code == 422
    assert "The position must be a whole number." in refused.text
    assert await stored(state) == before


async def test_add_a_row_draws_another_empty_row_without_saving(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    data = fields(await open_rules(client, sign_in)) | {"action": "add"}
    page = await client.post("/admin/routing", data=data)
    assert page.status_code == 200
    again = fields(page.text)
    assert again["rule-0-name"] == "national and regional roads"
    assert "rule-1-position" in again and "rule-2-position" not in again


async def test_a_post_without_the_form_token_is_refused(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    data = fields(await open_rules(client, sign_in)) | {"csrf_token": "forged" * 8}
    before = await stored(state)
    assert (await client.post("/admin/routing", data=data)).status_code == 403
    assert await stored(state) == before
