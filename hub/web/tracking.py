"""Citizens follow their case on the web with reference and PIN, and co-sign cases they share.

Support from the web: the button is drawn only on the page of an open case that
is not sealed, for a browser that has just shown the PIN; the post carries the
reference alone, and the session remembers which references this browser opened
with their PIN (the PIN never goes back into the page). Who supports is a random
token in a cookie of its own (hub.petitions keeps only a keyed hash of it), so
no personal data is asked and the same browser counts once per case.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.deps import SessionDep, StateDep
from hub.i18n import N_
from hub.models import Case, Category
from hub.outbox.service import queued_ids
from hub.petitions import add_web_supporter, supports_on_the_web
from hub.privacy import Vault
from hub.ratelimit import FixedWindowLimiter
from hub.references import normalise_reference
from hub.settings import Settings
from hub.tracking.service import TrackedCase, TrackingLocked, track, view
from hub.web.labels import MESSAGE_AUTHORS, status_label
from hub.web.rendering import ONE_YEAR, PageProblem, PageRoute, Reason, hub_state, render
from hub.web.security import Visitor, check_csrf
from workflows.lifecycle import OPEN_STATUSES

router = APIRouter(include_in_schema=False, route_class=PageRoute)

# The same words whether the reference is unknown or the PIN wrong: no hint for a guesser.
NOT_FOUND = Reason(N_("No case matches this reference and PIN. Check both and try again."))

SUPPORTER_COOKIE = "hub_supporter"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
TRACKED_KEY = "tracked"  # session: references this browser opened with their PIN
TRACKED_KEEP = 10
SUPPORT_PURPOSE = "web-support"
HOUR = 3600.0

THANKS = Reason(N_("Thank you: your support has been counted."))
ALREADY = Reason(N_("Your support for this case was already counted."))
NOT_OPENED = Reason(
    N_("Open the case with its reference and PIN on this page before supporting it.")
)
NO_SUPPORT = Reason(N_("This case cannot receive support."))
TOO_MANY = N_("Too many supports were sent from this connection. Try again in %(minutes)s minutes.")


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
    remember_tracked(request, found.reference)
    return await result_page(request, session, state.vault, found)


@router.post("/track/support")
async def support_case(
    request: Request, visitor: Visitor, session: SessionDep, state: StateDep
) -> HTMLResponse:
    form = await request.form()
    check_csrf(request, form)
    settings = state.settings
    text = form_text(form.get("reference"), 40)
    reference = normalise_reference(text, settings.reference_prefix)
    if reference is None or reference not in tracked(request):
        raise PageProblem(403, N_("Support not counted"), NOT_OPENED)
    retry_after = support_limiter(request, settings).hit(SUPPORT_PURPOSE, client_address(request))
    if retry_after is not None:
        raise PageProblem(
            429,
            N_("Support not counted"),
            Reason(TOO_MANY, {"minutes": max(1, -(-retry_after // 60))}),
            {"Retry-After": str(retry_after)},
        )
    query = select(Case).where(col(Case.reference) == reference).with_for_update()
    case = (await session.scalars(query)).first()
    if case is None or not can_support(case):
        # A sealed report is refused whatever the page showed: no support through the web.
        refused = 403 if case is None or case.sealed else 409
        raise PageProblem(refused, N_("Support not counted"), NO_SUPPORT)
    token, minted = browser_token(request)
    counted = await add_web_supporter(
        session, state.vault, case, token, settings.petition_flag_threshold
    )
    pending = await queued_ids(session)
    await session.commit()
    await state.outbox_ready(pending)
    found = await view(session, case)
    response = await result_page(
        request, session, state.vault, found, notice=THANKS if counted else ALREADY, token=token
    )
    if minted:
        set_browser_token(response, settings, token)
    return response


def can_support(case: Case) -> bool:
    """Open, public cases only: a corruption report is sealed and never co-signed on the web."""
    return not case.sealed and case.status in OPEN_STATUSES


def tracked(request: Request) -> list[str]:
    kept = request.session.get(TRACKED_KEY)
    return [r for r in kept if isinstance(r, str)] if isinstance(kept, list) else []


def remember_tracked(request: Request, reference: str) -> None:
    kept = [r for r in tracked(request) if r != reference]
    request.session[TRACKED_KEY] = [*kept, reference][-TRACKED_KEEP:]


def browser_token(request: Request) -> tuple[str, bool]:
    """This browser's supporter token, and whether it was made just now."""
    sent = request.cookies.get(SUPPORTER_COOKIE)
    if sent and _TOKEN.match(sent):
        return sent, False
    return secrets.token_urlsafe(32), True


def set_browser_token(response: HTMLResponse, settings: Settings, token: str) -> None:
    response.set_cookie(
        SUPPORTER_COOKIE,
        token,
        max_age=ONE_YEAR,
        samesite="lax",
        httponly=True,
        secure=settings.public_url.startswith("https://"),
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def support_limiter(request: Request, settings: Settings) -> FixedWindowLimiter:
    """One limiter per app, like the report form's, with the same hourly limit per address."""
    limiter: FixedWindowLimiter | None = getattr(request.app.state, "support_limiter", None)
    if limiter is None:
        limiter = FixedWindowLimiter(settings.report_rate_limit_per_hour, HOUR)
        request.app.state.support_limiter = limiter
    return limiter


async def result_page(
    request: Request,
    session: AsyncSession,
    vault: Vault,
    found: TrackedCase,
    notice: Reason | None = None,
    token: str | None = None,
) -> HTMLResponse:
    case = (await session.scalars(select(Case).where(col(Case.reference) == found.reference))).one()
    category = await session.get(Category, found.category)
    # The token exists before the button is pressed, so a double click sends the same one.
    minted = False
    if token is None:
        token, minted = browser_token(request)
    support = None
    if can_support(case):
        support = {"done": await supports_on_the_web(session, vault, found.reference, token)}
    response = render(
        request,
        "track_result.html",
        **result_context(found, category),
        support=support,
        notice=notice,
    )
    if minted and support is not None:
        set_browser_token(response, hub_state(request).settings, token)
    return response


def result_context(found: TrackedCase, category: Category | None) -> dict[str, Any]:
    return {
        "found": found,
        "status": status_label(found.status),
        "category": category,
        "authors": MESSAGE_AUTHORS,
    }
