"""Migrations are the only schema: they run up and down, and match the models."""

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import hub.models  # noqa: F401
from hub.migrate import downgrade, upgrade
from hub.settings import async_url


async def diff_and_tables(url: str) -> tuple[list[object], set[str]]:
    engine = create_async_engine(async_url(url))
    async with engine.connect() as conn:

        def compare(sync_conn):  # type: ignore[no-untyped-def]
            context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata), set(
                inspect(sync_conn).get_table_names()
            )

        result = await conn.run_sync(compare)
    await engine.dispose()
    return result


@pytest.fixture
def empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    from tests.conftest import _pg_database_url, _recreate_pg_database

    request.getfixturevalue("pg_database")  # fails in CI when PostgreSQL is down
    name = "hub_migrations_test"
    asyncio.run(_recreate_pg_database(name))
    return _pg_database_url(name)


def test_up_down_up_and_models_match(empty_url: str) -> None:
    upgrade(empty_url)
    diff, tables = asyncio.run(diff_and_tables(empty_url))
    assert diff == [], f"models and migrations disagree: {diff}"
    assert {"cases", "case_events", "outbox", "inbound_receipts", "reporters"} <= tables
    downgrade(empty_url)
    _, tables = asyncio.run(diff_and_tables(empty_url))
    assert tables <= {"alembic_version"}
    upgrade(empty_url)
    diff, _ = asyncio.run(diff_and_tables(empty_url))
    assert diff == []


def test_a_model_change_without_migration_is_caught(empty_url: str) -> None:
    import sqlalchemy as sa

    upgrade(empty_url)
    table = SQLModel.metadata.tables["cases"]
    extra = sa.Column("not_migrated", sa.Integer, nullable=True)
    table.append_column(extra)
    try:
        diff, _ = asyncio.run(diff_and_tables(empty_url))
    finally:
        table._columns.remove(extra)  # type: ignore[attr-defined]
    assert any("not_migrated" in str(d) for d in diff)
