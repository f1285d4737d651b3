"""A case's whole thread, messages and events, as one timeline in the page's words."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hub.i18n import N_
from hub.models import Attachment, CaseEvent, Message, User
from hub.web.labels import STATUS_LABELS

EVENT_LABELS = {
    "received": N_("Case received"),
    "routed": N_("Sent to a structure"),
    "likely_duplicates": N_("Likely duplicates found"),
    "status_changed": N_("Status changed"),
    "transferred": N_("Transferred"),
    "reclassified": N_("Category corrected"),
    "merged_in": N_("A duplicate was merged into this case"),
    "note_added": N_("Internal note added"),
    "reply_queued": N_("Answer queued"),
    "notice_queued": N_("Citizen notice queued"),
    "notice_sent": N_("Citizen notice sent"),
    "delivery_failed": N_("Delivery failed"),
    "delivery_uncertain": N_("Delivery uncertain"),
    "deadline_reminder": N_("Deadline reminder"),
    "deadline_recomputed": N_("Deadline recomputed"),
    "overdue": N_("Overdue"),
    "escalated": N_("Escalated up the hierarchy"),
    "supporter_added": N_("A citizen co-signed"),
    "petition_threshold_reached": N_("Petition threshold reached"),
    "report_read": N_("Report read"),
    "identity_revealed": N_("Reporter identity revealed"),
    "pin_reissued": N_("New PIN issued"),
    "location_added": N_("Location added"),
    "citizen_replied": N_("The citizen answered"),
}
DELIVERY_LABELS = {
    "queued": N_("queued"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "delivered": N_("delivered"),
    "read": N_("read"),
    "failed": N_("failed"),
    "undelivered": N_("not delivered"),
    "uncertain": N_("uncertain"),
    "no_channel": N_("no channel to reach the citizen"),
}
# Event details staff may read; anything else in an event (ids, hashes) stays out of the page.
DETAIL_LABELS = {
    "from": N_("from"),
    "to": N_("to"),
    "reason": N_("reason"),
    "references": N_("cases"),
    "duplicate": N_("duplicate"),
    "count": N_("count"),
    "structure": N_("structure"),
    "channel": N_("channel"),
}


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # inbound, outbound, note, event
    label: str
    actor: str
    body: str = ""
    delivery: str | None = None
    details: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def actor_name(actor: str, staff: dict[int, User]) -> str:
    kind, _, ident = actor.partition(":")
    if kind == "user" and ident.isdigit() and int(ident) in staff:
        person = staff[int(ident)]
        return person.full_name or person.email
    return {"system": N_("System"), "citizen": N_("Citizen")}.get(kind, N_("Staff"))


def staff_ids(events: Sequence[CaseEvent], messages: Sequence[Message]) -> set[int]:
    ids = {m.author_id for m in messages if m.author_id is not None}
    for event in events:
        kind, _, ident = event.actor.partition(":")
        if kind == "user" and ident.isdigit():
            ids.add(int(ident))
    return ids


def build(
    messages: Sequence[Message],
    events: Sequence[CaseEvent],
    attachments: Sequence[Attachment],
    staff: dict[int, User],
    with_text: bool,
) -> list[Entry]:
    """Oldest first. Without text (a monitor) only what happened and when, never what was said."""
    files: dict[int | None, list[Attachment]] = {}
    for item in attachments:
        files.setdefault(item.message_id, []).append(item)
    entries = [_event_entry(event, staff, with_text) for event in events]
    if with_text:
        entries += [_message_entry(m, staff, files.get(m.id, [])) for m in messages]
    return sorted(entries, key=lambda entry: (entry.at, entry.kind == "event"))


def _message_entry(message: Message, staff: dict[int, User], files: list[Attachment]) -> Entry:
    if message.direction == "inbound":
        return Entry(
            message.created_at,
            "inbound",
            N_("Message from the citizen"),
            N_("Citizen"),
            message.body,
            attachments=files,
        )
    author = staff.get(message.author_id or 0)
    name = (author.full_name or author.email) if author else N_("System")
    if message.direction == "note":
        return Entry(message.created_at, "note", N_("Internal note"), name, message.body)
    return Entry(
        message.created_at,
        "outbound",
        N_("Answer to the citizen"),
        name,
        message.body,
        delivery=DELIVERY_LABELS.get(message.delivery_state or "", message.delivery_state),
    )


def _event_entry(event: CaseEvent, staff: dict[int, User], with_text: bool) -> Entry:
    try:
        data = json.loads(event.data)
    except ValueError:
        data = {}
    details = [
        (DETAIL_LABELS[key], _detail_value(value))
        for key, value in (data.items() if isinstance(data, dict) else ())
        if key in DETAIL_LABELS and value not in (None, "", []) and (with_text or key != "reason")
    ]
    return Entry(
        event.created_at,
        "event",
        EVENT_LABELS.get(event.kind, event.kind),
        actor_name(event.actor, staff),
        details=details,
    )


def _detail_value(value: object) -> str:
    """A status code reads as its label (translated by the page); the rest as it is."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return STATUS_LABELS.get(str(value), str(value))
