"""A citizen's SMS or MMS, as Twilio's webhook describes it, turned into a Petition.

Twilio reassembles a concatenated SMS (and an Arabic one in UCS-2) before
calling us, so `Body` is always the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from channels.base import printable
from channels.sms.media import MediaItem
from channels.sms.signature import TwilioForm
from hub.petition import Attachment, Channel, Petition

MAX_MEDIA = 10  # Twilio's own limit per message
_SID = re.compile(r"[A-Za-z]{2}[A-Za-z0-9]{1,62}")


class MalformedWebhook(ValueError):
    """A signed request that lacks what every Twilio message webhook carries."""


@dataclass(frozen=True)
class IncomingSms:
    sid: str  # MessageSid: SM… for an SMS, MM… for an MMS
    sender: str  # the citizen's number, E.164
    text: str
    media: tuple[MediaItem, ...]


def read_message(form: TwilioForm) -> IncomingSms:
    return IncomingSms(
        sid=_sid(form, "MessageSid"),
        sender=_required(form, "From"),
        text=printable(form.get("Body", "")),
        media=_media(form),
    )


def petition_for(sms: IncomingSms, attachments: tuple[Attachment, ...]) -> Petition:
    # The language is left to triage: one SMS rarely says enough to be sure.
    return Petition(
        channel=Channel.sms,
        external_id=sms.sid,
        text=sms.text,
        sender=sms.sender,
        attachments=attachments,
        provider_message_id=sms.sid,
    )


def read_status(form: TwilioForm) -> tuple[str, str]:
    """MessageSid and MessageStatus of a delivery status callback."""
    state = _required(form, "MessageStatus")
    if not state.isascii() or not state.replace("_", "").isalpha() or len(state) > 20:
        raise MalformedWebhook(f"MessageStatus {state[:20]!r} is not a Twilio message status")
    return _sid(form, "MessageSid"), state.lower()


def _required(form: TwilioForm, name: str) -> str:
    value = printable(form.get(name, "")).strip()
    if not value:
        raise MalformedWebhook(f"the form has no {name}: not a Twilio message webhook")
    return value


def _sid(form: TwilioForm, name: str) -> str:
    value = _required(form, name)
    if not _SID.fullmatch(value):
        raise MalformedWebhook(
            f"{name} is not a Twilio message id (two letters, then letters and digits)"
        )
    return value


def _media(form: TwilioForm) -> tuple[MediaItem, ...]:
    raw = form.get("NumMedia", "0").strip() or "0"
    if not (raw.isascii() and raw.isdigit()):
        raise MalformedWebhook(f"NumMedia must be a number, not {raw[:10]!r}")
    count = min(int(raw), MAX_MEDIA)
    items = []
    for index in range(count):
        url = form.get(f"MediaUrl{index}", "").strip()
        if url:
            items.append(MediaItem(url, form.get(f"MediaContentType{index}", "").strip()))
    return tuple(items)
