"""Who may do what: every role, on every endpoint and page, on three kinds of case.

One table, `MATRIX`, says for each route (method, path template) what each role
gets: anonymous, administrator, supervisor, an officer of structure A (SONEDE,
water), an officer of structure B (STEG, electricity), an investigator of the
anti-corruption cell, a clerk and a monitor. A route that names a case is tried
on a case of A, a case of B and a corruption report that names A, and its cell
reads "A B C" (for example "200 404 404"). One loop runs every cell on one app
per database.

Besides the status of each cell:
- `404` is the answer when a case's existence is secret: the body must be the
  very one a reference that exists nowhere gets;
- list endpoints (`lists`) must name exactly the cases the role may see;
- no answer ever carries the text of a case the role may not read (a monitor
  reads none), nor a reporter's name or number (only the investigator's
  reasoned reveal shows one).

A new route without a row fails `test_every_route_has_a_row`: decide who may
use it, then add the row.

Codes: 200, 201, 204 and 303 (a redirect that is not to /login) are "done";
401, 403, 404 refusals; "login" is a page's 303 to /login for a visitor who
is not signed in.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from sqlalchemy import update
from sqlmodel import col, select
from starlette.routing import Mount

from hub.app import create_app
from hub.auth import passwords
from hub.models import Attachment, Case
from hub.state import HubState
from hub.users import create_user
from tests.conftest import CHANNELS_ON, settings_for
from tests.factories import b64, png_bytes
from tests.web.conftest import hidden

ROLES = (
    "anonymous",
    "administrator",
    "supervisor",
    "officer_a",
    "officer_b",
    "investigator",
    "clerk",
    "monitor",
)
STAFF = ROLES[1:]
STRUCTURE_A, STRUCTURE_B = "sonede-kef", "steg-kef"
PASSWORD = "correct horse battery"
GHOST = "KEF-ZZZZ-ZZZZ"  # well formed, and no case has it
DAY_OFF = "2031-01-06"

# What each kind of case says, with a word found nowhere else, and who filed it.
TEXTS = {
    "A": "Fuite d'eau devant l'école alphaqux, le compteur déborde depuis lundi",
    "B": "Coupure d'électricité betaqux à la cité Ennour depuis trois jours",
    "C": "Un agent de la SONEDE district du Kef demande une rachwa de 200 dinars gammaqux",
}
MARKERS = {"A": "alphaqux", "B": "betaqux", "C": "gammaqux"}
CATEGORIES = {"A": "water", "B": "electricity", "C": "corruption"}
REPORTERS = {
    "A": ("Amel Ben Salah", "98 111 111"),
    "B": ("Karim Trabelsi", "98 222 222"),
    "C": ("Sonia Gharbi", "98 333 333"),
}
# The case texts each role may read (a monitor reads none: anonymised cases only).
READS_TEXT = {
    "anonymous": "",
    "administrator": "AB",
    "supervisor": "AB",
    "officer_a": "A",
    "officer_b": "B",
    "investigator": "C",
    "clerk": "",
    "monitor": "",
}

# ---------------------------------------------------------------- the people and the cases


@dataclass
class Kase:
    letter: str  # A, B or C; "ghost" for the reference that exists nowhere
    reference: str
    pin: str
    attachment_id: int


@dataclass
class Person:
    role: str
    email: str | None
    api: dict[str, str]  # bearer header ({} for the anonymous visitor)
    browser: httpx.AsyncClient  # its own cookies: signed in through /login
    csrf: str


@dataclass
class World:
    app: FastAPI
    state: HubState
    api: httpx.AsyncClient  # no cookies: the API is called with bearer tokens only
    people: dict[str, Person] = field(default_factory=dict)
    shared: dict[str, list[Kase]] = field(default_factory=dict)  # letter → cases
    fresh: dict[str, dict[str, Kase]] = field(default_factory=dict)  # row → letter → case
    rules: list[dict[str, Any]] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    policy: dict[str, Any] = field(default_factory=dict)
    lexicon_terms: list[dict[str, Any]] = field(default_factory=list)
    open311_key: str = ""
    revocable_key_id: int = 0
    opened: list[httpx.AsyncClient] = field(default_factory=list)

    def browser(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        self.opened.append(client)
        return client

    def every_case(self) -> list[Kase]:
        made = [k for kinds in self.shared.values() for k in kinds]
        return made + [k for trio in self.fresh.values() for k in trio.values()]


Call = Callable[[World, Person, Kase], Awaitable[httpx.Response]]


async def api(world: World, who: Person, method: str, path: str, **kwargs: Any) -> httpx.Response:
    world.api.cookies.clear()
    headers = {**who.api, **kwargs.pop("headers", {})}
    return await world.api.request(method, path, headers=headers, **kwargs)


async def page_post(who: Person, path: str, **fields: Any) -> httpx.Response:
    return await who.browser.post(path, data={"csrf_token": who.csrf, **fields})


async def signed_in_browser(
    world: World, role: str, email: str | None
) -> tuple[httpx.AsyncClient, str]:
    """A new browser, signed in through /login when `email` is given; with its form token."""
    browser = world.browser()
    form = await browser.get("/login")
    if email is not None:
        done = await browser.post(
            "/login",
            data={
                "email": email,
                "password": PASSWORD,
                "csrf_token": hidden(form.text, "csrf_token"),
            },
        )
        assert done.status_code == 303, (role, done.text)
    fresh = await browser.get("/track")  # signing in draws a new form token
    return browser, hidden(fresh.text, "csrf_token")


# ---------------------------------------------------------------- the calls, one per route


def get(path: str, **params: Any) -> Call:
    return call_api("GET", path, params=params)


def page(path: str) -> Call:
    async def call(world: World, who: Person, case: Kase) -> httpx.Response:
        return await who.browser.get(path)

    return call


def call_api(method: str, path: str, **kwargs: Any) -> Call:
    """An API call with the role's bearer token; a {reference} in the path is the case's."""

    async def call(world: World, who: Person, case: Kase) -> httpx.Response:
        return await api(world, who, method, path.format(reference=case.reference), **kwargs)

    return call


def page_call_api(path: str, **fields: str) -> Call:
    """GET the case's page (no fields), or post the form with these fields and the form token."""

    async def call(world: World, who: Person, case: Kase) -> httpx.Response:
        target = path.format(reference=case.reference, attachment=case.attachment_id)
        if not fields:
            return await who.browser.get(target)
        return await page_post(who, target, **fields)

    return call


