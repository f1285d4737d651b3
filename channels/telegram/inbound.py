"""A Telegram Update, turned into what the hub does with it.

Messages in a private chat become a `Petition` for `hub.intake.conversation.receive`
(which also reads the /status, /new, /anonymous and /help commands); /start and
the language buttons are the bot's own conversation. Files are fetched before
intake, so an unreachable Bot API fails the update (Telegram retries it) instead
of storing a message without its photo.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from telegram import CallbackQuery, Document, Message, PhotoSize, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError

from channels.base import printable
from channels.telegram import texts
from channels.telegram.bot import ALLOWED_UPDATES as USED_UPDATES
from channels.telegram.bot import BotRuntime
from hub.attachments import AttachmentRejected, sniff
from hub.intake.conversation import receive, set_language
from hub.intake.repository import claim_receipt
from hub.petition import Attachment, Channel, Location, Petition

if TYPE_CHECKING:
    from telegram import Bot

    from hub.state import HubState

log = logging.getLogger("hub.channels.telegram")

INT, STR, NUMBER = (int,), (str,), (int, float)

# Kinds of content the hub cannot read: the sender is told what it accepts.
UNREADABLE = ("voice", "audio", "video", "video_note", "animation", "sticker", "contact")


class BadUpdate(ValueError):
    """The body is not a Telegram Update the hub can read (answered 400)."""


class BotApiUnavailable(Exception):
    """A file could not be fetched now; Telegram retries the update (answered 503)."""


@dataclass(frozen=True)
class Outcome:
    # opened, joined, replayed, command (from intake); welcomed, welcome_failed, language,
    # refused (a file or content the hub cannot take), ignored
    outcome: str
    reference: str | None = None
    detail: str | None = None

    def body(self) -> dict[str, object]:
        """The webhook's answer (Telegram reads only the status; operators read this)."""
        answer: dict[str, object] = {"ok": True, "outcome": self.outcome}
        if self.reference:
            answer["reference"] = self.reference
        if self.detail:
            answer["detail"] = self.detail
        return answer


def read_update(body: bytes, bot: Bot) -> Update | Outcome:
    """The Update to handle, or the outcome of one the hub does not use."""
    data = read_body(body)
    unused = unused_kind(data)
    if unused is not None:
        return Outcome("ignored", detail=f"{unused} is not used by the hub")
    return parse_update(data, bot)


def read_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadUpdate("the body is not JSON") from None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise BadUpdate("not a Telegram Update: an object with an integer update_id is expected")
    return data


def unused_kind(data: dict[str, Any]) -> str | None:
    """The kind of an update the hub does not use, or None for one it reads.

    Unused kinds are not parsed at all: the library may lag behind a newer Bot
    API, and a 400 would make Telegram retry them.
    """
    kind = next((key for key in data if key != "update_id"), "empty update")
    return None if kind in USED_UPDATES else kind


def parse_update(data: dict[str, Any], bot: Bot) -> Update:
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:  # whatever the library's parser trips on, the payload is malformed
        raise BadUpdate(f"not a Telegram Update: {exc}"[:300]) from None
    _check_shape(update)
    return update


def _check_shape(update: Update) -> None:
    """The library does not type-check fields; these are the ones the hub reads."""
    message, query = update.message, update.callback_query
    if message is not None and not _message_ok(message):
        raise BadUpdate("not a Telegram Update: message fields have the wrong types or ranges")
    if query is not None and not _callback_ok(query):
        raise BadUpdate("not a Telegram Update: callback_query fields have the wrong types")


def _typed(value: object, types: tuple[type, ...], optional: bool = False) -> bool:
    if value is None:
        return optional
    return isinstance(value, types) and not isinstance(value, bool)


