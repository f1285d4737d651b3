"""Properties of every inbound parser: Twilio's form, Telegram's Update, a raw e-mail.

Each parser is the hub's border with a provider. Whatever arrives, a parser
either produces what intake accepts or refuses with its own error (a 400, a
quarantined mail); and what a citizen wrote goes through unchanged.
"""

from __future__ import annotations

import base64
import itertools
import json
import quopri
import string
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from starlette.datastructures import ImmutableMultiDict
from telegram import Bot, Update
from twilio.request_validator import RequestValidator

from channels.email.body import html_to_text, trim_quoted
from channels.email.parse import (
    MAX_ID_CHARS,
    AutomaticMessage,
    Limits,
    UnreadableMessage,
    parse_email,
    safe_external_id,
)
from channels.sms.inbound import (
    MAX_MEDIA,
    IncomingSms,
    MalformedWebhook,
    petition_for,
    read_message,
    read_status,
)
from channels.telegram.inbound import (
    BadUpdate,
    Outcome,
    _location_of,
    petition_of,
    read_update,
)
from hub.attachments import ALLOWED_TYPES
from hub.models import Message
from hub.petition import Channel, Petition
from hub.settings import Settings
from hub.state import HubState
from tests.conftest import settings_for

FIXTURES = Path(__file__).parent.parent / "channels" / "fixtures"
CONTROL = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127]))  # all but \t \n \r
# What a citizen types: any character but controls (and lone surrogates, which UTF-8 cannot carry).
TYPED = st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\t\n\r")
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=8,
)
# Derandomized: CI draws the same examples on every run, and a failure replays.
PROPERTY = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def str_fields(petition: Petition) -> dict[str, object]:
    names = ("external_id", "text", "sender", "name", "language", "reply_to_reference")
    more = ("reply_to_message_id", "provider_message_id", "category_hint", "phone", "email")
    return {name: getattr(petition, name) for name in (*names, *more)}


def storable(petition: Petition) -> None:
    """PostgreSQL refuses a NUL in text: intake would fail on it, and the provider retry it."""
    for name, value in str_fields(petition).items():
        assert value is None or (isinstance(value, str) and "\x00" not in value), name
    assert all("\x00" not in a.filename for a in petition.attachments)


# ================================================================== Twilio (channels/sms)

FORM_NAMES = (
    st.sampled_from(
        [
            "MessageSid",
            "SmsSid",
            "From",
            "To",
            "Body",
            "NumMedia",
            "MediaUrl0",
            "MediaUrl1",
            "MediaContentType0",
            "MessageStatus",
            "ErrorCode",
            "AccountSid",
        ]
    )
    | ANY_TEXT
)
FORMS = st.lists(
    st.tuples(FORM_NAMES, ANY_TEXT | st.sampled_from(["0", "3", "11", "SM1"])), max_size=12
)


@PROPERTY
@given(FORMS)
def test_any_twilio_form_is_a_message_or_malformed(pairs: list[tuple[str, str]]) -> None:
    form = ImmutableMultiDict(pairs)
    try:
        sms = read_message(form)
    except MalformedWebhook:
        return
    assert sms.sid[:2].isalpha() and sms.sid.isascii() and sms.sid.isalnum()
    assert sms.sender and sms.sender == sms.sender.strip()
    assert not set(sms.text) & set(CONTROL) and not set(sms.sender) & set(CONTROL)
    assert len(sms.media) <= min(MAX_MEDIA, int(form["NumMedia"] or 0) if "NumMedia" in form else 0)
    assert all(item.url for item in sms.media)
    storable(petition_for(sms, ()))


@PROPERTY
@given(FORMS)
def test_any_twilio_status_callback_is_a_status_or_malformed(pairs: list[tuple[str, str]]) -> None:
    try:
        sid, state = read_status(ImmutableMultiDict(pairs))
    except MalformedWebhook:
        return
    assert sid.isascii() and sid.isalnum()
    assert state == state.lower() and state.replace("_", "").isalpha() and len(state) <= 20