async def sign_in_api(world: World, who: Person, case: Kase) -> httpx.Response:
    email = who.email or "nobody@test.kef.tn"
    return await world.api.post(
        "/api/v1/auth/token", data={"username": email, "password": PASSWORD}
    )


async def record_case(world: World, who: Person, case: Kase) -> httpx.Response:
    body = {"text": f"Trou dans la chaussée rue {who.role}", "category": "roads"}
    return await api(world, who, "POST", "/api/v1/cases", json=body)


async def replace_rules(world: World, who: Person, case: Kase) -> httpx.Response:
    return await api(world, who, "PUT", "/api/v1/routing/rules", json=world.rules)


async def change_structure(world: World, who: Person, case: Kase) -> httpx.Response:
    body = {"aliases": world.aliases}
    return await api(world, who, "PATCH", f"/api/v1/structures/{STRUCTURE_A}", json=body)


async def save_policy(world: World, who: Person, case: Kase) -> httpx.Response:
    return await api(world, who, "PUT", "/api/v1/deadline-policies", json=world.policy)


async def put_lexicon(world: World, who: Person, case: Kase) -> httpx.Response:
    body = {"terms": world.lexicon_terms}
    return await api(world, who, "PUT", "/api/v1/triage/lexicon/roads", json=body)


async def post_open311(world: World, who: Person, case: Kase) -> httpx.Response:
    form = {
        "api_key": world.open311_key,
        "service_code": "lighting",
        "description": "Lampadaire éteint rue de Tunis",
        "address_string": "El Kef",
    }
    return await api(world, who, "POST", "/open311/v2/requests.json", data=form)


async def revoke_key(world: World, who: Person, case: Kase) -> httpx.Response:
    path = f"/api/v1/open311/keys/{world.revocable_key_id}"
    return await api(world, who, "DELETE", path)


async def track_api(world: World, who: Person, case: Kase) -> httpx.Response:
    path = f"/api/v1/track/{case.reference}"
    return await api(world, who, "GET", path, params={"pin": case.pin})


def webhook(path: str) -> Call:
    """A provider's webhook without the provider's signature: the caller's role is no key."""

    async def call(world: World, who: Person, case: Kase) -> httpx.Response:
        return await api(world, who, "POST", path, data={"From": "+21698111111", "Body": "x"})

    return call


async def web_sign_in(world: World, who: Person, case: Kase) -> httpx.Response:
    browser = world.browser()
    form = await browser.get("/login")
    email = who.email or "nobody@test.kef.tn"
    return await browser.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": hidden(form.text, "csrf_token")},
    )


