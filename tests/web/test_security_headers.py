"""Browser-side defences of every page: form tokens, the session cookie, security headers.

tests/web/test_staff.py refuses forged tokens on /counter, /track, /logout and /login;
here every post form found on the pages, staff's and citizens', is tried.

Rate limits are tested where they live: API sign-in (tests/hub/test_cases_api.py), web
sign-in (tests/web/test_staff.py), PIN look-ups (tests/hub/test_tracking.py,
tests/web/test_tracking.py), /report and co-signing (tests/web/test_report.py,
tests/web/test_tracking.py) and the triage preview (tests/hub/test_triage_api.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from hub.app import create_app
from hub.models import CaseEvent
from hub.settings import Settings
from hub.state import HubState
from hub.users import create_user
from tests.web.conftest import PASSWORD, BrowserFactory, SignIn, count_cases, hidden

EXPIRED = "This form has expired"


class Forms(HTMLParser):
    """The post forms of a page: action, and the fields it sends (hidden inputs)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._open: tuple[str, dict[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and found.get("method", "get").lower() == "post":
            self._open = (found.get("action", ""), {})
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and found.get("type") == "hidden":
            self._open[1][found.get("name", "")] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def post_forms(page: str) -> list[tuple[str, dict[str, str]]]:
    parser = Forms()
    parser.feed(page)
    return parser.forms


async def a_case(
    client: httpx.AsyncClient, sign_in: SignIn, browser: BrowserFactory
) -> tuple[str, str]:
    clerk = await browser()
    await sign_in(clerk, "clerk", language="en")
    page = await clerk.get("/counter")
    answer = await clerk.post(
        "/counter",
        data={
            "csrf_token": hidden(page.text, "csrf_token"),
            "form_token": hidden(page.text, "form_token"),
            "channel": "counter",
            "text": "Pas d'eau au robinet depuis trois jours, cité Ennour",
            "category": "water",
            "governorate": "Le Kef",
            "phone": "",
            "email": "",
            "name": "",
            "municipality": "",
        },
    )
    assert answer.status_code == 200, answer.text
    reference = re.search(r"KEF-[0-9A-Z]{4}-[0-9A-Z]{4}", answer.text)
    pin = re.search(r'id="pin"[^>]*>\s*(\d{6})', answer.text)
    assert reference and pin, "the receipt shows the reference and the PIN"
    return reference.group(0), pin.group(1)


async def events(state: HubState) -> int:
    async with state.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(CaseEvent)) or 0)


async def test_every_post_form_refuses_a_post_without_its_token(
    client: httpx.AsyncClient, sign_in: SignIn, browser: BrowserFactory, state: HubState
) -> None:
    reference, pin = await a_case(client, sign_in, browser)
    admin, citizen = await browser(), await browser()
    await sign_in(admin, "administrator", language="en")
    staff_pages = ["/", "/counter", "/dashboard", "/admin/routing", "/logout", "/stats"]
    staff_pages.append(f"/dashboard/cases/{reference}")
    found: dict[str, tuple[httpx.AsyncClient, dict[str, str]]] = {}
    for page in staff_pages:
        answer = await admin.get(page)
        assert answer.status_code == 200, page
        for action, fields in post_forms(answer.text):
            found.setdefault(action or page, (admin, fields))
    for page in ("/?lang=en", "/login?lang=en", "/report?lang=en", "/track?lang=en"):
        answer = await citizen.get(page)
        for action, fields in post_forms(answer.text):
            found.setdefault(action or page.split("?")[0], (citizen, fields))
    tracked = await citizen.post(
        "/track",
        data={"reference": reference, "pin": pin, "csrf_token": hidden(answer.text, "csrf_token")},
    )
    for action, fields in post_forms(tracked.text):
        found.setdefault(action, (citizen, fields))

    case_page = f"/dashboard/cases/{reference}"
    expected = {"/login", "/logout", "/counter", "/report", "/track", "/track/support"}
    expected |= {"/admin/routing", f"{case_page}/act", f"{case_page}/reply", f"{case_page}/note"}
    assert expected <= set(found), f"forms not found on the pages: {expected - set(found)}"
    # Shown only to an investigator on a sealed report, and refused the same way.
    found.setdefault(f"{case_page}/reveal", (admin, {"reason": "a court order"}))

    cases, logged = await count_cases(state), await events(state)
    for action, (browser_client, fields) in sorted(found.items()):
        fields = {name: value for name, value in fields.items() if name != "csrf_token"}
        for token in (None, "", "forged-" + "x" * 40, hidden(tracked.text, "csrf_token")):
            data = fields if token is None else {**fields, "csrf_token": token}
            if token and browser_client is citizen and token == hidden(tracked.text, "csrf_token"):
                continue  # the citizen's own token is valid for the citizen
            refused = await browser_client.post(action, data=data)
            assert refused.status_code == 403, (action, token, refused.status_code)
    assert await count_cases(state) == cases and await events(state) == logged
    assert (await admin.get("/dashboard")).status_code == 200  # /logout was refused too


