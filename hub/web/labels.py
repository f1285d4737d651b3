"""Words shown for codes stored in the case (status, channel, direction)."""

from __future__ import annotations

from hub.i18n import N_
from workflows import lifecycle

STATUS_LABELS = {
    lifecycle.RECEIVED: N_("Received"),
    lifecycle.ROUTED: N_("Sent to the responsible office"),
    lifecycle.ASSIGNED: N_("Assigned to an officer"),
    lifecycle.IN_PROGRESS: N_("Being handled"),
    lifecycle.AWAITING_CITIZEN: N_("Waiting for your answer"),
    lifecycle.RESOLVED: N_("Resolved"),
    lifecycle.CLOSED: N_("Closed"),
    lifecycle.REJECTED: N_("Rejected"),
    lifecycle.DUPLICATE: N_("Merged with another case"),
    lifecycle.TRANSFERRED: N_("Transferred to another office"),
    lifecycle.REOPENED: N_("Reopened"),
}

ENTRY_CHANNELS = {
    "counter": N_("Walk-in at the counter"),
    "phone": N_("Phone call"),
    "letter": N_("Letter"),
}

# A receipt also names the channels a citizen uses alone.
RECEIPT_CHANNELS = ENTRY_CHANNELS | {"web": N_("Web form")}

# The kind of a case, as the triage suggestion names it.
KIND_LABELS = {
    "complaint": N_("complaint"),
    "corruption_report": N_("corruption report"),
    "information_request": N_("request for information"),
    "petition": N_("petition"),
}

MESSAGE_AUTHORS = {
    "inbound": N_("Your message"),
    "outbound": N_("Answer from the office"),
}


def status_label(status: str) -> str:
    """The msgid for a status; an unknown new status shows its code rather than failing."""
    return STATUS_LABELS.get(status, status)
