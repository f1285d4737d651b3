"""Raw e-mail bytes into a Petition: the one parser of the SMTP listener and the IMAP poller.

Decoding (MIME structure, transfer encodings, RFC 2047 headers, charsets) is the
standard library's `email` package with `email.policy.default`; this module only
decides what the hub takes from a message.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import posixpath
import re
from dataclasses import dataclass
from email import message_from_string
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

from channels.base import printable
from channels.email.body import html_to_text, trim_quoted
from hub.attachments import AttachmentRejected, sniff
from hub.commands import parse_command
from hub.petition import Attachment, Channel, Petition
from hub.references import find_reference
from hub.settings import Settings

log = logging.getLogger("hub.channels.email")

AUTOMATIC_REASON = "automatic message: recorded, not answered"
MAX_ID_CHARS = 255  # the receipts and messages columns
_ANGLE_IDS = re.compile(r"<([^<>\s]+)>")
_NAME_ADDR = re.compile(r"^([^<>]*)<[^<>]*>$")  # a display name and one address
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|tr|aw|wg|rv|sv|رد|إعادة توجيه)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE
)
_BULK_PRECEDENCE = {"bulk", "junk", "auto_reply"}
_DAEMONS = {"mailer-daemon", "postmaster"}


@dataclass(frozen=True)
class Limits:
    reference_prefix: str = "KEF"
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_attachments: int = 5
    max_text_chars: int = 5000

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            reference_prefix=settings.reference_prefix,
            max_attachment_bytes=settings.max_attachment_bytes,
            max_attachments=settings.max_attachments,
            max_text_chars=settings.max_text_chars,
        )


@dataclass(frozen=True)
class AutomaticMessage:
    """A bounce, an out-of-office or a robot's mail: recorded, never answered (no mail loop)."""

    external_id: str
    kind: str  # delivery_report, auto_reply, bulk
    answers: str | None  # the provider id of the hub's message it refers to, when known
    failed_delivery: bool = False  # a delivery report that says the hub's mail was not delivered


