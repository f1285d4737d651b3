"""The FastAPI application."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
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
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    _add_error_handlers(app)
    for router in (
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
        sms_router,
        telegram_router,
    ):
        app.include_router(router)
    _add_health(app, state)
    return app


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
        log.error(
            "database error on %s %s: %s", request.method, request.url.path, type(exc).__name__
        )
        return JSONResponse(
            {"detail": "the database is unavailable; nothing was stored, please retry"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
