"""Staff sign-in on the web, form tokens, and the list of cases each role may see."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import update

from hub.models import Case, User
from hub.state import HubState
from hub.users import create_user
from tests.factories import case_body
from tests.web.conftest import PASSWORD, BrowserFactory, SignIn, count_cases, hidden


async def test_wrong_password_gets_the_form_again_with_a_generic_message(
    client: httpx.AsyncClient, state: HubState
) -> None:
    async with state.sessions() as session:
        await create_user(session, "amel@test.kef.tn", PASSWORD, "clerk")
    form = await client.get("/login?lang=en")
    token = hidden(form.text, "csrf_token")
    wrong = await client.post(
        "/login",
        data={"email": "amel@test.kef.tn", "password": "not it at all", "csrf_token": token},
    )
    unknown = await client.post(
        "/login", data={"email": "nobody@test.kef.tn", "password": PASSWORD, "csrf_token": token}
    )
    for page in (wrong, unknown):
        assert page.status_code == 401
        assert "Wrong e-mail or password." in page.text
        assert 'name="password"' in page.text
    assert 'value="amel@test.kef.tn"' in wrong.text
    assert (await client.get("/dashboard")).status_code == 303


async def test_sign_in_starts_a_new_session_and_goes_back_where_asked(
    client: httpx.AsyncClient, state: HubState
) -> None:
    async with state.sessions() as session:
        await create_user(session, "sami@test.kef.tn", PASSWORD, "supervisor")
    asked = await client.get("/dashboard")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/login?next=%2Fdashboard"
    form = await client.get(asked.headers["location"])
    assert hidden(form.text, "next") == "/dashboard"
    before = hidden(form.text, "csrf_token")
    signed = await client.post(
        "/login",
        data={
            "email": "SAMI@test.kef.tn",
            "password": PASSWORD,
            "csrf_token": before,
            "next": "/dashboard",
        },
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"
    dashboard = await client.get("/dashboard")
    assert dashboard.status_code == 200
    assert hidden(dashboard.text, "csrf_token") != before  # nothing from before sign-in survives


async def test_next_must_stay_on_this_site(client: httpx.AsyncClient, state: HubState) -> None:
    async with state.sessions() as session:
        await create_user(session, "clerk@test.kef.tn", PASSWORD, "clerk")
    for target in (
        "/\t/evil.example",
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
    ):
        form = await client.get("/login", params={"next": target})
        assert hidden(form.text, "next") == ""
        signed = await client.post(
            "/login",
            data={
                "email": "clerk@test.kef.tn",
                "password": PASSWORD,
                "csrf_token": hidden(form.text, "csrf_token"),
                "next": target,
            },
        )
        assert signed.headers["location"] == "/counter", target


async def test_posts_without_the_right_form_token_are_refused(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    await sign_in(client, "clerk")
    form = await client.get("/counter?lang=en")
    entry = {
        "form_token": hidden(form.text, "form_token"),
        "channel": "counter",
        "text": "Lampadaire en panne",
        "category": "lighting",
    }
    for token in (None, "", "forged-" + "x" * 40):
        data = dict(entry) if token is None else {**entry, "csrf_token": token}
        refused = await client.post("/counter", data=data)
        assert refused.status_code == 403
        assert "This form has expired" in refused.text and "Reload the page" in refused.text
    for path in ("/track", "/logout", "/login"):
        assert (await client.post(path, data={"csrf_token": "forged"})).status_code == 403
    assert await count_cases(state) == 0
    assert (await client.get("/dashboard")).status_code == 200  # /logout was refused too


async def test_logout_ends_the_session(client: httpx.AsyncClient, sign_in: SignIn) -> None:
    assert (await client.get("/logout")).headers["location"] == "/"
    await sign_in(client, "clerk")
    page = await client.get("/logout")
    assert page.status_code == 200 and 'action="/logout"' in page.text
    out = await client.post("/logout", data={"csrf_token": hidden(page.text, "csrf_token")})
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert (await client.get("/dashboard")).status_code == 303


async def test_a_password_change_signs_out_open_sessions(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    user = await sign_in(client, "clerk")
    async with state.sessions() as session:
        row = await session.get(User, user.id)
        assert row is not None
        row.password_hash = row.password_hash + "-changed"
        session.add(row)
        await session.commit()
    assert (await client.get("/counter")).status_code == 303


async def test_counter_needs_sign_in_and_a_recording_role(
    client: httpx.AsyncClient, browser: BrowserFactory, sign_in: SignIn
) -> None:
    anonymous = await client.get("/counter")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=%2Fcounter"
    assert (await client.post("/counter", data={})).status_code == 303
    await sign_in(client, "monitor")
    refused = await client.get("/counter?lang=en")
    assert refused.status_code == 403
    assert "Your role does not give access to this page." in refused.text
    for role, structure in (
        ("clerk", None),
        ("officer", "kef-municipality"),
        ("investigator", None),
    ):
        staff_browser = await browser()
        await sign_in(staff_browser, role, structure)
        assert (await staff_browser.get("/counter")).status_code == 200, role


def references(page: str) -> set[str]:
    return set(re.findall(r'<tr data-reference="([^"]+)"', page))


async def test_dashboard_shows_each_role_only_its_cases(
    client: httpx.AsyncClient, browser: BrowserFactory, sign_in: SignIn, staff, state: HubState
) -> None:
    _, headers = await staff("clerk")
    made = {}
    for category in ("roads", "water", "corruption"):
        created = await client.post(
            "/api/v1/cases",
            json=case_body(category=category, text=f"{category} problem"),
            headers=headers,
        )
        assert created.status_code == 201, created.text
        made[category] = created.json()["reference"]
    officer = await browser()
    await sign_in(officer, "officer", "sonede-kef")
    page = await officer.get("/dashboard?lang=fr")
    assert references(page.text) == {made["water"]}
    assert "Eau" in page.text and "SONEDE district du Kef" in page.text
    assert "Transmis au service compétent" in page.text
    investigator = await browser()
    await sign_in(investigator, "investigator")
    assert references((await investigator.get("/dashboard")).text) == {made["corruption"]}
    supervisor = await browser()
    await sign_in(supervisor, "supervisor")
    assert references((await supervisor.get("/dashboard")).text) == set()  # nothing overdue yet
    async with state.sessions() as session:
        await session.execute(
            update(Case).where(Case.reference == made["roads"]).values(overdue=True)
        )
        await session.commit()
    assert references((await supervisor.get("/dashboard")).text) == {made["roads"]}


async def test_pages_carry_no_inline_script_or_style(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(client, "clerk")
    for path in ("/", "/track", "/login", "/counter", "/dashboard"):
        page = (await client.get(path)).text
        assert "<style" not in page and " style=" not in page, path
        assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/app.js" defer>'], path
        assert not re.search(r"<[^>]+\son[a-z]+=", page), path
    css = await client.get("/static/app.css")
    script = await client.get("/static/app.js")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "@media print" in css.text and "window.print" in script.text


async def test_repeated_failures_lock_web_sign_in_with_a_reason(
    client: httpx.AsyncClient, state: HubState
) -> None:
    async with state.sessions() as session:
        await create_user(session, "sami@test.kef.tn", PASSWORD, "clerk")
    token = hidden((await client.get("/login?lang=fr")).text, "csrf_token")
    for _ in range(state.settings.sign_in_max_failures):
        await client.post(
            "/login", data={"email": "sami@test.kef.tn", "password": "x", "csrf_token": token}
        )
    locked = await client.post(
        "/login", data={"email": "sami@test.kef.tn", "password": PASSWORD, "csrf_token": token}
    )
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "Trop de connexions échouées" in locked.text
    assert (await client.get("/dashboard")).status_code == 303  # not signed in
