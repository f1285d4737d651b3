"""Sending the hub's messages by e-mail (aiosmtplib), threaded into the citizen's conversation."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import aiosmtplib

from channels.base import Outbound, PermanentFailure, Sent, TemporaryFailure
from channels.email.parse import normalise_message_id
from hub.settings import Settings

IMPLICIT_TLS_PORT = 465
TIMEOUT_SECONDS = 30
MAX_REFERENCES = 20  # RFC 5322 lets long threads be shortened: keep the first and the latest
_ARABIC = re.compile("[\u0600-\u06ff]")
_FRENCH = re.compile(r"[éèêàçùô]|\b(?:votre|vous|demande)\b", re.IGNORECASE)


class EmailAdapter:
    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return self.settings.channel_status()["email_out"] == "on"

    async def send(self, message: Outbound) -> Sent:
        sender = self._sender_address()
        try:
            mail = compose(message, sender)
        except (ValueError, IndexError, HeaderParseError):
            raise PermanentFailure("the citizen's address cannot be written in a mail") from None
        await self._submit(mail, message.to)
        provider_id = normalise_message_id(str(mail["Message-ID"]))
        return Sent(provider_id=provider_id)

    def _sender_address(self) -> str:
        if not self.settings.mail_from:
            raise TemporaryFailure("HUB_MAIL_FROM is not set")
        return self.settings.mail_from

    async def _submit(self, mail: EmailMessage, recipient: str) -> None:
        """Hand the mail to the relay; the reasons raised name no address (they are stored)."""
        settings = self.settings
        implicit_tls = settings.smtp_tls and settings.smtp_port == IMPLICIT_TLS_PORT
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        try:
            await aiosmtplib.send(
                mail,
                recipients=[recipient],
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user or None,
                password=password if settings.smtp_user else None,
                use_tls=implicit_tls,
                start_tls=settings.smtp_tls and not implicit_tls,
                timeout=TIMEOUT_SECONDS,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise _refused([refusal.code for refusal in exc.recipients]) from None
        except aiosmtplib.SMTPRecipientRefused as exc:
            raise _refused([exc.code]) from None
        except aiosmtplib.SMTPDataError as exc:
            if exc.code >= 500:
                raise PermanentFailure(
                    f"the mail server refused the message ({exc.code})"
                ) from None
            raise TemporaryFailure(f"the mail server deferred the message ({exc.code})") from None
        except aiosmtplib.SMTPResponseException as exc:
            # Sender refused, authentication, HELO: the hub's configuration, not this
            # citizen's address, so the message waits for the fix.
            raise TemporaryFailure(f"the mail server answered {exc.code}") from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"mail server unreachable: {type(exc).__name__}") from None


def _refused(codes: list[int]) -> Exception:
    if codes and all(code >= 500 for code in codes):
        return PermanentFailure(f"the mail server refused the recipient ({codes[0]})")
    return TemporaryFailure(
        f"the mail server deferred the recipient ({codes[0] if codes else '?'})"
    )


def compose(message: Outbound, mail_from: str) -> EmailMessage:
    """A text/plain UTF-8 mail with a new Message-ID, threaded under the citizen's."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or None
    mail = EmailMessage()
    mail["From"] = mail_from
    mail["To"] = message.to
    recipients = mail["To"].addresses
    if len(recipients) != 1 or not recipients[0].username or not recipients[0].domain:
        raise ValueError("not one e-mail address")
    mail["Subject"] = subject_for(message)
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(domain=domain)
    reply_to = _mail_id(message.reply_to)
    if reply_to:
        mail["In-Reply-To"] = f"<{reply_to}>"
    references = _references(message.thread, reply_to)
    if references:
        mail["References"] = " ".join(f"<{ref}>" for ref in references)
    # RFC 3834: robots and out-of-office replies must not answer, or mail would loop.
    mail["Auto-Submitted"] = "auto-replied" if reply_to else "auto-generated"
    mail["X-Auto-Response-Suppress"] = "All"
    mail.set_content(message.text, charset="utf-8", cte="quoted-printable")
    return mail


def subject_for(message: Outbound) -> str:
    """The reference first ("[KEF-XXXX-XXXX] Votre demande"), so a reply brings it back."""
    if message.subject and message.subject.strip() != f"[{message.reference}]":
        subject = message.subject.strip()
        if message.reference and message.reference not in subject:
            subject = f"[{message.reference}] {subject}"
        return subject
    word = _subject_word(message.text)
    return f"[{message.reference}] {word}" if message.reference else word


def _subject_word(text: str) -> str:
    # An Outbound carries no language: the text the hub rendered tells it.
    if _ARABIC.search(text):
        return "شكايتك"
    if _FRENCH.search(text):
        return "Votre demande"
    return "Your report"


def _mail_id(provider_id: str | None) -> str | None:
    """Only e-mail Message-IDs thread a mail; a case's SMS or Telegram ids do not."""
    normalised = normalise_message_id(provider_id)
    if normalised is None or "@" not in normalised:
        return None
    return normalised


def _references(thread: tuple[str, ...], reply_to: str | None) -> list[str]:
    ids = [i for i in (_mail_id(p) for p in thread) if i]
    if reply_to and reply_to not in ids:
        ids.append(reply_to)
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_REFERENCES:
        unique = unique[:1] + unique[-(MAX_REFERENCES - 1) :]
    return unique
