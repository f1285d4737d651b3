"""A small in-process fixed-window rate limiter, keyed by purpose and client address.

Each API process keeps its own windows in memory: with N processes behind the
reverse proxy a client may get up to N times the limit, and a restart forgets
every window. That is acceptable for soft limits on cheap public endpoints
(the triage preview); a limit that must hold across processes belongs in the
database or Redis, as the tracking lock-out does.

The client address is what the ASGI server reports: behind a reverse proxy,
run uvicorn with --proxy-headers and --forwarded-allow-ips set to the proxy,
or every citizen shares the proxy's address and its window.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Window:
    started: float
    count: int


class FixedWindowLimiter:
    """At most `limit` hits per key in each window of `window_seconds`.

    Thread-safe (one lock around a dict update, no await inside), so it serves
    async handlers and threadpool handlers alike.
    """

    def __init__(
        self,
        limit: int,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if limit < 0 or window_seconds <= 0:
            raise ValueError("the limit must be >= 0 and the window > 0 seconds")
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._max_keys = max_keys
        self._windows: dict[tuple[str, str], _Window] = {}
        self._lock = threading.Lock()

    def hit(self, purpose: str, key: str) -> int | None:
        """Count one hit; None if allowed, else the seconds until the window resets."""
        now = self._clock()
        with self._lock:
            window = self._windows.get((purpose, key))
            if window is None or now - window.started >= self.window_seconds:
                if len(self._windows) >= self._max_keys:
                    self._forget_expired(now)
                window = _Window(now, 0)
                self._windows[(purpose, key)] = window
            if window.count >= self.limit:
                return max(1, math.ceil(window.started + self.window_seconds - now))
            window.count += 1
            return None

    def _forget_expired(self, now: float) -> None:
        expired = [k for k, w in self._windows.items() if now - w.started >= self.window_seconds]
        for k in expired:
            del self._windows[k]
        if len(self._windows) >= self._max_keys:
            # A flood of distinct addresses: start over rather than grow without bound.
            self._windows.clear()
