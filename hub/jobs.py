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
    """Production: nudge arq workers through Redis after each commit.

    Nudges are coalesced: the ids committed within NUDGE_LINGER, and while a nudge
    is on its way to Redis, go together as one job, which a worker fans out into one
    delivery job per item. A busy hub makes one Redis exchange per batch instead of
    one per message (three round trips each); a citizen's acknowledgement leaves at
    most NUDGE_LINGER later.
    """

    def __init__(self, redis_url: str) -> None:
        self._redis_url = redis_url
        self._pool: Any = None
        self._waiting: list[int] = []
        self._sender: asyncio.Task[None] | None = None

    async def _connection(self) -> Any:
        if self._pool is None:
            from arq import create_pool
            from arq.connections import RedisSettings

            settings = RedisSettings.from_dsn(self._redis_url)
            settings.conn_timeout, settings.conn_retries = 2, 0
            self._pool = await create_pool(settings)
        return self._pool

    async def outbox_ready(self, item_ids: Sequence[int]) -> None:
        """Queue the nudge and return; the sender task takes it to Redis."""
        self._waiting.extend(item_ids)
        if self._waiting and (self._sender is None or self._sender.done()):
            self._sender = asyncio.get_running_loop().create_task(self._send_waiting())

    async def _send_waiting(self) -> None:
        await asyncio.sleep(NUDGE_LINGER)
        while self._waiting:
            batch, self._waiting = self._waiting[:NUDGE_BATCH], self._waiting[NUDGE_BATCH:]
            await self._enqueue(batch)

    async def _enqueue(self, item_ids: list[int]) -> None:
        try:
            pool = await self._connection()
            # Each id is queued by the one commit that made it: the first names the batch.
            await pool.enqueue_job("deliver_outbox_items", item_ids, _job_id=_batch_id(item_ids))
        except (OSError, ConnectionError, TimeoutError) as exc:
            log.warning("Redis unreachable (%s): the outbox sweep will deliver", type(exc).__name__)
            self._pool = None
        except Exception as exc:  # redis-py's own errors; never fail the citizen's request
            log.warning("could not queue delivery (%s): the sweep will deliver", type(exc).__name__)
            self._pool = None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        if self._sender is not None:
            with contextlib.suppress(Exception):  # the sender logs its own failures
                await asyncio.wait_for(self._sender, NUDGE_STOP_SECONDS)
        if self._pool is not None:
            await self._pool.aclose()


NUDGE_BATCH = 200  # item ids per coalesced nudge
NUDGE_LINGER = 0.1  # seconds a nudge waits for others to go with it
NUDGE_STOP_SECONDS = 5.0  # on shutdown, how long nudges still on their way may take


def _batch_id(item_ids: Sequence[int]) -> str:
    return f"outbox-batch-{item_ids[0]}-{len(item_ids)}"


def make_jobs(state: HubState) -> Jobs:
    if state.settings.redis_url:
        return ArqJobs(state.settings.redis_url)
    return InProcessJobs(state)


# ------------------------------------------------------------------ arq worker


async def deliver_outbox_item(ctx: dict[str, Any], item_id: int) -> str:
    from hub.outbox.service import deliver

    return await deliver(ctx["state"], item_id)


async def deliver_outbox_items(ctx: dict[str, Any], item_ids: list[int]) -> None:
    """A coalesced nudge: one delivery job per item, each with its own retries and timeout."""
    redis = ctx["redis"]
    for item_id in item_ids:
        await redis.enqueue_job("deliver_outbox_item", item_id, _job_id=f"outbox-{item_id}")


async def sweep_job(ctx: dict[str, Any]) -> None:
    await sweep(ctx["state"])


REDIS_RETRIES = 150  # about five minutes of a Redis outage, at two seconds a try


def _patient_redis(redis_url: str) -> Any:
    """A Redis outage pauses the worker instead of ending it.

    arq ends the worker on the first failed Redis command, and its sends in flight
    die with it (left `uncertain`, never resent). Retried commands let them finish.
    """
    from arq.connections import RedisSettings
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    redis = RedisSettings.from_dsn(redis_url)
    redis.retry = Retry(ExponentialBackoff(cap=2.0, base=0.1), retries=REDIS_RETRIES)
    redis.retry_on_error = [RedisConnectionError, RedisTimeoutError, OSError]  # OSError: refused
    return redis


def worker_settings(
    settings: Settings, prepare: Callable[[HubState], None] | None = None
) -> dict[str, Any]:
    """arq's worker settings; `prepare` lets a caller adjust the state the jobs use."""
    from arq import cron

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
        "functions": [deliver_outbox_item, deliver_outbox_items],
        # unique: with several workers, each beat runs once
        "cron_jobs": [cron(sweep_job, second={0, 30}, unique=True, run_at_startup=True)],
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": _patient_redis(settings.redis_url),
        "max_tries": 3,
        "job_timeout": 120,
    }
