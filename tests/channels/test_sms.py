"""The SMS channel end to end: signed Twilio webhooks in, the real twilio client out.

Twilio's side is a real HTTP server on a free local port (channels.sms.fake_twilio)
that records what the twilio library sent; webhooks are real Twilio parameter
sets from fixtures/twilio, signed with twilio's own RequestValidator.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy import func, select, update
from sqlmodel import col
from twilio.request_validator import RequestValidator

from channels.base import Outbound, PermanentFailure, TemporaryFailure
from channels.sms import SmsAdapter, segments
from channels.sms.fake_twilio import FakeTwilio
from channels.sms.simulate import CitizenSms, SimulatorConfig, simulate_sms
from hub.app import create_app
from hub.intake.conversation import set_language
from hub.models import (
    Attachment,
    Case,
    InboundReceipt,
    Message,
    OutboxItem,
    utcnow,
)
from hub.outbox.service import deliver_due, queue_notice
from hub.settings import Settings
from hub.state import HubState
from tests.conftest import settings_for
from tests.factories import png_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "twilio"
ACCOUNT_SID = "AC3f9a1c2e7b5d4068a9e1f2c3b4d5e6f7"  # the account of the fixtures
AUTH_TOKEN = "test-twilio-auth-token-0123456789"
HUB_NUMBER = "+21670000000"
CITIZEN = "+21698123456"
NEIGHBOUR = "+21697111222"
PUBLIC_URL = "http://testserver"
WEBHOOK = "/channels/sms/twilio"
STATUS = "/channels/sms/twilio/status"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PIN = re.compile(r"(?<!\d)\d{6}(?!\d)")
REFERENCE = re.compile(r"KEF-[0-9A-Z]{4}-[0-9A-Z]{4}")


# ---------------------------------------------------------------- fixtures and helpers


def fixture(name: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


_sids = iter(range(1, 10**6))


def new_sid(prefix: str = "SM") -> str:
    return f"{prefix}{next(_sids):032x}"


def sms(text: str, sender: str = CITIZEN, sid: str | None = None) -> dict[str, str]:
    """The real parameter set of an incoming SMS, with this text, sender and id."""
    params = fixture("sms")
    sid = sid or new_sid()
    params.update(
        Body=text,
        From=sender,
        MessageSid=sid,
        SmsSid=sid,
        SmsMessageSid=sid,
        NumSegments=str(segments.segments(text)),
    )
    return params


def twilio_settings(settings: Settings, twilio: FakeTwilio, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": SecretStr(AUTH_TOKEN),
        "twilio_from": HUB_NUMBER,
        "twilio_api_base": twilio.base_url,
        **overrides,
    }
    return settings.model_copy(update=values)


@dataclass
class Hub:
    state: HubState
    client: httpx.AsyncClient

    async def post_signed(
        self,
        path: str,
        params: dict[str, str],
        *,
        signed_url: str | None = None,
        token: str = AUTH_TOKEN,
    ) -> httpx.Response:
        url = signed_url or PUBLIC_URL + path
        signature = RequestValidator(token).compute_signature(url, params)
        return await self.client.post(path, data=params, headers={"X-Twilio-Signature": signature})

    async def text(self, params: dict[str, str]) -> httpx.Response:
        response = await self.post_signed(WEBHOOK, params)
        assert response.status_code == 200, response.text
        return response

    async def count(self, model: type) -> int:
        async with self.state.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    async def cases(self) -> list[Case]:
        async with self.state.sessions() as session:
            return list((await session.scalars(select(Case).order_by(col(Case.id)))).all())

    async def outbox(self) -> list[OutboxItem]:
        async with self.state.sessions() as session:
            return list(
                (await session.scalars(select(OutboxItem).order_by(col(OutboxItem.id)))).all()
            )


@asynccontextmanager
async def running_hub(settings: Settings) -> AsyncIterator[Hub]:
    # ASGITransport runs no lifespan: the tests deliver the outbox themselves.
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
            yield Hub(app.state.hub, client)
    finally:
        await app.state.hub.engine.dispose()


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


@pytest.fixture
def sms_settings(settings: Settings, twilio: FakeTwilio) -> Settings:
    return twilio_settings(settings, twilio)


@pytest.fixture
async def hub(sms_settings: Settings) -> AsyncIterator[Hub]:
    async with running_hub(sms_settings) as running:
        yield running


async def texted_and_acknowledged(
    hub: Hub, twilio: FakeTwilio, text: str, sender: str = CITIZEN
) -> tuple[str, str]:
    """The citizen texts a complaint; returns the reference and PIN of the SMS they got back."""
    before = len(twilio.sent)
    await hub.text(sms(text, sender))
    await deliver_due(hub.state)
    ack = twilio.sent[before:][0]
    reference, pin = REFERENCE.search(ack.body), PIN.search(ack.body)
    assert reference and pin, ack.body
    return reference.group(0), pin.group(0)


async def queue_reply(hub: Hub, case_id: int | None, key: str, text: str) -> None:
    """An officer's answer, queued as the case screens queue it."""
    async with hub.state.sessions() as session:
        case = await session.get(Case, case_id, with_for_update=True)
        assert case is not None and case.reporter_id is not None
        queue_notice(
            session,
            case=case,
            channel="sms",
            notice="reply",
            reporter_id=case.reporter_id,
            language=case.language,
            dedupe_key=f"reply:{key}",
            params={"reference": case.reference, "text": text},
        )
        await session.commit()


