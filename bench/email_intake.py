"""E-mail intake under load: a mail relay delivering to the hub's SMTP listener, next to a bare one.

    python bench/email_intake.py [--requests 2000] [--concurrency 20] [--repeats 0.1] [--quick]

The listener is where the hub takes mail in production: the relay that owns the
public MX hands the hub's addresses to it (channels/email/listener.py), and a
message is accepted (250) only once it is committed. (IMAP polling, the other way
in, fetches a mailbox on a timer: no load to measure there.) So this feeds the
hub's own listener with aiosmtplib, as a relay does: `concurrency` connections kept
open, each carrying one message after another; a share of the messages is sent
again, as a relay does when a 250 gets lost.

The baseline is the least an SMTP receiver does: an aiosmtpd server whose handler
parses the message with the standard library's `email` package and inserts one
row, in its own process (`--baseline-smtp PORT`, started here) on uvloop, as the
hub's listener runs on uvicorn's. The hub parses the message, opens a case
exactly once per Message-ID and queues the acknowledgement.

Each message is a citizen's mail as Gmail sends it and the relay passes it on: the
transport headers such mail carries, a text and an HTML part (about 2 KB, 46
lines). Both servers pay for its size alike (SMTP reads it line by line, the
parser walks it); with a bare 600-byte text the hub's own work per message
(triage, duplicate hints, the statements of a new case) weighs relatively more.

Creates and drops the scratch databases hub_bench_email and hub_bench_email_baseline;
see harness.py for the turns and the targets. Prints requests/s, p50 and p99 of
each and the ratios, checks exactly one case per distinct Message-ID, and exits
non-zero when a target is missed.
"""

from __future__ import annotations

import asyncio
import base64
import random
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP as SMTP_POLICY
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid
from typing import Any

import aiosmtplib
import harness
import uvloop
from aiosmtpd.smtp import SMTP
from harness import Load
from sqlalchemy import text

BASELINE_TABLE = (
    "CREATE TABLE mails (id bigserial PRIMARY KEY, message_id text NOT NULL, "
    "sender text NOT NULL, subject text NOT NULL, body text NOT NULL, "
    "received_at timestamptz DEFAULT now())"
)
HUB_ADDRESS = "reclamations@kef.tn"
ACCEPTED = "250 2.0.0 Message accepted"
SUBJECTS = ("Réclamation", "شكوى", "Complaint", "Signalement", "طلب تدخل")
NAMES = ("Karim Trabelsi", "Amel Ben Salah", "سناء الجلاصي", "Ines Mejri", "Walid Gharbi")
SENT = datetime(2025, 11, 4, 8, 21, tzinfo=UTC)


# ---------------------------------------------------------------- the baseline server


class BaselineHandler:
    """What any SMTP receiver does at least: parse the message, insert one row, commit."""

    def __init__(self) -> None:
        self.engine: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or envelope.content)
        message = BytesParser(policy=default_policy).parsebytes(raw)
        body = message.get_body(preferencelist=("plain", "html"))
        values = {
            "message_id": str(message["Message-ID"]),
            "sender": str(message["From"]),
            "subject": str(message["Subject"]),
            "body": body.get_content() if body is not None else "",  # type: ignore[attr-defined]
        }
        if self.engine is None:  # made on the event loop that uses it
            self.engine = harness.baseline_engine()
        async with self.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO mails (message_id, sender, subject, body) "
                    "VALUES (:message_id, :sender, :subject, :body)"
                ),
                values,
            )
        return ACCEPTED


def serve_baseline(port: int) -> None:
    """The baseline's process: aiosmtpd's SMTP sessions on one event loop, as the hub's."""

    async def serve() -> None:
        handler = BaselineHandler()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: SMTP(handler, hostname="baseline.localhost", enable_SMTPUTF8=True),
            "127.0.0.1",
            port,
        )
        stopped = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stopped.set)
        await stopped.wait()
        server.close()

    uvloop.run(serve())


# ---------------------------------------------------------------- load


def mail_load(requests: int, repeats: float, batch: str = "A") -> Load:
    """Mail from many citizens; a share delivered twice, as a relay retries."""
    rng = random.Random(batch)
    return harness.with_retries(lambda n: _mail(batch, n, rng), requests, repeats, rng)


