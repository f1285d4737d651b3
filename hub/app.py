"""The FastAPI application."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from starlette.middleware.sessions import SessionMiddleware

from channels import email, telegram
from channels.sms import router as sms_router
from channels.telegram import router as telegram_router
from hub.attachments import AttachmentRejected
from hub.auth.endpoints import router as auth_router
from hub.cases.endpoints import router as cases_router
from hub.deadlines.endpoints import router as deadlines_router
from hub.intake.service import IdempotencyConflict
from hub.jobs import make_jobs
from hub.metrics import CountRequests, Metrics
from hub.metrics import router as metrics_router
from hub.middleware import BodySizeLimit, SecurityHeaders
from hub.open311.endpoints import Open311Error, open311_error_handler
from hub.open311.endpoints import keys_router as open311_keys_router
from hub.open311.endpoints import router as open311_router
from hub.routing.endpoints import router as routing_router
from hub.settings import Settings, get_settings
from hub.state import HubState
from hub.stats.endpoints import router as stats_router
from hub.tracking.endpoints import router as tracking_router
from hub.triage.endpoints import router as triage_router
from hub.web.pages import router as web_router

log = logging.getLogger("hub")

UNSTORABLE = "a value in this request cannot be stored (a NUL character, or a number out of range)"
# data_exception (what asyncpg reports for an argument it cannot encode), string too long,
# number out of range, bad or overflowing date, NUL or character not in the encoding.
UNSTORABLE_CODES = {"22000", "22001", "22003", "22007", "22008", "22021", "22P05"}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    state = HubState.build(settings)

    state.jobs = make_jobs(state)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        assert state.jobs is not None
        async with contextlib.AsyncExitStack() as stack:
            await state.jobs.start()
            stack.push_async_callback(state.engine.dispose)
            stack.push_async_callback(state.jobs.stop)
            await stack.enter_async_context(telegram.running(state))
            await stack.enter_async_context(email.listening(state))
            _settle_heap()
            yield

    app = FastAPI(
        title="Petition hub",
        version="0.1.0",
        description="Complaints, petitions and corruption reports from every channel, "
        "routed to the public structure that must answer them.",
        lifespan=lifespan,
    )
    app.state.hub = state
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="hub_session",
        same_site="lax",
        https_only=settings.public_url.startswith("https://"),
        max_age=12 * 3600,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # around BodySizeLimit: on its 413 refusals too
    app.state.metrics = Metrics()
    app.add_middleware(CountRequests, metrics=app.state.metrics)
    _add_error_handlers(app)
    _document_error_bodies(app)
    for router in (
        # Providers' webhooks first: the busiest paths, and routes are tried in order.
        sms_router,
        telegram_router,
        auth_router,
        cases_router,
        routing_router,
        deadlines_router,
        stats_router,
        triage_router,
        open311_router,
        open311_keys_router,
        tracking_router,
        web_router,
        metrics_router,
    ):
        app.include_router(router)
    _add_health(app, state)
    return app


_heap_settled = False
GC_YOUNG_THRESHOLD = 10_000  # new container objects between two young collections


def _settle_heap() -> None:
    """What start-up built lives as long as the process: full collections need not walk it.

    A full collection over it took some 0.15 s, holding up every request in flight.
    And a request makes thousands of short-lived objects: collecting every 700 new
    ones (Python's default) spent half a millisecond per request, mostly on the
    objects of requests still in flight. Once per process (tests start many apps).
    """
    global _heap_settled
    if not _heap_settled:
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        _heap_settled = True


def _add_health(app: FastAPI, state: HubState) -> None:
    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    async def readyz() -> JSONResponse:
        channels = state.settings.channel_status()
        try:
            async with state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            database = "ok"
        except Exception as exc:  # any failure means not ready; the reason goes to the log
            log.warning("readiness: database unreachable: %s", type(exc).__name__)
            database = "unreachable"
        ready = database == "ok"
        return JSONResponse(
            {
                "status": "ready" if ready else "not ready",
                "database": database,
                "channels": channels,
            },
            status_code=status.HTTP_200_OK if ready else status.HTTP_503_SERVICE_UNAVAILABLE,
        )


def _document_error_bodies(app: FastAPI) -> None:
    """Say in /openapi.json what a 422 carries here.

    FastAPI documents only its list of field errors; the hub also answers 422 with one
    reason (`{"detail": "unknown category 'x'"}`) and, for routing changes, a refusal
    with a reason per rule (`{"detail": {"message": ..., "problems": [...]}}`).
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = generate()
        body = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
        if fresh and body is not None:
            body["properties"]["detail"] = {
                "title": "Detail",
                "anyOf": [
                    {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
                    {"type": "string", "description": "why the request cannot be done"},
                    {
                        "type": "object",
                        "description": "a refusal with its reasons",
                        "required": ["message", "problems"],
                        "properties": {
                            "message": {"type": "string"},
                            "problems": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                ],
            }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Open311Error, open311_error_handler)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if request.url.path.startswith("/open311/"):
            first = errors[0] if errors else {}
            where = ".".join(str(part) for part in first.get("loc", ())[1:])
            return JSONResponse(
                [{"code": 400, "description": f"{where}: {first.get('msg', '')}"}], status_code=400
            )
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse({"detail": "the body is not valid JSON"}, status_code=400)
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in errors
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(AttachmentRejected)
    async def attachment_rejected(request: Request, exc: AttachmentRejected) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)

    @app.exception_handler(IdempotencyConflict)
    async def idempotency_conflict(request: Request, exc: IdempotencyConflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(IntegrityError)
    async def integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "this conflicts with data already stored; reload and try again"},
            status_code=409,
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def database_down(request: Request, exc: Exception) -> JSONResponse:
        if _unstorable(exc):
            log.warning("unstorable value on %s %s", request.method, request.url.path)
            return JSONResponse({"detail": UNSTORABLE}, status_code=422)
        log.error(
            "database error on %s %s: %s", request.method, request.url.path, type(exc).__name__
        )
        return JSONResponse(
            {"detail": "the database is unavailable; nothing was stored, please retry"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    # What the driver raises itself, unwrapped by SQLAlchemy: a refused or dropped
    # connection while PostgreSQL restarts ("starting up", "shutting down").
    @app.exception_handler(ConnectionError)
    @app.exception_handler(TimeoutError)
    @app.exception_handler(asyncpg.PostgresConnectionError)
    @app.exception_handler(asyncpg.exceptions.OperatorInterventionError)
    async def unreachable(request: Request, exc: Exception) -> JSONResponse:
        log.error(
            "a server could not be reached on %s %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
        )
        return JSONResponse(
            {"detail": "a server the hub needs cannot be reached; please retry"},
            status_code=503,
            headers={"Retry-After": "5"},
        )


def _unstorable(exc: Exception) -> bool:
    """A value the database cannot take (SQLSTATE class 22): a NUL in text, a number or a
    date out of range, a text too long. Retrying cannot help, so it is the client's 4xx,
    not a 503. Other data exceptions (a division by zero) are the hub's own bugs.

    The asyncpg dialect raises these as plain DBAPIError, with the code on `orig`.
    """
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in UNSTORABLE_CODES or (isinstance(exc, DataError) and code is None)
