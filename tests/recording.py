"""A channel adapter that records what it is asked to send (for outbox tests only).

The channel adapters themselves are tested against real protocol peers in
tests/channels; this stands in for "some channel" when the outbox is under test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from channels.base import Outbound, PermanentFailure, Sent, TemporaryFailure


@dataclass
class RecordingAdapter:
    name: str = "sms"
    configured: bool = True
    sent: list[Outbound] = field(default_factory=list)
    fail_with: Exception | None = None

    async def send(self, message: Outbound) -> Sent:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)
        return Sent(provider_id=f"{self.name}-{len(self.sent)}")


__all__ = ["PermanentFailure", "RecordingAdapter", "TemporaryFailure"]
