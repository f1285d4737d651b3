"""Drawing pages: templates, the language of each page, problems shown as pages."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from hub.i18n import LANGUAGE_NAMES, LANGUAGES, Language, from_accept_language, supported
from hub.models import User
from hub.state import HubState

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
    autoescape=True,  # every citizen's word is text, never markup
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
LANGUAGE_COOKIE = "hub_lang"
ONE_YEAR = 365 * 24 * 3600
CSRF_KEY = "csrf"


@dataclass(frozen=True)
class Reason:
    """A message for the person, in the page language when the page is drawn."""

    message: str
    values: dict[str, Any] = field(default_factory=dict)


class PageProblem(Exception):
    """Stop and show a page that explains what went wrong (with this status)."""

    def __init__(
        self, status_code: int, title: str, reason: Reason, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(reason.message)
        self.status_code = status_code
        self.title = title
        self.reason = reason
        self.headers = headers or {}


class SignInRequired(Exception):
    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


def hub_state(request: Request) -> HubState:
    state: HubState = request.app.state.hub
    return state


def signed_in(request: Request) -> User | None:
    user: User | None = getattr(request.state, "user", None)
    return user


def page_language(request: Request) -> tuple[Language, bool]:
    """The language of this page, and whether the visitor just chose it (to remember)."""
    chosen = supported(request.query_params.get("lang"))
    if chosen:
        return Language(chosen), True
    code = (
        supported(request.cookies.get(LANGUAGE_COOKIE))
        or supported(getattr(request.state, "user_language", None))
        or from_accept_language(request.headers.get("accept-language"))
        or supported(hub_state(request).settings.default_language)
        or LANGUAGES[0]
    )
    return Language(code), False


def csrf_token(request: Request) -> str:
    """This browser session's form token, made when its first form is drawn."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def language_links(request: Request, current: str) -> list[dict[str, Any]]:
    links = []
    for code in LANGUAGES:
        query = dict(request.query_params)
        query["lang"] = code
        links.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "href": f"{request.url.path}?{urlencode(query)}",
                "current": code == current,
                "direction": Language(code).direction,
            }
        )
    return links


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    language, chosen_now = page_language(request)
    html = TEMPLATES.get_template(template).render(
        _=language.gettext,
        lang=language,
        user=signed_in(request),
        is_administrator=getattr(request.state, "user_role", None) == "administrator",
        csrf_token=lambda: csrf_token(request),
        languages=language_links(request, language.code),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    # Pages carry form tokens, PINs and case details: never keep them in a cache.
    response.headers["Cache-Control"] = "no-store"
    if chosen_now:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language.code,
            max_age=ONE_YEAR,
            samesite="lax",
            httponly=True,
            secure=hub_state(request).settings.public_url.startswith("https://"),
        )
    return response


def show_problem(request: Request, problem: PageProblem) -> HTMLResponse:
    return render(
        request,
        "problem.html",
        status_code=problem.status_code,
        headers=problem.headers,
        title=problem.title,
        reason=problem.reason,
    )


class PageRoute(APIRoute):
    """A route whose problems (and missing sign-in) become pages, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_page(request: Request) -> Response:
            try:
                return await handle(request)
            except SignInRequired as needed:
                target = "/login?" + urlencode({"next": needed.back_to})
                return RedirectResponse(target, status_code=303)
            except PageProblem as problem:
                return show_problem(request, problem)

        return handle_page
