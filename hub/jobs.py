"""Background jobs: arq on Redis in production, an in-process loop when embedded.

arq is in maintenance mode, so it stays behind this one module. The database is
the source of truth: a nudge lost while Redis is down only delays delivery until
the next sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from hub.settings import Settings
    from hub.state import HubState


log = logging.getLogger("hub.jobs")

SWEEP_SECONDS = 30


async def sweep(state: HubState) -> None:
    """What runs on every beat: due outbox items, abandoned sends, deadlines."""
    from hub.deadlines.service import tick
    from hub.outbox.service import deliver_due, sweep_abandoned

    await sweep_abandoned(state)
    await tick(state)
    await deliver_due(state)


class Jobs(Protocol):
    async def outbox_ready(self, item_ids: Sequence[int]) -> None: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


class InProcessJobs:
    """The embedded default: one asyncio task in the API process."""

    def __init__(self, state: HubState, interval: float = SWEEP_SECONDS) -> None:
        self._state = state
        self._interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def outbox_ready(self, item_ids: Sequence[int]) -> None:
        if item_ids:
            self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="hub-in-process-jobs")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            try:
                await sweep(self._state)
            except Exception:  # a failing beat must not end the loop
                log.exception("in-process job sweep failed")


class ArqJobs:
    """Production: nudge arq workers through Redis after each commit."""

    def __init__(self, redis_url: str) -> None:
        self._redis_url = redis_url
        self._pool: Any = None

    async def _connection(self) -> Any:
        if self._pool is None:
            from arq import create_pool
            from arq.connections import RedisSettings

            settings = RedisSettings.from_dsn(self._redis_url)
            settings.conn_timeout, settings.conn_retries = 2, 0
            self._pool = await create_pool(settings)
        return self._pool

    async def outbox_ready(self, item_ids: Sequence[int]) -> None:
        try:
            pool = await self._connection()
            for item_id in item_ids:
                await pool.enqueue_job("deliver_outbox_item", item_id, _job_id=f"outbox-{item_id}")
        except (OSError, ConnectionError, TimeoutError) as exc:
            log.warning("Redis unreachable (%s): the outbox sweep will deliver", type(exc).__name__)
            self._pool = None
        except Exception as exc:  # redis-py's own errors; never fail the citizen's request
            log.warning("could not queue delivery (%s): the sweep will deliver", type(exc).__name__)
            self._pool = None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()


def make_jobs(state: HubState) -> Jobs:
    if state.settings.redis_url:
        return ArqJobs(state.settings.redis_url)
    return InProcessJobs(state)


# ------------------------------------------------------------------ arq worker


async def deliver_outbox_item(ctx: dict[str, Any], item_id: int) -> str:
    from hub.outbox.service import deliver

    return await deliver(ctx["state"], item_id)


async def sweep_job(ctx: dict[str, Any]) -> None:
    await sweep(ctx["state"])


def worker_settings(
    settings: Settings, prepare: Callable[[HubState], None] | None = None
) -> dict[str, Any]:
    """arq's worker settings; `prepare` lets a caller adjust the state the jobs use."""
    from arq import cron
    from arq.connections import RedisSettings

    assert settings.redis_url, "the arq worker needs HUB_REDIS_URL"

    async def startup(ctx: dict[str, Any]) -> None:
        from hub.state import HubState

        state = HubState.build(settings)
        if prepare is not None:
            prepare(state)
        ctx["state"] = state

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["state"].engine.dispose()

    return {
        "functions": [deliver_outbox_item],
        # unique: with several workers, each beat runs once
        "cron_jobs": [cron(sweep_job, second={0, 30}, unique=True, run_at_startup=True)],
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "max_tries": 3,
        "job_timeout": 120,
    }
