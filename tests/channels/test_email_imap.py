"""IMAP polling against a real IMAP server: Debian's Dovecot, started by the test itself.

Without dovecot installed the tests skip, and fail under CI=true
(`apt-get install dovecot-imapd`).
"""

from __future__ import annotations

import asyncio
import getpass
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from aioimaplib import IMAP4
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from channels.email import inbox, poller
from channels.email.parse import AUTOMATIC_REASON
from channels.email.poller import TOO_BIG_REASON, mailbox_of, poll_once
from hub.models import Case, InboundReceipt, Message, Quarantine
from hub.outbox.service import deliver_due
from hub.settings import Settings
from hub.state import HubState
from tests.channels.test_email_peers import (
    RelayPeer,
    count,
    fixture,
    hub_settings,
    relay_peer,
    running_hub,
    wait_until,
)
from tests.conftest import free_port, unavailable

USER, PASSWORD = "hub", "imap-test-password"


@dataclass(frozen=True)
class Dovecot:
    port: int

    def url(self, folder: str) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{folder}"


def _dovecot_binary() -> str:
    found = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        unavailable("dovecot is not installed (apt-get install dovecot-imapd)")
    return found


def _users() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid) that Dovecot accepts here.

    Dovecot refuses uid 0 for mail and root for its login processes: as root, the
    mailbox belongs to `nobody` and logins run as `dovenull`; as anyone else,
    everything runs as that user.
    """
    if os.geteuid() != 0:
        me = getpass.getuser()
        return me, me, os.getuid(), os.getgid()
    nobody = pwd.getpwnam("nobody")
    return "root", "dovenull", nobody.pw_uid, nobody.pw_gid


def _config(root: Path, port: int) -> Path:
    internal, login, uid, gid = _users()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    home = root / "home" / USER
    home.mkdir(parents=True)
    os.chown(home, uid, gid)
    conf = root / "dovecot.conf"
    conf.write_text(
        f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    )
    return conf


def _let_mail_user_through(root: Path) -> list[tuple[Path, int]]:
    """pytest's temporary folders are 0700: Dovecot's unprivileged processes need to pass."""
    changed: list[tuple[Path, int]] = []
    if os.geteuid() != 0:
        return changed
    top = Path(tempfile.gettempdir()).resolve()
    for folder in [root / "home", root, *root.parents]:
        if folder.resolve() in (top, Path("/")):
            break
        mode = stat.S_IMODE(folder.stat().st_mode)
        os.chmod(folder, mode | 0o011)
        changed.append((folder, mode))
    return changed


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    detail = log.read_text() if log.exists() else ""
    pytest.fail(f"dovecot did not start on port {port}:\n{detail}")


@pytest.fixture(scope="module")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    binary = _dovecot_binary()
    root = tmp_path_factory.mktemp("dovecot")
    port = free_port()
    conf = _config(root, port)
    changed = _let_mail_user_through(root)
    process = subprocess.Popen([binary, "-F", "-c", str(conf)], stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process, root / "dovecot.log")
        yield Dovecot(port)
    finally:
        process.terminate()
        process.wait(timeout=15)
        for folder, mode in changed:
            os.chmod(folder, mode)


@asynccontextmanager
async def imap_session(dovecot: Dovecot, folder: str) -> AsyncIterator[IMAP4]:
    client = IMAP4("127.0.0.1", dovecot.port, timeout=10)
    await client.wait_hello_from_server()
    assert (await client.login(USER, PASSWORD)).result == "OK"
    await client.create(folder)  # NO when it exists already: fine
    assert (await client.select(folder)).result == "OK"
    try:
        yield client
    finally:
        await client.logout()


async def append(dovecot: Dovecot, folder: str, *mails: bytes, seen: bool = False) -> None:
    async with imap_session(dovecot, folder) as client:
        for raw in mails:
            response = await client.append(raw, mailbox=folder, flags=r"(\Seen)" if seen else None)
            assert response.result == "OK", response


async def unseen(dovecot: Dovecot, folder: str) -> list[bytes]:
    async with imap_session(dovecot, folder) as client:
        response = await client.uid_search("UNSEEN", charset=None)
    return bytes(response.lines[0]).split()


def new_folder() -> str:
    return f"Hub{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def relay() -> AsyncIterator[RelayPeer]:
    async with relay_peer() as peer:
        yield peer


async def test_poller_takes_in_unseen_mail_once_and_marks_it_seen(
    dovecot: Dovecot, settings: Settings, relay: RelayPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = new_folder()
    arabic = fixture("arabic_base64.eml")
    await append(
        dovecot,
        folder,
        arabic,
        fixture("windows_1256.eml"),
        arabic,  # delivered twice into the mailbox: one case still
        fixture("bounce.eml", REFERENCE="KEF-0000-0000", HUB_MESSAGE_ID="x@demo.kef.tn"),
    )
    await append(dovecot, folder, fixture("french_quoted_printable.eml"), seen=True)
    monkeypatch.setattr(poller, "POLL_SECONDS", 0.1)

    configured = hub_settings(
        settings, relay.port, inbound_smtp_port=None, imap_url=dovecot.url(folder)
    )
    async with running_hub(configured) as hub:

        async def all_seen() -> bool:
            return not await unseen(dovecot, folder)

        await wait_until(all_seen, timeout=20)
        await wait_until(lambda: _count_cases(hub, 2))
        await asyncio.sleep(0.5)  # several more polls find nothing new
        assert await count(hub, Case) == 2
        assert await count(hub, InboundReceipt) == 2
        assert await count(hub, Message) == 2
        async with hub.sessions() as session:
            reasons = (await session.scalars(select(Quarantine.reason))).all()
        assert reasons == [AUTOMATIC_REASON]
        # The citizens hear back by e-mail, once each.
        assert await deliver_due(hub) == 2
        assert {m["To"] for m in await relay.wait_for(2)} == {
            "m.kefi@yahoo.fr",
            "sami.jendoubi@topnet.tn",
        }


async def test_a_crash_before_commit_fetches_the_mail_again(
    dovecot: Dovecot, settings: Settings, relay: RelayPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = new_folder()
    await append(dovecot, folder, fixture("arabic_base64.eml"))
    configured = hub_settings(settings, relay.port, inbound_smtp_port=None)
    mailbox = mailbox_of(dovecot.url(folder))
    async with running_hub(configured) as hub:
        real_receive = inbox.receive

        async def database_down(*args: object, **kwargs: object) -> None:
            raise OperationalError("INSERT …", {}, ConnectionRefusedError())

        monkeypatch.setattr(inbox, "receive", database_down)
        with pytest.raises(OperationalError):
            await poll_once(hub, mailbox)
        assert len(await unseen(dovecot, folder)) == 1
        assert await count(hub, Case) == 0

        monkeypatch.setattr(inbox, "receive", real_receive)
        assert await poll_once(hub, mailbox) == 1
        assert await unseen(dovecot, folder) == []
        assert await poll_once(hub, mailbox) == 0
        assert await count(hub, Case) == 1


async def test_a_mail_too_big_is_recorded_by_its_headers(
    dovecot: Dovecot, settings: Settings, relay: RelayPeer
) -> None:
    folder = new_folder()
    big = fixture("arabic_base64.eml") + (b"x" * 70 + b"\r\n") * 100
    await append(dovecot, folder, big)
    configured = hub_settings(settings, relay.port, inbound_smtp_port=None, max_body_bytes=4096)
    async with running_hub(configured) as hub:
        assert await poll_once(hub, mailbox_of(dovecot.url(folder))) == 1
        async with hub.sessions() as session:
            [row] = (await session.scalars(select(Quarantine))).all()
        assert row.reason == TOO_BIG_REASON
        assert row.external_id == "1938475610.2847561.1762159198123@mail.yahoo.com"
        assert b"Subject:" in row.raw and b"xxxx" not in row.raw
        assert await count(hub, Case) == 0
    assert await unseen(dovecot, folder) == []


def test_imap_urls() -> None:
    plain = mailbox_of("imap://hub%40kef.tn:p%40ss@mail.kef.tn/Plaintes")
    assert (plain.host, plain.port, plain.user, plain.password, plain.folder, plain.tls) == (
        "mail.kef.tn",
        143,
        "hub@kef.tn",
        "p@ss",
        "Plaintes",
        False,
    )
    secure = mailbox_of("imaps://hub:secret@mail.kef.tn")
    assert (secure.port, secure.folder, secure.tls) == (993, "INBOX", True)
    with pytest.raises(ValueError):
        mailbox_of("pop3://hub:secret@mail.kef.tn")


async def _count_cases(hub: HubState, expected: int) -> bool:
    async with hub.sessions() as session:
        return len((await session.scalars(select(col(Case.id)))).all()) == expected