async def test_a_token_from_another_browser_is_refused(
    browser: BrowserFactory, state: HubState
) -> None:
    mallory, victim = await browser(), await browser()
    stolen = hidden((await mallory.get("/report?lang=en")).text, "csrf_token")
    page = await victim.get("/report?lang=en")
    refused = await victim.post(
        "/report",
        data={
            "csrf_token": stolen,
            "form_token": hidden(page.text, "form_token"),
            "text": "Pas d'eau au robinet depuis trois jours, cité Ennour",
            "governorate": "Le Kef",
        },
    )
    assert refused.status_code == 403 and EXPIRED in refused.text
    assert await count_cases(state) == 0


# ------------------------------------------------------------------ the session cookie


def session_cookie(response: httpx.Response) -> str:
    cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith("hub_session=")]
    assert len(cookies) == 1, response.headers.get_list("set-cookie")
    return cookies[0]


def attributes(cookie: str) -> dict[str, str]:
    parts = [part.strip() for part in cookie.split(";")[1:]]
    return {k.lower(): v for k, _, v in (part.partition("=") for part in parts)}


async def test_the_session_cookie_is_http_only_and_same_site_lax(
    client: httpx.AsyncClient, state: HubState
) -> None:
    form = await client.get("/login")
    before = attributes(session_cookie(form))
    assert "httponly" in before and before.get("samesite", "").lower() == "lax"
    assert "secure" not in before  # http://testserver: a Secure cookie would never come back
    assert before.get("path") == "/" and 0 < int(before["max-age"]) <= 12 * 3600
    async with state.sessions() as session:
        await create_user(session, "amel@test.kef.tn", PASSWORD, "clerk")
    signed_in = await client.post(
        "/login",
        data={
            "email": "amel@test.kef.tn",
            "password": PASSWORD,
            "csrf_token": hidden(form.text, "csrf_token"),
        },
    )
    assert signed_in.status_code == 303
    after = attributes(session_cookie(signed_in))  # a new session, with the same flags
    assert "httponly" in after and after.get("samesite", "").lower() == "lax"


async def test_the_session_cookie_is_secure_behind_https(
    settings: Settings, tmp_path: Path
) -> None:
    app = create_app(settings.model_copy(update={"public_url": "https://petitions.kef.tn"}))
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            cookie = attributes(session_cookie(await c.get("/login")))
    finally:
        await app.state.hub.engine.dispose()
    assert "secure" in cookie and "httponly" in cookie and cookie["samesite"].lower() == "lax"


# ------------------------------------------------------------------ headers on every page


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def assert_protected(response: httpx.Response, where: str) -> None:
    headers = response.headers
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") in ("same-origin", "no-referrer", "strict-origin"), where
    policy = directives(headers.get("content-security-policy", ""))
    framing = headers.get("x-frame-options", "").upper() == "DENY"
    assert framing or policy.get("frame-ancestors") == ["'none'"], where


