"""The SMS channel through Twilio: webhooks in, REST API out, and a local simulator."""

from __future__ import annotations

from channels.sms.endpoints import router
from channels.sms.outbound import SmsAdapter

__all__ = ["SmsAdapter", "router"]