SIDS = st.from_regex(r"\A(SM|MM)[0-9a-f]{32}\Z")
PHONES = st.from_regex(r"\A\+216[2-9][0-9]{7}\Z")


@PROPERTY
@given(
    SIDS,
    PHONES,
    st.text(TYPED, max_size=1600),
    st.integers(0, 15),
    st.lists(ANY_TEXT, max_size=8),
)
def test_a_twilio_message_keeps_the_citizens_words(
    sid: str, sender: str, body: str, media: int, extra: list[str]
) -> None:
    pairs = [("MessageSid", sid), ("From", sender), ("Body", body), ("NumMedia", str(media))]
    pairs += [(f"MediaUrl{i}", f"https://api.twilio.com/Media/ME{i}") for i in range(media)]
    pairs += [(f"X-Extra-{i}", value) for i, value in enumerate(extra)]  # fields we do not read
    sms = read_message(ImmutableMultiDict(pairs))
    assert sms == IncomingSms(sid, sender, body, sms.media)
    assert [item.url for item in sms.media] == [
        f"https://api.twilio.com/Media/ME{i}" for i in range(min(media, MAX_MEDIA))
    ]
    petition = petition_for(sms, ())
    assert (petition.channel, petition.text, petition.sender) == (Channel.sms, body, sender)
    assert petition.external_id == petition.provider_message_id == sid


@PROPERTY
@given(SIDS, PHONES, st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_control_characters_never_reach_the_case(sid: str, sender: str, body: str) -> None:
    sms = read_message(ImmutableMultiDict([("MessageSid", sid), ("From", sender), ("Body", body)]))
    assert sms.text == "".join(c for c in body if c not in CONTROL)


# ================================================================== Telegram (channels/telegram)

BOT = Bot("123456:property-test-token")
TEXT_UPDATE = json.loads((FIXTURES / "telegram" / "text.json").read_text())
USED = ("message", "callback_query")
# Where in an update the hub reads something; a mutation puts any JSON value there.
PLACES = [
    ("update_id",),
    ("message",),
    ("message", "message_id"),
    ("message", "date"),
    ("message", "text"),
    ("message", "caption"),
    ("message", "chat"),
    ("message", "chat", "id"),
    ("message", "chat", "type"),
    ("message", "from"),
    ("message", "from", "id"),
    ("message", "from", "first_name"),
    ("message", "from", "last_name"),
    ("message", "photo"),
    ("message", "document"),
    ("message", "location"),
    ("message", "reply_to_message"),
    ("message", "entities"),
]


def mutated(update: dict[str, Any], changes: list[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(update))
    for path, value in changes:
        target = data
        for key in path[:-1]:
            if not isinstance(target.get(key), dict):
                target[key] = {}
            target = target[key]
        target[path[-1]] = value
    return data


MUTATIONS = st.lists(st.tuples(st.sampled_from(PLACES), JSON), min_size=1, max_size=4)


def read(body: bytes) -> Update | Outcome | None:
    """The update, an outcome for unused kinds, or None when refused as malformed."""
    try:
        return read_update(body, BOT)
    except BadUpdate:
        return None


@PROPERTY
@given(st.binary(max_size=300) | JSON.map(lambda value: json.dumps(value).encode()))
def test_any_body_is_an_update_or_refused(body: bytes) -> None:
    read(body)


@PROPERTY
@given(st.integers(), st.dictionaries(ANY_TEXT.filter(lambda k: k not in USED), JSON, max_size=3))
def test_updates_of_unused_kinds_are_acknowledged_unread(
    update_id: int, rest: dict[str, Any]
) -> None:
    assume("update_id" not in rest)
    outcome = read(json.dumps({"update_id": update_id, **rest}).encode())
    assert isinstance(outcome, Outcome) and outcome.outcome == "ignored"


def petition_from(update: Update) -> Petition | None:
    message = update.message
    if message is None:
        return None
    text = message.text or message.caption or ""
    return petition_of(update.update_id, message, text, None, _location_of(message))


def without_chat(data: dict[str, Any]) -> bool:
    message = data.get("message")
    return isinstance(message, dict) and message.get("chat") is None


@PROPERTY
@given(MUTATIONS)
def test_a_damaged_update_is_refused_or_read(changes: list[tuple[tuple[str, ...], Any]]) -> None:
    data = mutated(TEXT_UPDATE, changes)
    parsed = read(json.dumps(data).encode())
    if isinstance(parsed, Update):
        petition_from(parsed)


CALLBACK = json.loads((FIXTURES / "telegram" / "callback_query.json").read_text())
CALLBACK_PLACES = [
    ("callback_query",),
    ("callback_query", "id"),
    ("callback_query", "data"),
    ("callback_query", "from", "id"),
    ("callback_query", "message"),
    ("callback_query", "message", "chat"),
    ("callback_query", "message", "chat", "id"),
]


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from(CALLBACK_PLACES), JSON), min_size=1, max_size=3))
def test_a_damaged_button_press_is_refused_or_read(
    changes: list[tuple[tuple[str, ...], Any]],
) -> None:
    data = mutated(CALLBACK, changes)
    read(json.dumps(data).encode())