async def web_sign_out(world: World, who: Person, case: Kase) -> httpx.Response:
    browser, csrf = await signed_in_browser(world, who.role, who.email)  # not `who`'s own
    return await browser.post("/logout", data={"csrf_token": csrf})


async def counter_entry(world: World, who: Person, case: Kase) -> httpx.Response:
    return await page_post(
        who,
        "/counter",
        form_token=uuid.uuid4().hex,
        channel="counter",
        category="roads",
        governorate="Le Kef",
        municipality="El Kef",
        text=f"Trottoir effondré, noté par {who.role}",
    )


async def citizen_report(world: World, who: Person, case: Kase) -> httpx.Response:
    return await page_post(
        who,
        "/report",
        form_token=str(uuid.uuid4()),
        category="roads",
        governorate="Le Kef",
        municipality="El Kef",
        text="Nid de poule devant la poste",
    )


async def track_page(world: World, who: Person, case: Kase) -> httpx.Response:
    return await page_post(who, "/track", reference=case.reference, pin=case.pin)


async def support(world: World, who: Person, case: Kase) -> httpx.Response:
    await track_page(world, who, case)  # support is offered to a browser that showed the PIN
    return await page_post(who, "/track/support", reference=case.reference)


async def add_routing_row(world: World, who: Person, case: Kase) -> httpx.Response:
    return await page_post(who, "/admin/routing", action="add")


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Row:
    call: Call
    expect: dict[str, str]  # role → code, or "A B C" codes for a route that names a case
    on_cases: bool = False
    fresh: bool = False  # changes the case: each row gets its own three cases
    lists: dict[str, str] | None = None  # role → the kinds of case that must be listed
    pin_holder: bool = False  # with the PIN, the reporter reads their own case's text
    reveals: bool = False  # where done, the reporter's identity is the answer


def row(call: Call, *, anonymous: str, staff: str | None = None, **roles: str) -> Row:
    """A route about no case in particular; `staff` is every signed-in role not named."""
    return Row(call, _expect(anonymous, staff, roles))


def case_row(
    call: Call,
    *,
    anonymous: str,
    staff: str | None = None,
    fresh: bool = False,
    pin_holder: bool = False,
    reveals: bool = False,
    **roles: str,
) -> Row:
    """A route about a case: each cell is "A B C", or one code for all three."""
    expect = {
        role: " ".join(codes.split() * 3 if len(codes.split()) == 1 else codes.split())
        for role, codes in _expect(anonymous, staff, roles).items()
    }
    return Row(call, expect, True, fresh, None, pin_holder, reveals)


def list_row(call: Call, *, anonymous: str, staff: str, lists: dict[str, str]) -> Row:
    assert set(lists) == set(ROLES), "a list row says what every role sees"
    return Row(call, _expect(anonymous, staff, {}), lists=lists)


def _expect(anonymous: str, staff: str | None, roles: dict[str, str]) -> dict[str, str]:
    unknown = set(roles) - set(STAFF)
    assert not unknown, f"no such role: {unknown}"
    expect = {"anonymous": anonymous} | {role: roles.get(role, staff or "") for role in STAFF}
    missing = [role for role, code in expect.items() if not code]
    assert not missing, f"no expectation for {missing}"
    return expect


# The kinds of case a list names (B's cases are overdue: in the supervisor's queue).
SEES_ALL_PUBLIC = "AB"
NOTHING = ""

