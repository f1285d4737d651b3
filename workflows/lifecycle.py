"""Case statuses and who may move a case between them."""

from __future__ import annotations

RECEIVED = "received"
ROUTED = "routed"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
AWAITING_CITIZEN = "awaiting_citizen"
RESOLVED = "resolved"
CLOSED = "closed"
REJECTED = "rejected"
DUPLICATE = "duplicate"
TRANSFERRED = "transferred"
REOPENED = "reopened"

STATUSES = (
    RECEIVED,
    ROUTED,
    ASSIGNED,
    IN_PROGRESS,
    AWAITING_CITIZEN,
    RESOLVED,
    CLOSED,
    REJECTED,
    DUPLICATE,
    TRANSFERRED,
    REOPENED,
)
OPEN_STATUSES = frozenset(
    {RECEIVED, ROUTED, ASSIGNED, IN_PROGRESS, AWAITING_CITIZEN, TRANSFERRED, REOPENED}
)
# A reply from the citizen joins a case in these states (a resolved case can be disputed).
JOINABLE_STATUSES = OPEN_STATUSES | {RESOLVED}


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES
