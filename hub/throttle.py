"""Lock-outs against guessing (PINs, passwords), kept in the database so every process shares them."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import LookupThrottle, utcnow


class Locked(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed attempts; try again in {retry_after} s")
        self.retry_after = retry_after


def key_for(purpose: str, value: str) -> str:
    """What is throttled, hashed: the table holds no reference or e-mail in clear."""
    return hashlib.sha256(f"{purpose}:{value}".encode()).hexdigest()


async def refuse_if_locked(session: AsyncSession, key: str) -> None:
    now = utcnow()
    throttle = await session.get(LookupThrottle, key)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        raise Locked(int((throttle.locked_until - now).total_seconds()) + 1)


async def count_failure(
    session: AsyncSession, key: str, max_failures: int, lock_seconds: int
) -> None:
    """One more failure; at `max_failures` within the window, lock for `lock_seconds`."""
    now = utcnow()
    window = timedelta(seconds=lock_seconds)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(LookupThrottle)
        .values(key=key, failures=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    throttle = await session.get(LookupThrottle, key, with_for_update=True, populate_existing=True)
    assert throttle is not None
    if now - throttle.window_started_at > window:
        throttle.failures, throttle.window_started_at = 0, now
    throttle.failures += 1
    if throttle.failures >= max_failures:
        throttle.locked_until = now + window
        throttle.failures, throttle.window_started_at = 0, now
    session.add(throttle)
    await session.commit()