class UnreadableMessage(ValueError):
    """A message the hub cannot take in; it is kept raw in quarantine."""

    def __init__(self, reason: str, external_id: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.external_id = external_id


def parse_email(
    raw: bytes, limits: Limits, *, envelope_sender: str | None = None
) -> Petition | AutomaticMessage:
    """What one raw message is. `envelope_sender` is SMTP's MAIL FROM ("" for bounces)."""
    message = read_message(raw)
    external_id = external_id_of(message, raw)
    # The email package parses a header again on every read: what is needed twice is
    # read once here (a message's Content-Type was parsed some ten times).
    content_type = message.get_content_type()
    sender, name = _sender(message)
    kind = automatic_kind(message, envelope_sender, content_type=content_type, sender=sender)
    if kind is not None:
        answers = _answered_id(message, content_type)
        return AutomaticMessage(external_id, kind, answers, _delivery_failed(message))
    if sender is None:
        raise UnreadableMessage("no usable sender address (From)", external_id)
    subject = _subject(message)
    answered = _answered_id(message, content_type)
    reference = find_reference(subject, limits.reference_prefix)
    bodies = _bodies(message)
    text = _text(bodies, subject, is_reply=bool(answered or reference), limits=limits)
    external_id = printable(external_id)
    return Petition(
        channel=Channel.email,
        external_id=external_id,
        provider_message_id=external_id,
        text=printable(text),
        sender=printable(sender),
        name=printable(name) if name else name,
        language=_language(message),
        attachments=_attachments(message, bodies, limits),
        reply_to_message_id=answered,
        reply_to_reference=reference,
    )


class _ParsedOnce(HeaderRegistry):
    """The email package parses a header again each time it is read (a plain message's
    Content-Type eight times while it is taken in, four of them by the parser itself).
    A parsed header is an immutable string: the same name and value give it once.
    """

    def __call__(self, name: str, value: str) -> BaseHeader:
        if len(value) > _KEPT_HEADER_CHARS:  # rare, and not worth keeping in memory
            return self._parsed(name, value)
        return self._kept(name, value)

    @functools.lru_cache(maxsize=1024)  # noqa: B019 (one instance, as long as the process)
    def _kept(self, name: str, value: str) -> BaseHeader:
        return self._parsed(name, value)

    def _parsed(self, name: str, value: str) -> BaseHeader:
        try:
            return super().__call__(name, value)
        except Exception:  # noqa: BLE001
            # Python 3.11's parser raises on some malformed structured headers
            # ("From: b@", "Message-ID: <a@["): read as plain text, the rest of the
            # mail still is, and a From without addresses is refused by _sender.
            return _UNSTRUCTURED(name, value)


_UNSTRUCTURED = type("_UnstructuredHeader", (UnstructuredHeader, BaseHeader), {})
_KEPT_HEADER_CHARS = 998  # a header line's limit (RFC 5322)
# `email.policy.default`, its headers parsed once.
POLICY = default_policy.clone(header_factory=_ParsedOnce())


def read_message(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=POLICY).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


# ------------------------------------------------------------------ identity


def normalise_message_id(value: str | None) -> str | None:
    """A Message-ID as the hub stores it: no angle brackets, no spaces, at most 255 chars."""
    if not value:
        return None
    found = _ANGLE_IDS.findall(value)
    text = found[0] if found else value.strip().strip("<>").strip()
    if not text or any(c.isspace() for c in text):
        return None
    if len(text) > MAX_ID_CHARS:
        # Stays stable, so replies quoting this id still find it.
        return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
    return text


def raw_id(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def external_id_of(message: Message, raw: bytes) -> str:
    """The idempotency key: the Message-ID, else a hash of the bytes (a resend is identical)."""
    return normalise_message_id(_header(message, "Message-ID")) or raw_id(raw)


def safe_external_id(raw: bytes) -> str:
    """The key of a message whose parsing failed: the Message-ID if it can still be read."""
    try:
        return external_id_of(read_message(raw), raw)
    except Exception:  # the bytes are beyond the parser: their hash still dedupes
        return raw_id(raw)


def _header(message: Message, name: str) -> str | None:
    value = message.get(name)
    return None if value is None else str(value)


def _ids(value: str | None) -> list[str]:
    if not value:
        return []
    ids = [normalise_message_id(f"<{found}>") for found in _ANGLE_IDS.findall(value)]
    if not ids:
        ids = [normalise_message_id(value)]
    return [i for i in ids if i]


def _answered_id(message: Message, content_type: str) -> str | None:
    """The message this one answers: In-Reply-To, else the last of References."""
    in_reply_to = _ids(_header(message, "In-Reply-To"))
    if in_reply_to:
        return in_reply_to[0]
    references = _ids(_header(message, "References"))
    if references:
        return references[-1]
    return _reported_id(message, content_type)


def _reported_id(message: Message, content_type: str) -> str | None:
    """In a delivery report, the Message-ID of the mail that could not be delivered."""
    if content_type != "multipart/report":
        return None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            headers = message_from_string(decoded_text(part), policy=POLICY)
            return normalise_message_id(_header(headers, "Message-ID"))
        if kind == "message/rfc822" and part.is_multipart():
            original = part.get_payload(0)
            assert isinstance(original, Message)
            return normalise_message_id(_header(original, "Message-ID"))
    return None


def _delivery_failed(message: Message) -> bool:
    if message.get_content_type() != "multipart/report":
        return False
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            blocks: Any = part.get_payload()
            for block in blocks if isinstance(blocks, list) else []:
                if str(block.get("Action", "")).strip().lower() == "failed":
                    return True
    return False


def _sender(message: Message) -> tuple[str | None, str | None]:
    header: Any = message.get("From")
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    for address in addresses:
        if address.username and address.domain and "@" in address.addr_spec:
            name = address.display_name
            if len(addresses) == 1:
                name = _encoded_display_name(message) or name
            return address.addr_spec, (name or None)
    return None, None


def _encoded_display_name(message: Message) -> str | None:
    """The From name when it is written in RFC 2047 encoded words, decoded by `email.header`.

    The address parser keeps the folding white space between adjacent encoded
    words ("مح مد" for one name cut in two); RFC 2047 says it is not part of the
    text, and `decode_header` drops it.
    """
    raw = next((value for key, value in message.raw_items() if key.lower() == "from"), "")
    found = _NAME_ADDR.match(" ".join(str(raw).split()))
    phrase = found.group(1).strip() if found else ""
    if "=?" not in phrase:
        return None
    try:
        return str(make_header(decode_header(phrase))).strip().strip('"').strip() or None
    except (HeaderParseError, LookupError, UnicodeDecodeError, ValueError):
        return None


# ------------------------------------------------------------------ automatic mail


def automatic_kind(
    message: Message, envelope_sender: str | None, *, content_type: str, sender: str | None
) -> str | None:
    """Why a message is automatic (RFC 3834 and the usual robot signs), or None.

    `content_type` and `sender` (From) are the message's own, read once by the caller.
    """
    if content_type == "multipart/report":
        return "delivery_report"
    if envelope_sender is not None and envelope_sender.strip("<> ") == "":
        return "delivery_report"  # the null return path is what bounces are sent with
    if (_header(message, "Return-Path") or "").strip() == "<>":
        return "delivery_report"
    if _header(message, "X-Failed-Recipients"):
        return "delivery_report"
    if sender and sender.split("@", 1)[0].lower() in _DAEMONS:
        return "delivery_report"
    auto_submitted = (_header(message, "Auto-Submitted") or "").split(";", 1)[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto_reply"
    if any(_header(message, name) for name in ("X-Autoreply", "X-Autorespond")):
        return "auto_reply"
    if (_header(message, "Precedence") or "").strip().lower() in _BULK_PRECEDENCE:
        return "bulk"
    return None


# ------------------------------------------------------------------ text


def _subject(message: Message) -> str:
    return " ".join((_header(message, "Subject") or "").split())


# The plain and the HTML body of a message, when it has them.
Bodies = tuple[MIMEPart | None, MIMEPart | None]


def _bodies(message: EmailMessage) -> Bodies:
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    return plain, rich


def _text(bodies: Bodies, subject: str, *, is_reply: bool, limits: Limits) -> str:
    body = trim_quoted(_body_text(bodies))
    text = _with_subject(body, subject, is_reply=is_reply, prefix=limits.reference_prefix)
    if len(text) > limits.max_text_chars:
        text = text[: limits.max_text_chars - 1].rstrip() + "…"
    return text


def _body_text(bodies: Bodies) -> str:
    """The plain part, else the HTML part reduced to text."""
    plain, rich = bodies
    if plain is not None:
        text = decoded_text(plain).strip()
        if text:
            return text
    if rich is not None:
        return html_to_text(decoded_text(rich))
    return ""


def decoded_text(part: Message) -> str:
    """A text part's content in its charset.

    Mailers mislabel charsets (8-bit UTF-8 sent as us-ascii, a charset Python does
    not know): a strict decode is tried first, then UTF-8, then a lenient decode.
    """
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset() or "us-ascii"
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("windows-1252", errors="replace")


def _with_subject(body: str, subject: str, *, is_reply: bool, prefix: str) -> str:
    """The subject leads the text when it says something the body does not.

    A reply's subject is the hub's own ("Re: [KEF-…] …"), and a body that is a
    command (STATUS KEF-…) must stay first to be read as one.
    """
    topic = _REPLY_PREFIX.sub("", subject).strip()
    if not topic or is_reply or (body and parse_command(body, prefix) is not None):
        return body
    if _fold(topic) in _fold(body):
        return body
    return f"{topic}\n\n{body}" if body else topic


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _language(message: Message) -> str | None:
    """Only what the sender declared; reading the text is triage's work."""
    declared = (_header(message, "Content-Language") or "").split(",", 1)[0].strip().lower()
    code = declared.split("-", 1)[0]
    return code if code in ("ar", "fr", "en") else None


# ------------------------------------------------------------------ attachments


def _attachments(message: EmailMessage, bodies: Bodies, limits: Limits) -> tuple[Attachment, ...]:
    """Photos and PDF scans, the type read from the bytes; other files are skipped."""
    body_parts = {id(part) for part in bodies if part is not None}
    found: list[Attachment] = []
    skipped = 0
    for index, part in enumerate(message.walk()):
        if part.is_multipart() or id(part) in body_parts or _is_alternative_text(part):
            continue
        if len(found) >= limits.max_attachments:
            skipped += 1
            continue
        attachment = _attachment(part, index, limits)
        if attachment is None:
            skipped += 1
        else:
            found.append(attachment)
    if skipped:
        log.info("e-mail: %d attachment(s) skipped (type or size not accepted)", skipped)
    return tuple(found)


def _is_alternative_text(part: Message) -> bool:
    """Text parts without a file name are bodies (or report parts), not attachments."""
    return part.get_content_maintype() in ("text", "message") and not part.get_filename()


def _attachment(part: Message, index: int, limits: Limits) -> Attachment | None:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    filename = _safe_filename(part.get_filename(), index)
    try:
        content_type = sniff(payload, filename, limits.max_attachment_bytes)
    except AttachmentRejected:
        return None
    return Attachment(filename=filename, content_type=content_type, data=payload)


def _safe_filename(name: str | None, index: int) -> str:
    """The base name only: a sender's "../../x" must not name a path."""
    base = posixpath.basename((name or "").replace("\\", "/"))
    base = "".join(c for c in base if c.isprintable()).strip()
    return (base or f"attachment-{index}")[:255]