@pytest.mark.parametrize(
    "data",
    [
        mutated(TEXT_UPDATE, [(("message", "chat"), None)]),
        {
            "update_id": 1,
            "message": {k: v for k, v in TEXT_UPDATE["message"].items() if k != "chat"},
        },
        mutated(CALLBACK, [(("callback_query", "from"), None)]),
    ],
    ids=["chat-null", "chat-missing", "button-from-null"],
)
def test_a_message_without_chat_is_refused(data: dict[str, Any]) -> None:
    assert read(json.dumps(data).encode()) is None


@PROPERTY
@given(MUTATIONS)
def test_a_read_update_gives_a_petition_of_the_declared_types(
    changes: list[tuple[tuple[str, ...], Any]],
) -> None:
    parsed = read(json.dumps(mutated(TEXT_UPDATE, changes)).encode())
    petition = petition_from(parsed) if isinstance(parsed, Update) else None
    if petition is None:
        return
    for name, value in str_fields(petition).items():
        assert value is None or isinstance(value, str), name
    assert petition.received_at.tzinfo is not None


NAMES = st.text(st.characters(categories=("L",)), min_size=1, max_size=20)


@PROPERTY
@given(
    update_id=st.integers(1, 2**31),
    message_id=st.integers(1, 2**31),
    chat_id=st.integers(1, 2**52),
    date=st.integers(1_500_000_000, 2_000_000_000),
    text=st.text(TYPED, min_size=1, max_size=4096),
    first=NAMES,
    last=st.none() | NAMES,
    replied=st.none() | st.integers(1, 2**31),
    where=st.none()
    | st.tuples(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)),
)
def test_a_telegram_message_keeps_the_citizens_words(
    update_id: int,
    message_id: int,
    chat_id: int,
    date: int,
    text: str,
    first: str,
    last: str | None,
    replied: int | None,
    where: tuple[float, float] | None,
) -> None:
    person = {"id": chat_id, "is_bot": False, "first_name": first}
    if last is not None:
        person["last_name"] = last
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": person,
        "chat": {"id": chat_id, "type": "private"},
        "date": date,
        "text": text,
    }
    if replied is not None:
        message["reply_to_message"] = {
            "message_id": replied,
            "date": date,
            "chat": message["chat"],
            "text": "…",
        }
    if where is not None:
        message["location"] = {"latitude": where[0], "longitude": where[1]}
    parsed = read(json.dumps({"update_id": update_id, "message": message}).encode())
    assert isinstance(parsed, Update)
    petition = petition_from(parsed)
    assert petition is not None
    assert (petition.channel, petition.text, petition.sender) == (
        Channel.telegram,
        text,
        str(chat_id),
    )
    assert petition.external_id == str(update_id)
    assert petition.provider_message_id == f"{chat_id}:{message_id}"
    assert petition.name == (f"{first} {last}" if last else first)
    assert petition.reply_to_message_id == (f"{chat_id}:{replied}" if replied else None)
    assert petition.received_at == datetime.fromtimestamp(date, UTC)
    expected = (None, None) if where is None else where
    assert (petition.location.latitude, petition.location.longitude) == expected


