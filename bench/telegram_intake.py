"""Telegram intake under load: Bot API updates on the hub's webhook, next to a bare baseline.

    python bench/telegram_intake.py [--requests 2000] [--concurrency 20] [--repeats 0.1] [--quick]

Creates and drops the scratch databases hub_bench_telegram (the hub) and
hub_bench_telegram_baseline (one table); see harness.py for the servers, the turns
and the targets. Each message is a real Update as Telegram posts it, with the
X-Telegram-Bot-Api-Secret-Token header. The baseline checks that header, reads
the JSON and inserts one row; the hub reads the Update with python-telegram-bot,
opens a case exactly once per update_id and queues the acknowledgement.

Prints requests/s, p50 and p99 latency of each and the ratios, checks that the hub
opened exactly one case per distinct update_id although some were sent twice (as
Telegram does when an answer is late), and exits non-zero when a target is missed.
"""

from __future__ import annotations

import hmac
import json
import random

import harness
import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from harness import Load
from sqlalchemy import text

BASELINE_TABLE = (
    "CREATE TABLE updates (id bigserial PRIMARY KEY, update_id bigint NOT NULL, "
    "chat_id bigint NOT NULL, text text NOT NULL, received_at timestamptz DEFAULT now())"
)
BOT_TOKEN = "7000000001:AAbenchBenchBenchBenchBenchBenchBen"
SECRET = "bench-telegram-webhook-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HUB_PATH = "/channels/telegram"
FIRST_NAMES = ("Amel", "Karim", "Sana", "Mohamed", "Ines", "Walid", "Rim", "Hichem")
LAST_NAMES = ("Ben Salah", "Trabelsi", "Jlassi", "Mejri", "Gharbi", "Ayari")
SENT_AT = 1_717_405_200  # the Update's `date`, seconds since the epoch


# ---------------------------------------------------------------- the baseline app

baseline_app = FastAPI(lifespan=harness.baseline_lifespan)


@baseline_app.post("/telegram")
async def baseline_telegram(request: Request) -> JSONResponse:
    """What any webhook receiver does at least: check the secret, read the JSON, insert a row."""
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), SECRET.encode()):
        return JSONResponse({"ok": False}, status_code=403)
    update = await request.json()
    message = update["message"]
    async with request.app.state.engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO updates (update_id, chat_id, text) VALUES (:update, :chat, :text)"),
            {"update": update["update_id"], "chat": message["chat"]["id"], "text": message["text"]},
        )
    return JSONResponse({"ok": True})


# ---------------------------------------------------------------- load


def telegram_load(requests: int, repeats: float, batch: str = "A") -> Load:
    """Text messages from many private chats; a share delivered twice, as Telegram retries."""
    rng = random.Random(batch)
    return harness.with_retries(lambda n: _update(batch, n, rng), requests, repeats, rng)


def _update(batch: str, n: int, rng: random.Random) -> bytes:
    """An Update as the Bot API posts it (see tests/channels/fixtures/telegram/text.json)."""
    chat_id = 600_000_000 + (ord(batch) % 10) * 1_000_000 + n
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    update = {
        "update_id": 832_000_000 + (ord(batch) % 10) * 100_000 + n,
        "message": {
            "message_id": 40 + n % 1000,
            "from": {
                "id": chat_id,
                "is_bot": False,
                "first_name": first,
                "last_name": last,
                "language_code": rng.choice(("ar", "fr", "en")),
            },
            "chat": {"id": chat_id, "first_name": first, "last_name": last, "type": "private"},
            "date": SENT_AT + n,
            "text": f"{rng.choice(harness.TEXTS)}, n° {rng.randint(1, 120)}",
        },
    }
    return json.dumps(update, ensure_ascii=False).encode()


def posts(path: str) -> harness.Post:
    """Posts an Update as Telegram does: JSON, with the webhook's secret token."""
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET}

    async def post(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
        return await client.post(path, content=body, headers=headers)

    return post


# ---------------------------------------------------------------- the run


def start(setup: harness.Setup) -> tuple[harness.Contender, harness.Contender]:
    channel = {
        "HUB_TELEGRAM_TOKEN": BOT_TOKEN,
        "HUB_TELEGRAM_SECRET": SECRET,
        # Text updates need no Bot API call, and nothing is sent during the run; were it,
        # it would go nowhere real (the hub starts anyway and says so in its log).
        "HUB_TELEGRAM_API_BASE": f"http://127.0.0.1:{harness.free_port()}",
    }
    return harness.web_pair(
        setup, channel, lambda _: posts(HUB_PATH), "telegram_intake", posts("/telegram")
    )


BENCH = harness.Bench("telegram", "update_ids", BASELINE_TABLE, telegram_load, start)


if __name__ == "__main__":
    harness.main(BENCH, __doc__.split("\n", 1)[0])
