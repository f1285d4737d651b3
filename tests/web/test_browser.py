"""A clerk records a walk-in in Arabic in a real browser; the citizen follows it in French."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select

from hub.db import make_engine, make_sessionmaker
from hub.models import Attachment, Case
from hub.settings import Settings
from hub.users import create_user
from tests.conftest import SECRET, free_port
from tests.factories import png_bytes
from tests.web.conftest import PASSWORD
from tests.web.live import CHROMIUM_ARGS, chromium_path, served

CLERK = "guichet@test.kef.tn"
COMPLAINT = "حفرة كبيرة أمام المدرسة الابتدائية في نهج الحبيب بورقيبة، خطر على الأطفال"


async def make_clerk(settings: Settings) -> None:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await create_user(session, CLERK, PASSWORD, "clerk", full_name="Nour", language="fr")
    await engine.dispose()


@pytest.fixture
def hub(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """The real app, served by uvicorn on a free local port, on a copy of the seeded database."""
    database = tmp_path / "hub.db"
    shutil.copyfile(sqlite_template, database)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        secret_key=SECRET,
        database_url=f"sqlite:///{database}",
        data_dir=tmp_path,
        public_url=url,
    )
    asyncio.run(make_clerk(settings))
    with served(settings, port):
        yield url, settings


@pytest.fixture
def chromium() -> str:
    return chromium_path()


COUNT_SUBMITS = """() => {
    window.submits = 0;
    window.addEventListener("submit", (event) => { window.submits += 1; event.preventDefault(); });
}"""


def record_with_a_double_click(page: Page) -> None:
    """A second click while the first is on its way sends nothing: the button is disabled.

    The test holds every submission back in the page (a listener after app.js's),
    so it can look at the form mid-flight, then sends the form once for real.
    """
    page.evaluate(COUNT_SUBMITS)
    page.click("#record")
    expect(page.locator("#record")).to_be_disabled()
    page.click("#record", force=True)  # a real click on the disabled button
    assert page.evaluate("window.submits") == 1
    with page.expect_navigation():
        page.evaluate("document.querySelector('form[enctype]').submit()")
    expect(page.locator("#reference")).to_be_visible()


async def stored_cases(settings: Settings) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each case's channel and its files (name, type), read from the hub's own database."""
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        cases = (await session.scalars(select(Case))).all()
        files = (await session.scalars(select(Attachment))).all()
    await engine.dispose()
    return [
        (case.channel, [(f.filename, f.content_type) for f in files if f.case_id == case.id])
        for case in cases
    ]


def test_clerk_records_in_arabic_and_citizen_follows_in_french(
    chromium: str, hub: tuple[str, Settings], tmp_path: Path
) -> None:
    hub_url, settings = hub
    photo = tmp_path / "hole.png"
    photo.write_bytes(png_bytes(32, 24))
    artifacts = tmp_path / "tests-artifacts"
    artifacts.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            clerk = browser.new_context(viewport={"width": 1024, "height": 768})
            page = clerk.new_page()
            page.set_default_timeout(10_000)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "response",
                lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )

            page.goto(f"{hub_url}/login")
            page.fill("#email", CLERK)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{hub_url}/counter")
            expect(page.locator("html")).to_have_attribute("lang", "fr")  # the clerk's own language

            page.click("nav.languages a[hreflang=ar]")
            page.wait_for_url("**/counter?lang=ar")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            page.screenshot(path=str(artifacts / "counter-ar.png"), full_page=True)
            assert (artifacts / "counter-ar.png").stat().st_size > 0
            # Right to left: each label stands to the right of its field, the button starts right.
            label = page.locator("label[for=text]").bounding_box()
            field = page.locator("#text").bounding_box()
            button = page.locator("#record").bounding_box()
            assert label and field and button
            assert label["x"] >= field["x"] + field["width"], (label, field)
            assert button["x"] + button["width"] > 1024 / 2, button

            page.select_option("#category", "roads")
            page.check("input[name=channel][value=counter]")
            page.fill("#text", COMPLAINT)
            page.set_input_files("#attachments", str(photo))
            record_with_a_double_click(page)
            expect(page.locator("h1")).to_have_text("وصل استلام شكواك")
            expect(page.locator(".notice")).to_have_count(0)  # no replay: one case, first PIN
            reference = page.locator("#reference").inner_text().strip()
            pin = page.locator("#pin").inner_text().strip()
            assert reference.startswith("KEF-") and len(pin) == 6
            page.screenshot(path=str(artifacts / "receipt-ar.png"), full_page=True)
            page.emulate_media(media="print")
            expect(page.locator(".site-header")).to_be_hidden()
            expect(page.locator("button[data-print]")).to_be_hidden()
            assert problems == [], problems  # no script error, no CSP violation

            citizen = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
            mobile = citizen.new_page()
            mobile.set_default_timeout(10_000)
            mobile.goto(f"{hub_url}/track?lang=fr")
            mobile.fill("#reference", reference.lower())
            mobile.fill("#pin", pin)
            mobile.click("button[type=submit]")
            expect(mobile.locator("#status")).to_have_text("Transmis au service compétent")
            expect(mobile.locator("html")).to_have_attribute("lang", "fr")
            expect(mobile.locator(".message .body")).to_have_text(COMPLAINT)
            expect(mobile.locator("main")).to_contain_text("Municipalité du Kef")
            mobile.screenshot(path=str(artifacts / "track-fr-phone.png"), full_page=True)
        finally:
            browser.close()
    assert asyncio.run(stored_cases(settings)) == [("counter", [("hole.png", "image/png")])]


WATER_FR = "Il n'y a plus d'eau au robinet depuis trois jours, coupure d'eau potable"


def test_citizen_sees_the_triage_suggestion_and_uses_it(
    chromium: str, hub: tuple[str, Settings]
) -> None:
    hub_url, settings = hub
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            page.set_default_timeout(10_000)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            triage_calls: list[str] = []
            page.on(
                "request",
                lambda r: (
                    triage_calls.append(r.post_data or "") if "/api/v1/triage" in r.url else None
                ),
            )
            page.goto(f"{hub_url}/report?lang=fr")
            expect(page.locator("#category")).to_have_value("")
            line = page.locator("[data-triage-line]")
            page.locator("#text").press_sequentially("pas d'eau", delay=20)
            page.wait_for_timeout(700)
            expect(line).to_be_hidden()  # too short to suggest anything
            assert triage_calls == []
            page.locator("#text").fill(WATER_FR)
            expect(line).to_be_visible()
            expect(page.locator("[data-triage-category]")).to_have_text("Eau")
            expect(page.locator("[data-triage-structure]")).to_have_text("SONEDE district du Kef")
            expect(page.locator("[data-triage-kind]")).to_have_text("plainte")
            assert page.locator("#triage-hint").get_attribute("aria-live") == "polite"
            page.click("[data-triage-use]")
            expect(page.locator("#category")).to_have_value("water")
            assert len(triage_calls) == 1, triage_calls  # debounced: one call for the pause
            page.click("#send")
            expect(page.locator("#reference")).to_be_visible()
            assert problems == [], problems
        finally:
            browser.close()
    assert asyncio.run(stored_cases(settings)) == [("web", [])]