def _message_ok(m: Message) -> bool:
    document, where, replied, sender = m.document, m.location, m.reply_to_message, m.from_user
    if m.chat is None or m.date is None:  # the library builds a Message without them
        return False
    return all(
        (
            _typed(m.message_id, INT) and _typed(m.chat.id, INT),
            sender is None
            or (
                _typed(sender.id, INT)
                and _typed(sender.first_name, STR)
                and _typed(sender.last_name, STR, True)
            ),
            _typed(m.text, STR, True) and _typed(m.caption, STR, True),
            all(_typed(p.file_id, STR) and _typed(p.file_size, INT, True) for p in m.photo),
            all(_typed(p.width, INT) and _typed(p.height, INT) for p in m.photo),
            document is None
            or (_typed(document.file_id, STR) and _typed(document.file_size, INT, True)),
            document is None or _typed(document.file_name, STR, True),
            where is None or _on_earth(where.latitude, where.longitude),
            replied is None or _typed(replied.message_id, INT),
        )
    )


def _on_earth(latitude: object, longitude: object) -> bool:
    if not (_typed(latitude, NUMBER) and _typed(longitude, NUMBER)):
        return False
    assert isinstance(latitude, int | float) and isinstance(longitude, int | float)
    return -90 <= latitude <= 90 and -180 <= longitude <= 180  # NaN is neither


def _callback_ok(query: CallbackQuery) -> bool:
    chat = query.message.chat if query.message is not None else None
    return (
        query.from_user is not None
        and _typed(query.id, STR)
        and _typed(query.from_user.id, INT)
        and _typed(query.data, STR, True)
        and (chat is None or _typed(chat.id, INT))
    )


async def handle(state: HubState, runtime: BotRuntime, update: Update) -> Outcome:
    if update.callback_query is not None:
        return await _on_callback(state, runtime, update.update_id, update.callback_query)
    message = update.message
    if message is None:
        return Outcome("ignored", detail="an empty message")
    if message.chat.type != ChatType.PRIVATE:
        # In a group one chat id would stand for many citizens.
        return Outcome("ignored", detail="only private chats are read")
    if _is_start(message):
        return await _on_start(state, runtime, update.update_id, message.chat.id)
    return await _on_message(state, runtime, update.update_id, message)


def _is_start(message: Message) -> bool:
    words = (message.text or "").split(maxsplit=1)
    return bool(words) and words[0].split("@", 1)[0].lower() == "/start"


# ------------------------------------------------------------------ messages


async def _on_message(
    state: HubState, runtime: BotRuntime, update_id: int, message: Message
) -> Outcome:
    attachment, refusal = await _attachment_of(
        runtime, message, state.settings.max_attachment_bytes
    )
    text = message.text or message.caption or ""
    location = _location_of(message)
    if not text.strip() and attachment is None and location is None:
        note = refusal or (texts.NOT_READABLE if _unreadable(message) else None)
        if note is None:
            return Outcome("ignored", detail="the message has nothing the hub reads")
        await say(runtime, message.chat.id, note)
        return Outcome("refused")
    petition = petition_of(update_id, message, text, attachment, location)
    reception = await receive(state, petition)
    if refusal:
        await say(runtime, message.chat.id, refusal)
    return Outcome(reception.outcome, reception.reference)


def petition_of(
    update_id: int,
    message: Message,
    text: str,
    attachment: Attachment | None,
    location: Location | None,
) -> Petition:
    chat_id = message.chat.id
    replied = message.reply_to_message
    return Petition(
        channel=Channel.telegram,
        external_id=str(update_id),
        text=printable(text),
        sender=str(chat_id),
        name=printable(message.from_user.full_name) if message.from_user else None,
        # No language: the reporter's own choice (/start) must win over the app's UI language.
        attachments=(attachment,) if attachment else (),
        location=location or Location(),
        reply_to_message_id=f"{chat_id}:{replied.message_id}" if replied else None,
        provider_message_id=f"{chat_id}:{message.message_id}",
        received_at=message.date,
    )


def _location_of(message: Message) -> Location | None:
    where = message.location
    if where is None:
        return None
    return Location(latitude=float(where.latitude), longitude=float(where.longitude))


def _unreadable(message: Message) -> bool:
    return any(getattr(message, kind, None) for kind in UNREADABLE)


