"""The dashboard and the case page in headless Chromium, as the cell and the structures use them.

The hub runs for real (uvicorn on a free port, in-process jobs, a copy of the seeded
SQLite database); Twilio is channels.sms.fake_twilio on another local port. Cases
come in through the real API with a clerk's token, or through a signed Twilio
webhook; staff sign in through /login. tests/web/test_dashboard.py covers the
rules through httpx; these tests prove what a person sees and does in a browser.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Response,
    expect,
    sync_playwright,
)
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from twilio.request_validator import RequestValidator

from channels.sms.fake_twilio import FakeTwilio, SentSms
from hub.db import make_engine, make_sessionmaker
from hub.i18n import Language
from hub.models import Case, CaseEvent, OutboxItem, Structure, User, utcnow
from hub.settings import Settings
from hub.users import create_user
from hub.web.reply_templates import REPLY_TEMPLATES
from tests.conftest import SECRET, free_port
from tests.factories import case_body
from tests.web.conftest import PASSWORD
from tests.web.live import CHROMIUM_ARGS, chromium_path, served

T = TypeVar("T")

ACCOUNT_SID = "AC3f9a1c2e7b5d4068a9e1f2c3b4d5e6f7"
AUTH_TOKEN = "test-twilio-auth-token-0123456789"
HUB_NUMBER = "+21670000000"
SMS_CITIZEN = "+21697555123"
REFERENCE = re.compile(r"KEF-[0-9A-Z]{4}-[0-9A-Z]{4}")
SHOTS = Path("/tmp/shots")  # copies for people to look at, outside the repository
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Who works in the hub during these tests: key → (role, structure, page language).
STAFF = {
    "clerk": ("clerk", None, "fr"),
    "sonede": ("officer", "sonede-kef", "fr"),
    "steg": ("officer", "steg-kef", "en"),
    "town": ("officer", "kef-municipality", "ar"),
    "investigator": ("investigator", None, "en"),
    "supervisor": ("supervisor", None, "en"),
}
BRIBE = "Un agent de la SONEDE district du Kef demande une rachwa de 200 dinars pour le compteur"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def email_of(key: str) -> str:
    return f"{key}@test.kef.tn"


# ---------------------------------------------------------------- the hub, the browser


def in_thread(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on its own loop: Playwright's sync API owns this thread's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result(timeout=30)


# httpx waits 5 s by default; a loaded machine (argon2 at sign-in, two cores shared
# with Chromium) once took longer. A wrong answer still fails at once.
PATIENCE = 30.0


@dataclass
class Hub:
    url: str
    settings: Settings
    twilio: FakeTwilio
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def headers(self, key: str) -> dict[str, str]:
        if key not in self.tokens:
            answer = httpx.post(
                f"{self.url}/api/v1/auth/token",
                data={"username": email_of(key), "password": PASSWORD},
                timeout=PATIENCE,
            )
            assert answer.status_code == 200, answer.text
            self.tokens[key] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        return self.tokens[key]

    def record(self, **fields: object) -> str:
        """A case recorded by the clerk through POST /api/v1/cases; returns its reference."""
        created = httpx.post(
            f"{self.url}/api/v1/cases",
            json=case_body(**fields),
            headers=self.headers("clerk"),
            timeout=PATIENCE,
        )
        assert created.status_code == 201, created.text
        return str(created.json()["reference"])

    def text_in(self, text: str, sender: str) -> None:
        """An SMS from a citizen, as Twilio posts it: form-encoded and signed."""
        sid = f"SM{time.time_ns():032x}"
        params = {
            "ToCountry": "TN",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "SmsSid": sid,
            "SmsStatus": "received",
            "Body": text,
            "FromCountry": "TN",
            "To": HUB_NUMBER,
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "ApiVersion": "2010-04-01",
        }
        webhook = f"{self.url}/channels/sms/twilio"
        signature = RequestValidator(AUTH_TOKEN).compute_signature(webhook, params)
        answer = httpx.post(
            webhook, data=params, headers={"X-Twilio-Signature": signature}, timeout=PATIENCE
        )
        assert answer.status_code == 200, answer.text

    def delivered(self, sms: SentSms) -> None:
        """Twilio's status callback for a message it was given: delivered to the phone."""
        assert sms.status_callback, "the hub asked for no delivery report"
        params = {
            "SmsSid": sms.sid,
            "SmsStatus": "delivered",
            "MessageStatus": "delivered",
            "To": sms.to,
            "MessageSid": sms.sid,
            "AccountSid": ACCOUNT_SID,
            "From": sms.from_,
            "ApiVersion": "2010-04-01",
        }
        signature = RequestValidator(AUTH_TOKEN).compute_signature(sms.status_callback, params)
        answer = httpx.post(
            sms.status_callback,
            data=params,
            headers={"X-Twilio-Signature": signature},
            timeout=PATIENCE,
        )
        assert answer.status_code in (200, 204), answer.text

    def db(self, work: Callable[[AsyncSession], Coroutine[Any, Any, T]]) -> T:
        """Read or change the hub's own database while it runs."""

        async def run() -> T:
            engine = make_engine(self.settings)
            try:
                async with make_sessionmaker(engine)() as session:
                    return await work(session)
            finally:
                await engine.dispose()

        return in_thread(run)


