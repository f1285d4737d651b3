"""Web sign-in in the session cookie, form tokens against cross-site posts, roles."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.datastructures import FormData

from hub.auth.tokens import Tokens, password_fingerprint
from hub.deps import SessionDep
from hub.i18n import N_
from hub.models import User
from hub.web.rendering import CSRF_KEY, PageProblem, Reason, SignInRequired, csrf_token


def check_csrf(request: Request, form: FormData) -> None:
    """A post must carry the token of the form we drew for this browser session."""
    expected = request.session.get(CSRF_KEY)
    sent = form.get("csrf_token")
    if (
        not isinstance(expected, str)
        or not isinstance(sent, str)
        or not hmac.compare_digest(expected.encode(), sent.encode())
    ):
        raise PageProblem(
            403,
            N_("This form has expired"),
            Reason(
                N_(
                    "The form was open too long or came from another page. "
                    "Reload the page and send it again."
                )
            ),
        )


def sign_in(request: Request, user: User) -> None:
    # A fresh session, so a session id planted before sign-in is worth nothing after it.
    request.session.clear()
    request.session["uid"] = user.id
    request.session["pw"] = password_fingerprint(user)
    csrf_token(request)


def sign_out(request: Request) -> None:
    request.session.clear()


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: never a redirect to somebody else's."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 or ord(c) == 127 for c in target)  # browsers drop tabs: "/\t/x"
    ):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


async def visitor(request: Request, session: SessionDep) -> User | None:
    """The staff member signed in on this browser, or None for a citizen."""
    uid, fingerprint = request.session.get("uid"), request.session.get("pw")
    if not isinstance(uid, int) or not isinstance(fingerprint, str):
        return None
    user = await session.get(User, uid)
    # A password change or a deactivated account ends every open session.
    if user is None or not user.is_active or not Tokens.still_valid(user, fingerprint):
        return None
    request.state.user = user
    # Kept as plain values: the menu and the page language need them even after a
    # rollback has expired `user` (reading it then would be I/O outside the request's await).
    request.state.user_role = user.role
    request.state.user_language = user.language
    return user


Visitor = Annotated[User | None, Depends(visitor)]


async def staff_member(request: Request, user: Visitor) -> User:
    if user is None:
        back_to = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(back_to if request.method == "GET" else request.url.path)
    return user


StaffMember = Annotated[User, Depends(staff_member)]


def require_role(user: User, roles: Iterable[str]) -> None:
    if user.role not in set(roles):
        raise PageProblem(
            403,
            N_("Not allowed"),
            Reason(N_("Your role does not give access to this page.")),
        )
