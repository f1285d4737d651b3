"""A stand-in for the Telegram Bot API, so anyone can try the channel without a bot.

`FakeBotApi` listens on 127.0.0.1 and answers getMe, sendMessage,
answerCallbackQuery, getFile, file downloads and setWebhook the way Telegram
does, recording every call. `hub simulate telegram` runs it next to a hub whose
HUB_TELEGRAM_API_BASE points at it (the demo's does), sends a real Update to
the hub's webhook and prints what the bot answered; the tests use it the same way.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

from channels.telegram.endpoints import SECRET_HEADER

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # Telegram's own getFile limit for bots


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, str]  # as sent: strings, with objects JSON-encoded
    ok: bool
    result: Any = None

    def json(self, name: str) -> Any:
        return json.loads(self.params[name])


@dataclass(frozen=True)
class _Failure:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class _File:
    data: bytes
    unique_id: str
    path: str


class _Refused(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.failure = _Failure(status, description, retry_after)


@dataclass
class _Ledger:
    """What the API was asked, shared by the server's threads."""

    calls: list[ApiCall] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)


class FakeBotApi:
    def __init__(
        self, token: str, *, host: str = "127.0.0.1", port: int = 0, first_message_id: int = 1001
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1,
            "is_bot": True,
            "first_name": "El Kef petitions",
            "username": "kef_petitions_bot",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.ledger = _Ledger()
        self._files: dict[str, _File] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._message_ids = itertools.count(first_message_id)
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -------------------------------------------------------------- running

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeBotApi:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for a serve loop that never ran
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -------------------------------------------------------------- arranging

    def add_file(self, file_id: str, data: bytes, path: str | None = None) -> None:
        unique = f"u{len(self._files) + 1}"
        self._files[file_id] = _File(data, unique, path or f"documents/file_{len(self._files)}")

    def fail_next(
        self, method: str, status: int, description: str, retry_after: int | None = None
    ) -> None:
        """The next call of `method` gets this Telegram error."""
        queue = self._failures.setdefault(method.lower(), deque())
        queue.append(_Failure(status, description, retry_after))

    # -------------------------------------------------------------- observing

    def calls(self, method: str | None = None, *, ok: bool | None = True) -> list[ApiCall]:
        with self.ledger.changed:
            return [
                call
                for call in self.ledger.calls
                if (method is None or call.method.lower() == method.lower())
                and (ok is None or call.ok == ok)
            ]

    def sent_messages(self, chat_id: int | None = None) -> list[ApiCall]:
        return [
            call
            for call in self.calls("sendMessage")
            if chat_id is None or call.params.get("chat_id") == str(chat_id)
        ]

    @property
    def downloads(self) -> list[str]:
        with self.ledger.changed:
            return list(self.ledger.downloads)

    def wait_for_messages(self, chat_id: int, timeout: float, quiet: float = 1.0) -> list[ApiCall]:
        """Messages to the chat, once they stop coming for `quiet` seconds or at `timeout`."""
        deadline = time.monotonic() + timeout
        seen, last_change = 0, time.monotonic()
        with self.ledger.changed:
            while time.monotonic() < deadline:
                count = len(self.sent_messages(chat_id))
                if count != seen:
                    seen, last_change = count, time.monotonic()
                elif seen and time.monotonic() - last_change >= quiet:
                    break
                self.ledger.changed.wait(0.1)
        return self.sent_messages(chat_id)

    # -------------------------------------------------------------- answering

    def answer(self, method: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            self._injected_failure(method)
            result = self._method(method)(params)
        except _Refused as refused:
            self._record(ApiCall(method, params, ok=False))
            return refused.failure.status, _error_body(refused.failure)
        self._record(ApiCall(method, params, ok=True, result=result))
        return HTTPStatus.OK, {"ok": True, "result": result}

    def download(self, path: str) -> bytes | None:
        found = next((f for f in self._files.values() if f.path == path), None)
        if found is not None:
            with self.ledger.changed:
                self.ledger.downloads.append(path)
                self.ledger.changed.notify_all()
        return found.data if found else None

    def _record(self, call: ApiCall) -> None:
        with self.ledger.changed:
            self.ledger.calls.append(call)
            self.ledger.changed.notify_all()

    def _injected_failure(self, method: str) -> None:
        queue = self._failures.get(method.lower())
        if queue:
            failure = queue.popleft()
            raise _Refused(failure.status, failure.description, failure.retry_after)

    def _method(self, method: str) -> Callable[[dict[str, str]], Any]:
        methods: dict[str, Callable[[dict[str, str]], Any]] = {
            "getme": lambda _: self.bot_user,
            "sendmessage": self._send_message,
            "answercallbackquery": lambda _: True,
            "getfile": self._get_file,
            "setwebhook": self._set_webhook,
            "deletewebhook": lambda _: True,
            "getwebhookinfo": self._webhook_info,
        }
        found = methods.get(method.lower())
        if found is None:
            raise _Refused(HTTPStatus.NOT_FOUND, "Not Found")
        return found

    def _send_message(self, params: dict[str, str]) -> dict[str, Any]:
        chat_id, text = params.get("chat_id", ""), params.get("text", "")
        if not chat_id.lstrip("-").isdigit():
            raise _Refused(HTTPStatus.BAD_REQUEST, "Bad Request: chat not found")
        if not text.strip():
            raise _Refused(HTTPStatus.BAD_REQUEST, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise _Refused(HTTPStatus.BAD_REQUEST, "Bad Request: message is too long")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": self.bot_user,
            "chat": {"id": int(chat_id), "type": "private"},
            "date": int(time.time()),
            "text": text,
        }
        if "reply_markup" in params:
            message["reply_markup"] = json.loads(params["reply_markup"])
        return message

    def _get_file(self, params: dict[str, str]) -> dict[str, Any]:
        found = self._files.get(params.get("file_id", ""))
        if found is None:
            raise _Refused(HTTPStatus.BAD_REQUEST, "Bad Request: invalid file_id")
        if len(found.data) > MAX_DOWNLOAD_BYTES:
            raise _Refused(HTTPStatus.BAD_REQUEST, "Bad Request: file is too big")
        return {
            "file_id": params["file_id"],
            "file_unique_id": found.unique_id,
            "file_size": len(found.data),
            "file_path": found.path,
        }

    def _set_webhook(self, params: dict[str, str]) -> bool:
        with self.ledger.changed:
            self.ledger.webhook = {
                "url": params.get("url", ""),
                "secret_token": params.get("secret_token"),
                "allowed_updates": json.loads(params.get("allowed_updates", "[]")),
            }
        return True

    def _webhook_info(self, _: dict[str, str]) -> dict[str, Any]:
        with self.ledger.changed:
            webhook = dict(self.ledger.webhook)
        return {
            "url": webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
            "allowed_updates": webhook.get("allowed_updates", []),
        }


def _error_body(failure: _Failure) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": failure.status,
        "description": failure.description,
    }
    if failure.retry_after is not None:
        body["parameters"] = {"retry_after": failure.retry_after}
    return body


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._dispatch()

        def do_POST(self) -> None:
            self._dispatch()

        def _dispatch(self) -> None:
            url = urlsplit(self.path)
            path = unquote(url.path)
            method_prefix, file_prefix = f"/bot{api.token}/", f"/file/bot{api.token}/"
            if path.startswith(file_prefix):
                self._send_file(path.removeprefix(file_prefix))
            elif path.startswith(method_prefix):
                params = dict(parse_qsl(url.query)) | self._body_params()
                status, body = api.answer(path.removeprefix(method_prefix), params)
                self._reply(status, json.dumps(body).encode(), "application/json")
            else:
                failure = _Failure(HTTPStatus.UNAUTHORIZED, "Unauthorized")
                self._reply(
                    failure.status, json.dumps(_error_body(failure)).encode(), "application/json"
                )

        def _body_params(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not raw:
                return {}
            if self.headers.get_content_type() == "application/json":
                data = json.loads(raw)
                return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
            return dict(parse_qsl(raw.decode(), keep_blank_values=True))

        def _send_file(self, path: str) -> None:
            data = api.download(path)
            if data is None:
                self._reply(HTTPStatus.NOT_FOUND, b"Not Found", "text/plain")
            else:
                self._reply(HTTPStatus.OK, data, "application/octet-stream")

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None  # request lines carry the bot token

    return Handler


# ------------------------------------------------------------------ hub simulate telegram


def text_update(
    chat_id: int, text: str, reply_to: int | None = None, message_id: int = 1
) -> dict[str, Any]:
    """An Update as Telegram sends it for a message typed in a private chat."""
    now = time.time()
    citizen = {"id": chat_id, "is_bot": False, "first_name": "Citizen", "language_code": "ar"}
    chat = {"id": chat_id, "first_name": "Citizen", "type": "private"}
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": citizen,
        "chat": chat,
        "date": int(now),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    if reply_to is not None:
        message["reply_to_message"] = {
            "message_id": reply_to,
            "from": {"id": 1, "is_bot": True, "first_name": "El Kef petitions"},
            "chat": chat,
            "date": int(now) - 60,
        }
    # Telegram numbers updates upwards; the clock keeps runs from reusing a number.
    return {"update_id": int(now * 1000) % 2_000_000_000, "message": message}


@dataclass(frozen=True)
class SimulatorConfig:
    token: str
    secret: str
    api_base: str


def simulator_config(demo: Mapping[str, str]) -> SimulatorConfig:
    """The hub's Telegram settings (environment, .env), else the ones `hub demo` uses."""
    from hub.settings import Settings

    settings = Settings(demo=True)  # only the Telegram values are read: no secret key needed
    token, secret = settings.telegram_token, settings.telegram_secret
    given = settings.model_fields_set
    return SimulatorConfig(
        token=token.get_secret_value() if token else demo["HUB_TELEGRAM_TOKEN"],
        secret=secret.get_secret_value() if secret else demo["HUB_TELEGRAM_SECRET"],
        api_base=settings.telegram_api_base
        if "telegram_api_base" in given
        else demo["HUB_TELEGRAM_API_BASE"],
    )


def simulate(
    config: SimulatorConfig,
    hub_url: str,
    chat_id: int,
    text: str,
    reply_to: int | None,
    wait: float,
    echo: Callable[[str], None] = print,
) -> int:
    """Send one message to a running hub as Telegram would; print the bot's answers."""
    where = urlsplit(config.api_base)
    # One chat numbers its messages upwards, the citizen's and the bot's alike; the clock
    # keeps one run's numbers from repeating an earlier run's, which would mis-thread replies.
    first_id = int(time.time() * 10) % 1_000_000_000
    try:
        api = FakeBotApi(
            config.token,
            host=where.hostname or "127.0.0.1",
            port=where.port or 80,
            first_message_id=first_id + 1,
        )
    except OSError as exc:
        echo(f"cannot stand in for the Bot API on {config.api_base} ({exc.strerror}): in use?")
        return 2
    update = text_update(chat_id, text, reply_to, message_id=first_id)
    with api:
        status = _post_update(hub_url, update, config.secret, echo)
        if status is None or status >= 300:
            return 1
        messages = api.wait_for_messages(chat_id, wait)
    for call in messages:
        echo(f"bot → chat {chat_id} (message {call.result['message_id']}): {call.params['text']}")
    if not messages:
        echo(
            f"the bot sent nothing within {wait:g} s: normal for a message joining a case; "
            f"otherwise check that the hub's HUB_TELEGRAM_API_BASE is {config.api_base}"
        )
    return 0


def _post_update(
    hub_url: str, update: dict[str, Any], secret: str, echo: Callable[[str], None]
) -> int | None:
    url = hub_url.rstrip("/") + "/channels/telegram"
    try:
        response = httpx.post(url, json=update, headers={SECRET_HEADER: secret}, timeout=30)
    except httpx.HTTPError as exc:
        echo(f"could not reach the hub at {url} ({type(exc).__name__}): is it running?")
        return None
    echo(f"update {update['update_id']} → hub answered {response.status_code}: {response.text}")
    return response.status_code
