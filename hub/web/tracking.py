"""Citizens follow their case on the web with reference and PIN."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from hub.deps import SessionDep, StateDep
from hub.i18n import N_
from hub.models import Category
from hub.tracking.service import TrackedCase, TrackingLocked, track
from hub.web.labels import MESSAGE_AUTHORS, status_label
from hub.web.rendering import PageRoute, Reason, render
from hub.web.security import Visitor, check_csrf

router = APIRouter(include_in_schema=False, route_class=PageRoute)

# The same words whether the reference is unknown or the PIN wrong: no hint for a guesser.
NOT_FOUND = Reason(N_("No case matches this reference and PIN. Check both and try again."))


def form_text(value: object, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


@router.get("/track")
async def track_form(request: Request, visitor: Visitor) -> HTMLResponse:
    reference = form_text(request.query_params.get("ref"), 40)
    return render(request, "track.html", reference=reference, notice=None)


@router.post("/track")
async def track_case(
    request: Request, visitor: Visitor, session: SessionDep, state: StateDep
) -> HTMLResponse:
    form = await request.form()
    check_csrf(request, form)
    settings = state.settings
    try:
        found = await track(
            session,
            state.vault,
            settings.reference_prefix,
            form_text(form.get("reference"), 40),
            form_text(form.get("pin"), 12),
            settings.track_max_failures,
            settings.track_lock_seconds,
        )
    except TrackingLocked as locked:
        notice = Reason(
            N_("Too many wrong PINs for this reference. Try again in %(minutes)s minutes."),
            {"minutes": max(1, -(-locked.retry_after // 60))},
        )
        return render(
            request,
            "track.html",
            status_code=429,
            headers={"Retry-After": str(locked.retry_after)},
            reference="",
            notice=notice,
        )
    if found is None:
        return render(request, "track.html", status_code=404, reference="", notice=NOT_FOUND)
    category = await session.get(Category, found.category)
    return render(request, "track_result.html", **result_context(found, category))


def result_context(found: TrackedCase, category: Category | None) -> dict[str, Any]:
    return {
        "found": found,
        "status": status_label(found.status),
        "category": category,
        "authors": MESSAGE_AUTHORS,
    }
