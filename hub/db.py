"""Database engine and sessions (async; PostgreSQL in production, SQLite embedded)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Insert, Table, event, insert, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import SQLModel

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


# ---------------------------------------------------------------- writing without the unit of work
# Intake writes a few fresh rows per request; the ORM's flush bookkeeping for them
# cost more than the SQL itself, so the hot path writes them with Core INSERTs.


async def insert_values(
    session: AsyncSession, table: Table, values: Mapping[str, Any], unique: tuple[str, ...] = ()
) -> int | None:
    """INSERT one row in the session's transaction; its new id.

    With `unique` columns, a row that would clash on them is not written (ON CONFLICT
    DO NOTHING: a concurrent writer of the same key is waited for) and None is returned.
    """
    connection = await session.connection()
    statement = _insert_returning_id(connection.dialect.name, table, unique)
    new_id: int | None = (await connection.execute(statement, values)).scalar_one_or_none()
    return new_id


async def insert_row(session: AsyncSession, row: SQLModel, unique: tuple[str, ...] = ()) -> bool:
    """Write a new object's row with one INSERT and set its id; False if `unique` clashed.

    The object stays outside the session: `attach` it once it matches its row.
    """
    table: Table = row.__table__  # type: ignore[attr-defined]
    values = {column.key: getattr(row, column.key) for column in table.columns}
    del values["id"]
    new_id = await insert_values(session, table, values, unique)
    if new_id is None:
        return False
    row.id = new_id
    return True


def attach(session: AsyncSession, *rows: SQLModel) -> None:
    """Put rows written by `insert_row` in the session as if just loaded.

    Later changes to them are tracked and flushed as usual; nothing is inserted twice.
    """
    for row in rows:
        make_transient_to_detached(row)
        session.add(row)


@functools.cache
def _insert_returning_id(dialect: str, table: Table, unique: tuple[str, ...]) -> Insert:
    # Built once per table: SQLAlchemy then reuses the compiled statement.
    if not unique:
        return insert(table).returning(table.c.id)
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(table).on_conflict_do_nothing(index_elements=list(unique))
    return statement.returning(table.c.id)


__all__ = [
    "async_url",
    "attach",
    "insert_row",
    "insert_values",
    "make_engine",
    "make_sessionmaker",
]
