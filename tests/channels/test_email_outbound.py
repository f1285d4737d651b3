"""EmailAdapter against a real SMTP server (aiosmtpd): headers, threading, refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from channels.base import Outbound, PermanentFailure, TemporaryFailure
from channels.email import EmailAdapter
from hub.settings import Settings
from tests.channels.test_email_peers import RelayPeer, relay_peer
from tests.conftest import free_port, settings_for

CITIZEN = "amel.bensalah@gmail.com"


@pytest.fixture
async def relay() -> AsyncIterator[RelayPeer]:
    async with relay_peer() as peer:
        yield peer


def adapter_for(port: int, tmp_path: Path, **overrides: object) -> EmailAdapter:
    values: dict[str, object] = {
        "mail_from": "hub@demo.kef.tn",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": False,
    }
    values.update(overrides)
    settings: Settings = settings_for(f"sqlite:///{tmp_path}/unused.db", tmp_path, **values)
    return EmailAdapter(settings)


def outbound(**fields: object) -> Outbound:
    values: dict[str, object] = {
        "to": CITIZEN,
        "text": "Votre demande est enregistrée : KEF-4F7K-2Q9M. Code PIN : 123456.",
        "reference": "KEF-4F7K-2Q9M",
        "subject": "[KEF-4F7K-2Q9M]",
        "reply_to": "CAFx2m9Q@mail.gmail.com",
        "thread": ("CAFx2m9Q@mail.gmail.com",),
        "idempotency_key": "outbox-1",
    }
    values.update(fields)
    return Outbound(**values)  # type: ignore[arg-type]


async def test_mail_is_threaded_and_its_message_id_is_the_provider_id(
    relay: RelayPeer, tmp_path: Path
) -> None:
    adapter = adapter_for(relay.port, tmp_path)
    assert adapter.name == "email" and adapter.configured
    thread = ("SM0123456789abcdef", "first@mail.gmail.com", "174.ack@demo.kef.tn")
    sent = await adapter.send(outbound(reply_to="second@mail.gmail.com", thread=thread))
    [mail] = await relay.wait_for(1)
    assert mail["From"] == "hub@demo.kef.tn"
    assert mail["To"] == CITIZEN
    assert mail["Subject"] == "[KEF-4F7K-2Q9M] Votre demande"
    assert mail["Message-ID"] == f"<{sent.provider_id}>"
    assert str(sent.provider_id).endswith("@demo.kef.tn")
    assert mail["In-Reply-To"] == "<second@mail.gmail.com>"
    # An SMS id of the same case is no e-mail id: it stays out of References.
    assert str(mail["References"]).split() == [
        "<first@mail.gmail.com>",
        "<174.ack@demo.kef.tn>",
        "<second@mail.gmail.com>",
    ]
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().strip() == (
        "Votre demande est enregistrée : KEF-4F7K-2Q9M. Code PIN : 123456."
    )


async def test_arabic_and_english_subjects(relay: RelayPeer, tmp_path: Path) -> None:
    adapter = adapter_for(relay.port, tmp_path)
    await adapter.send(outbound(text="تم تسجيل شكايتك تحت المرجع KEF-4F7K-2Q9M"))
    await adapter.send(outbound(text="Your report is registered: KEF-4F7K-2Q9M"))
    await adapter.send(outbound(reference=None, subject=None, reply_to=None, thread=()))
    arabic, english, bare = await relay.wait_for(3)
    assert arabic["Subject"] == "[KEF-4F7K-2Q9M] شكايتك"
    assert english["Subject"] == "[KEF-4F7K-2Q9M] Your report"
    assert bare["Subject"] == "Votre demande"
    assert bare["In-Reply-To"] is None and bare["References"] is None
    assert bare["Auto-Submitted"] == "auto-generated"


async def test_login_when_a_user_is_set(tmp_path: Path) -> None:
    async with relay_peer(with_auth=True) as relay:
        adapter = adapter_for(
            relay.port, tmp_path, smtp_user="hub", smtp_password=SecretStr("relay-secret")
        )
        await adapter.send(outbound())
        await relay.wait_for(1)
    assert relay.logins == [("hub", "relay-secret")]


async def test_starttls_is_required_when_configured(relay: RelayPeer, tmp_path: Path) -> None:
    # The peer offers no STARTTLS: the adapter refuses to send in clear, and retries later.
    adapter = adapter_for(relay.port, tmp_path, smtp_tls=True)
    with pytest.raises(TemporaryFailure):
        await adapter.send(outbound())
    assert relay.mails() == []


@pytest.mark.parametrize(
    ("refusal", "error"),
    [
        ("550 5.1.1 <amel.bensalah@gmail.com>: Recipient address rejected", PermanentFailure),
        ("450 4.2.0 <amel.bensalah@gmail.com>: Greylisted, try again", TemporaryFailure),
    ],
)
async def test_refused_recipient(
    relay: RelayPeer, tmp_path: Path, refusal: str, error: type[Exception]
) -> None:
    relay.refuse_rcpt = refusal
    with pytest.raises(error) as caught:
        await adapter_for(relay.port, tmp_path).send(outbound())
    assert CITIZEN not in str(caught.value)  # the reason is stored: it names no address


@pytest.mark.parametrize(
    ("refusal", "error"),
    [
        ("554 5.7.1 Message rejected as spam", PermanentFailure),
        ("451 4.3.0 Try later", TemporaryFailure),
    ],
)
async def test_refused_message(
    relay: RelayPeer, tmp_path: Path, refusal: str, error: type[Exception]
) -> None:
    relay.refuse_data = refusal
    with pytest.raises(error):
        await adapter_for(relay.port, tmp_path).send(outbound())


@pytest.mark.parametrize("address", ["no-at-sign", "a@example.tn\nBcc: b@example.tn", ""])
async def test_an_unusable_address_fails_for_good(
    relay: RelayPeer, tmp_path: Path, address: str
) -> None:
    with pytest.raises(PermanentFailure):
        await adapter_for(relay.port, tmp_path).send(outbound(to=address))
    assert relay.mails() == []


async def test_unreachable_relay_is_temporary(tmp_path: Path) -> None:
    with pytest.raises(TemporaryFailure):
        await adapter_for(free_port(), tmp_path).send(outbound())


def test_not_configured_without_host_or_sender(tmp_path: Path) -> None:
    assert not adapter_for(25, tmp_path, smtp_host=None).configured
    assert not adapter_for(25, tmp_path, mail_from=None).configured
