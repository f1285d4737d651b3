"""The hub served for real to a real browser: uvicorn on a free port, Debian's Chromium."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from hub.app import create_app
from hub.settings import Settings
from tests.conftest import unavailable

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's chromium; its absence fails in CI and skips elsewhere."""
    found = shutil.which("chromium")
    if found is None:
        unavailable("chromium is not installed (Debian package 'chromium')")
    return found


@contextmanager
def served(settings: Settings, port: int) -> Iterator[None]:
    """The app on 127.0.0.1:port in a thread, until the block ends."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the hub did not start"
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=15)
