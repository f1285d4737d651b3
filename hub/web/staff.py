"""Staff pages: sign-in, sign-out and the list of cases a staff member may see."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.auth.endpoints import authenticate
from hub.deps import SessionDep, StateDep
from hub.i18n import N_
from hub.models import Role, User
from hub.throttle import Locked
from hub.web.rendering import PageRoute, Reason, render
from hub.web.security import Visitor, check_csrf, safe_next, sign_in, sign_out

router = APIRouter(include_in_schema=False, route_class=PageRoute)

WRONG_SIGN_IN = Reason(N_("Wrong e-mail or password."))
LOCKED_OUT = Reason(
    N_("Too many failed sign-ins for this address. Wait 15 minutes, then try again.")
)


def home_for(user: User) -> str:
    """Where a staff member starts the day: clerks at the counter, everyone else at the list."""
    return "/counter" if user.role == Role.clerk else "/dashboard"


@router.get("/login")
async def login_form(request: Request, user: Visitor) -> HTMLResponse:
    back_to = safe_next(request.query_params.get("next"), "")
    return render(request, "login.html", email="", back_to=back_to, notice=None)


@router.post("/login")
async def log_in(request: Request, session: SessionDep, state: StateDep) -> Response:
    form = await request.form()
    check_csrf(request, form)
    email = str(form.get("email") or "")[:254]
    back_to = safe_next(str(form.get("next") or ""), "")
    try:
        user = await authenticate(session, state.settings, email, str(form.get("password") or ""))
    except Locked as locked:
        page = render(
            request, "login.html", status_code=429, email=email, back_to=back_to, notice=LOCKED_OUT
        )
        page.headers["Retry-After"] = str(locked.retry_after)
        return page
    if user is None:
        return render(
            request,
            "login.html",
            status_code=401,
            email=email,
            back_to=back_to,
            notice=WRONG_SIGN_IN,
        )
    sign_in(request, user)
    return RedirectResponse(back_to or home_for(user), status_code=303)


@router.get("/logout")
async def logout_form(request: Request, user: Visitor) -> Response:
    """Someone who typed the address, or came back to a refused sign-out, gets the button."""
    if user is None:
        return RedirectResponse("/", status_code=303)
    return render(request, "logout.html")


@router.post("/logout")
async def log_out(request: Request) -> Response:
    check_csrf(request, await request.form())
    sign_out(request)
    return RedirectResponse("/", status_code=303)
