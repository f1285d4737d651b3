"""Database engine and sessions (async; PostgreSQL in production, SQLite embedded)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Insert, Table, event, insert, inspect, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlmodel import SQLModel

from hub.settings import Settings, async_url

Row = TypeVar("Row", bound=SQLModel)


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

    An id already set (reserved from the table's sequence) is written as it is.
    The object stays outside the session: `attach` it once it matches its row.
    """
    table: Table = row.__table__  # type: ignore[attr-defined]
    values = {column.key: row.__dict__[column.key] for column in table.columns}
    if values["id"] is None:
        del values["id"]
    new_id = await insert_values(session, table, values, unique)
    if new_id is None:
        return False
    row.id = new_id
    return True


def new_row(model: type[Row], **values: Any) -> Row:
    """A new object of a table model with its defaults, built as the ORM builds loaded rows.

    SQLModel's __init__ sends every field through pydantic and the ORM's attribute
    events (0.1 ms for a message, 0.4 ms for a case), and intake makes four objects
    per message. Nothing is skipped that matters: table models are not validated by
    __init__ either. Every field without a default must be given.
    """
    spec = _spec(model)
    missing = spec.required - values.keys()
    if missing:
        raise TypeError(f"{model.__name__} needs {', '.join(sorted(missing))}")
    row: Row = spec.new_instance()
    fields = row.__dict__
    fields.update(spec.defaults)
    for name, factory in spec.factories:
        if name not in values:
            fields[name] = factory()
    fields.update(values)
    return row


@dataclass(frozen=True)
class _ModelSpec:
    new_instance: Callable[[], Any]
    defaults: dict[str, Any]  # the models' plain defaults are immutable values
    factories: tuple[tuple[str, Callable[[], Any]], ...]
    required: frozenset[str]


@functools.cache
def _spec(model: type[SQLModel]) -> _ModelSpec:
    """Per model, once: how to make an instance, its defaults, the fields without one."""
    configure_mappers()  # the ORM finishes its mappers on first use; new_instance needs them
    defaults: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    required: set[str] = set()
    for name, field in model.model_fields.items():
        if field.default_factory is not None:
            factories.append((name, field.default_factory))  # type: ignore[arg-type]
        elif field.is_required():
            required.add(name)
        else:
            defaults[name] = field.default
    manager = inspect(model).class_manager
    return _ModelSpec(manager.new_instance, defaults, tuple(factories), frozenset(required))


def attach(session: AsyncSession, *rows: SQLModel) -> None:
    """Put rows written by `insert_row` in the session as if just loaded.

    Later changes to them are tracked and flushed as usual; nothing is inserted twice.
    """
    for row in rows:
        make_transient_to_detached(row)
        session.add(row)


def loaded(session: AsyncSession, model: type[Row], values: Mapping[str, Any]) -> Row:
    """The session's object for a row just read with Core: the one it holds, else a new one.

    As the ORM does when it loads a row: an object the session already has wins.
    """
    held = session.identity_map.get(session.identity_key(model, values["id"]))
    if held is not None:
        return held
    row = new_row(model, **values)
    attach(session, row)
    return row


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
    "loaded",
    "make_engine",
    "make_sessionmaker",
    "new_row",
]
