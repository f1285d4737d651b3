"""Test harness: every store test runs on SQLite and on the machine's PostgreSQL.

The schema comes from the real Alembic migrations. With CI=true an unreachable
PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import NoReturn

import asyncpg
import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlmodel import SQLModel

from hub.app import create_app
from hub.db import make_engine, make_sessionmaker
from hub.migrate import upgrade
from hub.models import User
from hub.seed import ensure_defaults
from hub.settings import Settings
from hub.state import HubState
from hub.users import create_user

PG_ADMIN_URL = os.environ.get("HUB_TEST_POSTGRES", "postgresql://root@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SECRET = "test-secret-key-0123456789-abcdefghijklmnop"


def unavailable(message: str) -> NoReturn:
    """Something the tests need cannot be had: fail in CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """A loopback TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings_for(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    return Settings(
        secret_key=SECRET,  # type: ignore[arg-type]
        database_url=database_url,
        data_dir=data_dir,
        public_url="http://testserver",
        **overrides,  # type: ignore[arg-type]
    )


# The SMS and Telegram channels on, so their webhooks check signatures instead of
# answering 503 "off"; their providers' addresses closed, so nothing leaves the machine.
CHANNELS_ON: dict[str, object] = {
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": SecretStr("test-twilio-token"),
    "twilio_from": "+21670000000",
    "twilio_api_base": "http://127.0.0.1:9",
    "telegram_token": SecretStr("123456:test-telegram-token"),
    "telegram_secret": SecretStr("test-telegram-secret"),
    "telegram_api_base": "http://127.0.0.1:9",
}


async def _seed(settings: Settings) -> None:
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await ensure_defaults(session)
    await engine.dispose()


# ---------------------------------------------------------------- PostgreSQL


def _pg_database_url(name: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


async def _recreate_pg_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql://", "postgres://"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_database() -> str:
    """A fresh, migrated PostgreSQL database for this test session."""
    name = f"hub_test_{os.getpid()}"
    try:
        asyncio.run(_recreate_pg_database(name))
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable(f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {exc}")
    url = _pg_database_url(name)
    upgrade(url)
    return url


async def _reset_pg(url: str, data_dir: Path) -> None:
    settings = settings_for(url, data_dir)
    engine = make_engine(settings)
    async with engine.begin() as conn:
        tables = ", ".join(SQLModel.metadata.tables)
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    await _seed(settings)


# ---------------------------------------------------------------- SQLite


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    asyncio.run(_seed(settings_for(url, folder)))
    return path


# ---------------------------------------------------------------- per test


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "hub.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("pg_database")
    asyncio.run(_reset_pg(url, tmp_path))
    return url


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """PostgreSQL only (concurrency tests)."""
    url: str = request.getfixturevalue("pg_database")
    asyncio.run(_reset_pg(url, tmp_path))
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_for(database_url, tmp_path)


@pytest.fixture
async def app_state(settings: Settings) -> AsyncIterator[tuple[object, HubState]]:
    app = create_app(settings)
    yield app, app.state.hub
    await app.state.hub.engine.dispose()


@pytest.fixture
def state(app_state: tuple[object, HubState]) -> HubState:
    return app_state[1]


@pytest.fixture
async def client(app_state: tuple[object, HubState]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app_state[0])  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


StaffFactory = Callable[..., Awaitable[tuple[User, dict[str, str]]]]


@pytest.fixture
def staff(state: HubState, client: httpx.AsyncClient) -> StaffFactory:
    """Make a staff user and sign in through the API; returns (user, auth headers)."""
    counter = {"n": 0}

    async def make(role: str, structure: str | None = None) -> tuple[User, dict[str, str]]:
        counter["n"] += 1
        email = f"{role}{counter['n']}@test.kef.tn"
        password = "correct horse battery"
        async with state.sessions() as session:
            user = await create_user(session, email, password, role, structure)
        response = await client.post(
            "/api/v1/auth/token", data={"username": email, "password": password}
        )
        assert response.status_code == 200, response.text
        return user, {"Authorization": f"Bearer {response.json()['access_token']}"}

    return make


REDIS_URL = os.environ.get("HUB_TEST_REDIS", "redis://127.0.0.1:6379/9")


@pytest.fixture
async def redis_url() -> str:
    """The machine's Redis, emptied; in CI an unreachable Redis fails the test."""
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL)
    try:
        await client.flushdb()
    except (OSError, aioredis.ConnectionError) as exc:
        unavailable(f"Redis at {REDIS_URL} is unreachable: {exc}")
    finally:
        await client.aclose()
    return REDIS_URL