MATRIX: dict[tuple[str, str], Row] = {
    # ------------------------------------------------------------ lists (first: the rows
    # below add cases of their own, and a dashboard page holds fifty)
    ("GET", "/api/v1/cases"): list_row(
        get("/api/v1/cases", limit=500),
        anonymous="401",
        staff="200",
        lists={
            "anonymous": NOTHING,
            "administrator": SEES_ALL_PUBLIC,
            "supervisor": SEES_ALL_PUBLIC,
            "officer_a": "A",
            "officer_b": "B",
            "investigator": "C",
            "clerk": NOTHING,  # the triage queue and their own entries; these are neither
            "monitor": SEES_ALL_PUBLIC,  # without their text
        },
    ),
    ("GET", "/dashboard"): list_row(
        page("/dashboard?status=all"),
        anonymous="login",
        staff="200",
        lists={
            "anonymous": NOTHING,
            "administrator": SEES_ALL_PUBLIC,
            "supervisor": "B",  # overdue and escalated work only
            "officer_a": "A",
            "officer_b": "B",
            "investigator": "C",
            "clerk": NOTHING,
            "monitor": SEES_ALL_PUBLIC,
        },
    ),
    ("GET", "/dashboard/export.csv"): list_row(
        page("/dashboard/export.csv?status=all"),
        anonymous="login",
        staff="200",
        lists={
            "anonymous": NOTHING,
            "administrator": SEES_ALL_PUBLIC,
            "supervisor": "B",
            "officer_a": "A",
            "officer_b": "B",
            "investigator": "C",
            "clerk": NOTHING,
            "monitor": SEES_ALL_PUBLIC,
        },
    ),
    ("GET", "/open311/v2/requests.json"): list_row(
        get("/open311/v2/requests.json"),
        anonymous="200",
        staff="200",
        lists=dict.fromkeys(ROLES, SEES_ALL_PUBLIC),  # public data: never a corruption report
    ),
    ("GET", "/api/v1/stats"): list_row(
        get("/api/v1/stats"), anonymous="200", staff="200", lists=dict.fromkeys(ROLES, NOTHING)
    ),
    ("GET", "/api/v1/stats.csv"): list_row(
        get("/api/v1/stats.csv"), anonymous="200", staff="200", lists=dict.fromkeys(ROLES, NOTHING)
    ),
    # ------------------------------------------------------------ one case, through the API
    ("GET", "/api/v1/cases/{reference}"): case_row(
        call_api("GET", "/api/v1/cases/{reference}"),
        anonymous="401",
        administrator="200 200 404",
        supervisor="200 200 404",
        officer_a="200 404 404",
        officer_b="404 200 404",
        investigator="404 404 200",
        clerk="404",
        monitor="200 200 404",
    ),
    ("GET", "/api/v1/cases/{reference}/duplicates"): case_row(
        call_api("GET", "/api/v1/cases/{reference}/duplicates"),
        anonymous="401",
        administrator="200 200 404",
        supervisor="200 200 404",
        officer_a="200 404 404",
        officer_b="404 200 404",
        investigator="404 404 200",
        clerk="404",
        monitor="200 200 404",
    ),
    ("POST", "/api/v1/cases/{reference}/actions/{action}"): case_row(
        call_api("POST", "/api/v1/cases/{reference}/actions/start", json={}),
        fresh=True,
        anonymous="401",
        administrator="200 200 404",
        supervisor="200 200 404",
        officer_a="200 404 404",
        officer_b="404 200 404",
        investigator="404 404 200",
        clerk="404",
        monitor="403 403 404",
    ),
    ("POST", "/api/v1/cases/{reference}/reply"): case_row(
        call_api("POST", "/api/v1/cases/{reference}/reply", json={"text": "Nous y travaillons."}),
        fresh=True,
        anonymous="401",
        administrator="200 200 404",
        supervisor="200 200 404",
        officer_a="200 404 404",
        officer_b="404 200 404",
        investigator="404 404 200",
        clerk="403",
        monitor="403",
    ),
    ("POST", "/api/v1/cases/{reference}/notes"): case_row(
        call_api("POST", "/api/v1/cases/{reference}/notes", json={"text": "Vu avec le chef."}),
        fresh=True,
        anonymous="401",
        administrator="200 200 404",
        supervisor="200 200 404",
        officer_a="200 404 404",
        officer_b="404 200 404",
        investigator="404 404 200",
        clerk="403",
        monitor="403",
    ),
    # ------------------------------------------------------------ one case, on the pages
    ("GET", "/dashboard/cases/{reference}"): case_row(
        page_call_api("/dashboard/cases/{reference}"),
        anonymous="login",
        administrator="200 200 404",
        supervisor="200 200 404",
        officer_a="200 404 404",
        officer_b="404 200 404",
        investigator="404 404 200",
        clerk="404",
        monitor="200 200 404",
    ),
    ("GET", "/dashboard/cases/{reference}/attachments/{attachment_id}"): case_row(
        page_call_api("/dashboard/cases/{reference}/attachments/{attachment}"),
        anonymous="login",
        administrator="200 200 404",
        supervisor="200 200 404",
        officer_a="200 404 404",
        officer_b="404 200 404",
        investigator="404 404 200",
        clerk="404",
        monitor="404",  # a photo is not anonymised
    ),
    ("POST", "/dashboard/cases/{reference}/act"): case_row(
        page_call_api("/dashboard/cases/{reference}/act", action="start"),
        fresh=True,
        anonymous="login",
        administrator="303 303 404",
        supervisor="303 303 404",
        officer_a="303 404 404",
        officer_b="404 303 404",
        investigator="404 404 303",
        clerk="404",
        monitor="403 403 404",
    ),
    ("POST", "/dashboard/cases/{reference}/reply"): case_row(
        page_call_api("/dashboard/cases/{reference}/reply", text="Nous y travaillons."),
        fresh=True,
        anonymous="login",
        administrator="303 303 404",
        supervisor="303 303 404",
        officer_a="303 404 404",
        officer_b="404 303 404",
        investigator="404 404 303",
        clerk="403",
        monitor="403",
    ),
    ("POST", "/dashboard/cases/{reference}/note"): case_row(
        page_call_api("/dashboard/cases/{reference}/note", text="Vu avec le chef."),
        fresh=True,
        anonymous="login",
        administrator="303 303 404",
        supervisor="303 303 404",
        officer_a="303 404 404",
        officer_b="404 303 404",
        investigator="404 404 303",
        clerk="403",
        monitor="403",
    ),
    ("POST", "/dashboard/cases/{reference}/reveal"): case_row(
        page_call_api(
            "/dashboard/cases/{reference}/reveal", reason="Audition du témoin, dossier 2026/114"
        ),
        fresh=True,
        reveals=True,
        anonymous="login",
        administrator="403 403 404",
        supervisor="403 403 404",
        officer_a="403 404 404",
        officer_b="404 403 404",
        investigator="404 404 200",
        clerk="404",
        monitor="403 403 404",
    ),
    # ------------------------------------------------------------ one case, in public
    ("GET", "/open311/v2/requests/{service_request_id}.json"): case_row(
        call_api("GET", "/open311/v2/requests/{reference}.json"),
        anonymous="200 200 404",
        staff="200 200 404",
    ),
    ("GET", "/api/v1/track/{reference}"): case_row(
        track_api, pin_holder=True, anonymous="200", staff="200"
    ),
    ("POST", "/track"): case_row(track_page, pin_holder=True, anonymous="200", staff="200"),
    ("POST", "/track/support"): case_row(
        support, pin_holder=True, anonymous="200 200 403", staff="200 200 403"
    ),
    # ------------------------------------------------------------ staff API
    ("POST", "/api/v1/auth/token"): row(sign_in_api, anonymous="401", staff="200"),
    ("POST", "/api/v1/cases"): row(record_case, anonymous="401", staff="201", monitor="403"),
    ("GET", "/api/v1/routing/rules"): row(
        get("/api/v1/routing/rules"),
        anonymous="401",
        staff="403",
        administrator="200",
        supervisor="200",
    ),
    ("PUT", "/api/v1/routing/rules"): row(
        replace_rules, anonymous="401", staff="403", administrator="200"
    ),
    ("GET", "/api/v1/structures"): row(get("/api/v1/structures"), anonymous="401", staff="200"),
    ("PATCH", "/api/v1/structures/{code}"): row(
        change_structure, anonymous="401", staff="403", administrator="200"
    ),
    ("GET", "/api/v1/calendar/days-off"): row(
        get("/api/v1/calendar/days-off"), anonymous="401", staff="200"
    ),
    ("POST", "/api/v1/calendar/days-off"): row(
        call_api("POST", "/api/v1/calendar/days-off", json={"day": DAY_OFF, "reason": "matrix"}),
        anonymous="401",
        staff="403",
        administrator="201",
    ),
    # after the row above: the administrator removes the day it added
    ("DELETE", "/api/v1/calendar/days-off/{day}"): row(
        call_api("DELETE", f"/api/v1/calendar/days-off/{DAY_OFF}"),
        anonymous="401",
        staff="403",
        administrator="200",
    ),
    ("GET", "/api/v1/deadline-policies"): row(
        get("/api/v1/deadline-policies"), anonymous="401", staff="200"
    ),
    ("PUT", "/api/v1/deadline-policies"): row(
        save_policy, anonymous="401", staff="403", administrator="200"
    ),
    ("POST", "/api/v1/triage"): row(
        call_api("POST", "/api/v1/triage", json={"text": "el ma ma9tou3 men 3 ayem"}),
        anonymous="200",
        staff="200",
    ),
    ("GET", "/api/v1/triage/lexicon"): row(
        get("/api/v1/triage/lexicon"), anonymous="401", staff="200"
    ),
    ("PUT", "/api/v1/triage/lexicon/{category}"): row(
        put_lexicon, anonymous="401", staff="403", administrator="200"
    ),
    ("GET", "/api/v1/triage/corrections.jsonl"): row(
        get("/api/v1/triage/corrections.jsonl"),
        anonymous="401",
        staff="403",
        administrator="200",
    ),
    ("POST", "/api/v1/open311/keys"): row(
        call_api("POST", "/api/v1/open311/keys", json={"name": "matrix"}),
        anonymous="401",
        staff="403",
        administrator="201",
    ),
    ("DELETE", "/api/v1/open311/keys/{key_id}"): row(
        revoke_key, anonymous="401", staff="403", administrator="204"
    ),
    # ------------------------------------------------------------ public API and open data
    ("GET", "/open311/v2/services.json"): row(
        get("/open311/v2/services.json"), anonymous="200", staff="200"
    ),
    ("GET", "/open311/v2/services/{code}.json"): row(
        get("/open311/v2/services/water.json"), anonymous="200", staff="200"
    ),
    # an Open311 client is known by its api_key, whoever else the caller is
    ("POST", "/open311/v2/requests.json"): row(post_open311, anonymous="201", staff="201"),
    # ------------------------------------------------------------ provider webhooks: only
    # the provider's signature or secret opens them, never a staff token
    ("POST", "/channels/sms/twilio"): row(
        webhook("/channels/sms/twilio"), anonymous="403", staff="403"
    ),
    ("POST", "/channels/sms/twilio/status"): row(
        webhook("/channels/sms/twilio/status"), anonymous="403", staff="403"
    ),
    ("POST", "/channels/telegram"): row(
        webhook("/channels/telegram"), anonymous="403", staff="403"
    ),
    # ------------------------------------------------------------ operations and documentation
    ("GET", "/healthz"): row(get("/healthz"), anonymous="200", staff="200"),
    ("GET", "/readyz"): row(get("/readyz"), anonymous="200", staff="200"),
    ("GET", "/metrics"): row(get("/metrics"), anonymous="200", staff="200"),
    ("GET", "/openapi.json"): row(get("/openapi.json"), anonymous="200", staff="200"),
    ("GET", "/docs"): row(get("/docs"), anonymous="200", staff="200"),
    ("GET", "/docs/oauth2-redirect"): row(
        get("/docs/oauth2-redirect"), anonymous="200", staff="200"
    ),
    ("GET", "/redoc"): row(get("/redoc"), anonymous="200", staff="200"),
    ("GET", "/static"): row(page("/static/app.css"), anonymous="200", staff="200"),
    # ------------------------------------------------------------ pages
    ("GET", "/"): row(page("/"), anonymous="200", staff="200"),
    ("GET", "/login"): row(page("/login"), anonymous="200", staff="200"),
    ("POST", "/login"): row(web_sign_in, anonymous="401", staff="303"),
    ("GET", "/logout"): row(page("/logout"), anonymous="303", staff="200"),
    ("POST", "/logout"): row(web_sign_out, anonymous="303", staff="303"),
    ("GET", "/counter"): row(page("/counter"), anonymous="login", staff="200", monitor="403"),
    ("POST", "/counter"): row(counter_entry, anonymous="login", staff="200", monitor="403"),
    ("GET", "/report"): row(page("/report"), anonymous="200", staff="200"),
    ("POST", "/report"): row(citizen_report, anonymous="200", staff="200"),
    ("GET", "/track"): row(page("/track"), anonymous="200", staff="200"),
    ("GET", "/admin/routing"): row(
        page("/admin/routing"), anonymous="login", staff="403", administrator="200"
    ),
    ("POST", "/admin/routing"): row(
        add_routing_row, anonymous="login", staff="403", administrator="200"
    ),
    ("GET", "/stats"): list_row(
        page("/stats"), anonymous="200", staff="200", lists=dict.fromkeys(ROLES, NOTHING)
    ),
}


