"""Health, readiness, logs without personal data, and `hub serve` as a real server."""

import logging
import subprocess
import sys
import time
from pathlib import Path

import httpx

from hub.logs import DropQueryStrings
from tests.conftest import SECRET, free_port
from tests.hub.test_cli import clean_env


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["database"] == "ok"
    assert body["channels"] == {
        "sms": "off",
        "telegram": "off",
        "email_out": "off",
        "email_in": "off",
    }


async def test_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_access_log_drops_query_strings() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/track/KEF-1234-5678?pin=123456", "1.1", 200),
        None,
    )
    DropQueryStrings().filter(record)
    assert "123456" not in record.getMessage()
    assert "/api/v1/track/KEF-1234-5678" in record.getMessage()


def test_hub_serve_answers_on_its_port(tmp_path: Path) -> None:
    env = clean_env(HUB_SECRET_KEY=SECRET, HUB_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}")
    subprocess.run([sys.executable, "-m", "hub.cli", "migrate"], env=env, check=True, cwd=tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "hub serve did not start"
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.2)
        assert response.status_code == 200
        httpx.get(f"http://127.0.0.1:{port}/api/v1/track/KEF-1234-5678?pin=987654", timeout=2)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert "/api/v1/track/KEF-1234-5678" in output  # the access log is on
    assert "987654" not in output  # and carries no PIN


async def test_sign_ins_are_checked_two_at_a_time_off_the_event_loop() -> None:
    """A burst of sign-ins must not stall the loop (each check is tens of ms and 64 MB)."""
    import asyncio
    import threading
    import time

    from hub.auth import passwords

    stored = passwords.hash_password("correct horse battery")
    inside, peak, loop_thread = [0], [0], threading.get_ident()
    original = passwords.verify_password

    def counted(hashed: str | None, password: str) -> bool:
        assert threading.get_ident() != loop_thread  # never on the event loop's thread
        inside[0] += 1
        peak[0] = max(peak[0], inside[0])
        try:
            return original(hashed, password)
        finally:
            inside[0] -= 1

    passwords.verify_password = counted  # type: ignore[assignment]
    try:
        ticks: list[float] = []

        async def heartbeat() -> None:
            for _ in range(20):
                ticks.append(time.perf_counter())
                await asyncio.sleep(0.005)

        results = await asyncio.gather(
            heartbeat(),
            *(passwords.password_matches(stored, "correct horse battery") for _ in range(6)),
        )
    finally:
        passwords.verify_password = original  # type: ignore[assignment]
    assert all(results[1:]) and peak[0] == 2
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < 0.2  # the loop kept running while passwords were checked