async def make_staff(settings: Settings) -> None:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        for key, (role, structure, language) in STAFF.items():
            await create_user(
                session,
                email_of(key),
                PASSWORD,
                role,
                structure,
                full_name=key.capitalize(),
                language=language,
            )
    await engine.dispose()


@pytest.fixture(scope="module")
def staffed_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded database with the staff of these tests (argon2 is slow: hash once)."""
    folder = tmp_path_factory.mktemp("dashboard-browser")
    path = folder / "staffed.db"
    shutil.copyfile(sqlite_template, path)
    settings = Settings(
        secret_key=SecretStr(SECRET), database_url=f"sqlite:///{path}", data_dir=folder
    )
    in_thread(lambda: make_staff(settings))
    return path


@pytest.fixture
def hub(staffed_template: Path, tmp_path: Path) -> Iterator[Hub]:
    """The real app on a free local port, its SMS channel pointed at a local fake Twilio."""
    database = tmp_path / "hub.db"
    shutil.copyfile(staffed_template, database)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        settings = Settings(
            secret_key=SecretStr(SECRET),
            database_url=f"sqlite:///{database}",
            data_dir=tmp_path,
            public_url=url,
            redis_url=None,  # the in-process job loop delivers the outbox
            twilio_account_sid=ACCOUNT_SID,
            twilio_auth_token=SecretStr(AUTH_TOKEN),
            twilio_from=HUB_NUMBER,
            twilio_api_base=twilio.base_url,
        )
        with served(settings, port):
            yield Hub(url, settings, twilio)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the module; every person gets their own context (cookies)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Staff:
    page: Page
    problems: list[str]  # script errors, CSP violations, failed requests
    dialogs: list[str]


SignIn = Callable[..., Staff]


@pytest.fixture
def sign_in(chromium: Browser, hub: Hub) -> Iterator[SignIn]:
    """A staff member's own browser, signed in through the /login page."""
    opened: list[BrowserContext] = []

    def open_as(key: str, width: int = 1280, height: int = 900) -> Staff:
        context = chromium.new_context(viewport={"width": width, "height": height})
        opened.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        seen = Staff(page, [], [])
        page.on("console", lambda m: seen.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: seen.problems.append(str(error)))
        page.on(
            "response",
            lambda r: seen.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

        def dismiss(dialog: Dialog) -> None:
            seen.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", dismiss)
        page.goto(f"{hub.url}/login")
        page.fill("#email", email_of(key))
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{hub.url}/dashboard")
        return seen

    yield open_as
    for context in opened:
        context.close()


def rows(page: Page) -> list[str]:
    return [
        str(row.get_attribute("data-reference"))
        for row in page.locator("#queue tbody tr[data-reference]").all()
    ]


def search(page: Page, words: str) -> None:
    """Type in the dashboard's search box and press the form's button."""
    page.fill("#q", words)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")


def open_case(page: Page, reference: str) -> None:
    with page.expect_navigation():
        page.click(f"#queue tr[data-reference='{reference}'] td.code a")
    expect(page.locator("#reference")).to_have_text(reference)


def shoot(page: Page, path: Path) -> bytes:
    """A full-page screenshot, checked to be a real, non-trivial PNG."""
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, path
    assert len(data) > 5_000, (path, len(data))  # a blank page compresses to far less
    return data


def keep(path: Path, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SHOTS / name)


# ---------------------------------------------------------------- the tests


def test_officer_queue_shows_only_their_structure(hub: Hub, sign_in: SignIn) -> None:
    leak = hub.record(category="water", text="Fuite d'eau rue de Tunis devant la pharmacie")
    meter = hub.record(category="water", text="Compteur d'eau cassé à la cité Ennour")
    power = {hub.record(category="electricity", text="Coupure de courant au quartier Dyr")}
    roads = hub.record(category="roads", text="Nid de poule avenue Habib Bourguiba")
    hub.record(category="corruption", text=BRIBE)

    sonede = sign_in("sonede")
    assert set(rows(sonede.page)) == {leak, meter}
    search(sonede.page, "pharmacie")  # the search form, as a person sends it
    assert rows(sonede.page) == [leak]
    open_case(sonede.page, leak)
    expect(sonede.page.locator("#structure")).to_have_text("SONEDE district du Kef")
    assert sonede.problems == [], sonede.problems

    steg = sign_in("steg")
    assert set(rows(steg.page)) == power
    search(steg.page, roads)  # another structure's reference finds nothing
    assert rows(steg.page) == []
    expect(steg.page.locator("#empty")).to_be_visible()

    town = sign_in("town")
    assert rows(town.page) == [roads]
    assert steg.problems == [] and town.problems == [], steg.problems + town.problems


def test_corruption_report_reaches_the_cell_never_the_structure_it_names(
    hub: Hub, sign_in: SignIn
) -> None:
    bribe = hub.record(category="corruption", text=BRIBE)
    meter = hub.record(category="water", text="Le compteur d'eau fuit depuis une semaine")

    async def named(session: AsyncSession) -> tuple[str, int | None]:
        case = (await session.scalars(select(Case).where(col(Case.reference) == bribe))).one()
        sonede = (
            await session.scalars(select(Structure).where(col(Structure.code) == "sonede-kef"))
        ).one()
        return case.hidden_from, sonede.id

    hidden_from, sonede_id = hub.db(named)
    assert f"|{sonede_id}|" in hidden_from  # the report names SONEDE: hidden from it

    investigator = sign_in("investigator")
    assert rows(investigator.page) == [bribe]
    expect(investigator.page.locator(f"tr[data-reference='{bribe}'] td.summary")).to_contain_text(
        "rachwa de 200 dinars"
    )
    open_case(investigator.page, bribe)
    expect(investigator.page.locator("#timeline")).to_contain_text(BRIBE)
    expect(investigator.page.locator(".badge-sealed")).to_be_visible()
    assert investigator.problems == [], investigator.problems

    officer = sign_in("sonede")
    assert rows(officer.page) == [meter]
    expect(officer.page.locator("main")).not_to_contain_text("rachwa")
    search(officer.page, "rachwa")
    assert rows(officer.page) == []
    expect(officer.page.locator("#empty")).to_be_visible()
    search(officer.page, "compteur")  # a word of both: only the officer's own case
    assert rows(officer.page) == [meter]
    search(officer.page, bribe)  # its reference is no door either
    assert rows(officer.page) == []
    answer = officer.page.goto(f"{hub.url}/dashboard/cases/{bribe}")
    assert answer is not None and answer.status == 404
    expect(officer.page.locator("main")).not_to_contain_text("rachwa")
    refused = [f"404 {hub.url}/dashboard/cases/{bribe}"]
    console_404 = "Failed to load resource: the server responded with a status of 404 (Not Found)"
    assert [p for p in officer.problems if p != console_404] == refused, officer.problems


def test_investigator_reveals_the_reporter_with_a_reason(hub: Hub, sign_in: SignIn) -> None:
    bribe = hub.record(category="corruption", text=BRIBE, phone="98 123 456", name="Amel Ben Salah")
    reason = "Witness interview planned by the cell, file 2026/114"
    investigator = sign_in("investigator")
    page = investigator.page
    open_case(page, bribe)
    identity = page.locator("#identity")
    expect(identity).to_have_text("Identity hidden")
    expect(page.locator("main")).not_to_contain_text("Amel")
    expect(page.locator("#reveal-form")).to_be_hidden()  # folded away until asked for

    page.click("details.reveal summary")
    expect(page.locator("#reveal-form")).to_be_visible()
    page.fill("#reveal-reason", reason)
    with page.expect_navigation():
        page.click("#reveal-form button[type=submit]")
    expect(identity).to_contain_text("Amel Ben Salah")
    expect(identity).to_contain_text("+21698123456")
    expect(page.locator("#reveal-form")).to_have_count(0)

    page.goto(f"{hub.url}/dashboard/cases/{bribe}")  # back to the page: sealed again
    expect(identity).to_have_text("Identity hidden")
    expect(page.locator("main")).not_to_contain_text("Amel")
    expect(page.locator("main")).not_to_contain_text("98123456")
    expect(page.locator("#timeline")).to_contain_text(reason)  # the reveal is in the history
    assert investigator.problems == [], investigator.problems

    async def recorded(session: AsyncSession) -> tuple[list[str], list[OutboxItem], int | None]:
        case = (await session.scalars(select(Case).where(col(Case.reference) == bribe))).one()
        reveals = (
            await session.scalars(
                select(col(CaseEvent.data)).where(
                    col(CaseEvent.case_id) == case.id, col(CaseEvent.kind) == "identity_revealed"
                )
            )
        ).all()
        told = (
            await session.scalars(
                select(OutboxItem).where(col(OutboxItem.purpose) == "staff_identity_revealed")
            )
        ).all()
        chief = (
            await session.scalars(select(User).where(col(User.email) == email_of("supervisor")))
        ).one()
        return list(reveals), list(told), chief.id

    reveals, told, supervisor_id = hub.db(recorded)
    assert len(reveals) == 1 and reason in reveals[0]
    assert len(told) == 1, told
    assert json.loads(told[0].payload)["user_id"] == supervisor_id  # the supervisor is told
    assert bribe in told[0].payload and reason in told[0].payload
    assert "98123456" not in told[0].payload and "Amel" not in told[0].payload


def test_reply_from_the_case_page_reaches_the_citizens_phone(
    hub: Hub, sign_in: SignIn, tmp_path: Path
) -> None:
    hub.text_in("Coupure d'eau potable au robinet depuis trois jours, cité Ennour", SMS_CITIZEN)
    receipt = hub.twilio.wait_for_sms(SMS_CITIZEN, 1, timeout=15)
    assert len(receipt) == 1, "the citizen got no receipt"
    found = REFERENCE.search(receipt[0].body)
    assert found, receipt[0].body
    reference = found.group(0)

    officer = sign_in("sonede")
    page = officer.page
    assert rows(page) == [reference]
    open_case(page, reference)
    expect(page.locator("#timeline")).to_contain_text("Coupure d'eau potable au robinet")

    page.select_option("#template", "need_place")
    page.select_option("#reply_language", "fr")
    with page.expect_navigation():
        page.click(".templates-form button[type=submit]")
    expect(page.locator("#reply-text")).to_have_value(REPLY_TEMPLATES["need_place"]["fr"])

    typed = "Bonjour, l'équipe SONEDE passe demain matin rue de la cité Ennour."
    page.fill("#reply-text", typed)
    with page.expect_navigation():
        page.click("#reply-form button[type=submit]")
    expect(page.locator("#done")).to_be_visible()

    answers = hub.twilio.wait_for_sms(SMS_CITIZEN, 2, timeout=15)
    assert len(answers) == 2, [sms.body for sms in answers]
    assert answers[1].to == SMS_CITIZEN and answers[1].from_ == HUB_NUMBER
    assert answers[1].body == f"{reference} : {typed}"

    outbound = page.locator("#timeline .entry-outbound").last
    expect(outbound.locator(".body")).to_have_text(typed)
    # Twilio reports the delivery: the officer sees it on the answer in the timeline.
    hub.delivered(answers[1])
    page.reload()
    expect(outbound.locator(".delivery")).to_have_text(Language("fr").gettext("delivered"))
    page.fill("#note-text", "Équipe B prévenue, passage prévu à 8 h.")
    with page.expect_navigation():
        page.click("#note-form button[type=submit]")
    shot = tmp_path / "case-fr.png"
    shoot(page, shot)
    keep(shot, "browser-case-fr.png")
    assert officer.problems == [] and officer.dialogs == [], officer.problems + officer.dialogs


def test_script_in_a_complaint_stays_text(hub: Hub, sign_in: SignIn) -> None:
    reference = hub.record(category="water", text=XSS)
    officer = sign_in("sonede")
    page = officer.page
    summary = page.locator(f"tr[data-reference='{reference}'] td.summary")
    assert XSS in summary.inner_text()
    assert page.locator("#queue script, #queue img").count() == 0  # nothing became markup
    assert page.evaluate("window.__xss") is None

    open_case(page, reference)
    expect(page.locator("#timeline .entry .body").first).to_have_text(XSS)
    assert page.locator("#timeline script, #timeline img").count() == 0
    assert page.evaluate("window.__xss") is None

    response: Response | None = page.goto(
        f"{hub.url}/dashboard?" + str(httpx.QueryParams({"q": XSS}))
    )
    assert response is not None and response.status == 200
    expect(page.locator("#q")).to_have_value(XSS)  # the search box gives it back as text
    assert page.locator("form.filters img, form.filters script").count() == 0
    assert page.evaluate("window.__xss") is None
    assert officer.dialogs == [] and officer.problems == [], officer.dialogs + officer.problems


TOWN_CASES = [
    ("roads", "حفرة كبيرة أمام المدرسة الابتدائية في نهج الحبيب بورقيبة، خطر على الأطفال"),
    ("waste", "الفضلات متراكمة منذ أسبوع قرب السوق البلدي ولم يمر شاحن الفضلات"),
    ("lighting", "التنوير العمومي مقطوع في حي الدير منذ عشرة أيام والنهج مظلم ليلا"),
    ("public_hygiene", "Les égouts débordent devant le marché municipal, odeur insupportable"),
    ("civil_status", "Extrait de naissance demandé il y a trois semaines, toujours pas prêt"),
]


def test_arabic_pages_read_right_to_left(hub: Hub, sign_in: SignIn, tmp_path: Path) -> None:
    made = [hub.record(category=code, text=text, language=None) for code, text in TOWN_CASES]

    async def age(session: AsyncSession) -> None:  # a queue as it looks after some days
        late = utcnow() - timedelta(days=3)
        await session.execute(
            update(Case)
            .where(col(Case.reference) == made[0])
            .values(overdue=True, first_response_due_at=late, supporters_count=12)
        )
        await session.execute(
            update(Case).where(col(Case.reference) == made[1]).values(supporters_count=4)
        )
        await session.commit()

    hub.db(age)
    town = sign_in("town")  # an officer whose language is Arabic
    page = town.page
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert set(rows(page)) == set(made)
    assert page.evaluate("getComputedStyle(document.querySelector('#queue')).direction") == "rtl"
    heads = page.locator("#queue thead th")
    first, last = heads.first.bounding_box(), heads.last.bounding_box()
    assert first and last
    assert first["x"] > last["x"] + last["width"] - 1, (first, last)  # reference on the right
    cells = page.locator(f"#queue tr[data-reference='{made[0]}'] td")
    first_cell, last_cell = cells.first.bounding_box(), cells.last.bounding_box()
    assert first_cell and last_cell and first_cell["x"] > last_cell["x"], (first_cell, last_cell)
    expect(page.locator(f"tr[data-reference='{made[0]}'] .badge-overdue")).to_be_visible()
    dashboard = tmp_path / "dashboard-ar.png"
    shoot(page, dashboard)
    keep(dashboard, "browser-dashboard-ar.png")

    open_case(page, made[0])
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    shoot(page, tmp_path / "case-ar.png")
    keep(tmp_path / "case-ar.png", "browser-case-ar.png")

    small = sign_in("town", width=375, height=800).page  # a phone
    small.goto(f"{hub.url}/dashboard/cases/{made[0]}")
    expect(small.locator("#reference")).to_have_text(made[0])
    expect(small.locator("html")).to_have_attribute("dir", "rtl")
    overflow = small.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1] + 1, f"the case page scrolls sideways on a phone: {overflow}"
    shoot(small, tmp_path / "case-ar-phone.png")
    small.goto(f"{hub.url}/dashboard")  # the wide table scrolls inside its frame, not the page
    overflow = small.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1] + 1, f"the queue scrolls sideways on a phone: {overflow}"
    keep(tmp_path / "case-ar-phone.png", "browser-case-ar-phone.png")
    assert town.problems == [], town.problems
