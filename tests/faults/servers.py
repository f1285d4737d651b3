"""Private Redis and PostgreSQL servers that a test may stop, kill and restart.

The machine's shared servers (127.0.0.1:5432, :6379) serve other tests and CI at
the same time, so fault tests never touch them: each gets its own Redis on a
free port and a PostgreSQL cluster made with initdb in a temporary folder.
initdb refuses to run as root, so as root the cluster belongs to the `postgres`
user. Outside CI a machine without these servers skips the tests; with CI=true
it fails them.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from hub.migrate import upgrade
from tests.conftest import SECRET, _seed, free_port, settings_for, unavailable

TEMPLATE_DATABASE = "hub_template"


def wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------- Redis


class PrivateRedis:
    """One redis-server process, nothing kept on disk; stop and start it at will."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not on PATH (Debian package redis-server)")
        # Same port after a restart: the hub's processes reconnect to the address they know.
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder),
             "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not wait_for_port(self.port, 10):
            self.stop()
            raise RuntimeError(f"redis-server did not listen on port {self.port}")

    async def keys(self, pattern: str) -> list[bytes]:
        import redis.asyncio as aioredis

        client = aioredis.from_url(self.url)
        try:
            return list(await client.keys(pattern))
        finally:
            await client.aclose()

    def stop(self, kill: bool = False) -> None:
        """Stop the server: SIGTERM (a clean shutdown) or SIGKILL (a crash)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# ---------------------------------------------------------------- PostgreSQL


def _pg_bin(name: str) -> str | None:
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


def _as_cluster_owner() -> list[str]:
    """Prefix for commands on the cluster: as root, run them as `postgres`."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--"]
    return [shutil.which("setpriv") or "setpriv", "--reuid=postgres", "--regid=postgres",
            "--init-groups"]  # fmt: skip


SERVER_SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{folder}'
max_connections = 300
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
"""


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of its own: initdb, pg_ctl start, stop, restart."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def admin_dsn(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [*_as_cluster_owner(), *args], capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stderr or result.stdout}")

    def init(self) -> None:
        initdb = _pg_bin("initdb")
        if initdb is None:
            raise RuntimeError("initdb not found (Debian package postgresql)")
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(SERVER_SETTINGS.format(port=self.port, folder=self.folder))

    def _pg_ctl(self, *args: str) -> None:
        pg_ctl = _pg_bin("pg_ctl")
        assert pg_ctl is not None
        self._run(pg_ctl, "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-t", "30", *args)  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        """Every connection is cut (fast: open transactions roll back), then it comes back."""
        self._pg_ctl("restart", "-m", mode)

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    async def create_database(self, name: str, template: str | None = None) -> str:
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            suffix = f' TEMPLATE "{template}"' if template else ""
            await conn.execute(f'CREATE DATABASE "{name}"{suffix}')
        finally:
            await conn.close()
        return self.url(name)


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started cluster with a migrated, seeded template database; removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="hub-faults-pg-"))  # outside pytest's root-only tmp
    cluster = PrivatePostgres(folder, free_port())
    try:
        cluster.init()
        cluster.start()
        url = asyncio.run(cluster.create_database(TEMPLATE_DATABASE))
        upgrade(url)
        asyncio.run(_seed(settings_for(url, folder)))
    except (
        OSError,
        KeyError,
        RuntimeError,
        subprocess.SubprocessError,
        asyncpg.PostgresError,
    ) as exc:
        if cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
        unavailable(f"a private PostgreSQL cluster could not be started: {exc}")
    try:
        yield cluster
    finally:
        if cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


_databases = iter(range(1, 10**6))


@pytest.fixture
def hub_database(private_postgres: PrivatePostgres) -> str:
    """A fresh database of the private cluster, migrated and seeded (a template copy)."""
    if not private_postgres.running():  # a test that stopped it and failed before restarting
        private_postgres.start()
    name = f"hub_fault_{next(_databases)}"
    return asyncio.run(private_postgres.create_database(name, template=TEMPLATE_DATABASE))


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    folder = tmp_path / "redis"
    folder.mkdir()
    server = PrivateRedis(folder)
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        unavailable(f"a private Redis could not be started: {exc}")
    try:
        yield server
    finally:
        server.stop()


__all__ = [
    "SECRET",
    "PrivatePostgres",
    "PrivateRedis",
    "free_port",
    "hub_database",
    "private_postgres",
    "private_redis",
    "unavailable",
]