def assert_policy(response: httpx.Response, where: str) -> None:
    """A content security policy that allows no inline or foreign script."""
    policy = directives(response.headers["content-security-policy"])
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts, f"{where}: no script-src nor default-src"
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
        assert unsafe not in scripts, (where, unsafe)
    assert policy.get("frame-ancestors") == ["'none'"], where
    assert policy.get("object-src", policy.get("default-src")) in (["'none'"], ["'self'"]), where
    assert "base-uri" in policy and "form-action" in policy, where


def assert_nothing_blocked(response: httpx.Response, where: str) -> None:
    """What the policy blocks must not be on the page: it would be a broken feature.

    tests/web/test_staff.py checks /, /track, /login, /counter and /dashboard; these
    are the other pages.
    """
    policy = directives(response.headers["content-security-policy"])
    page = response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), f"{where}: inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", page), f"{where}: inline event handler"
    assert "javascript:" not in page.lower(), f"{where}: javascript: URL"
    styles = policy.get("style-src", policy.get("default-src", []))
    if "'unsafe-inline'" not in styles:
        assert not re.search(r"<style[\s>]|\sstyle\s*=", page), f"{where}: inline style"


async def test_pages_carry_the_security_headers_and_a_policy_without_inline_script(
    client: httpx.AsyncClient, sign_in: SignIn, browser: BrowserFactory
) -> None:
    reference, pin = await a_case(client, sign_in, browser)
    citizen = await browser()
    for path in ("/", "/login", "/report", "/track", "/stats"):
        for language in ("ar", "fr", "en"):
            answer = await citizen.get(path, params={"lang": language})
            assert answer.headers["content-type"].startswith("text/html"), path
            where = f"{path}?lang={language}"
            assert_protected(answer, where)
            assert_policy(answer, where)
            if path in ("/report", "/stats"):
                assert_nothing_blocked(answer, where)
    form = await citizen.get("/track?lang=en")
    result = await citizen.post(
        "/track",
        data={"reference": reference, "pin": pin, "csrf_token": hidden(form.text, "csrf_token")},
    )
    assert result.status_code == 200
    for check in (assert_protected, assert_policy, assert_nothing_blocked):
        check(result, "track result")

    admin = await browser()
    await sign_in(admin, "administrator", language="en")
    for path in (
        "/dashboard",
        "/counter",
        "/admin/routing",
        "/logout",
        f"/dashboard/cases/{reference}",
    ):
        answer = await admin.get(path)
        assert answer.status_code == 200, path
        assert_protected(answer, path)
        assert_policy(answer, path)
        if path not in ("/dashboard", "/counter"):
            assert_nothing_blocked(answer, path)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/stats",
        "/api/v1/stats.csv",
        "/openapi.json",
        "/healthz",
        "/static/app.js",
        "/docs",
        "/no-such-page",
    ],
)
async def test_other_responses_carry_the_headers_too(client: httpx.AsyncClient, path: str) -> None:
    answer = await client.get(path)
    assert answer.status_code == (404 if path == "/no-such-page" else 200), path
    assert_protected(answer, path)
    if path == "/docs":
        # The interactive API docs run their own inline script: the policy is left off there.
        assert "content-security-policy" not in answer.headers


async def test_refusals_carry_the_headers(client: httpx.AsyncClient, state: HubState) -> None:
    anonymous = await client.get("/api/v1/cases")
    assert anonymous.status_code == 401
    assert_protected(anonymous, "401")
    too_big = await client.post(
        "/api/v1/triage", content=b"x" * (state.settings.max_body_bytes + 1)
    )
    assert too_big.status_code == 413
    assert_protected(too_big, "413")
    unsigned = await client.post("/channels/sms/twilio", data={"Body": "x"})
    assert unsigned.status_code in (403, 503)
    assert_protected(unsigned, "webhook refusal")
