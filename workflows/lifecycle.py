"""Case statuses, the actions that move a case, and who may take them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

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
# States in which the structure owes an answer (the deadline clock runs).
CLOCK_RUNS = OPEN_STATUSES - {AWAITING_CITIZEN}


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


@dataclass(frozen=True)
class Action:
    name: str
    from_states: frozenset[str]
    to_state: str
    needs_reason: bool = False
    tells_citizen: bool = False


_WORKING = frozenset({RECEIVED, ROUTED, ASSIGNED, IN_PROGRESS, TRANSFERRED, REOPENED})
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("assign", _WORKING | {AWAITING_CITIZEN}, ASSIGNED),
        Action("start", _WORKING, IN_PROGRESS),
        Action("ask_citizen", _WORKING, AWAITING_CITIZEN, needs_reason=True, tells_citizen=True),
        Action(
            "resolve",
            _WORKING | {AWAITING_CITIZEN},
            RESOLVED,
            needs_reason=True,
            tells_citizen=True,
        ),
        Action(
            "reject", _WORKING | {AWAITING_CITIZEN}, REJECTED, needs_reason=True, tells_citizen=True
        ),
        Action(
            "transfer",
            _WORKING | {AWAITING_CITIZEN},
            TRANSFERRED,
            needs_reason=True,
            tells_citizen=True,
        ),
        Action("merge", _WORKING | {AWAITING_CITIZEN}, DUPLICATE, tells_citizen=True),
        Action(
            "reopen", frozenset({RESOLVED, CLOSED}), REOPENED, needs_reason=True, tells_citizen=True
        ),
        Action("close", frozenset({RESOLVED}), CLOSED),
    )
}


class IllegalTransition(Exception):
    def __init__(self, action: str, status: str) -> None:
        self.allowed = allowed_actions(status)
        super().__init__(
            f"cannot {action} a case that is {status}; allowed now: {', '.join(self.allowed) or 'none'}"
        )


def allowed_actions(status: str) -> list[str]:
    return [name for name, action in ACTIONS.items() if status in action.from_states]


def next_status(action: str, status: str) -> str:
    found = ACTIONS.get(action)
    if found is None or status not in found.from_states:
        raise IllegalTransition(action, status)
    return found.to_state


# Roles that may act on a case at all; which case they may touch is the store's
# visibility rule (own structure, sealed reports for investigators).
ACTING_ROLES = frozenset({"administrator", "supervisor", "officer", "investigator"})


def may_act(role: str, action: str) -> bool:
    if role not in ACTING_ROLES:
        return False
    if action == "reopen":
        return role in ("administrator", "supervisor", "investigator", "officer")
    return True


_DISPUTE = (
    "not solved",
    "not resolved",
    "not fixed",
    "still",
    "nothing changed",
    "pas resolu",
    "pas regle",
    "toujours",
    "rien n'a change",
    "non resolu",
    "لم يحل",
    "لم تحل",
    "مازال",
    "ما زال",
    "ما تحلش",
    "ماتحلش",
    "لا شيء تغير",
    "mazel",
    "mezel",
    "ma t7alech",
    "mat7alech",
    "ma tsala7ch",
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(
        c for c in decomposed if not unicodedata.combining(c) or "\u0600" <= c <= "\u06ff"
    )
    return re.sub(r"\s+", " ", kept)


def disputes_resolution(text: str) -> bool:
    folded = _fold(text)
    return any(phrase in folded for phrase in _DISPUTE)


def after_citizen_reply(
    status: str,
    text: str,
    resolved_at: datetime | None,
    now: datetime,
    reopen_window_days: int,
) -> str | None:
    """The status a citizen's reply moves the case to, or None to leave it."""
    if status == AWAITING_CITIZEN:
        return IN_PROGRESS
    if status == RESOLVED and resolved_at is not None:
        within = now - resolved_at <= timedelta(days=reopen_window_days)
        if within and disputes_resolution(text):
            return REOPENED
    return None
