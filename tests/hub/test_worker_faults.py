"""A real `hub worker` process killed with SIGKILL in the middle of a send."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from hub.intake.conversation import receive
from hub.jobs import ArqJobs
from hub.models import OutboxItem, utcnow
from hub.outbox.service import sweep_abandoned
from hub.petition import Channel
from hub.state import HubState
from tests.conftest import SECRET, free_port, settings_for
from tests.factories import petition

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


class SlowRelay:
    """An SMTP relay that takes the message, then is slow to say so."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received.append(envelope.content)  # type: ignore[attr-defined]
        await asyncio.sleep(15)
        return "250 OK"


async def test_worker_killed_mid_send_does_not_send_twice(
    pg_url: str, tmp_path: Path, redis_url: str
) -> None:
    relay = SlowRelay()
    port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HUB_")},
        "HUB_SECRET_KEY": SECRET,
        "HUB_DATABASE_URL": pg_url,
        "HUB_REDIS_URL": redis_url,
        "HUB_SMTP_HOST": "127.0.0.1",
        "HUB_SMTP_PORT": str(port),
        "HUB_SMTP_TLS": "false",
        "HUB_MAIL_FROM": "hub@kef.tn",
        "HUB_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    settings = settings_for(
        pg_url,
        tmp_path,
        redis_url=redis_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls=False,
        mail_from="hub@kef.tn",
    )
    state = HubState.build(settings)
    state.jobs = ArqJobs(redis_url)
    worker = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    second = None
    try:
        await receive(
            state,
            petition(
                channel=Channel.email,
                sender="citoyen@example.tn",
                external_id="<m1@example.tn>",
                text="Pas d'eau",
            ),
        )
        deadline = time.monotonic() + 30
        while not relay.received:
            assert time.monotonic() < deadline, "the worker never started sending"
            await asyncio.sleep(0.1)
        worker.send_signal(signal.SIGKILL)  # the relay has the mail; the worker dies before "250"
        worker.wait(timeout=10)
        async with state.sessions() as session:
            item = (await session.scalars(select(OutboxItem))).one()
            assert item.status == "sending"
            # time passes: the dead worker's lease runs out
            await session.execute(
                update(OutboxItem).values(claimed_until=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        second = subprocess.Popen(
            [sys.executable, "-m", "hub.cli", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await asyncio.sleep(1)
        await sweep_abandoned(state)  # what the second worker's sweep also does
        await asyncio.sleep(3)
        async with state.sessions() as session:
            item = (await session.scalars(select(OutboxItem))).one()
        assert item.status == "uncertain"  # visible on the case, never resent blindly
        assert len(relay.received) == 1
    finally:
        for process in (worker, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        controller.stop()
        await state.engine.dispose()
        if state.jobs is not None:
            await state.jobs.stop()