# ---------------------------------------------------------------- the routes of the app


def routes_of(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path template) the app answers, HEAD aside (it follows GET)."""
    found = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            found.add(("GET", str(route.path)))
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, str(route.path)))
    return found


def unmatched(app: FastAPI) -> list[str]:
    """Routes without a row, and rows without a route: both mean the table is out of date."""
    routes = routes_of(app)
    missing = [f"no row for {m} {p}" for m, p in sorted(routes - set(MATRIX))]
    stale = [f"a row for {m} {p}, which no longer exists" for m, p in sorted(set(MATRIX) - routes)]
    return missing + stale


def test_every_route_has_a_row(tmp_path: Path) -> None:
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path))
    assert not unmatched(app), "the authorization matrix is out of date:\n" + "\n".join(
        unmatched(app)
    )


# ---------------------------------------------------------------- building the world


async def make_person(world: World, role: str) -> Person:
    if role == "anonymous":
        browser, csrf = await signed_in_browser(world, role, None)
        return Person(role, None, {}, browser, csrf)
    structure = {"officer_a": STRUCTURE_A, "officer_b": STRUCTURE_B}.get(role)
    email = f"matrix-{role}@test.kef.tn"
    async with world.state.sessions() as session:
        await create_user(session, email, PASSWORD, "officer" if structure else role, structure)
    token = await world.api.post(
        "/api/v1/auth/token", data={"username": email, "password": PASSWORD}
    )
    assert token.status_code == 200, token.text
    browser, csrf = await signed_in_browser(world, role, email)
    return Person(
        role, email, {"Authorization": f"Bearer {token.json()['access_token']}"}, browser, csrf
    )


async def make_case(
    world: World, recorder: dict[str, str], letter: str, category: str | None = None
) -> Kase:
    name, phone = REPORTERS[letter]
    body = {
        "text": TEXTS[letter],
        "channel": "counter",
        "category": category or CATEGORIES[letter],
        "language": "fr",
        "name": name,
        "phone": phone,
        "governorate": "Le Kef",
        "municipality": "El Kef",
        "attachments": [{"filename": "photo.png", "content_base64": b64(png_bytes())}],
    }
    created = await world.api.post("/api/v1/cases", json=body, headers=recorder)
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    async with world.state.sessions() as session:
        case = (await session.scalars(select(Case).where(col(Case.reference) == reference))).one()
        attachment = (
            await session.scalars(select(Attachment).where(col(Attachment.case_id) == case.id))
        ).one()
        sealed, structure_id = case.sealed, case.structure_id
    assert sealed == (body["category"] == "corruption"), (letter, category)
    assert attachment.id is not None and structure_id is not None
    return Kase(letter, reference, created.json()["pin"], attachment.id)


async def build_world(world: World) -> None:
    async with world.state.sessions() as session:
        await create_user(session, "matrix-recorder@test.kef.tn", PASSWORD, "clerk")
    token = await world.api.post(
        "/api/v1/auth/token", data={"username": "matrix-recorder@test.kef.tn", "password": PASSWORD}
    )
    recorder = {"Authorization": f"Bearer {token.json()['access_token']}"}
    for role in ROLES:
        world.people[role] = await make_person(world, role)

    world.shared = {letter: [await make_case(world, recorder, letter)] for letter in "ABC"}
    # A second corruption report, reached the way a clerk finds one: recorded as "other"
    # from the counter, then reclassified (which seals it and keeps a triage correction).
    c2 = await make_case(world, recorder, "C", category="other")
    reclassified = await world.api.post(
        f"/api/v1/cases/{c2.reference}/actions/reclassify",
        json={"category": "corruption"},
        headers=recorder,
    )
    assert reclassified.status_code == 200, reclassified.text
    assert "left your queue" in reclassified.json()["detail"], reclassified.text
    async with world.state.sessions() as session:
        assert await session.scalar(select(Case.sealed).where(col(Case.reference) == c2.reference))
    world.shared["C"].append(c2)
    for key, entry in MATRIX.items():
        if entry.fresh:
            world.fresh[" ".join(key)] = {
                letter: await make_case(world, recorder, letter) for letter in "ABC"
            }
    # B's cases are overdue: the supervisor's queue shows them, and only them.
    b_refs = [k.reference for k in world.every_case() if k.letter == "B"]
    async with world.state.sessions() as session:
        await session.execute(
            update(Case).where(col(Case.reference).in_(b_refs)).values(overdue=True)
        )
        await session.commit()

    admin = world.people["administrator"].api
    world.rules = (await world.api.get("/api/v1/routing/rules", headers=admin)).json()
    for rule in world.rules:
        rule.pop("position")
    structures = (await world.api.get("/api/v1/structures", headers=admin)).json()
    world.aliases = next(s["aliases"] for s in structures if s["code"] == STRUCTURE_A)
    # A policy for a category and structure that none of the cases here has.
    world.policy = {
        "category": "transport",
        "structure": "transport-kef",
        "first_response_days": 5,
        "resolution_days": 30,
    }
    lexicon = (await world.api.get("/api/v1/triage/lexicon", headers=admin)).json()
    world.lexicon_terms = [
        {"term": t["term"], "weight": t["weight"]}
        for t in lexicon["categories"].get("roads", [])
        if t["source"] == "administrator"
    ]
    keys = [
        (await world.api.post("/api/v1/open311/keys", json={"name": n}, headers=admin)).json()
        for n in ("matrix client", "matrix key to revoke")
    ]
    world.open311_key, world.revocable_key_id = keys[0]["api_key"], keys[1]["id"]


# ---------------------------------------------------------------- judging one answer


def outcome(response: httpx.Response) -> str:
    """The answer as a matrix code."""
    if response.status_code == 303 and response.headers["location"].startswith("/login"):
        return "login"
    return str(response.status_code)


def same_as_nowhere(response: httpx.Response, case: Kase, ghost: httpx.Response) -> bool:
    """A secret case answers what a reference that exists nowhere answers, word for word."""

    def neutral(answer: httpx.Response, reference: str) -> str:
        return answer.text.replace(reference, "{reference}")

    return response.status_code == ghost.status_code and neutral(
        response, case.reference
    ) == neutral(ghost, GHOST)


def leaks(role: str, entry: Row, case: Kase | None, response: httpx.Response) -> list[str]:
    """What this answer shows that the role may not see."""
    found = []
    body = response.text
    done = outcome(response) in ("200", "201", "204", "303")
    for letter, marker in MARKERS.items():
        own = entry.pin_holder and done and case is not None and case.letter == letter
        if letter not in READS_TEXT[role] and not own and marker in body:
            found.append(f"the text of a case {letter}")
    for letter, (name, phone) in REPORTERS.items():
        revealed = entry.reveals and done and case is not None and case.letter == letter
        shown = [s for s in (name, phone, phone.replace(" ", "")) if s in body]
        if shown and not revealed:
            found.append(f"the identity of case {letter}'s reporter ({', '.join(shown)})")
    return found


def listed(world: World, kinds: str, response: httpx.Response) -> list[str]:
    """Every case of the kinds given must be in the list, and no other."""
    problems = []
    for case in world.every_case():
        present = case.reference in response.text
        if present != (case.letter in kinds):
            verb = "lists" if present else "does not list"
            problems.append(f"{verb} case {case.letter} {case.reference}")
    return problems


async def run_cell(
    world: World, key: tuple[str, str], entry: Row, who: Person
) -> tuple[int, list[str]]:
    method, path = key
    where = f"{who.role} {method} {path}"
    failures: list[str] = []
    if not entry.on_cases:
        response = await entry.call(world, who, Kase("none", GHOST, "000000", 1))
        expected, got = entry.expect[who.role], outcome(response)
        if got != expected:
            failures.append(f"{where}: expected {expected}, got {got}: {response.text[:300]}")
        failures += [f"{where}: shows {leak}" for leak in leaks(who.role, entry, None, response)]
        if entry.lists is not None and got == expected:
            kinds = entry.lists[who.role]
            failures += [f"{where}: {p}" for p in listed(world, kinds, response)]
        return 1, failures

    trio = world.fresh.get(" ".join(key)) or {k: world.shared[k][0] for k in "ABC"}
    cells = 0
    for case, expected in zip(trio.values(), entry.expect[who.role].split(), strict=True):
        cells += 1
        response = await entry.call(world, who, case)
        got = outcome(response)
        named = f"{where} on case {case.letter} ({case.reference})"
        if got != expected:
            failures.append(f"{named}: expected {expected}, got {got}: {response.text[:300]}")
        failures += [f"{named}: shows {leak}" for leak in leaks(who.role, entry, case, response)]
        if expected == "404":
            ghost = await entry.call(world, who, Kase("ghost", GHOST, case.pin, case.attachment_id))
            if not same_as_nowhere(response, case, ghost):
                failures.append(
                    f"{named}: answers otherwise than a reference that exists nowhere "
                    f"({ghost.status_code}: {ghost.text[:200]!r} vs "
                    f"{response.status_code}: {response.text[:200]!r})"
                )
    return cells, failures


# ---------------------------------------------------------------- the one test that runs it all


async def test_authorization_matrix(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cheap password hashes: some forty sign-ins here test who may enter, not argon2's cost.
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    settings = settings_for(
        database_url,
        tmp_path,
        report_rate_limit_per_hour=10_000,  # every role files and supports from one address
        **CHANNELS_ON,
    )
    app = create_app(settings)
    assert not unmatched(app), unmatched(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        world = World(app, app.state.hub, client)
        try:
            await build_world(world)
            failures: list[str] = []
            cells = 0
            for key, entry in MATRIX.items():
                for role in ROLES:
                    counted, found = await run_cell(world, key, entry, world.people[role])
                    cells += counted
                    failures += found
        finally:
            for browser in world.opened:
                await browser.aclose()
            await app.state.hub.engine.dispose()
    assert cells >= len(MATRIX) * len(ROLES)
    assert not failures, f"{len(failures)} of {cells} cells are wrong:\n" + "\n".join(failures)
