"""The statistics page in headless Chromium: its charts draw the database's numbers, Arabic reads right to left."""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import select

from hub.models import Case, Structure
from hub.petition import Channel
from hub.settings import Settings
from hub.state import HubState
from tests.conftest import SECRET, free_port
from tests.web.live import CHROMIUM_ARGS, chromium_path, served
from tests.web.test_stats_page import Batch, seed

TUNIS = ZoneInfo("Africa/Tunis")
SMALL = 5  # the publication threshold, restated: the test checks the rule, not the constant
CASES = [
    Batch("water", "2025-01", 8, answered=6),
    Batch("water", "2025-02", 3, answered=1),
    Batch("water", "2025-04", 12, answered=5),
    Batch("roads", "2025-04", 6, answered=6),
    Batch("water", "2025-04", 5, answered=2, channel=Channel.email),
    Batch("corruption", "2025-04", 2),
]


def published(count: int) -> str:
    return "<5" if 0 < count < SMALL else str(count)


async def fill(settings: Settings) -> None:
    state = HubState.build(settings)
    try:
        await seed(state, CASES)
    finally:
        await state.engine.dispose()


async def expected(settings: Settings) -> dict[str, dict[str, str]]:
    """What the charts must show, counted here from the hub's own database."""
    state = HubState.build(settings)
    try:
        async with state.sessions() as session:
            found = (
                await session.execute(
                    select(Case, Structure.code)
                    .join(Structure, Structure.id == Case.structure_id)  # type: ignore[arg-type]
                    .where(Case.sealed.is_(False))  # type: ignore[attr-defined]
                )
            ).all()
    finally:
        await state.engine.dispose()
    months = Counter(case.received_at.astimezone(TUNIS).strftime("%Y-%m") for case, _ in found)
    first, last = min(months), max(months)
    every_month = [
        f"{year}-{month:02d}"
        for year in range(int(first[:4]), int(last[:4]) + 1)
        for month in range(1, 13)
        if first <= f"{year}-{month:02d}" <= last
    ]
    channels = Counter(case.channel for case, _ in found)
    received: Counter[str] = Counter()
    on_time: defaultdict[str, int] = defaultdict(int)
    for case, code in found:
        received[code] += 1
        if case.responded_at and case.responded_at <= case.first_response_due_at:
            on_time[code] += 1
    return {
        "months": {m: published(months[m]) for m in every_month},
        "channels": {c: published(n) for c, n in channels.items()},
        "on-time": {
            code: f"{round(on_time[code] / n, 3):g}" for code, n in received.items() if n >= SMALL
        },
        "totals": {"received": published(len(found))},
    }


@pytest.fixture
def chromium() -> str:
    return chromium_path()


@pytest.fixture
def hub(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """The real app on a free local port, over a copy of the seeded database with known cases."""
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
    asyncio.run(fill(settings))
    with served(settings, port):
        yield url, settings


READ_BARS = """svg => [...svg.querySelectorAll("g.bar")].map(g => {
    const rect = g.querySelector("rect").getBoundingClientRect();
    const caption = g.querySelector("text.caption");
    return {
        key: g.dataset.key,
        value: g.dataset.value,
        figure: g.querySelector("text.figure").textContent,
        title: g.querySelector("title").textContent,
        left: rect.left, right: rect.right, width: rect.width, height: rect.height,
        caption: caption ? caption.getBoundingClientRect().toJSON() : null,
    };
})"""


def chart(page: Page, name: str) -> list[dict[str, object]]:
    svg = page.locator(f'svg[data-chart="{name}"]')
    expect(svg).to_be_visible()
    bars: list[dict[str, object]] = svg.evaluate(READ_BARS)
    return bars


def watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    return problems


def test_charts_draw_the_database_numbers_and_arabic_reads_right_to_left(
    chromium: str, hub: tuple[str, Settings], tmp_path: Path
) -> None:
    hub_url, settings = hub
    wanted = asyncio.run(expected(settings))
    assert wanted["months"] == {"2025-01": "8", "2025-02": "<5", "2025-03": "0", "2025-04": "23"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
            page.set_default_timeout(10_000)
            problems = watch(page)

            page.goto(f"{hub_url}/?lang=en")
            page.click('nav.site-nav a[href="/stats"]')
            page.wait_for_url(f"{hub_url}/stats")
            expect(page.locator("html")).to_have_attribute("dir", "ltr")
            months = chart(page, "months")
            assert {b["key"]: b["value"] for b in months} == wanted["months"]
            assert all(b["figure"] == b["value"] for b in months)  # each bar writes its number
            assert months[0]["title"] == "January 2025: 8"
            assert {b["key"]: b["value"] for b in chart(page, "channels")} == wanted["channels"]
            assert {b["key"]: b["value"] for b in chart(page, "on-time")} == wanted["on-time"]
            total = page.locator('[data-total="received"] dd')
            expect(total).to_have_attribute("data-value", wanted["totals"]["received"])
            # Left to right: January first, on the left; taller bar for more cases.
            lefts = [float(str(b["left"])) for b in months]
            assert lefts == sorted(lefts)
            by_key = {b["key"]: b for b in months}
            assert float(str(by_key["2025-04"]["height"])) > float(str(by_key["2025-01"]["height"]))
            assert float(str(by_key["2025-03"]["height"])) == 0
            page.screenshot(path=str(tmp_path / "stats-en.png"), full_page=True)

            page.goto(f"{hub_url}/stats?lang=ar")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            expect(page.locator("h1")).to_be_visible()
            arabic = chart(page, "months")
            assert {b["key"]: b["value"] for b in arabic} == wanted["months"]
            assert arabic[0]["title"] == "جانفي 2025: 8"  # the Tunisian month name
            # Right to left: the first month stands on the right, the months run leftwards.
            rights = [float(str(b["right"])) for b in arabic]
            assert rights == sorted(rights, reverse=True)
            svg = page.locator('svg[data-chart="months"]').bounding_box()
            assert svg and rights[0] > svg["x"] + svg["width"] / 2
            # Horizontal bars grow from the right, under a caption that starts on the right.
            for bar in chart(page, "on-time"):
                caption = bar["caption"]
                assert isinstance(caption, dict)
                assert abs(float(caption["right"]) - float(str(bar["right"]))) < 4, bar
                assert float(str(bar["right"])) > svg["x"] + svg["width"] * 0.9, bar
            shot = tmp_path / "stats-ar.png"
            page.screenshot(path=str(shot), full_page=True)
            assert problems == [], problems  # no script error, no CSP violation, no 4xx
        finally:
            browser.close()
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
