"""/metrics: Prometheus text with request counts by route template and the store's state."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from hub.app import create_app
from hub.intake.conversation import receive
from hub.state import HubState
from tests.conftest import settings_for
from tests.factories import petition


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_count_routes_and_read_the_store(
    client: httpx.AsyncClient, state: HubState
) -> None:
    await receive(state, petition())
    await receive(state, petition(text="Coupure d'électricité", category_hint="electricity"))
    for _ in range(3):
        assert (
            await client.get("/api/v1/track/KEF-AAAA-BBBB", params={"pin": "000000"})
        ).status_code in (404, 429)
    answer = await client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    found = samples(answer.text)
    route = (("method", "GET"), ("route", "/api/v1/track/{reference}"), ("status", "4xx"))
    assert found[("hub_http_requests_total", route)] == 3
    assert "KEF-AAAA-BBBB" not in answer.text  # templates, never what was typed
    assert found[("hub_cases_open", ())] == 2
    assert found[("hub_cases_overdue", ())] == 0
    assert found[("hub_outbox_items", (("state", "pending"),))] >= 2  # the two acknowledgements
    assert found[("process_resident_memory_bytes", ())] > 10_000_000


async def test_metrics_token_when_set(database_url: str, tmp_path: Path) -> None:
    app = create_app(settings_for(database_url, tmp_path, metrics_token="scrape-secret-123"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get("/metrics")).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert (await client.get("/metrics", headers=wrong)).status_code == 401
        right = {"Authorization": "Bearer scrape-secret-123"}
        assert (await client.get("/metrics", headers=right)).status_code == 200
    await app.state.hub.engine.dispose()