# ---------------------------------------------------------------- inbound SMS


class TestIncomingSms:
    async def test_sms_opens_a_case_and_the_ack_reaches_the_citizen(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        params = fixture("sms")
        response = await hub.text(params)
        assert response.headers["content-type"].startswith("text/xml")
        assert "<Response />" in response.text  # nothing inline: replies go through the outbox

        [case] = await hub.cases()
        assert case.channel == "sms" and REFERENCE.fullmatch(case.reference)
        async with hub.state.sessions() as session:
            [message] = (await session.scalars(select(Message))).all()
        assert message.body == params["Body"]
        assert message.provider_id == params["MessageSid"]
        assert twilio.sent == []  # nothing leaves before the outbox runs

        await deliver_due(hub.state)

        [ack] = twilio.sent
        assert ack.to == CITIZEN and ack.from_ == HUB_NUMBER
        assert case.reference in ack.body
        assert PIN.search(ack.body)
        assert "تم تسجيل شكايتك" in ack.body  # Arabic when nothing else is known
        assert ack.status_callback == PUBLIC_URL + STATUS
        [item] = await hub.outbox()
        assert item.status == "sent" and item.provider_id == ack.sid

    async def test_logs_carry_no_number_and_no_text(
        self, hub: Hub, twilio: FakeTwilio, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO)
        params = fixture("mms_two_media")  # media on api.twilio.com: refused, and logged
        await hub.text(params)
        await deliver_due(hub.state)
        assert "not fetched" in caplog.text
        for secret in (CITIZEN, CITIZEN[4:], params["Body"], "Photo du trou"):
            assert secret not in caplog.text

    async def test_ack_is_in_the_citizens_language_when_known(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        assert await set_language(hub.state, "sms", CITIZEN, "fr")
        reference, pin = await texted_and_acknowledged(
            hub, twilio, "Coupure d'eau rue Ibn Khaldoun"
        )
        [ack] = twilio.sent
        assert ack.body.startswith(f"Votre demande est enregistrée : {reference}. Code PIN : {pin}")

    @pytest.mark.parametrize(
        ("name", "length"), [("sms_long_arabic", 600), ("sms_long_french", 1500)]
    )
    async def test_long_concatenated_sms_arrive_whole(
        self, hub: Hub, name: str, length: int
    ) -> None:
        params = fixture(name)
        assert len(params["Body"]) == length
        await hub.text(params)
        async with hub.state.sessions() as session:
            [message] = (await session.scalars(select(Message))).all()
        assert message.body == params["Body"]

    async def test_control_characters_are_dropped_not_a_crash(self, hub: Hub) -> None:
        await hub.text(sms("Pas d'eau\x00 depuis\x07 lundi\nrue 5"))
        async with hub.state.sessions() as session:
            [message] = (await session.scalars(select(Message))).all()
        assert message.body == "Pas d'eau depuis lundi\nrue 5"

    async def test_the_same_message_sid_three_times_is_stored_once(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        params = fixture("sms")
        for _ in range(3):
            await hub.text(params)
        assert await hub.count(InboundReceipt) == 1
        assert await hub.count(Case) == 1
        assert await hub.count(Message) == 1
        assert await hub.count(OutboxItem) == 1
        await deliver_due(hub.state)
        assert len(twilio.sent) == 1  # one acknowledgement, not three

    async def test_concurrent_retries_store_one_message(self, hub: Hub) -> None:
        params = fixture("sms")
        answers = await asyncio.gather(*(hub.post_signed(WEBHOOK, params) for _ in range(3)))
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert await hub.count(Case) == 1
        assert await hub.count(Message) == 1

    async def test_signature_is_checked_against_the_public_url_behind_a_proxy(
        self, settings: Settings, twilio: FakeTwilio
    ) -> None:
        public = "https://petitions.kef.tn"
        proxied = twilio_settings(settings, twilio, public_url=public)
        async with running_hub(proxied) as hub:
            path = WEBHOOK + "?source=kef"  # the query string is signed too
            # The hub sees http://testserver (the proxy's upstream); Twilio signed the public URL.
            ok = await hub.post_signed(path, sms("Pas d'eau"), signed_url=public + path)
            assert ok.status_code == 200, ok.text
            as_seen = await hub.post_signed(path, sms("Pas d'eau"), signed_url=PUBLIC_URL + path)
            assert as_seen.status_code == 403
            assert await hub.count(Case) == 1

    async def test_a_signature_over_the_url_with_its_default_port_is_accepted(
        self, settings: Settings, twilio: FakeTwilio
    ) -> None:
        """Twilio signs the URL with or without the port; RequestValidator takes both."""
        public = "https://petitions.kef.tn"
        async with running_hub(twilio_settings(settings, twilio, public_url=public)) as hub:
            with_port = "https://petitions.kef.tn:443" + WEBHOOK
            ok = await hub.post_signed(WEBHOOK, sms("Pas d'eau"), signed_url=with_port)
            assert ok.status_code == 200, ok.text
            other_port = "https://petitions.kef.tn:8443" + WEBHOOK
            refused = await hub.post_signed(WEBHOOK, sms("Pas d'eau"), signed_url=other_port)
            assert refused.status_code == 403


class TestRefusedWebhooks:
    async def test_wrong_signature_is_403_and_stores_nothing(self, hub: Hub) -> None:
        params = fixture("sms")
        forged = await hub.post_signed(WEBHOOK, params, token="not-our-token")
        assert forged.status_code == 403
        assert "X-Twilio-Signature" in forged.json()["detail"]
        assert await hub.count(InboundReceipt) == 0
        assert await hub.count(Case) == 0

    async def test_missing_signature_is_403(self, hub: Hub) -> None:
        response = await hub.client.post(WEBHOOK, data=fixture("sms"))
        assert response.status_code == 403
        assert await hub.count(InboundReceipt) == 0

    async def test_tampered_body_is_403(self, hub: Hub) -> None:
        params = fixture("sms")
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + WEBHOOK, params)
        params["From"] = NEIGHBOUR
        response = await hub.client.post(
            WEBHOOK, data=params, headers={"X-Twilio-Signature": signature}
        )
        assert response.status_code == 403
        assert await hub.count(InboundReceipt) == 0

    async def test_channel_off_is_503_with_the_reason(self, settings: Settings) -> None:
        async with running_hub(settings) as hub:  # no Twilio credentials
            for path in (WEBHOOK, STATUS):
                response = await hub.post_signed(path, fixture("sms"))
                assert response.status_code == 503
                assert "SMS channel is off" in response.json()["detail"]
            assert await hub.count(InboundReceipt) == 0

    @pytest.mark.parametrize("missing", ["MessageSid", "From"])
    async def test_signed_form_without_sid_or_sender_is_400(self, hub: Hub, missing: str) -> None:
        params = fixture("sms")
        del params[missing]
        response = await hub.post_signed(WEBHOOK, params)
        assert response.status_code == 400
        assert missing in response.json()["detail"]
        assert await hub.count(InboundReceipt) == 0

    async def test_bad_num_media_is_400(self, hub: Hub) -> None:
        params = fixture("sms") | {"NumMedia": "two"}
        response = await hub.post_signed(WEBHOOK, params)
        assert response.status_code == 400
        assert "NumMedia" in response.json()["detail"]

    async def test_json_body_is_415(self, hub: Hub) -> None:
        response = await hub.client.post(
            WEBHOOK, json=fixture("sms"), headers={"X-Twilio-Signature": "abc"}
        )
        assert response.status_code == 415

    async def test_body_that_is_not_utf8_is_400(self, hub: Hub) -> None:
        response = await hub.client.post(
            WEBHOOK,
            content=b"Body=%FF%FE&From=x",
            headers={
                "X-Twilio-Signature": "abc",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        assert response.status_code == 400


# ---------------------------------------------------------------- the conversation over SMS


class TestConversation:
    async def test_staff_reply_reaches_the_citizens_phone(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        reference, _ = await texted_and_acknowledged(hub, twilio, "الطريق مليئة بالحفر")
        [case] = await hub.cases()
        await queue_reply(hub, case.id, "staff", "فريق الصيانة سيمر غدا صباحا")
        await deliver_due(hub.state)
        reply = twilio.sent[-1]
        assert reply.to == CITIZEN
        assert reply.body == f"{reference}: فريق الصيانة سيمر غدا صباحا"

    async def test_answer_while_the_case_awaits_the_citizen_joins_it(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        reference, _ = await texted_and_acknowledged(hub, twilio, "Fuite d'eau devant le lycée")
        async with hub.state.sessions() as session:
            await session.execute(
                update(Case)
                .where(col(Case.reference) == reference)
                .values(status="awaiting_citizen", paused_at=utcnow())
            )
            await session.commit()
        await hub.text(sms("C'est au numéro 12, rue de la République"))
        [case] = await hub.cases()
        assert case.reference == reference
        assert case.status != "awaiting_citizen"  # the clock runs again
        assert await hub.count(Message) == 3  # complaint, acknowledgement, answer

    async def test_status_from_the_same_number_needs_no_pin(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        reference, _ = await texted_and_acknowledged(hub, twilio, "انقطاع الكهرباء")
        await hub.text(sms(f"STATUS {reference}"))
        await deliver_due(hub.state)
        answer = twilio.sent[-1]
        assert answer.to == CITIZEN
        assert answer.body.startswith(f"{reference}:")

    async def test_status_from_another_number_needs_the_pin(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        reference, pin = await texted_and_acknowledged(hub, twilio, "انقطاع الكهرباء")
        await hub.text(sms(f"STATUS {reference}", sender=NEIGHBOUR))
        await deliver_due(hub.state)
        refused = twilio.sent[-1]
        assert refused.to == NEIGHBOUR and reference not in refused.body

        await hub.text(sms(f"STATUS {reference} {pin}", sender=NEIGHBOUR))
        await deliver_due(hub.state)
        answered = twilio.sent[-1]
        assert answered.to == NEIGHBOUR and answered.body.startswith(f"{reference}:")
        assert pin not in answered.body

    async def test_stop_stops_sms_and_start_resumes(self, hub: Hub, twilio: FakeTwilio) -> None:
        reference, _ = await texted_and_acknowledged(hub, twilio, "Déchets non ramassés")
        [case] = await hub.cases()
        await hub.text(sms("STOP"))
        await queue_reply(hub, case.id, "stopped", "Le camion passera jeudi")
        await deliver_due(hub.state)
        assert len(twilio.sent) == 1  # only the acknowledgement, from before STOP
        stopped = (await hub.outbox())[-1]
        assert stopped.status == "failed" and "STOP" in (stopped.last_error or "")

        await hub.text(sms("START"))
        await queue_reply(hub, case.id, "resumed", "Le camion est passé")
        await deliver_due(hub.state)
        bodies = [s.body for s in twilio.sent[1:]]
        assert len(bodies) == 2  # "messages are on again", then the reply
        assert any(body.endswith("Le camion est passé") for body in bodies)

    async def test_fasad_files_an_anonymous_sealed_corruption_report(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        await hub.text(sms("FASAD موظف يطلب رشوة مقابل استخراج مضمون ولادة"))
        [case] = await hub.cases()
        assert case.kind == "corruption_report"
        assert case.anonymous and case.sealed
        async with hub.state.sessions() as session:
            [message] = (await session.scalars(select(Message))).all()
        assert message.body == "موظف يطلب رشوة مقابل استخراج مضمون ولادة"

    async def test_new_opens_a_second_case(self, hub: Hub, twilio: FakeTwilio) -> None:
        first, _ = await texted_and_acknowledged(hub, twilio, "انقطاع الماء")
        second, _ = await texted_and_acknowledged(hub, twilio, "NEW الطريق مليئة بالحفر")
        assert first != second
        cases = await hub.cases()
        assert len(cases) == 2 and cases[0].reporter_id == cases[1].reporter_id


# ---------------------------------------------------------------- MMS


class TestMms:
    def _mms(self, twilio: FakeTwilio, files: list[tuple[bytes, str]]) -> dict[str, str]:
        """The MMS fixture, its media kept by the stand-in Twilio under the fixture's ids."""
        params = fixture("mms_two_media")
        for index, (data, content_type) in enumerate(files):
            url = params[f"MediaUrl{index}"].replace("https://api.twilio.com", twilio.base_url)
            media_sid = url.rsplit("/", 1)[-1]
            twilio.add_media(data, content_type, params["MessageSid"], media_sid=media_sid)
            params[f"MediaUrl{index}"] = url
        return params

    async def _attachments(self, hub: Hub) -> list[Attachment]:
        async with hub.state.sessions() as session:
            return list((await session.scalars(select(Attachment))).all())

    async def test_media_are_fetched_with_the_account_key_and_attached(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        params = self._mms(twilio, [(png_bytes(), "image/jpeg"), (PDF, "application/pdf")])
        await hub.text(params)
        attachments = await self._attachments(hub)
        # The bytes decide: the "image/jpeg" Twilio announced is a PNG.
        assert sorted(a.content_type for a in attachments) == ["application/pdf", "image/png"]
        [case] = await hub.cases()
        assert {a.case_id for a in attachments} == {case.id}
        api_requests = [r for r in twilio.media_requests if r[0].startswith("/2010-04-01/")]
        assert len(api_requests) == 2 and all(with_key for _, with_key in api_requests)
        assert sum(path.startswith("/cdn/") for path, _ in twilio.media_requests) == 2

    async def test_media_on_a_foreign_host_is_not_fetched(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        params = self._mms(twilio, [(png_bytes(), "image/png"), (PDF, "application/pdf")])
        # Same server, other host name: the key must not go there.
        params["MediaUrl0"] = params["MediaUrl0"].replace("127.0.0.1", "localhost")
        params["MediaUrl1"] = "https://attacker.example/2010-04-01/Accounts/x/Media/ME1"
        await hub.text(params)
        assert twilio.media_requests == []
        assert await self._attachments(hub) == []
        [case] = await hub.cases()  # the text still counts
        assert case.summary.startswith("Photo du trou")

    async def test_redirect_off_twilio_is_not_followed(self, hub: Hub, twilio: FakeTwilio) -> None:
        params = fixture("mms_two_media") | {"NumMedia": "1"}
        elsewhere = twilio.base_url.replace("127.0.0.1", "localhost") + "/cdn/ME1"
        url = twilio.add_media(
            png_bytes(), "image/png", params["MessageSid"], redirect_to=elsewhere
        )
        params["MediaUrl0"] = url
        await hub.text(params)
        assert [path for path, _ in twilio.media_requests if path.startswith("/cdn/")] == []
        assert await self._attachments(hub) == []
        assert await hub.count(Case) == 1

    async def test_media_that_fail_type_or_size_are_skipped_and_the_text_kept(
        self, settings: Settings, twilio: FakeTwilio
    ) -> None:
        small = twilio_settings(settings, twilio, max_attachment_bytes=4096)
        async with running_hub(small) as hub:
            big = png_bytes() + os.urandom(5000)  # a real PNG header, too many bytes
            params = self._mms(
                twilio, [(b"<html>not a photo</html>", "image/jpeg"), (big, "image/png")]
            )
            await hub.text(params)
            assert await self._attachments(hub) == []
            assert await hub.count(Case) == 1

    async def test_size_is_counted_while_streaming_without_content_length(
        self, settings: Settings, twilio: FakeTwilio
    ) -> None:
        small = twilio_settings(settings, twilio, max_attachment_bytes=4096)
        async with running_hub(small) as hub:
            params = fixture("mms_two_media") | {"NumMedia": "2"}
            for index, data in enumerate((png_bytes(), png_bytes() + os.urandom(50_000))):
                params[f"MediaUrl{index}"] = twilio.add_media(
                    data, "image/png", params["MessageSid"], chunked=True
                )
            await hub.text(params)
            # The small one streams in whole; the big one is dropped past the limit.
            assert [a.size for a in await self._attachments(hub)] == [len(png_bytes())]

    async def test_only_max_attachments_files_are_fetched(
        self, settings: Settings, twilio: FakeTwilio
    ) -> None:
        one = twilio_settings(settings, twilio, max_attachments=1)
        async with running_hub(one) as hub:
            params = self._mms(twilio, [(png_bytes(), "image/png"), (PDF, "application/pdf")])
            await hub.text(params)
            assert [a.content_type for a in await self._attachments(hub)] == ["image/png"]


# ---------------------------------------------------------------- delivery reports


class TestStatusCallback:
    async def _sent_ack(self, hub: Hub, twilio: FakeTwilio) -> str:
        await texted_and_acknowledged(hub, twilio, "انقطاع الماء")
        return twilio.sent[0].sid

    async def _state_of(self, hub: Hub, sid: str) -> str | None:
        async with hub.state.sessions() as session:
            message = (
                await session.scalars(select(Message).where(col(Message.provider_id) == sid))
            ).one()
            return message.delivery_state

    def _report(self, name: str, sid: str) -> dict[str, str]:
        return fixture(name) | {"MessageSid": sid, "SmsSid": sid}

    async def test_reports_update_the_delivery_state(self, hub: Hub, twilio: FakeTwilio) -> None:
        sid = await self._sent_ack(hub, twilio)
        assert await self._state_of(hub, sid) == "queued"
        for name, expected in (("status_sent", "sent"), ("status_delivered", "delivered")):
            response = await hub.post_signed(STATUS, self._report(name, sid))
            assert response.status_code == 200 and response.json() == {"updated": True}
            assert await self._state_of(hub, sid) == expected
        # A late "sent" does not undo "delivered".
        await hub.post_signed(STATUS, self._report("status_sent", sid))
        assert await self._state_of(hub, sid) == "delivered"

    async def test_failed_report(self, hub: Hub, twilio: FakeTwilio) -> None:
        sid = await self._sent_ack(hub, twilio)
        response = await hub.post_signed(STATUS, self._report("status_failed", sid))
        assert response.status_code == 200
        assert await self._state_of(hub, sid) == "failed"

    async def test_unknown_sid_is_200_and_changes_nothing(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        sid = await self._sent_ack(hub, twilio)
        response = await hub.post_signed(STATUS, fixture("status_delivered"))
        assert response.status_code == 200 and response.json() == {"updated": False}
        assert await self._state_of(hub, sid) == "queued"

    async def test_unsigned_report_is_403(self, hub: Hub, twilio: FakeTwilio) -> None:
        sid = await self._sent_ack(hub, twilio)
        forged = await hub.post_signed(
            STATUS, self._report("status_failed", sid), token="not-our-token"
        )
        assert forged.status_code == 403
        assert await self._state_of(hub, sid) == "queued"


# ---------------------------------------------------------------- outbound failures


class TestOutboundFailures:
    async def test_invalid_number_fails_the_item_for_good(
        self, hub: Hub, twilio: FakeTwilio
    ) -> None:
        await hub.text(fixture("sms"))
        twilio.refuse_next(400, 21211, f"The 'To' number {CITIZEN} is not a valid phone number.")
        await deliver_due(hub.state)
        [item] = await hub.outbox()
        assert item.status == "failed"
        assert "21211" in (item.last_error or "")
        assert CITIZEN not in (item.last_error or "")  # Twilio's text repeats the number
        assert twilio.sent == []

    async def test_twilio_500_is_retried_later(self, hub: Hub, twilio: FakeTwilio) -> None:
        await hub.text(fixture("sms"))
        twilio.refuse_next(500, 20500, "Internal Server Error")
        before = utcnow()
        await deliver_due(hub.state)
        [item] = await hub.outbox()
        assert item.status == "pending" and item.attempts == 1
        assert item.next_attempt_at > before + timedelta(seconds=20)
        assert twilio.sent == []


class TestSmsAdapter:
    """The adapter alone, against the stand-in Twilio: no database needed."""

    @pytest.fixture
    def adapter(self, tmp_path: Path, twilio: FakeTwilio) -> SmsAdapter:
        base = settings_for(f"sqlite:///{tmp_path}/unused.db", tmp_path)
        return SmsAdapter(twilio_settings(base, twilio))

    async def test_sends_through_the_real_twilio_client(
        self, adapter: SmsAdapter, twilio: FakeTwilio
    ) -> None:
        sent = await adapter.send(Outbound(to=CITIZEN, text="KEF-4F7K-2Q9M: شكرا"))
        [sms] = twilio.sent
        assert sent.provider_id == sms.sid and sent.parts == 1 and sent.state == "queued"
        assert sent.extra["encoding"] == "UCS-2"
        assert sms.status_callback == PUBLIC_URL + STATUS

    async def test_text_over_1600_characters_goes_as_several_messages(
        self, adapter: SmsAdapter, twilio: FakeTwilio
    ) -> None:
        words = [f"كلمة{n}" for n in range(500)]
        text = " ".join(words)
        assert len(text) > 3200
        sent = await adapter.send(Outbound(to=CITIZEN, text=text))
        bodies = [sms.body for sms in twilio.sent]
        assert sent.parts == len(bodies) == 3
        assert sent.provider_id == twilio.sent[0].sid
        assert all(len(body) <= 1600 for body in bodies)
        unmarked = [re.sub(r" \(\d/3\)$", "", body) for body in bodies]
        assert " ".join(unmarked).split() == words  # cut between words, nothing lost

    async def test_refusals_and_outages_are_classified(
        self, adapter: SmsAdapter, twilio: FakeTwilio
    ) -> None:
        for status, code in ((400, 21211), (400, 21614), (400, 21610)):
            twilio.refuse_next(status, code, f"refused {CITIZEN}")
            with pytest.raises(PermanentFailure, match=str(code)) as refused:
                await adapter.send(Outbound(to=CITIZEN, text="hello"))
            assert CITIZEN not in str(refused.value)
        for status, code in ((429, 20429), (503, 20503)):
            twilio.refuse_next(status, code, "busy")
            with pytest.raises(TemporaryFailure):
                await adapter.send(Outbound(to=CITIZEN, text="hello"))

    async def test_unreachable_twilio_is_temporary(self, tmp_path: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
        settings = settings_for(
            f"sqlite:///{tmp_path}/unused.db",
            tmp_path,
            twilio_account_sid=ACCOUNT_SID,
            twilio_auth_token=AUTH_TOKEN,
            twilio_from=HUB_NUMBER,
            twilio_api_base=closed,
        )
        with pytest.raises(TemporaryFailure, match="could not be reached"):
            await SmsAdapter(settings).send(Outbound(to=CITIZEN, text="hello"))

    async def test_a_failure_after_the_first_part_is_not_retried(
        self, adapter: SmsAdapter, twilio: FakeTwilio
    ) -> None:
        # The first part is on the citizen's phone: a retry would send it twice.
        twilio.refuse_next(503, 20503, "busy", after_accepting=1)
        with pytest.raises(PermanentFailure, match="only 1 part"):
            await adapter.send(Outbound(to=CITIZEN, text=" ".join(["word"] * 500)))
        assert len(twilio.sent) == 1


# ---------------------------------------------------------------- splitting and encodings


class TestSegments:
    def test_gsm_and_ucs2_are_told_apart(self) -> None:
        assert segments.encoding("Bonjour, votre demande KEF-4F7K est reçue? à") == "UCS-2"
        assert segments.encoding("Bonjour, votre demande KEF-4F7K est enregistree") == "GSM-7"
        assert segments.encoding("Coût: 5€ [max]") == "UCS-2"  # û is not GSM
        assert segments.encoding("Cout: 5€ [max]") == "GSM-7"  # € and [ ] are, as escapes
        assert segments.encoding("تم تسجيل شكايتك") == "UCS-2"

    def test_segments_follow_each_alphabet(self) -> None:
        assert segments.segments("a" * 160) == 1
        assert segments.segments("a" * 161) == 2
        assert segments.segments("€" * 80) == 1  # two septets each
        assert segments.segments("€" * 81) == 2
        assert segments.segments("ب" * 70) == 1
        assert segments.segments("ب" * 71) == 2
        assert segments.segments("ب" * 600) == 9

    def test_short_text_is_one_message(self) -> None:
        assert segments.split_for_twilio("x" * 1600) == ["x" * 1600]

    def test_split_counts_emoji_as_two(self) -> None:
        parts = segments.split_for_twilio("😀 " * 600)
        assert len(parts) == 2
        assert all(segments.length(p, segments.UCS_2) <= 1600 for p in parts)

    def test_a_word_longer_than_a_message_is_cut_inside(self) -> None:
        parts = segments.split_for_twilio("x" * 4000)
        assert len(parts) == 3 and all(len(p) <= 1600 for p in parts)


# ---------------------------------------------------------------- hub simulate sms


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served_hub(settings: Settings) -> Iterator[tuple[str, SimulatorConfig]]:
    """A hub served by uvicorn (lifespan, in-process outbox) and the Twilio it believes in."""
    hub_port, twilio_port = _free_port(), _free_port()
    config = SimulatorConfig(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        hub_number=HUB_NUMBER,
        api_base=f"http://127.0.0.1:{twilio_port}",
    )
    hub_url = f"http://127.0.0.1:{hub_port}"
    hub_settings = settings.model_copy(
        update={
            "public_url": hub_url,
            "twilio_account_sid": ACCOUNT_SID,
            "twilio_auth_token": SecretStr(AUTH_TOKEN),
            "twilio_from": HUB_NUMBER,
            "twilio_api_base": config.api_base,
        }
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(hub_settings), host="127.0.0.1", port=hub_port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    assert server.started
    yield hub_url, config
    server.should_exit = True
    thread.join(timeout=10)


class TestSimulator:
    async def test_simulated_sms_gets_the_acknowledgement_back(
        self, served_hub: tuple[str, SimulatorConfig]
    ) -> None:
        hub_url, config = served_hub
        lines: list[str] = []
        code = await simulate_sms(
            config, hub_url, CitizenSms(CITIZEN, "انقطاع الماء في حي الدير"), 10, lines.append
        )
        assert code == 0, lines
        assert any("hub answered HTTP 200" in line for line in lines)
        [ack] = [line for line in lines if line.startswith("← SMS")]
        assert REFERENCE.search(ack) and PIN.search(ack)
        assert any("delivery report 'delivered'" in line and "HTTP 200" in line for line in lines)

    async def test_wrong_token_is_refused_by_the_hub(
        self, served_hub: tuple[str, SimulatorConfig]
    ) -> None:
        hub_url, config = served_hub
        lines: list[str] = []
        wrong = SimulatorConfig(config.account_sid, "wrong", config.hub_number, config.api_base)
        code = await simulate_sms(wrong, hub_url, CitizenSms(CITIZEN, "test"), 1, lines.append)
        assert code == 1
        assert any("HTTP 403" in line for line in lines)


class TestSimulateCommand:
    def test_refuses_to_run_against_real_twilio(self) -> None:
        from typer.testing import CliRunner

        from hub.cli import app

        result = CliRunner().invoke(
            app,
            ["simulate", "sms", "--from", CITIZEN, "--text", "x"],
            env={"HUB_TWILIO_API_BASE": "https://api.twilio.com"},
        )
        assert result.exit_code == 2
        assert "real SMS" in result.output

    def test_refuses_a_sender_that_is_not_a_phone_number(self) -> None:
        from typer.testing import CliRunner

        from hub.cli import app

        result = CliRunner().invoke(app, ["simulate", "sms", "--from", "abc", "--text", "x"])
        assert result.exit_code == 2
        assert "--from" in result.output
