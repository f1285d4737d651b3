"""SMS intake under load: signed Twilio webhooks against the hub, next to a bare baseline.

    python bench/sms_intake.py [--requests 2000] [--concurrency 20] [--repeats 0.1] [--quick]

Creates and drops the scratch databases hub_bench_sms (the hub) and
hub_bench_sms_baseline (one table); see harness.py for the servers, the turns and
the targets. The baseline is what any webhook receiver does at least: read the
form, insert one row, commit. The hub checks Twilio's signature, opens a case
exactly once per MessageSid and queues the acknowledgement.

Prints requests/s, p50 and p99 latency of each and the ratios, checks that the hub
opened exactly one case per distinct MessageSid although some were sent twice, and
exits non-zero when a target is missed.
"""

from __future__ import annotations

import random

import harness
import httpx
from fastapi import FastAPI, Request, Response
from harness import Load
from sqlalchemy import text
from twilio.request_validator import RequestValidator

BASELINE_TABLE = (
    "CREATE TABLE sms (id bigserial PRIMARY KEY, message_sid text NOT NULL, "
    "sender text NOT NULL, body text NOT NULL, received_at timestamptz DEFAULT now())"
)
ACCOUNT_SID = "AC" + "b" * 32
AUTH_TOKEN = "bench-twilio-auth-token"
HUB_NUMBER = "+21670000000"
HUB_PATH = "/channels/sms/twilio"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


# ---------------------------------------------------------------- the baseline app

baseline_app = FastAPI(lifespan=harness.baseline_lifespan)


@baseline_app.post("/sms")
async def baseline_sms(request: Request) -> Response:
    """What any webhook receiver does at least: read the form, insert one row, commit."""
    form = await request.form()
    async with request.app.state.engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO sms (message_sid, sender, body) VALUES (:sid, :sender, :body)"),
            {"sid": form["MessageSid"], "sender": form["From"], "body": form["Body"]},
        )
    return Response(EMPTY_TWIML, media_type="text/xml")


# ---------------------------------------------------------------- load


def twilio_load(requests: int, repeats: float, batch: str = "A") -> Load:
    """Incoming SMS from many citizens; a share of them delivered twice, as Twilio retries."""
    rng = random.Random(batch)
    return harness.with_retries(lambda n: _incoming(batch, n, rng), requests, repeats, rng)


def _incoming(batch: str, n: int, rng: random.Random) -> dict[str, str]:
    sid = f"SM{batch}{n:031x}"
    body = f"{rng.choice(harness.TEXTS)}, n° {rng.randint(1, 120)}"
    return {
        "ToCountry": "TN",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "FromCountry": "TN",
        "To": HUB_NUMBER,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": f"+2169{ord(batch) % 10}{n:06d}",
        "ApiVersion": "2010-04-01",
    }


def signed_posts(path: str, signed_url: str | None) -> harness.Post:
    """Posts a form as Twilio does; signed (for the hub) when a URL is given."""
    signer = RequestValidator(AUTH_TOKEN)

    async def post(client: httpx.AsyncClient, body: dict[str, str]) -> httpx.Response:
        headers = {}
        if signed_url is not None:
            headers["X-Twilio-Signature"] = signer.compute_signature(signed_url, body)
        return await client.post(path, data=body, headers=headers)

    return post


# ---------------------------------------------------------------- the run


def start(setup: harness.Setup) -> tuple[harness.Contender, harness.Contender]:
    channel = {
        "HUB_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "HUB_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "HUB_TWILIO_FROM": HUB_NUMBER,
        # Nothing is sent during the run; were it, it would go nowhere real.
        "HUB_TWILIO_API_BASE": f"http://127.0.0.1:{harness.free_port()}",
    }

    # Twilio signs the URL it calls: here the hub's own address is its public URL.
    def hub_post(public_url: str) -> harness.Post:
        return signed_posts(HUB_PATH, public_url + HUB_PATH)

    return harness.web_pair(setup, channel, hub_post, "sms_intake", signed_posts("/sms", None))


BENCH = harness.Bench("sms", "MessageSids", BASELINE_TABLE, twilio_load, start)


if __name__ == "__main__":
    harness.main(BENCH, __doc__.split("\n", 1)[0])
