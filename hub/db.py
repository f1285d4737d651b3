"""Database engine and sessions (async; PostgreSQL in production, SQLite embedded)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from hub.settings import Settings, async_url


def ensure_sqlite_folder(url: str) -> None:
    """SQLite makes the file but not its folder."""
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(settings: Settings) -> AsyncEngine:
    url = settings.async_database_url
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _sqlite_writes_serialised(engine)
        return engine
    # No pre-ping: it costs a round trip per request; after a database restart the
    # first requests fail with 503 and providers retry them.
    return create_async_engine(
        url, pool_size=settings.database_pool_size, max_overflow=10, pool_recycle=1800
    )


def _sqlite_writes_serialised(engine: AsyncEngine) -> None:
    """SQLite upgrades a read lock to a write lock by failing; take the write lock up front."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def session_scope(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with maker() as session:
        yield session


__all__ = ["async_url", "make_engine", "make_sessionmaker", "session_scope"]
