"""Server-rendered pages: landing, staff sign-in, counter desk, tracking, dashboard."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from hub.web import admin, case_page, counter, dashboard, report, staff, stats, tracking
from hub.web.rendering import PageRoute, render
from hub.web.security import Visitor

STATIC_DIR = Path(__file__).parent.parent / "static"

router = APIRouter(include_in_schema=False, route_class=PageRoute)
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
for pages in (
    staff.router,
    counter.router,
    report.router,
    tracking.router,
    admin.router,
    dashboard.router,
    case_page.router,
    stats.router,
):
    router.include_router(pages)


@router.get("/")
async def landing(request: Request, visitor: Visitor) -> HTMLResponse:
    return render(request, "landing.html")
