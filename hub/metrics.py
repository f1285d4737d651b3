"""Prometheus metrics at /metrics: what operators need to run the hub, never who or what.

Requests are counted by route template (never by the address a citizen typed),
and the store's state is read at scrape time: open and overdue cases, the
outbox by state and the age of its oldest waiting message. Kinds of case are
not broken down, so the rate of corruption reports is not watched in real time.
"""

from __future__ import annotations

import hmac
import time
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from sqlalchemy import func, select
from sqlmodel import col
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.models import Case, OutboxItem, utcnow
from hub.state import HubState
from workflows.lifecycle import OPEN_STATUSES

# The store is read at most this often, however often Prometheus scrapes.
STORE_READ_SECONDS = 15.0


class Metrics:
    """One registry per app, so two apps in one process (tests) never share figures."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # resident memory, CPU, open files
        self.requests = Counter(
            "hub_http_requests",
            "HTTP requests answered",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.seconds = Histogram(
            "hub_http_request_seconds",
            "Time to answer, by route",
            ("route",),
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5),
        )
        self.open_cases = Gauge("hub_cases_open", "Open cases", registry=self.registry)
        self.overdue_cases = Gauge(
            "hub_cases_overdue", "Open cases past their deadline", registry=self.registry
        )
        self.outbox = Gauge(
            "hub_outbox_items", "Outbox items by state", ("state",), registry=self.registry
        )
        self.oldest_waiting = Gauge(
            "hub_outbox_oldest_waiting_seconds",
            "Age of the oldest message still waiting to be sent",
            registry=self.registry,
        )
        self._read_at = 0.0

    async def read_store(self, state: HubState) -> None:
        if time.monotonic() - self._read_at < STORE_READ_SECONDS:
            return
        async with state.sessions() as session:
            rows = await session.execute(
                select(col(Case.overdue), func.count())
                .where(col(Case.status).in_(OPEN_STATUSES))
                .group_by(col(Case.overdue))
            )
            counts = {bool(overdue): n for overdue, n in rows.all()}
            states = await session.execute(
                select(col(OutboxItem.status), func.count()).group_by(col(OutboxItem.status))
            )
            by_state = dict(states.all())
            oldest = await session.scalar(
                select(func.min(col(OutboxItem.created_at))).where(
                    col(OutboxItem.status) == "pending"
                )
            )
        self.open_cases.set(sum(counts.values()))
        self.overdue_cases.set(counts.get(True, 0))
        for name in set(by_state) | {"pending", "sending", "sent", "failed", "uncertain"}:
            self.outbox.labels(name).set(by_state.get(name, 0))
        self.oldest_waiting.set((utcnow() - oldest).total_seconds() if oldest else 0)
        self._read_at = time.monotonic()


class CountRequests:
    """Pure ASGI (no per-request task or copy): counts each answer under its route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answered: dict[str, Any] = {"status": 500}

        async def send_noting_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.requests.labels(
                scope["method"], route, f"{answered['status'] // 100}xx"
            ).inc()
            self.metrics.seconds.labels(route).observe(time.perf_counter() - started)


router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """Prometheus text format. With `HUB_METRICS_TOKEN` set, send it as a bearer token."""
    state: HubState = request.app.state.hub
    wanted = state.settings.metrics_token
    if wanted is not None:
        sent = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
        if not hmac.compare_digest(sent, wanted.get_secret_value().encode()):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "send the metrics token")
    found: Metrics = request.app.state.metrics
    await found.read_store(state)
    return Response(generate_latest(found.registry), media_type=CONTENT_TYPE_LATEST)