@PROPERTY
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=50))
def test_a_telegram_message_is_storable(text: str) -> None:
    parsed = read(json.dumps(mutated(TEXT_UPDATE, [(("message", "text"), text)])).encode())
    assert isinstance(parsed, Update)
    petition = petition_from(parsed)
    assert petition is not None
    storable(petition)


# ================================================================== e-mail (channels/email)

LIMITS = Limits()
EMAILS = sorted((FIXTURES / "email").glob("*.eml"))


@st.composite
def damaged_mail(draw: st.DrawFn) -> bytes:
    """A real message with bytes cut, inserted or overwritten here and there."""
    raw = bytearray(draw(st.sampled_from(EMAILS)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw)))
        junk = draw(
            st.binary(max_size=12)
            | st.sampled_from([b"\r\n", b"\r\n\r\n", b"=?", b"?=", b"--", b"\x00", b"\xff", b":"])
        )
        cut = draw(st.integers(0, 40))
        raw[at : at + cut] = junk
    return bytes(raw)


MAILS = damaged_mail() | st.binary(max_size=400)


@settings(PROPERTY, max_examples=300)
@given(MAILS)
def test_any_bytes_are_a_petition_a_robot_or_unreadable(raw: bytes) -> None:
    try:
        parsed = parse_email(raw, LIMITS)
    except UnreadableMessage as exc:
        assert exc.external_id and len(exc.external_id) <= MAX_ID_CHARS
        return
    finally:
        key = safe_external_id(raw)  # what quarantine is keyed on, for any bytes
        assert key and len(key) <= MAX_ID_CHARS
    if isinstance(parsed, AutomaticMessage):
        return
    assert parsed.channel == Channel.email
    assert parsed.external_id == parsed.provider_message_id
    assert 0 < len(parsed.external_id) <= MAX_ID_CHARS
    assert not any(c.isspace() for c in parsed.external_id)
    assert parsed.sender is not None and "@" in parsed.sender
    assert len(parsed.text) <= LIMITS.max_text_chars
    assert parsed.language in (None, "ar", "fr", "en")
    assert len(parsed.attachments) <= LIMITS.max_attachments
    for attachment in parsed.attachments:
        assert attachment.content_type in ALLOWED_TYPES
        assert 0 < len(attachment.data) <= LIMITS.max_attachment_bytes
        assert "/" not in attachment.filename and len(attachment.filename) <= 255
    if parsed.reply_to_message_id is not None:
        assert parsed.reply_to_message_id and len(parsed.reply_to_message_id) <= MAX_ID_CHARS


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (b"From: b@", UnreadableMessage),
        (b"From: undisclosed-recipients:;)", UnreadableMessage),
        (b"From: amel@example.tn\r\nMessage-ID: <a@[", Petition),
    ],
)
def test_a_header_the_standard_library_cannot_read(headers: bytes, expected: type) -> None:
    raw = headers + b"\r\n\r\nLa lampe est en panne\r\n"
    try:
        parsed: object = parse_email(raw, LIMITS)
    except UnreadableMessage as exc:
        parsed = exc
    assert isinstance(parsed, expected)


@settings(PROPERTY, max_examples=100)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_a_mail_is_storable(body: str) -> None:
    raw = (
        b"From: amel@example.tn\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(body.encode())
    )
    parsed = parse_email(raw, LIMITS)
    assert isinstance(parsed, Petition)
    storable(parsed)


def alphabet(charset: str) -> str:
    """The printable letters, digits and punctuation a charset can carry (no '>', no '-')."""
    if charset == "utf-8":
        chars = [chr(c) for c in range(0x20, 0x2500)] + ["€", "😀", "ﻻ", "ة", "ي"]
    else:
        chars = [bytes([b]).decode(charset, "ignore") for b in range(0x21, 0x100)]
    return "".join(
        c
        for c in chars
        if len(c) == 1 and c.isprintable() and not c.isspace() and c not in '<>-_=?"\\'
    )


