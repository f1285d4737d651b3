"""Fixtures for the web pages: browsers with their own cookies, staff signed in by /login."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from hub.models import Case, User
from hub.settings import Settings
from hub.state import HubState
from hub.users import create_user
from tests.conftest import settings_for

PASSWORD = "correct horse battery"
# Small enough that an over-size photo is cheap to build in a test.
MAX_ATTACHMENT_BYTES = 64 * 1024


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_for(database_url, tmp_path, max_attachment_bytes=MAX_ATTACHMENT_BYTES)


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name!r} in the page"
    return found.group(1)


def output(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert found, f"no element #{element_id} in the page"
    return found.group(1)


async def count_cases(state: HubState) -> int:
    async with state.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Case)) or 0)


BrowserFactory = Callable[[], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def browser(app_state: tuple[object, HubState]) -> AsyncIterator[BrowserFactory]:
    """Another person's browser: a client with its own cookie jar."""
    opened: list[httpx.AsyncClient] = []

    async def open_browser() -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app_state[0])  # type: ignore[arg-type]
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        opened.append(client)
        return client

    yield open_browser
    for client in opened:
        await client.aclose()


SignIn = Callable[..., Awaitable[User]]


@pytest.fixture
def sign_in(state: HubState) -> SignIn:
    """Make a staff member and sign them in on the given client through /login."""
    made = {"n": 0}

    async def make(
        client: httpx.AsyncClient, role: str, structure: str | None = None, language: str = "ar"
    ) -> User:
        made["n"] += 1
        email = f"web-{role}{made['n']}@test.kef.tn"
        async with state.sessions() as session:
            user = await create_user(session, email, PASSWORD, role, structure, language=language)
        form = await client.get("/login")
        response = await client.post(
            "/login",
            data={
                "email": email,
                "password": PASSWORD,
                "csrf_token": hidden(form.text, "csrf_token"),
            },
        )
        assert response.status_code == 303, response.text
        return user

    return make
