"""The public statistics page: the open-data figures in three languages, charts, honest filters."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from hub.i18n import LANGUAGES
from hub.intake.conversation import receive
from hub.models import Case, Structure
from hub.petition import Channel, KindHint
from hub.state import HubState
from hub.stats.service import forget
from tests.factories import petition

STEG_BRIBE = "موظف في الستاغ طلب رشوة لإعادة الكهرباء"


@dataclass(frozen=True)
class Batch:
    """`count` cases of one category received in the middle of `month`; the first `answered` answered."""

    category: str  # "corruption" for corruption reports
    month: str
    count: int
    answered: int = 0
    channel: Channel = Channel.sms


def mid_month(month: str) -> datetime:
    return datetime(int(month[:4]), int(month[5:]), 15, 10, tzinfo=UTC)


async def seed(state: HubState, batches: list[Batch]) -> None:
    """Cases through the real intake, received in the given months."""
    n = 0
    for batch in batches:
        for i in range(batch.count):
            n += 1
            received = mid_month(batch.month)
            fields: dict[str, object] = {
                "external_id": f"STATS-{n}",
                "channel": batch.channel,
                "sender": f"+2169800{n:04d}"
                if batch.channel == Channel.sms
                else f"web{n}@example.tn",
                "received_at": received,
            }
            if batch.category == "corruption":
                fields |= {"kind_hint": KindHint.corruption_report, "text": STEG_BRIBE}
                fields["category_hint"] = None
            else:
                fields["category_hint"] = batch.category
            reception = await receive(state, petition(**fields))
            assert reception.outcome == "opened" and reception.reference
            if i < batch.answered:
                async with state.sessions() as session:
                    await session.execute(
                        update(Case)
                        .where(Case.reference == reception.reference)
                        .values(responded_at=received + timedelta(hours=2))
                    )
                    await session.commit()
    forget()


# sonede-kef: 4 in January (too few to publish) and 6 in March, 6 answered in time;
# kef-municipality: 3 in March; 2 corruption reports that name STEG in March.
STANDARD = [
    Batch("water", "2025-01", 4, answered=4),
    Batch("water", "2025-03", 6, answered=2),
    Batch("roads", "2025-03", 3),
    Batch("corruption", "2025-03", 2),
]
MONTH_NAMES = {"ar": "مارس 2025", "fr": "mars 2025", "en": "March 2025"}


def bars(page: str, chart: str) -> dict[str, str]:
    """data-key → data-value of each bar of one chart."""
    found = re.search(rf'<svg[^>]*data-chart="{chart}"[^>]*>(.*?)</svg>', page, re.S)
    assert found, f"no chart {chart!r}"
    pairs = re.findall(
        r'<g class="bar[^"]*" data-key="([^"]*)" data-value="([^"]*)">', found.group(1)
    )
    return {html.unescape(key): html.unescape(value) for key, value in pairs}


def html_tag(page: str) -> str:
    found = re.search(r"<html[^>]*>", page)
    assert found
    return found.group(0)


async def structure_names(state: HubState, code: str) -> list[str]:
    async with state.sessions() as session:
        row = (await session.scalars(select(Structure).where(Structure.code == code))).one()
    return [row.name_ar, row.name_fr, row.name_en]


class TestPage:
    @pytest.mark.parametrize("language", LANGUAGES)
    async def test_in_each_language(
        self, client: httpx.AsyncClient, state: HubState, language: str
    ) -> None:
        await seed(state, STANDARD)
        page = await client.get("/stats", params={"lang": language})
        assert page.status_code == 200, page.text
        direction = "rtl" if language == "ar" else "ltr"
        assert html_tag(page.text) == f'<html lang="{language}" dir="{direction}">'
        assert '<link rel="stylesheet" href="/static/stats.css">' in page.text
        sonede = await structure_names(state, "sonede-kef")
        assert sonede[LANGUAGES.index(language)] in page.text  # names from the database
        assert MONTH_NAMES[language] in page.text
        assert f'direction="{direction}"' in page.text  # each chart reads the page's way
        assert ' style="' not in page.text and "<script>" not in page.text  # CSP-clean
        assert "cdn" not in page.text.lower()

    async def test_charts_and_tables_carry_the_published_figures(
        self, client: httpx.AsyncClient, state: HubState
    ) -> None:
        await seed(state, STANDARD)
        page = (await client.get("/stats?lang=en")).text
        api = (await client.get("/api/v1/stats")).json()
        # A month without cases is drawn as zero; the withheld month as "<5".
        assert bars(page, "months") == {"2025-01": "<5", "2025-02": "0", "2025-03": "9"}
        assert bars(page, "channels") == {"sms": "13"}
        assert bars(page, "categories") == {"roads": "<5", "water": "10"}
        shares = {s["structure"]: s["share_answered_on_time"] for s in api["structures"]}
        assert bars(page, "on-time") == {"sonede-kef": "0.6"} and shares["sonede-kef"] == 0.6
        assert re.search(r'data-key="2025-03" data-value="9">\s*<title>March 2025: 9</title>', page)
        assert re.search(
            r'data-total="received">\s*<dt>Cases received</dt>\s*<dd data-value="13">13</dd>', page
        )
        generated = re.search(r'data-generated-at="([^"]+)"', page)
        assert (
            generated
            and generated.group(1) == datetime.fromisoformat(api["generated_at"]).isoformat()
        )

    async def test_freshness_is_said(self, client: httpx.AsyncClient, state: HubState) -> None:
        await seed(state, STANDARD[:1])
        page = (await client.get("/stats?lang=en")).text
        freshness = re.search(r'<p class="stats-freshness"[^>]*>(.*?)</p>', page, re.S)
        assert freshness
        assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+">[^<]+</time>', freshness.group(1))
        assert "every 5 minutes" in freshness.group(1)

    async def test_the_nav_links_to_the_page(self, client: httpx.AsyncClient) -> None:
        landing = await client.get("/?lang=en")
        assert '<a href="/stats">' in landing.text
        empty = await client.get("/stats?lang=en")
        assert empty.status_code == 200 and "No cases for these filters." in empty.text


class TestSmallCounts:
    async def test_counts_under_five_are_withheld_everywhere(
        self, client: httpx.AsyncClient, state: HubState
    ) -> None:
        await seed(state, STANDARD)
        page = (await client.get("/stats?lang=en")).text
        municipality = re.search(r'<tr data-structure="kef-municipality">(.*?)</tr>', page, re.S)
        assert municipality
        cells = re.findall(r'data-value="([^"]*)">([^<]*)<', municipality.group(1))
        assert cells[0] == ("&lt;5", "&lt;5")  # 3 cases received
        assert bars(page, "categories")["roads"] == "<5"
        january = re.search(r'data-key="2025-01"[^>]*>\s*<title>([^<]*)</title>', page)
        assert january and january.group(1) == "January 2025: &lt;5"
        assert 'class="bar withheld" data-key="2025-01"' in page
        details = re.search(r'<table class="stats-table" id="details">(.*?)</table>', page, re.S)
        assert details and ">3<" not in details.group(1) and ">4<" not in details.group(1)

    async def test_withheld_bars_look_alike_whatever_the_true_count(
        self, client: httpx.AsyncClient, state: HubState
    ) -> None:
        await seed(
            state,
            [
                Batch("water", "2025-01", 4),
                Batch("water", "2025-02", 1),
                Batch("water", "2025-03", 9),
            ],
        )
        page = (await client.get("/stats?lang=en")).text
        drawn = re.findall(
            r'data-key="(2025-0[123])"[^>]*>\s*<title>[^<]*</title>\s*<rect [^>]*y="([^"]*)" '
            r'width="[^"]*" height="([^"]*)"/>',
            page,
        )
        heights = {month: (float(y), float(height)) for month, y, height in drawn}
        assert heights["2025-01"] == heights["2025-02"]  # 4 and 1 cases: the same "<5" bar
        assert 0 < heights["2025-01"][1] < heights["2025-03"][1]
        assert bars(page, "months") == {"2025-01": "<5", "2025-02": "<5", "2025-03": "9"}


class TestCorruption:
    async def test_only_in_totals_and_the_named_structure_never_appears(
        self, client: httpx.AsyncClient, state: HubState
    ) -> None:
        await seed(state, [Batch("water", "2025-03", 6), Batch("corruption", "2025-03", 6)])
        async with state.sessions() as session:
            steg = (
                await session.scalars(select(Structure).where(Structure.code == "steg-kef"))
            ).one()
            reports = (await session.scalars(select(Case).where(Case.sealed))).all()
        assert len(reports) == 6 and all(f"|{steg.id}|" in r.hidden_from for r in reports)
        hidden = [
            *await structure_names(state, "steg-kef"),
            *await structure_names(state, "anti-corruption-cell"),
            "steg-kef",
            "anti-corruption-cell",
            "STEG",
        ]
        for language in LANGUAGES:
            page = (await client.get("/stats", params={"lang": language})).text
            for name in hidden:
                assert name not in page, (language, name)
            assert 'data-key="corruption"' not in page and 'value="corruption"' not in page
            table = re.search(
                r'<table class="stats-table" id="corruption">(.*?)</table>', page, re.S
            )
            assert table and re.findall(r'data-value="([^"]*)"', table.group(1)) == ["6", "0"]
        totals = (await client.get("/stats?lang=en")).text
        assert re.search(r'data-total="received">\s*<dt>[^<]*</dt>\s*<dd data-value="6">', totals)


class TestFilters:
    @pytest.mark.parametrize(
        ("query", "reason"),
        [
            ({"structure": "nowhere"}, "There is no public structure with the code nowhere."),
            ({"category": "unicorns"}, "There is no category with the code unicorns."),
            (
                {"category": "corruption"},
                "Corruption reports are counted only in the monthly totals",
            ),
            ({"channel": "pigeon"}, "There is no channel called pigeon."),
            (
                {"from": "2025-13"},
                "A month is written as year-month, for example 2025-03, not 2025-13.",
            ),
            ({"to": "March"}, "not March."),
            (
                {"from": "2025-05", "to": "2025-01"},
                "The first month (2025-05) comes after the last one (2025-01).",
            ),
            (
                {"channel": "<script>alert(1)</script>"},
                "There is no channel called &lt;script&gt;alert(1)&lt;/script&gt;.",
            ),
        ],
    )
    async def test_bad_values_answer_400_with_a_reason(
        self, client: httpx.AsyncClient, query: dict[str, str], reason: str
    ) -> None:
        page = await client.get("/stats", params={"lang": "en", **query})
        assert page.status_code == 400
        notice = re.search(r'<p class="notice notice-error" role="alert">([^<]*)</p>', page.text)
        assert notice and reason in notice.group(1), page.text
        assert "<script>alert" not in page.text
        assert 'id="filter-structure"' in page.text  # the form is there to fix the filters

    async def test_filters_narrow_the_same_figures(
        self, client: httpx.AsyncClient, state: HubState
    ) -> None:
        await seed(
            state,
            [*STANDARD, Batch("water", "2025-03", 5, channel=Channel.email)],
        )
        water = (await client.get("/stats", params={"lang": "en", "structure": "sonede-kef"})).text
        assert bars(water, "months") == {"2025-01": "<5", "2025-02": "0", "2025-03": "11"}
        assert bars(water, "channels") == {"email": "5", "sms": "10"}
        assert 'data-structure="kef-municipality"' not in water
        # Corruption totals never stand next to a chosen structure, as if they were its own.
        assert 'id="corruption"' not in water and 'id="corruption-narrowed"' in water
        march = (
            await client.get("/stats", params={"lang": "en", "from": "2025-02", "to": "2025-03"})
        ).text
        assert bars(march, "months") == {"2025-03": "14"}
        assert 'id="corruption"' in march  # months alone do narrow the corruption totals
        assert bars(march, "categories") == {"roads": "<5", "water": "11"}
        email = (
            await client.get(
                "/stats", params={"lang": "en", "channel": "email", "category": "water"}
            )
        ).text
        assert bars(email, "months") == {"2025-03": "5"}
        assert '<option value="email" selected>E-mail</option>' in email
        nothing = await client.get(
            "/stats", params={"lang": "en", "from": "2024-01", "to": "2024-02"}
        )
        assert nothing.status_code == 200 and "No cases for these filters." in nothing.text
