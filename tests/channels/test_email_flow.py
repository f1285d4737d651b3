"""The e-mail channel end to end, over real SMTP in both directions, on SQLite and PostgreSQL.

citizen --SMTP--> hub's aiosmtpd listener --> case --> outbox --aiosmtplib--> relay peer
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from email.message import EmailMessage

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from channels.email import inbox
from channels.email.inbox import Outcome, take_in
from channels.email.parse import AUTOMATIC_REASON, normalise_message_id
from channels.email.simulate import simulate_email
from hub.models import (
    Attachment,
    Case,
    CaseEvent,
    InboundReceipt,
    Message,
    OutboxItem,
    Quarantine,
)
from hub.outbox.service import deliver_due, queue_notice
from hub.settings import Settings
from hub.state import HubState
from tests.channels.test_email_peers import (
    RelayPeer,
    count,
    fixture,
    hub_settings,
    relay_peer,
    running_hub,
    smtp_deliver,
)
from tests.conftest import free_port

AMEL = "amel.bensalah@gmail.com"
KARIM = "karim.trabelsi@outlook.fr"


@pytest.fixture
async def relay() -> AsyncIterator[RelayPeer]:
    async with relay_peer() as peer:
        yield peer


@pytest.fixture
async def hub(settings: Settings, relay: RelayPeer) -> AsyncIterator[HubState]:
    async with running_hub(hub_settings(settings, relay.port)) as state:
        yield state


async def send(hub: HubState, raw: bytes, sender: str = AMEL) -> tuple[int, str]:
    port = hub.settings.inbound_smtp_port
    assert port is not None
    return await smtp_deliver(raw, port, sender)


async def case_of(hub: HubState, reference: str) -> Case:
    async with hub.sessions() as session:
        return (await session.scalars(select(Case).where(col(Case.reference) == reference))).one()


async def only_case(hub: HubState) -> Case:
    async with hub.sessions() as session:
        return (await session.scalars(select(Case))).one()


async def messages_of(hub: HubState, case: Case) -> list[Message]:
    async with hub.sessions() as session:
        query = select(Message).where(col(Message.case_id) == case.id).order_by(col(Message.id))
        return list((await session.scalars(query)).all())


async def events_of(hub: HubState, case: Case) -> list[str]:
    async with hub.sessions() as session:
        query = select(CaseEvent).where(col(CaseEvent.case_id) == case.id)
        return [e.kind for e in (await session.scalars(query.order_by(col(CaseEvent.seq)))).all()]


def ids(header: object) -> list[str]:
    return [i for i in (normalise_message_id(f"<{p}") for p in str(header).split("<")[1:]) if i]


async def open_case(hub: HubState, relay: RelayPeer, name: str, sender: str) -> EmailMessage:
    """A new mail from a citizen, then the acknowledgement the relay receives."""
    before = len(relay.mails())
    assert await send(hub, fixture(name), sender) == (250, "2.0.0 Message accepted")
    assert await deliver_due(hub) == 1
    return (await relay.wait_for(before + 1))[-1]


class TestNewMail:
    async def test_opens_a_case_and_the_acknowledgement_threads_under_it(
        self, hub: HubState, relay: RelayPeer
    ) -> None:
        ack = await open_case(hub, relay, "multipart_alternative_attachment.eml", AMEL)
        case = await only_case(hub)
        assert case.channel == "email"
        inbound, outbound = await messages_of(hub, case)
        assert inbound.body.startswith("Fuite d'eau rue de Tunis\n\nBonjour,")
        assert inbound.provider_id == "CAFx2m9Q4vVb7pXyK3Lk1uR8wZt0aHq7nQ_dE5rJ2s@mail.gmail.com"
        assert await count(hub, Attachment, col(Attachment.case_id) == case.id) == 1

        assert ack["To"] == AMEL
        assert ack["From"] == "hub@demo.kef.tn"
        assert str(ack["Subject"]).startswith(f"[{case.reference}] ")
        assert ack["In-Reply-To"] == f"<{inbound.provider_id}>"
        assert ack["Auto-Submitted"] == "auto-replied"
        ack_id = normalise_message_id(str(ack["Message-ID"]))
        assert ack_id is not None and ack_id.endswith("@demo.kef.tn")
        body = ack.get_body(preferencelist=("plain",))
        assert body is not None and case.reference in body.get_content()
        assert ack.get_content_charset() == "utf-8"
        # The hub's mail is on the thread under its own Message-ID: replies find the case.
        assert (outbound.direction, outbound.provider_id) == ("outbound", ack_id)
        assert "••••••" in outbound.body  # the PIN went to the citizen, not into the thread

    async def test_arabic_mail_gets_an_arabic_subject(
        self, hub: HubState, relay: RelayPeer
    ) -> None:
        ack = await open_case(hub, relay, "windows_1256.eml", "sami.jendoubi@topnet.tn")
        case = await only_case(hub)
        assert case.language == "ar"
        assert ack["Subject"] == f"[{case.reference}] شكايتك"

    async def test_same_message_three_times_is_stored_once(
        self, hub: HubState, relay: RelayPeer
    ) -> None:
        raw = fixture("arabic_base64.eml")
        answers = [await send(hub, raw, "m.kefi@yahoo.fr") for _ in range(3)]
        assert [code for code, _ in answers] == [250, 250, 250]
        assert await count(hub, Case) == 1
        assert await count(hub, Message) == 1
        assert await count(hub, InboundReceipt) == 1
        assert await count(hub, OutboxItem) == 1
        assert await deliver_due(hub) == 1
        assert len(await relay.wait_for(1)) == 1


class TestConversation:
    async def test_staff_reply_then_citizen_reply_join_the_same_case(
        self, hub: HubState, relay: RelayPeer
    ) -> None:
        ack = await open_case(hub, relay, "multipart_alternative_attachment.eml", AMEL)
        case = await only_case(hub)
        citizen_id = "CAFx2m9Q4vVb7pXyK3Lk1uR8wZt0aHq7nQ_dE5rJ2s@mail.gmail.com"
        ack_id = normalise_message_id(str(ack["Message-ID"]))
        assert ack_id is not None

        # An officer answers: the mail continues the thread (In-Reply-To, References).
        async with hub.sessions() as session:
            locked = (
                await session.scalars(select(Case).where(col(Case.id) == case.id).with_for_update())
            ).one()
            assert locked.reporter_id is not None
            queue_notice(
                session,
                case=locked,
                channel="email",
                notice="reply",
                reporter_id=locked.reporter_id,
                language="fr",
                dedupe_key=f"reply:{case.reference}:1",
                params={"reference": case.reference, "text": "Une équipe passe demain matin."},
            )
            await session.commit()
        assert await deliver_due(hub) == 1
        staff_mail = (await relay.wait_for(2))[-1]
        assert staff_mail["In-Reply-To"] == f"<{ack_id}>"
        assert ids(staff_mail["References"]) == [citizen_id, ack_id]
        assert str(staff_mail["Subject"]).startswith(f"[{case.reference}]")
        body = staff_mail.get_body(preferencelist=("plain",))
        assert body is not None and "Une équipe passe demain matin." in body.get_content()

        # The citizen answers the acknowledgement from Gmail: same case, quote dropped.
        reply = fixture("gmail_reply.eml", REFERENCE=case.reference, HUB_MESSAGE_ID=ack_id)
        assert (await send(hub, reply))[0] == 250
        assert await count(hub, Case) == 1
        last = (await messages_of(hub, case))[-1]
        assert last.direction == "inbound"
        assert last.body == (
            "Merci. La fuite continue toujours ce matin, l'eau arrive jusqu'au carrefour."
        )
        assert "citizen_replied" in await events_of(hub, case)

    async def test_citizen_reply_by_in_reply_to_alone(
        self, hub: HubState, relay: RelayPeer
    ) -> None:
        ack = await open_case(hub, relay, "multipart_alternative_attachment.eml", AMEL)
        case = await only_case(hub)
        raw = (
            f"From: Amel <{AMEL}>\r\nTo: hub@demo.kef.tn\r\nSubject: photo\r\n"
            f"Message-ID: <r2@mail.gmail.com>\r\nIn-Reply-To: {ack['Message-ID']}\r\n\r\n"
            "Elle coule encore.\r\n"
        ).encode()
        assert (await send(hub, raw))[0] == 250
        assert await count(hub, Case) == 1
        assert (await messages_of(hub, case))[-1].body == "Elle coule encore."

    async def test_reply_with_only_the_reference_in_the_subject_joins(
        self, hub: HubState, relay: RelayPeer
    ) -> None:
        await open_case(hub, relay, "french_quoted_printable.eml", KARIM)
        case = await only_case(hub)
        reply = fixture("outlook_reply.eml", REFERENCE=case.reference)
        assert (await send(hub, reply, KARIM))[0] == 250
        assert await count(hub, Case) == 1
        assert (await messages_of(hub, case))[-1].body == (
            "Bonjour,\nToujours rien : l'avenue est encore dans le noir ce soir.\nKarim"
        )

    async def test_status_command_is_answered_by_mail(
        self, hub: HubState, relay: RelayPeer
    ) -> None:
        await open_case(hub, relay, "french_quoted_printable.eml", KARIM)
        case = await only_case(hub)
        raw = (
            f"From: Karim Trabelsi <{KARIM}>\r\nTo: hub@demo.kef.tn\r\nSubject: Suivi\r\n"
            f"Message-ID: <status-1@outlook.fr>\r\n\r\nSTATUS {case.reference}\r\n"
        ).encode()
        assert (await send(hub, raw, KARIM))[0] == 250
        assert await count(hub, Case) == 1
        assert await deliver_due(hub) == 1
        answer = (await relay.wait_for(2))[-1]
        assert answer["To"] == KARIM
        assert answer["In-Reply-To"] == "<status-1@outlook.fr>"
        assert str(answer["Subject"]).startswith(f"[{case.reference}]")
        body = answer.get_body(preferencelist=("plain",))
        assert body is not None and case.reference in body.get_content()


class TestRobotsAndBadMail:
    async def test_bounce_and_auto_reply_are_recorded_never_answered(
        self, hub: HubState, relay: RelayPeer
    ) -> None:
        ack = await open_case(hub, relay, "multipart_alternative_attachment.eml", AMEL)
        case = await only_case(hub)
        ack_id = str(normalise_message_id(str(ack["Message-ID"])))
        values = {"REFERENCE": case.reference, "HUB_MESSAGE_ID": ack_id}
        outbox_before = await count(hub, OutboxItem)

        assert (await send(hub, fixture("bounce.eml", **values), ""))[0] == 250
        assert (await send(hub, fixture("auto_reply.eml", **values)))[0] == 250
        # Delivered again by the relay: still recorded once.
        assert (await send(hub, fixture("auto_reply.eml", **values)))[0] == 250

        async with hub.sessions() as session:
            rows = (await session.scalars(select(Quarantine).order_by(col(Quarantine.id)))).all()
        assert [(r.reason, r.external_id) for r in rows] == [
            (AUTOMATIC_REASON, "20251104091502.4B2C1E0A3F@mx.kef.tn"),
            (AUTOMATIC_REASON, "CAFx2m9S1aBc3dEf5gHi7jKl9mNo_pQr2sTu4vWx@mail.gmail.com"),
        ]
        assert b"Undelivered Mail Returned to Sender" in rows[0].raw
        assert (await events_of(hub, case)).count("automatic_reply_received") == 2
        outbound = [m for m in await messages_of(hub, case) if m.direction == "outbound"]
        assert outbound[0].delivery_state == "bounced"
        # Never answered: nothing queued, nothing sent, no case opened.
        assert await count(hub, OutboxItem) == outbox_before
        assert await deliver_due(hub) == 0
        assert len(relay.mails()) == 1
        assert await count(hub, Case) == 1
        assert await count(hub, Message) == 2

    async def test_unparseable_mail_is_kept_in_quarantine(self, hub: HubState) -> None:
        raw = fixture("unparseable.eml")
        for _ in range(2):
            assert (await send(hub, raw, "spam@185.220.101.4"))[0] == 250
        async with hub.sessions() as session:
            [row] = (await session.scalars(select(Quarantine))).all()
        assert row.channel == "email"
        assert row.reason == "no usable sender address (From)"
        assert str(row.external_id).startswith("sha256:")
        assert row.raw.replace(b"\r\n", b"\n") == raw
        assert await count(hub, Case) == 0

    async def test_a_parser_crash_keeps_the_mail(
        self, hub: HubState, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("parser bug")

        monkeypatch.setattr(inbox, "parse_email", broken)
        raw = fixture("arabic_base64.eml")
        assert await take_in(hub, raw) == Outcome.quarantined
        async with hub.sessions() as session:
            [row] = (await session.scalars(select(Quarantine))).all()
        assert row.reason == "could not be parsed: RuntimeError"
        assert row.external_id == "1938475610.2847561.1762159198123@mail.yahoo.com"
        assert row.raw == raw


class TestRelayAnswers:
    async def test_database_trouble_answers_451_and_the_retry_is_stored(
        self, hub: HubState, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        real_receive = inbox.receive

        async def database_down(*args: object, **kwargs: object) -> None:
            raise OperationalError("INSERT …", {}, ConnectionRefusedError())

        monkeypatch.setattr(inbox, "receive", database_down)
        raw = fixture("arabic_base64.eml")
        code, _ = await send(hub, raw, "m.kefi@yahoo.fr")
        assert code == 451
        assert await count(hub, Case) == 0
        monkeypatch.setattr(inbox, "receive", real_receive)
        assert (await send(hub, raw, "m.kefi@yahoo.fr"))[0] == 250
        assert await count(hub, Case) == 1

    async def test_too_big_answers_552(self, settings: Settings, relay: RelayPeer) -> None:
        small = hub_settings(settings, relay.port, max_body_bytes=2048)
        async with running_hub(small) as hub:
            big = fixture("arabic_base64.eml") + (b"x" * 70 + b"\r\n") * 60
            code, _ = await send(hub, big, "m.kefi@yahoo.fr")
            assert code == 552
            assert await count(hub, Case) == 0


async def test_a_taken_port_leaves_the_hub_running_without_smtp(
    settings: Settings,
    relay: RelayPeer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with running_hub(hub_settings(settings, relay.port, inbound_smtp_port=port)):
            pass
    assert "does not receive mail by SMTP" in caplog.text


async def test_hub_simulate_email_shows_the_acknowledgement(settings: Settings) -> None:
    relay_port = free_port()  # where `hub simulate email` stands in for the relay
    async with running_hub(hub_settings(settings, relay_port)) as hub:
        assert hub.jobs is not None
        await hub.jobs.start()  # delivery runs in the process, as in `hub demo`
        printed: list[str] = []
        try:
            status = await simulate_email(
                sender="citoyen@example.tn",
                text="Les poubelles ne sont pas ramassées depuis une semaine à Sidi Bou Makhlouf.",
                subject="Déchets",
                to="hub@demo.kef.tn",
                host="127.0.0.1",
                port=int(hub.settings.inbound_smtp_port or 0),
                wait=10,
                relay_port=relay_port,
                echo=printed.append,
            )
        finally:
            await hub.jobs.stop()
        case = await only_case(hub)
    output = "\n".join(printed)
    assert status == 0
    assert "SMTP answer: 250 2.0.0 Message accepted" in output
    assert f"Subject: [{case.reference}] " in output
    assert "In-Reply-To: <" in output
