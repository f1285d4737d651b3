"""`hub simulate email`: try the e-mail channel with real SMTP and no mail provider.

It stands in for the outbound relay the demo hub sends to (127.0.0.1:8025), sends
a citizen's mail to the hub's inbound listener, and shows what the hub sent back.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import aiosmtplib
from aiosmtpd.controller import Controller

from channels.email.inbox import quiet_protocol_logs
from channels.email.parse import decoded_text, read_message

RELAY_PORT = 8025
GRACE_SECONDS = 0.5  # after the first reply, a little longer for any that follow

Echo = Callable[[str], None]


class Mailbag:
    """aiosmtpd handler keeping every mail it is given (called in the relay's thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self._mails.append(bytes(envelope.original_content or envelope.content))
        return "250 2.0.0 OK"

    def mails(self) -> list[bytes]:
        with self._lock:
            return list(self._mails)


def relay_stand_in(bag: Mailbag, port: int = RELAY_PORT) -> Controller:
    return Controller(bag, hostname="127.0.0.1", port=port, server_hostname="relay.localhost")


def citizen_mail(sender: str, to: str, text: str, subject: str | None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    if subject:
        mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(text)
    return mail


async def send_to_hub(mail: EmailMessage, host: str, port: int) -> tuple[int, str]:
    """One SMTP transaction; returns the hub's answer to DATA."""
    async with aiosmtplib.SMTP(hostname=host, port=port, start_tls=False, timeout=30) as smtp:
        await smtp.mail(str(mail["From"]))
        await smtp.rcpt(str(mail["To"]))
        response = await smtp.data(mail.as_bytes())
    return response.code, response.message


async def simulate_email(
    *,
    sender: str,
    text: str,
    subject: str | None,
    to: str,
    host: str,
    port: int,
    wait: float,
    relay_port: int = RELAY_PORT,
    echo: Echo = print,
) -> int:
    """Returns the command's exit status: 0 when the hub accepted the mail."""
    quiet_protocol_logs()
    bag = Mailbag()
    relay = relay_stand_in(bag, relay_port)
    try:
        await asyncio.to_thread(relay.start)
    except OSError:
        echo(f"port {relay_port} is busy: the hub's replies cannot be shown")
        return await _send(citizen_mail(sender, to, text, subject), host, port, echo)
    try:
        code = await _send(citizen_mail(sender, to, text, subject), host, port, echo)
        if code == 0:
            await _show_replies(bag, sender, wait, echo)
        return code
    finally:
        await asyncio.to_thread(relay.stop)


async def _send(mail: EmailMessage, host: str, port: int, echo: Echo) -> int:
    try:
        code, answer = await send_to_hub(mail, host, port)
    except aiosmtplib.SMTPResponseException as exc:
        echo(f"SMTP answer: {exc.code} {exc.message}")
        return 1
    except (aiosmtplib.SMTPException, OSError) as exc:
        echo(
            f"no hub is listening for mail on {host}:{port} ({type(exc).__name__}); start `hub demo`"
        )
        return 1
    echo(f"SMTP answer: {code} {answer}")
    return 0 if 200 <= code < 300 else 1


async def _show_replies(bag: Mailbag, sender: str, wait: float, echo: Echo) -> None:
    echo(f"waiting up to {wait:g} s for the hub's reply on 127.0.0.1 (relay stand-in) …")
    deadline = time.monotonic() + wait
    while not _for(bag, sender) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if _for(bag, sender):
        await asyncio.sleep(GRACE_SECONDS)
    replies = _for(bag, sender)
    if not replies:
        echo(
            "no reply yet (the hub retries failed sends later; is it configured for 127.0.0.1:8025?)"
        )
    for raw in replies:
        echo(describe(raw))
    others = len(bag.mails()) - len(replies)
    if others:
        # The demo's queue may hold mail for staff or other citizens, waiting for a relay.
        echo(f"\n({others} other mail(s) from the hub's queue, for other addresses, not shown)")


def _for(bag: Mailbag, address: str) -> list[bytes]:
    wanted = address.strip().lower()
    found = []
    for raw in bag.mails():
        to = read_message(raw)["To"]
        if to is not None and wanted in {a.addr_spec.lower() for a in to.addresses}:
            found.append(raw)
    return found


def describe(raw: bytes) -> str:
    mail = read_message(raw)
    lines = ["", "--- mail from the hub " + "-" * 40]
    for name in ("From", "To", "Subject", "Message-ID", "In-Reply-To", "References"):
        if mail[name]:
            lines.append(f"{name}: {mail[name]}")
    body = mail.get_body(preferencelist=("plain",))
    lines += ["", decoded_text(body).strip() if body is not None else "(no text)"]
    return "\n".join(lines)