CHARSETS = ["utf-8", "iso-8859-1", "iso-8859-15", "windows-1252", "windows-1256", "iso-8859-6"]


def words(charset: str, min_size: int = 1) -> st.SearchStrategy[str]:
    word = st.text(alphabet(charset), min_size=1, max_size=12)
    return st.lists(word, min_size=min_size, max_size=8).map(" ".join)


def encoded_words(text: str, charset: str, q: bool, size: int) -> str:
    """RFC 2047: the text cut into encoded words of `size` characters, folded over lines."""
    out = []
    for i in range(0, len(text), size):
        data = text[i : i + size].encode(charset)
        if q:
            body = "".join(
                chr(b) if chr(b) in string.ascii_letters + string.digits else f"={b:02X}"
                for b in data
            )
            out.append(f"=?{charset}?Q?{body}?=")
        else:
            out.append(f"=?{charset}?B?{base64.b64encode(data).decode()}?=")
    return "\r\n ".join(out)


@st.composite
def citizen_mail(draw: st.DrawFn) -> tuple[bytes, str, str, str, str | None]:
    charset = draw(st.sampled_from(CHARSETS))
    cte = draw(st.sampled_from(["base64", "quoted-printable", "8bit"]))
    # Lines that start with a digit are never a quote, an attribution or a command.
    lines = draw(st.lists(st.tuples(st.integers(0, 9), words(charset)), min_size=1, max_size=6))
    body = "\n".join(f"{n} {line}" for n, line in lines)
    subject = draw(words(charset).filter(lambda s: "k" not in s.casefold()))  # no KEF reference
    name = draw(words(charset, min_size=1))
    language = draw(st.sampled_from([None, "ar", "fr-TN", "en", "de"]))
    q = draw(st.booleans())
    size = draw(st.integers(1, 20))
    data = body.replace("\n", "\r\n").encode(charset)
    content = {
        "base64": base64.encodebytes(data),
        "quoted-printable": quopri.encodestring(data),
        "8bit": data + b"\r\n",
    }[cte]
    headers = [
        f"From: {encoded_words(name, charset, q, size)} <amel.bensalah@example.tn>",
        f"Subject: {encoded_words(subject, charset, not q, size)}",
        "Message-ID: <fuzz.1@example.tn>",
        "MIME-Version: 1.0",
        f'Content-Type: text/plain; charset="{charset}"',
        f"Content-Transfer-Encoding: {cte}",
    ]
    if language:
        headers.append(f"Content-Language: {language}")
    raw = "\r\n".join(headers).encode("ascii") + b"\r\n\r\n" + content
    return raw, body, subject, name, language


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


@settings(PROPERTY, max_examples=300)
@given(citizen_mail())
def test_a_mail_round_trips_charsets_encodings_and_encoded_words(
    mail: tuple[bytes, str, str, str, str | None],
) -> None:
    raw, body, subject, name, language = mail
    parsed = parse_email(raw, LIMITS)
    assert isinstance(parsed, Petition)
    # The subject leads the text when the body does not already say it.
    expected = body if fold(subject) in fold(body) else f"{subject}\n\n{body}"
    assert parsed.text == expected
    assert parsed.sender == "amel.bensalah@example.tn"
    # The letters, in order (the spaces: see the name test below).
    assert parsed.name is not None and parsed.name.replace(" ", "") == name.replace(" ", "")
    assert parsed.external_id == "fuzz.1@example.tn"
    assert parsed.language == (
        {"fr-TN": "fr", "de": None}.get(language, language) if language else None
    )
    assert parsed.reply_to_message_id is None and parsed.reply_to_reference is None


