"""The Telegram channel end to end: real Update JSON in, python-telegram-bot out.

A stand-in Bot API (`FakeBotApi`, a real HTTP server on a free local port)
answers the real client and records what it was sent. The hub runs as built by
`create_app`; the test enters `running(state)` itself (ASGITransport runs no
lifespan) and calls `deliver_due` where the job loop would.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy import func, update
from sqlmodel import col, select

from channels.telegram import running
from channels.telegram.simulator import FakeBotApi
from hub.app import create_app
from hub.models import (
    Attachment,
    Case,
    InboundReceipt,
    Message,
    OutboxItem,
    Reporter,
    Structure,
    utcnow,
)
from hub.outbox.service import deliver_due, queue_notice
from hub.settings import Settings
from hub.state import HubState
from tests.conftest import SECRET as HUB_SECRET_KEY
from tests.conftest import settings_for
from tests.factories import png_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "telegram"
TOKEN = "123456:test-telegram-token"
SECRET = "test-telegram-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHAT = 7001
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
LARGEST_PHOTO = "AgACAgQAAxkBAAIBZ2ZdS1-large"
DOCUMENT = "BQACAgQAAxkBAAIBaGZdS2-pdf"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def text_update(text: str, update_id: int, message_id: int = 60) -> dict[str, Any]:
    body = fixture("text")
    body["update_id"], body["message"]["message_id"] = update_id, message_id
    body["message"]["text"] = text
    return body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_telegram(settings: Settings, api_base: str, **more: object) -> Settings:
    return settings.model_copy(
        update={
            "telegram_token": SecretStr(TOKEN),
            "telegram_secret": SecretStr(SECRET),
            "telegram_api_base": api_base,
            **more,
        }
    )


@dataclass
class Hub:
    state: HubState
    client: httpx.AsyncClient
    api: FakeBotApi

    async def post(self, body: object, secret: str | None = SECRET) -> httpx.Response:
        headers = {HEADER: secret} if secret is not None else {}
        return await self.client.post("/channels/telegram", json=body, headers=headers)

    async def deliver(self) -> int:
        return await deliver_due(self.state)

    async def count(self, model: type) -> int:
        async with self.state.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    async def case(self, reference: str) -> Case:
        async with self.state.sessions() as session:
            query = select(Case).where(col(Case.reference) == reference)
            return (await session.scalars(query)).one()

    async def all(self, model: type) -> list[Any]:
        async with self.state.sessions() as session:
            return list((await session.scalars(select(model))).all())


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as api:
        yield api


@asynccontextmanager
async def serve(settings: Settings, api: FakeBotApi) -> AsyncIterator[Hub]:
    app = create_app(settings)
    state: HubState = app.state.hub
    try:
        async with running(state):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                yield Hub(state, c, api)
    finally:
        await state.engine.dispose()


@pytest.fixture
async def hub(settings: Settings, bot_api: FakeBotApi) -> AsyncIterator[Hub]:
    async with serve(with_telegram(settings, bot_api.base_url), bot_api) as served:
        yield served


async def open_case(hub: Hub, text: str = "", update_id: int = 900001) -> str:
    body = fixture("text") if not text else text_update(text, update_id)
    response = await hub.post(body)
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "opened"
    reference: str = response.json()["reference"]
    return reference


# ---------------------------------------------------------------- a text opens a case


class TestText:
    async def test_opens_a_case_acknowledged_with_reference_and_pin(self, hub: Hub) -> None:
        response = await hub.post(fixture("text"))

        assert response.status_code == 200
        assert response.json()["outcome"] == "opened"
        reference = response.json()["reference"]
        case = await hub.case(reference)
        assert case.channel == "telegram"
        assert hub.api.sent_messages() == []  # nothing leaves before the outbox runs

        assert await hub.deliver() == 1
        [ack] = hub.api.sent_messages(CHAT)
        assert reference in ack.params["text"]
        pin = ack.params["text"].split(reference, 1)[1]
        assert any(
            word.strip(".:").isdigit() and len(word.strip(".:")) == 6 for word in pin.split()
        )
        assert ack.json("reply_parameters")["message_id"] == 41  # quotes the citizen's message

    async def test_the_same_update_three_times_is_stored_once(self, hub: Hub) -> None:
        outcomes = [(await hub.post(fixture("text"))).json()["outcome"] for _ in range(3)]

        assert outcomes == ["opened", "replayed", "replayed"]
        assert await hub.count(InboundReceipt) == 1
        assert await hub.count(Case) == 1
        assert await hub.count(Message) == 1
        await hub.deliver()
        assert len(hub.api.sent_messages(CHAT)) == 1

    async def test_status_command_is_answered(self, hub: Hub) -> None:
        reference = await open_case(hub)
        await hub.deliver()
        status = fixture("status")
        status["message"]["text"] = f"/status {reference}"

        response = await hub.post(status)

        assert response.json() == {"ok": True, "outcome": "command", "reference": reference}
        assert await hub.deliver() == 1
        answer = hub.api.sent_messages(CHAT)[-1]
        assert answer.params["text"].startswith(reference)
        assert answer.json("reply_parameters")["message_id"] == 49

    async def test_new_command_opens_a_second_case(self, hub: Hub) -> None:
        first = await open_case(hub)

        second = await open_case(hub, "/new Éclairage public en panne rue de Tunis", 900002)

        assert second != first
        assert (await hub.case(second)).summary == "Éclairage public en panne rue de Tunis"

    async def test_logs_carry_no_chat_id_text_or_token(
        self, hub: Hub, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO)
        await open_case(hub)
        await hub.deliver()

        assert "/bot<token>/sendMessage" in caplog.text  # httpx logs each request URL
        assert TOKEN not in caplog.text
        assert str(CHAT) not in caplog.text
        assert "الماء" not in caplog.text


# ---------------------------------------------------------------- conversation threads


class TestThreads:
    async def test_staff_reply_reaches_the_citizen_whose_reply_joins_the_case(
        self, hub: Hub
    ) -> None:
        reference = await open_case(hub)
        later = await open_case(hub, "/new Poubelles non ramassées depuis une semaine", 900002)
        await hub.deliver()
        await queue_staff_reply(hub, reference, "Quel est le numéro du compteur ?")

        assert await hub.deliver() == 1
        staff = hub.api.sent_messages(CHAT)[-1]
        assert staff.params["text"] == f"{reference}: Quel est le numéro du compteur ?"

        reply = fixture("reply")
        reply["message"]["reply_to_message"]["message_id"] = staff.result["message_id"]
        response = await hub.post(reply)

        # It joins the case it answers, not the latest one.
        assert response.json()["outcome"] == "joined"
        assert response.json()["reference"] == reference != later
        case = await hub.case(reference)
        async with hub.state.sessions() as session:
            bodies = (
                await session.scalars(
                    select(Message.body).where(
                        col(Message.case_id) == case.id, col(Message.direction) == "inbound"
                    )
                )
            ).all()
        assert "Le compteur porte le numéro 40312" in bodies

    async def test_location_joins_the_open_case(self, hub: Hub) -> None:
        reference = await open_case(hub)
        assert (await hub.case(reference)).latitude is None

        response = await hub.post(fixture("location"))

        assert response.json()["outcome"] == "joined"
        assert response.json()["reference"] == reference
        case = await hub.case(reference)
        assert case.latitude == pytest.approx(36.174383)
        assert case.longitude == pytest.approx(8.704862)
        assert await hub.count(Case) == 1


async def queue_staff_reply(hub: Hub, reference: str, text: str) -> None:
    async with hub.state.sessions() as session:
        case = (await session.scalars(select(Case).where(col(Case.reference) == reference))).one()
        assert case.reporter_id is not None
        queue_notice(
            session,
            case=case,
            channel="telegram",
            notice="reply",
            reporter_id=case.reporter_id,
            language="en",
            dedupe_key=f"reply:{reference}:1",
            params={"reference": reference, "text": text},
        )
        await session.commit()


# ---------------------------------------------------------------- files


class TestFiles:
    async def test_photo_is_fetched_through_get_file_and_attached(self, hub: Hub) -> None:
        image = png_bytes(4, 3)
        hub.api.add_file(LARGEST_PHOTO, image, "photos/file_7.jpg")

        response = await hub.post(fixture("photo"))

        assert response.json()["outcome"] == "opened"
        [get_file] = hub.api.calls("getFile")
        assert get_file.params["file_id"] == LARGEST_PHOTO  # the largest size
        assert hub.api.downloads == ["photos/file_7.jpg"]
        [attachment] = await hub.all(Attachment)
        assert attachment.sha256 == hashlib.sha256(image).hexdigest()
        assert attachment.content_type == "image/png"  # read from the bytes
        assert attachment.size == len(image)
        [message] = await hub.all(Message)
        assert message.body == "حفرة خطيرة في الطريق أمام المعهد"  # the caption
        assert attachment.message_id == message.id

    async def test_document_is_fetched_and_attached(self, hub: Hub) -> None:
        hub.api.add_file(DOCUMENT, PDF, "documents/file_3.pdf")

        response = await hub.post(fixture("document"))

        assert response.json()["outcome"] == "opened"
        assert [c.params["file_id"] for c in hub.api.calls("getFile")] == [DOCUMENT]
        [attachment] = await hub.all(Attachment)
        assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
        assert attachment.content_type == "application/pdf"
        assert attachment.filename == "facture-steg-mai.pdf"

    async def test_a_photo_alone_joins_the_open_case(self, hub: Hub) -> None:
        reference = await open_case(hub)
        hub.api.add_file(LARGEST_PHOTO, png_bytes(), "photos/file_8.jpg")
        photo = fixture("photo")
        del photo["message"]["caption"]

        response = await hub.post(photo)

        assert response.json() == {"ok": True, "outcome": "joined", "reference": reference}
        [attachment] = await hub.all(Attachment)
        assert attachment.case_id == (await hub.case(reference)).id

    async def test_oversized_photo_is_not_downloaded(self, hub: Hub) -> None:
        hub.api.add_file(LARGEST_PHOTO, png_bytes(), "photos/file_9.jpg")
        photo = fixture("photo")
        photo["message"]["photo"][-1]["file_size"] = hub.state.settings.max_attachment_bytes + 1

        response = await hub.post(photo)

        assert response.json()["outcome"] == "opened"  # the caption still counts
        assert hub.api.calls("getFile") == []
        assert hub.api.downloads == []
        assert await hub.count(Attachment) == 0
        [note] = hub.api.sent_messages(CHAT)
        assert "File too large (max 10 MB)" in note.params["text"]

    async def test_a_file_getfile_reports_too_large_is_not_downloaded(
        self, settings: Settings, bot_api: FakeBotApi
    ) -> None:
        small = with_telegram(settings, bot_api.base_url, max_attachment_bytes=64)
        bot_api.add_file(DOCUMENT, PDF + b"%" * 100, "documents/file_4.pdf")
        document = fixture("document")
        del document["message"]["document"]["file_size"]  # Telegram may leave it out

        async with serve(small, bot_api) as hub:
            response = await hub.post(document)

            assert response.status_code == 200
            assert len(bot_api.calls("getFile")) == 1
            assert bot_api.downloads == []
            assert await hub.count(Attachment) == 0

    async def test_voice_message_gets_a_note_and_stores_nothing(self, hub: Hub) -> None:
        response = await hub.post(fixture("voice"))

        assert response.json() == {"ok": True, "outcome": "refused"}
        assert await hub.count(InboundReceipt) == 0
        [note] = hub.api.sent_messages(CHAT)
        assert "Only text, photos, PDF files and locations are accepted." in note.params["text"]


# ---------------------------------------------------------------- corruption reports


class TestAnonymous:
    async def test_anonymous_command_files_a_sealed_corruption_report(self, hub: Hub) -> None:
        response = await hub.post(fixture("anonymous"))

        assert response.json()["outcome"] == "opened"
        case = await hub.case(response.json()["reference"])
        assert case.kind == "corruption_report"
        assert case.sealed and case.anonymous
        assert case.summary.startswith("Un agent du guichet demande 20 dinars")
        async with hub.state.sessions() as session:
            structure = await session.get(Structure, case.structure_id)
            reporter = await session.get(Reporter, case.reporter_id)
        assert structure is not None and structure.code == "anti-corruption-cell"
        assert reporter is not None and reporter.name_enc is None  # no identity kept
        assert await hub.deliver() == 1
        [ack] = hub.api.sent_messages(7002)
        assert case.reference in ack.params["text"]


# ---------------------------------------------------------------- /start and the language


class TestLanguage:
    async def test_start_then_button_sets_the_language_of_later_notices(self, hub: Hub) -> None:
        response = await hub.post(fixture("start"))

        assert response.json() == {"ok": True, "outcome": "welcomed"}
        [welcome] = hub.api.sent_messages(CHAT)
        assert "Welcome" in welcome.params["text"] and "Bienvenue" in welcome.params["text"]
        buttons = [b for row in welcome.json("reply_markup")["inline_keyboard"] for b in row]
        assert [b["text"] for b in buttons] == ["العربية", "Derja / دارجة", "Français", "English"]
        assert [b["callback_data"] for b in buttons] == [
            "lang:ar",
            "lang:aeb-latn",
            "lang:fr",
            "lang:en",
        ]

        chosen = await hub.post(fixture("callback_query"))

        assert chosen.json() == {"ok": True, "outcome": "language", "detail": "fr"}
        [answer] = hub.api.calls("answerCallbackQuery")
        assert answer.params["callback_query_id"] == "4382bfdwdsb323b2d9"
        assert answer.params["text"].startswith("Langue : français")
        [reporter] = await hub.all(Reporter)
        assert reporter.language == "fr"

        # A command carries no text to read a language from: the choice decides.
        await hub.post(text_update("/help", 900003))
        await hub.deliver()
        help_text = hub.api.sent_messages(CHAT)[-1].params["text"]
        assert help_text.startswith("Écrivez votre demande. ETAT <réf> pour le suivi")

    async def test_start_twice_welcomes_once(self, hub: Hub) -> None:
        await hub.post(fixture("start"))
        again = await hub.post(fixture("start"))

        assert again.json()["outcome"] == "replayed"
        assert len(hub.api.sent_messages(CHAT)) == 1
        assert await hub.count(Case) == 0


# ---------------------------------------------------------------- the webhook's guard


class TestWebhookGuard:
    @pytest.mark.parametrize(
        "secret", [None, b"", b"wrong-secret", (SECRET + "x").encode(), "سر".encode()]
    )
    async def test_missing_or_wrong_secret_is_refused_and_nothing_stored(
        self, hub: Hub, secret: bytes | None
    ) -> None:
        headers = {HEADER: secret} if secret is not None else {}

        response = await hub.client.post(
            "/channels/telegram", json=fixture("text"), headers=headers
        )

        assert response.status_code == 403
        assert "secret" in response.json()["detail"].lower()
        assert await hub.count(InboundReceipt) == 0
        assert await hub.count(Case) == 0
        assert [call.method for call in hub.api.calls(ok=None)] == ["getMe"]  # at start-up

    async def test_channel_off_answers_503(self, settings: Settings) -> None:
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with (
            running(app.state.hub),
            httpx.AsyncClient(transport=transport, base_url="http://t") as client,
        ):
            response = await client.post(
                "/channels/telegram", json=fixture("text"), headers={HEADER: SECRET}
            )
        await app.state.hub.engine.dispose()

        assert response.status_code == 503
        assert "off" in response.json()["detail"]

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            (b"not json", "not JSON"),
            (b"[1, 2]", "update_id"),
            (b'{"update_id": "1"}', "update_id"),
            (b'{"update_id": 5, "message": {"text": "x"}}', "not a Telegram Update"),
            (
                b'{"update_id": 5, "message": {"message_id": 1, "date": 1717405200,'
                b' "chat": {"id": "7001", "type": "private"}, "text": "x"}}',
                "wrong types",
            ),
            (b'{"update_id": 5, "message": "hello"}', "not a Telegram Update"),
            (
                b'{"update_id": 5, "message": {"message_id": 1, "date": 1717405200,'
                b' "chat": {"id": 7001, "type": "private"},'
                b' "location": {"latitude": "north", "longitude": 8.7}}}',
                "wrong types",
            ),
            (
                b'{"update_id": 5, "message": {"message_id": 1, "date": 1717405200,'
                b' "chat": {"id": 7001, "type": "private"},'
                b' "location": {"latitude": 36.2, "longitude": 208.7}}}',
                "wrong types or ranges",
            ),
            (
                b'{"update_id": 5, "message": {"message_id": 1, "date": 1717405200,'
                b' "chat": {"id": 7001, "type": "private"},'
                b' "location": {"latitude": -91, "longitude": 8.7}}}',
                "wrong types or ranges",
            ),
            (
                b'{"update_id": 5, "message": {"message_id": 1, "date": 1717405200,'
                b' "chat": {"id": 7001, "type": "private"}, "photo": [{"file_id": "a",'
                b' "file_unique_id": "b", "width": "wide", "height": 1, "file_size": 9}]}}',
                "wrong types",
            ),
            (
                b'{"update_id": 5, "callback_query": {"id": 42, "chat_instance": "1",'
                b' "from": {"id": 7001, "is_bot": false, "first_name": "A"}, "data": "lang:fr"}}',
                "wrong types",
            ),
        ],
    )
    async def test_bad_bodies_get_400_with_a_reason(
        self, hub: Hub, body: bytes, reason: str
    ) -> None:
        response = await hub.client.post(
            "/channels/telegram",
            content=body,
            headers={HEADER: SECRET, "Content-Type": "application/json"},
        )

        assert response.status_code == 400
        assert reason in response.json()["detail"]
        assert await hub.count(InboundReceipt) == 0

    @pytest.mark.parametrize("name", ["edited_message", "group_message"])
    async def test_updates_the_hub_does_not_use_get_200_and_are_ignored(
        self, hub: Hub, name: str
    ) -> None:
        response = await hub.post(fixture(name))

        assert response.status_code == 200
        assert response.json()["outcome"] == "ignored"
        assert await hub.count(InboundReceipt) == 0
        assert await hub.count(Case) == 0

    async def test_other_update_types_are_ignored(self, hub: Hub) -> None:
        poll = {
            "update_id": 832710050,
            "poll": {
                "id": "5390473917328834562",
                "question": "?",
                "options": [{"text": "a", "voter_count": 0}, {"text": "b", "voter_count": 0}],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
            },
        }

        response = await hub.post(poll)

        assert response.json() == {
            "ok": True,
            "outcome": "ignored",
            "detail": "poll is not used by the hub",
        }


async def test_database_down_answers_5xx_so_telegram_retries(
    tmp_path: Path, bot_api: FakeBotApi
) -> None:
    broken = settings_for(f"sqlite:///{tmp_path / 'missing' / 'hub.db'}", tmp_path)

    async with serve(with_telegram(broken, bot_api.base_url), bot_api) as hub:
        response = await hub.post(fixture("text"))

        assert response.status_code == 503
        assert "nothing was stored" in response.json()["detail"]
        assert bot_api.sent_messages() == []


# ---------------------------------------------------------------- outbound failures


class TestOutbound:
    async def test_blocked_bot_fails_the_outbox_item(self, hub: Hub) -> None:
        await open_case(hub)
        hub.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")

        assert await hub.deliver() == 0

        [item] = await hub.all(OutboxItem)
        assert item.status == "failed"
        assert "blocked" in (item.last_error or "")

    async def test_chat_not_found_fails_the_outbox_item(self, hub: Hub) -> None:
        await open_case(hub)
        hub.api.fail_next("sendMessage", 400, "Bad Request: chat not found")

        await hub.deliver()

        [item] = await hub.all(OutboxItem)
        assert item.status == "failed"
        assert "chat not found" in (item.last_error or "").lower()

    async def test_rate_limit_is_retried_later(self, hub: Hub) -> None:
        await open_case(hub)
        hub.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5)

        assert await hub.deliver() == 0
        [item] = await hub.all(OutboxItem)
        assert item.status == "pending" and item.attempts == 1
        assert "Retry in 5 seconds" in (item.last_error or "")
        assert item.next_attempt_at > utcnow()
        assert await hub.deliver() == 0  # not before its time

        async with hub.state.sessions() as session:
            await session.execute(
                update(OutboxItem).values(next_attempt_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        assert await hub.deliver() == 1
        assert len(hub.api.sent_messages(CHAT)) == 1
        [item] = await hub.all(OutboxItem)
        assert item.status == "sent" and item.provider_id == f"{CHAT}:1001"


# ---------------------------------------------------------------- the Bot API down at start-up


class TestBotApiDown:
    async def test_hub_starts_and_recovers_when_the_bot_api_answers(
        self, settings: Settings, caplog: pytest.LogCaptureFixture
    ) -> None:
        port = free_port()  # nothing listens there yet: connections are refused
        down = with_telegram(settings, f"http://127.0.0.1:{port}")
        caplog.set_level(logging.WARNING)

        # `Hub` wants an API to look at; the hub itself is pointed at `port`.
        with FakeBotApi(TOKEN) as elsewhere:
            async with serve(down, elsewhere) as hub:
                assert "Bot API is not answering" in caplog.text
                assert TOKEN not in caplog.text
                # A photo cannot be fetched: Telegram is asked to retry, nothing is stored.
                photo = await hub.post(fixture("photo"))
                assert photo.status_code == 503
                assert await hub.count(InboundReceipt) == 0
                # A text needs no Bot API: it is accepted.
                reference = await open_case(hub)

                with FakeBotApi(TOKEN, port=port) as back:
                    assert await hub.deliver() == 1
                    [ack] = back.sent_messages(CHAT)
                    assert reference in ack.params["text"]


# ---------------------------------------------------------------- the command line


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env.update(extra)
    return env


def run_hub(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_set_webhook_registers_the_url_secret_and_updates(tmp_path: Path) -> None:
    with FakeBotApi(TOKEN) as api:
        env = clean_env(
            HUB_SECRET_KEY=HUB_SECRET_KEY,
            HUB_PUBLIC_URL="https://petitions.kef.tn",
            HUB_TELEGRAM_TOKEN=TOKEN,
            HUB_TELEGRAM_SECRET=SECRET,
            HUB_TELEGRAM_API_BASE=api.base_url,
        )
        done = run_hub("telegram", "set-webhook", env=env, cwd=tmp_path)

        assert done.returncode == 0, done.stderr
        assert api.ledger.webhook == {
            "url": "https://petitions.kef.tn/channels/telegram",
            "secret_token": SECRET,
            "allowed_updates": ["message", "callback_query"],
        }
        assert TOKEN not in done.stdout + done.stderr


def test_set_webhook_refuses_when_the_channel_is_off(tmp_path: Path) -> None:
    done = run_hub(
        "telegram", "set-webhook", env=clean_env(HUB_SECRET_KEY=HUB_SECRET_KEY), cwd=tmp_path
    )

    assert done.returncode == 2
    assert "HUB_TELEGRAM_TOKEN" in done.stderr


@pytest.fixture
def served_hub(settings: Settings) -> Iterator[tuple[str, int]]:
    """A real hub over HTTP (uvicorn, lifespan and job loop included); yields (url, api port)."""
    api_port, hub_port = free_port(), free_port()
    app = create_app(with_telegram(settings, f"http://127.0.0.1:{api_port}"))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=hub_port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{hub_port}", api_port
    server.should_exit = True
    thread.join(timeout=20)


def test_simulate_sends_an_update_and_prints_the_bots_answer(
    served_hub: tuple[str, int], tmp_path: Path
) -> None:
    url, api_port = served_hub
    env = clean_env(
        HUB_TELEGRAM_TOKEN=TOKEN,
        HUB_TELEGRAM_SECRET=SECRET,
        HUB_TELEGRAM_API_BASE=f"http://127.0.0.1:{api_port}",
    )
    text = "Les feux de circulation sont en panne au carrefour de la gare"

    done = run_hub(
        "simulate",
        "telegram",
        "--chat",
        "7001",
        "--text",
        text,
        "--url",
        url,
        "--wait",
        "10",
        env=env,
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "hub answered 200" in done.stdout
    answer = json.loads(done.stdout.split("hub answered 200: ", 1)[1].splitlines()[0])
    assert answer["outcome"] == "opened"
    bot_lines = [line for line in done.stdout.splitlines() if line.startswith("bot → chat 7001")]
    assert bot_lines, done.stdout
    assert answer["reference"] in bot_lines[0]  # the acknowledgement, sent by the hub's job loop

    # The citizen answers that message: it joins the same case.
    bot_message = bot_lines[0].split("(message ", 1)[1].split(")", 1)[0]
    again = run_hub(
        "simulate",
        "telegram",
        "--text",
        "C'est toujours en panne ce matin",
        "--url",
        url,
        "--reply-to",
        bot_message,
        "--wait",
        "2",
        env=env,
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    joined = json.loads(again.stdout.split("hub answered 200: ", 1)[1].splitlines()[0])
    assert joined == {"ok": True, "outcome": "joined", "reference": answer["reference"]}
