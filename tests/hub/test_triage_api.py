"""POST /api/v1/triage and the administrators' lexicon, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, select

from hub.models import Case, TriageCorrection, TriageTerm
from hub.ratelimit import FixedWindowLimiter
from hub.settings import Settings
from hub.state import HubState
from hub.triage.service import LexiconCache
from tests.conftest import StaffFactory, settings_for
from tests.factories import case_body

LIMIT = 3


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_for(database_url, tmp_path, triage_rate_limit_per_minute=LIMIT)


@pytest.fixture(autouse=True)
async def triage_routes(app_state: tuple[object, HubState]) -> None:
    """Each test starts from the shipped lexicon."""
    _, state = app_state
    async with state.sessions() as session:
        await session.execute(delete(TriageTerm))
        await session.commit()


async def preview(client: httpx.AsyncClient, text: object, **kw: object) -> httpx.Response:
    return await client.post("/api/v1/triage", json={"text": text}, **kw)  # type: ignore[arg-type]


class TestPreview:
    async def test_water_cut_in_derja(self, client: httpx.AsyncClient) -> None:
        response = await preview(client, "el ma ma9tou3 3andna men 3 ayem, sonede ma jawbetch")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["category"] == "water"
        assert body["kind"] == "complaint"
        assert body["language"] == "aeb-latn"
        assert body["structure"] == "sonede-kef"
        assert 0 < body["confidence"] <= 1

    async def test_bribe_goes_to_the_anti_corruption_cell(self, client: httpx.AsyncClient) -> None:
        response = await preview(client, "طلب مني العون رشوة باش يعطيني رخصة البناء")
        body = response.json()
        assert body["category"] == "corruption"
        assert body["kind"] == "corruption_report"
        assert body["structure"] == "anti-corruption-cell"

    async def test_information_request(self, client: httpx.AsyncClient) -> None:
        text = "Demande d'accès à l'information : copie du budget municipal 2024, svp."
        body = (await preview(client, text)).json()
        assert body["kind"] == "information_request"
        assert body["structure"] == "kef-municipality"

    async def test_nothing_recognised_is_other(self, client: httpx.AsyncClient) -> None:
        body = (await preview(client, "ok")).json()
        assert body["category"] == "other"
        assert body["structure"] == "central-bureau"
        assert body["confidence"] == 0


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            ({}, "missing"),
            ({"text": ""}, "text is empty"),
            ({"text": "   \n "}, "text is empty"),
            ({"text": "x" * 5001}, "at most 5000 characters"),
            ({"text": 42}, "valid string"),
        ],
    )
    async def test_422_with_the_reason(
        self, client: httpx.AsyncClient, body: dict[str, object], reason: str
    ) -> None:
        response = await client.post("/api/v1/triage", json=body)
        assert response.status_code == 422
        assert reason in json.dumps(response.json()["detail"])

    async def test_5000_characters_are_accepted(self, client: httpx.AsyncClient) -> None:
        assert (await preview(client, "eau " * 1250)).status_code == 200

    async def test_invalid_json_is_400(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/v1/triage", content=b"{text", headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400


class TestRateLimit:
    async def test_anonymous_callers_get_429_after_the_limit(
        self, client: httpx.AsyncClient
    ) -> None:
        for _ in range(LIMIT):
            assert (await preview(client, "coupure d'eau")).status_code == 200
        refused = await preview(client, "coupure d'eau")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "try again" in refused.json()["detail"]

    async def test_staff_are_not_limited(
        self, client: httpx.AsyncClient, staff: StaffFactory
    ) -> None:
        _, auth = await staff("clerk", "kef-municipality")
        for _ in range(LIMIT + 3):
            assert (await preview(client, "coupure d'eau", headers=auth)).status_code == 200
        # the anonymous window is untouched by staff calls
        assert (await preview(client, "coupure d'eau")).status_code == 200

    async def test_a_bad_token_counts_as_anonymous(self, client: httpx.AsyncClient) -> None:
        forged = {"Authorization": "Bearer not-a-token"}
        codes = [
            (await preview(client, "eau", headers=forged)).status_code for _ in range(LIMIT + 1)
        ]
        assert codes == [200] * LIMIT + [429]


class TestLexicon:
    async def test_staff_read_the_lexicon(
        self, client: httpx.AsyncClient, staff: StaffFactory
    ) -> None:
        _, auth = await staff("officer", "sonede-kef")
        response = await client.get("/api/v1/triage/lexicon", headers=auth)
        assert response.status_code == 200
        body = response.json()
        assert {t["term"] for t in body["categories"]["water"]} >= {"sonede", "الماء"}
        assert all(t["source"] == "default" for t in body["categories"]["water"])
        assert "@official" in body["groups"]

    async def test_anonymous_may_not_read_the_lexicon(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/triage/lexicon")).status_code == 401

    async def test_administrator_edit_changes_triage(
        self, client: httpx.AsyncClient, staff: StaffFactory, state: HubState
    ) -> None:
        text = "Rien au kiosque Zarrouk ce matin"
        assert (await preview(client, text)).json()["category"] == "other"
        _, auth = await staff("administrator")
        response = await client.put(
            "/api/v1/triage/lexicon/transport",
            json={"terms": [{"term": "kiosque zarrouk", "weight": 3}, {"term": "sotregames"}]},
            headers=auth,
        )
        assert response.status_code == 200, response.text
        assert [t["term"] for t in response.json()] == ["kiosque zarrouk", "sotregames"]
        body = (await preview(client, text)).json()
        assert body["category"] == "transport"
        assert body["structure"] == "transport-kef"
        async with state.sessions() as session:
            rows = (await session.scalars(select(TriageTerm))).all()
        assert {(r.category, r.term, r.weight) for r in rows} == {
            ("transport", "kiosque zarrouk", 3.0),
            ("transport", "sotregames", 1.0),
        }
        listed = (await client.get("/api/v1/triage/lexicon", headers=auth)).json()
        assert {"term": "sotregames", "weight": 1.0, "source": "administrator"} in listed[
            "categories"
        ]["transport"]

    async def test_put_replaces_the_category_terms(
        self, client: httpx.AsyncClient, staff: StaffFactory
    ) -> None:
        _, auth = await staff("administrator")
        url = "/api/v1/triage/lexicon/waste"
        await client.put(url, json={"terms": [{"term": "dechets x"}]}, headers=auth)
        await client.put(url, json={"terms": [{"term": "dechets y"}]}, headers=auth)
        listed = (await client.get("/api/v1/triage/lexicon", headers=auth)).json()
        edited = [t["term"] for t in listed["categories"]["waste"] if t["source"] != "default"]
        assert edited == ["dechets y"]

    async def test_weight_zero_switches_a_default_off(
        self, client: httpx.AsyncClient, staff: StaffFactory
    ) -> None:
        assert (await preview(client, "sonede")).json()["category"] == "water"
        _, auth = await staff("administrator")
        response = await client.put(
            "/api/v1/triage/lexicon/water",
            json={"terms": [{"term": "sonede", "weight": 0}]},
            headers=auth,
        )
        assert response.status_code == 200
        assert (await preview(client, "sonede", headers=auth)).json()["category"] == "other"

    async def test_officer_may_not_edit(
        self, client: httpx.AsyncClient, staff: StaffFactory
    ) -> None:
        _, auth = await staff("officer", "kef-municipality")
        response = await client.put(
            "/api/v1/triage/lexicon/roads", json={"terms": [{"term": "route"}]}, headers=auth
        )
        assert response.status_code == 403

    @pytest.mark.parametrize(
        ("url", "terms", "reason"),
        [
            ("/api/v1/triage/lexicon/parking", [{"term": "x"}], "unknown category"),
            ("/api/v1/triage/lexicon/roads", [{"term": ""}], "may not be empty"),
            ("/api/v1/triage/lexicon/roads", [{"term": "  "}], "may not be empty"),
            ("/api/v1/triage/lexicon/roads", [{"term": "..."}], "no letters or digits"),
            ("/api/v1/triage/lexicon/roads", [{"term": "@nobody & @kin"}], "not a term group"),
            ("/api/v1/triage/lexicon/roads", [{"term": "x", "weight": 1e9}], "less than or equal"),
        ],
    )
    async def test_bad_terms_are_422(
        self,
        client: httpx.AsyncClient,
        staff: StaffFactory,
        url: str,
        terms: list[dict[str, object]],
        reason: str,
    ) -> None:
        _, auth = await staff("administrator")
        response = await client.put(url, json={"terms": terms}, headers=auth)
        assert response.status_code == 422
        assert reason in json.dumps(response.json()["detail"])


class TestCorrectionsExport:
    async def test_administrator_exports_text_and_labels_only(
        self, client: httpx.AsyncClient, staff: StaffFactory, state: HubState
    ) -> None:
        clerk, clerk_auth = await staff("clerk", "kef-municipality")
        created = await client.post("/api/v1/cases", json=case_body(), headers=clerk_auth)
        assert created.status_code == 201, created.text
        async with state.sessions() as session:
            case_id = (await session.scalars(select(Case.id))).one()
            session.add(
                TriageCorrection(
                    case_id=case_id,
                    text="الضو مقطوع في الحومة",
                    language="aeb",
                    predicted="lighting",
                    corrected="electricity",
                    user_id=clerk.id,
                )
            )
            await session.commit()
        _, auth = await staff("administrator")
        response = await client.get("/api/v1/triage/corrections.jsonl", headers=auth)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.text.splitlines()]
        assert lines == [
            {
                "text": "الضو مقطوع في الحومة",
                "language": "aeb",
                "predicted": "lighting",
                "corrected": "electricity",
            }
        ]

    async def test_officer_may_not_export(
        self, client: httpx.AsyncClient, staff: StaffFactory
    ) -> None:
        _, auth = await staff("officer", "kef-municipality")
        response = await client.get("/api/v1/triage/corrections.jsonl", headers=auth)
        assert response.status_code == 403


class TestLexiconCache:
    async def test_rows_are_seen_after_the_ttl(self, state: HubState) -> None:
        now = [1000.0]
        cache = LexiconCache(ttl_seconds=60, clock=lambda: now[0])
        async with state.sessions() as session:
            before = await cache.get(session)
            session.add(TriageTerm(category="roads", term="zorrovia", weight=4.0))
            await session.commit()
            now[0] += 59
            assert await cache.get(session) is before  # still cached
            now[0] += 1
            fresh = await cache.get(session)
        assert fresh is not before
        assert fresh.terms["roads"]["zorrovia"] == 4.0

    async def test_unchanged_terms_keep_the_lexicon_built(self, state: HubState) -> None:
        now = [1000.0]
        cache = LexiconCache(ttl_seconds=60, clock=lambda: now[0])
        async with state.sessions() as session:
            before = await cache.get(session)
            now[0] += 60  # the rows are read again, and are the same
            assert await cache.get(session) is before


class TestLimiter:
    def test_fixed_window(self) -> None:
        now = [0.0]
        limiter = FixedWindowLimiter(2, 60, clock=lambda: now[0])
        assert limiter.hit("triage", "1.2.3.4") is None
        assert limiter.hit("triage", "1.2.3.4") is None
        now[0] = 20.5
        assert limiter.hit("triage", "1.2.3.4") == 40
        assert limiter.hit("triage", "5.6.7.8") is None  # another address
        assert limiter.hit("report", "1.2.3.4") is None  # another purpose
        now[0] = 60.0
        assert limiter.hit("triage", "1.2.3.4") is None  # a new window

    def test_threads_never_exceed_the_limit(self) -> None:
        limiter = FixedWindowLimiter(100, 60)
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: limiter.hit("t", "k"), range(1000)))
        assert results.count(None) == 100

    def test_memory_is_bounded(self) -> None:
        limiter = FixedWindowLimiter(1, 60, max_keys=10)
        for n in range(1000):
            limiter.hit("triage", f"10.0.{n // 256}.{n % 256}")
        assert len(limiter._windows) <= 10


async def test_openapi_lists_the_triage_routes(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"/api/v1/triage", "/api/v1/triage/lexicon", "/api/v1/triage/corrections.jsonl"} <= set(
        paths
    )
    assert "/api/v1/triage/lexicon/{category}" in paths