@PROPERTY
@given(
    st.lists(st.tuples(st.integers(0, 9), words("utf-8")), min_size=1, max_size=6), words("utf-8")
)
def test_the_quoted_earlier_message_is_cut_off(lines: list[tuple[int, str]], quoted: str) -> None:
    own = "\n".join(f"{n} {line}" for n, line in lines)
    for attribution in (
        "On Mon, 3 Jun 2024 at 10:00, Petition hub <hub@kef.tn> wrote:",
        "Le lun. 3 juin 2024 à 10:00, Petition hub <hub@kef.tn> a écrit :",
        "-----Original Message-----",
    ):
        reply = f"{own}\n\n{attribution}\n> {quoted}\n> KEF-4F7K-2Q9M\n"
        assert trim_quoted(reply) == own
    assert trim_quoted(own) == own  # nothing quoted: nothing cut
    only_quotes = f"> {quoted}\n> {quoted}"
    assert trim_quoted(only_quotes) == only_quotes  # a bare forward is all the citizen sent


@PROPERTY
@given(st.lists(words("utf-8"), min_size=1, max_size=5))
def test_html_keeps_the_words_and_drops_the_markup(paragraphs: list[str]) -> None:
    import html as html_module

    markup = "".join(f"<p class='x'>{html_module.escape(p)}</p>\n<br>" for p in paragraphs)
    markup += "<script>alert('x')</script><style>p{}</style><blockquote>old</blockquote>"
    text = html_to_text(markup)
    assert [line for line in text.split("\n") if line] == paragraphs
    assert "alert" not in text and "old" not in text and "<" not in "".join(paragraphs) + text


@settings(PROPERTY, max_examples=50)
@given(st.text(alphabet("utf-8"), min_size=2, max_size=30), st.integers(1, 10))
def test_a_name_split_over_encoded_words_keeps_its_letters(name: str, size: int) -> None:
    assume(len(name) > size)
    raw = f"From: {encoded_words(name, 'utf-8', False, size)} <a@example.tn>\r\n\r\nx\r\n"
    parsed = parse_email(raw.encode("ascii"), LIMITS)
    assert isinstance(parsed, Petition)
    assert parsed.name == name


# ================================================================== through the webhooks, into the store

TWILIO_TOKEN = "property-twilio-token"
TELEGRAM_SECRET = "property-telegram-secret"
ON_A_DATABASE = settings(
    PROPERTY,
    max_examples=25,
    # One hub (and database) for all the examples of a test, on purpose.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:  # type: ignore[no-redef]
    """The channels on; the provider APIs on a closed port (nothing leaves this machine)."""
    return settings_for(
        database_url,
        tmp_path,
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token=TWILIO_TOKEN,
        twilio_api_base="http://127.0.0.1:9",
        telegram_token="123456:property-test-token",
        telegram_secret=TELEGRAM_SECRET,
        telegram_api_base="http://127.0.0.1:9",
    )


async def stored_body(state: HubState, provider_id: str) -> str | None:
    async with state.sessions() as session:
        query = select(Message.body).where(Message.provider_id == provider_id)  # type: ignore[arg-type]
        return (await session.scalars(query)).first()


# Every example a new message: the examples share one database, and intake is idempotent.
FRESH_IDS = itertools.count(1)


@ON_A_DATABASE
@given(body=st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
async def test_a_signed_sms_with_any_text_is_stored_without_controls(
    client: httpx.AsyncClient, state: HubState, body: str
) -> None:
    sid = f"SM{next(FRESH_IDS):032x}"
    form = {"MessageSid": sid, "From": "+21698123456", "Body": f"1 {body}", "NumMedia": "0"}
    url = "http://testserver/channels/sms/twilio"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    answer = await client.post(url, data=form, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200, answer.text
    expected = "".join(c for c in f"1 {body}" if c not in CONTROL)
    assert await stored_body(state, sid) == expected


@ON_A_DATABASE
@given(text=st.text(TYPED, min_size=1, max_size=300))
async def test_a_telegram_update_with_any_typed_text_is_stored(
    client: httpx.AsyncClient, state: HubState, text: str
) -> None:
    update_id = next(FRESH_IDS)
    update = mutated(
        TEXT_UPDATE,
        [
            (("update_id",), update_id),
            (("message", "message_id"), update_id),
            (("message", "text"), f"1 {text}"),
        ],
    )
    answer = await client.post(
        "/channels/telegram",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )
    assert answer.status_code == 200, answer.text
    assert await stored_body(state, f"7001:{update_id}") == f"1 {text}"