def _mail(batch: str, n: int, rng: random.Random) -> tuple[str, bytes]:
    """(envelope sender, a citizen's message as Gmail sends it and the relay passes it on).

    Shaped on tests/channels/fixtures/email/gmail_reply.eml, with the headers a real
    one carries on top: the relay's and Gmail's Received, DKIM-Signature and Gmail's
    own X- headers; a text and an HTML part (multipart/alternative).
    """
    sender = f"citoyen.{batch.lower()}{n}@gmail.com"
    sent = SENT + timedelta(seconds=n)
    text = f"{rng.choice(harness.TEXTS)}, n° {rng.randint(1, 120)}.\n\nMerci d'avance.\n"
    message = EmailMessage(policy=SMTP_POLICY)
    message["MIME-Version"] = "1.0"
    message["From"] = f"{rng.choice(NAMES)} <{sender}>"
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = make_msgid(f"{batch}{n}", domain="mail.gmail.com")
    message["Subject"] = f"{rng.choice(SUBJECTS)} {n}"
    message["To"] = HUB_ADDRESS
    message.set_content(text, cte="quoted-printable")
    paragraphs = "".join(f"<div>{line}</div>" for line in text.splitlines() if line)
    message.add_alternative(f'<div dir="ltr">{paragraphs}</div>', subtype="html")
    return sender, _transport_headers(n, sent, rng) + message.as_bytes()


def _transport_headers(n: int, sent: datetime, rng: random.Random) -> bytes:
    """What Gmail and the relay put on top of a message, folded as they fold them (the
    signatures are made up: the relay checks them, the hub does not read them)."""
    when = format_datetime(sent)
    host = f"mail-wr1-f{n % 90 + 10}.google.com"
    signed = base64.b64encode(rng.randbytes(256)).decode()
    lines = [
        f"Received: from {host} ({host} [209.85.221.{n % 250}])",
        f"\tby mx.kef.tn (Postfix) with ESMTPS id 4R2kQ{n:05d}",
        f"\tfor <{HUB_ADDRESS}>; {when}",
        f"Received: by {host} with SMTP id ffacd0b85a97d-3a{n:08d}",
        f"        for <{HUB_ADDRESS}>; {when}",
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;",
        f"        d=gmail.com; s=20230601; t={int(sent.timestamp())}; darn=kef.tn;",
        "        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject",
        "         :date:message-id:reply-to;",
        f"        bh={signed[:44]}",
        f"        b={signed[44:120]}",
        *(f"         {signed[i : i + 70]}" for i in range(120, len(signed), 70)),
        f"X-Gm-Message-State: AOJu0Y{signed[200:270]}",
        f"\t{signed[270:330]}",
        f"X-Google-Smtp-Source: AGHT+I{signed[100:180]}",
        f"X-Received: by 2002:a05:6000:1a8b:b0:3a0:{n % 9999:x} with SMTP id",
        f" ffacd0b85a97d-3a{n:08d}; {when}",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def smtp_sender(port: int) -> harness.Sender:
    """`concurrency` connections to the listener, each carrying one message after another."""

    @asynccontextmanager
    async def opened(concurrency: int) -> AsyncIterator[harness.Send]:
        idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        for _ in range(concurrency):
            client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=60)
            await client.connect()
            idle.put_nowait(client)

        async def send(mail: tuple[str, bytes]) -> str | None:
            client = await idle.get()
            try:
                await client.sendmail(mail[0], [HUB_ADDRESS], mail[1])
            except aiosmtplib.SMTPResponseException as exc:
                return str(exc.code)
            finally:
                idle.put_nowait(client)
            return None

        try:
            yield send
        finally:
            while not idle.empty():
                await idle.get_nowait().quit()

    return opened


# ---------------------------------------------------------------- the run


def start(setup: harness.Setup) -> tuple[harness.Contender, harness.Contender]:
    smtp_port, baseline_port = harness.free_port(), harness.free_port()
    hub = setup.hub(
        harness.free_port(),
        HUB_INBOUND_SMTP_PORT=str(smtp_port),
        HUB_MAIL_FROM=HUB_ADDRESS,
        # Nothing is sent during the run; were it, it would go nowhere real.
        HUB_SMTP_HOST="127.0.0.1",
        HUB_SMTP_PORT=str(harness.free_port()),
    )
    command = [sys.executable, __file__, "--baseline-smtp", str(baseline_port)]
    url = f"smtp://127.0.0.1:{baseline_port}"
    baseline = setup.started(
        harness.start_process("baseline", command, url, setup.baseline_environment())
    )

    async def hub_ready() -> None:
        await harness.wait_for_http(hub, "/healthz")
        await harness.wait_for_port(hub, smtp_port)

    return (
        harness.Contender(hub, hub_ready, smtp_sender(smtp_port)),
        harness.Contender(
            baseline,
            lambda: harness.wait_for_port(baseline, baseline_port),
            smtp_sender(baseline_port),
        ),
    )


BENCH = harness.Bench("email", "Message-IDs", BASELINE_TABLE, mail_load, start)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--baseline-smtp"]:
        serve_baseline(int(sys.argv[2]))
    else:
        harness.main(BENCH, __doc__.split("\n", 1)[0])