async def _attachment_of(
    runtime: BotRuntime, message: Message, max_bytes: int
) -> tuple[Attachment | None, str | None]:
    """The photo (largest size) or document of the message, or the note saying why not."""
    media: PhotoSize | Document
    if message.photo:
        media = max(message.photo, key=lambda size: size.width * size.height)
        name = f"photo-{media.file_unique_id}"
    elif message.document is not None:
        media = message.document
        name = _safe_name(message.document.file_name) or f"document-{media.file_unique_id}"
    else:
        return None, None
    if media.file_size and media.file_size > max_bytes:
        return None, texts.file_too_large(max_bytes)
    data = await _download(runtime, media.file_id, max_bytes)
    if isinstance(data, str):
        return None, data
    try:
        content_type = sniff(data, name, max_bytes)
    except AttachmentRejected as exc:
        too_large = exc.status_code == 413
        return None, texts.file_too_large(max_bytes) if too_large else texts.NOT_READABLE
    if "." not in name:
        name += mimetypes.guess_extension(content_type) or ""
    return Attachment(filename=name, content_type=content_type, data=data), None


async def _download(runtime: BotRuntime, file_id: str, max_bytes: int) -> bytes | str:
    """The file's bytes through getFile, or the note for a file Telegram will not give."""
    await runtime.ensure_started()
    try:
        found = await runtime.bot.get_file(file_id)
        if found.file_size and found.file_size > max_bytes:
            return texts.file_too_large(max_bytes)
        return bytes(await found.download_as_bytearray())
    except RuntimeError:  # getFile gave no file_path to download from
        return texts.NOT_READABLE
    except BadRequest as exc:  # for good: retrying the update cannot help
        too_big = "too big" in exc.message.lower()
        return texts.file_too_large(max_bytes) if too_big else texts.NOT_READABLE
    except TelegramError as exc:
        raise BotApiUnavailable(
            f"the Bot API did not deliver the file ({type(exc).__name__}); retry later"
        ) from None


def _safe_name(name: str | None) -> str:
    return PurePosixPath((name or "").replace("\\", "/")).name.strip()


# ------------------------------------------------------------------ the bot's own conversation


async def _on_start(state: HubState, runtime: BotRuntime, update_id: int, chat_id: int) -> Outcome:
    if not await first_time(state, update_id):
        return Outcome("replayed")
    await runtime.ensure_started()
    sent = await say(runtime, chat_id, texts.WELCOME, markup=True)
    return Outcome("welcomed" if sent else "welcome_failed")


async def _on_callback(
    state: HubState, runtime: BotRuntime, update_id: int, query: CallbackQuery
) -> Outcome:
    chat = query.message.chat if query.message is not None else None
    if chat is not None and chat.type != ChatType.PRIVATE:
        return Outcome("ignored", detail="only private chats are read")
    data = query.data or ""
    language = data.removeprefix(texts.LANGUAGE_CALLBACK)
    chosen = data.startswith(texts.LANGUAGE_CALLBACK) and language in texts.LANGUAGE_CHOSEN
    if chosen:
        # Setting the same language twice is harmless, so it comes before the receipt.
        chat_id = chat.id if chat is not None else query.from_user.id
        await set_language(state, Channel.telegram.value, str(chat_id), language)
    if not await first_time(state, update_id):
        return Outcome("replayed")
    await runtime.ensure_started()
    await _answer(runtime, query.id, texts.LANGUAGE_CHOSEN[language] if chosen else None)
    if not chosen:
        return Outcome("ignored", detail="unknown button")
    return Outcome("language", detail=language)


async def first_time(state: HubState, update_id: int) -> bool:
    """Claim the update once, as intake does for messages."""
    async with state.sessions() as session:
        claimed = await claim_receipt(session, Channel.telegram.value, str(update_id), None)
        await session.commit()
    return claimed is not None


async def say(runtime: BotRuntime, chat_id: int, text: str, *, markup: bool = False) -> bool:
    """A direct, best-effort message of the bot (case notices go through the outbox)."""
    try:
        await runtime.bot.send_message(
            chat_id=chat_id,
            text=text,
            reply_markup=texts.language_keyboard() if markup else None,
        )
    except TelegramError as exc:
        log.warning("a bot message was not sent (%s)", type(exc).__name__)
        return False
    return True


async def _answer(runtime: BotRuntime, query_id: str, text: str | None) -> None:
    try:
        await runtime.bot.answer_callback_query(query_id, text=text)
    except TelegramError as exc:  # an old query cannot be answered; the choice is saved anyway
        log.warning("a button press was not answered (%s)", type(exc).__name__)
