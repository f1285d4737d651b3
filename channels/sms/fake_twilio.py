"""A stand-in for Twilio's REST API on this machine, for `hub simulate sms` and the tests.

It answers the two calls the hub makes, as Twilio does: creating a message
(`POST /2010-04-01/Accounts/{sid}/Messages.json`, HTTP basic auth, a JSON
message resource back) and fetching the media of an incoming MMS (basic auth,
then a redirect to a short-lived CDN link). It keeps what it was sent so a
person or a test can see the SMS the hub wrote. It never talks to Twilio.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from channels.sms import segments

API_VERSION = "2010-04-01"


@dataclass(frozen=True)
class SentSms:
    """One message the hub asked Twilio to send."""

    sid: str
    to: str
    from_: str
    body: str
    status_callback: str | None


@dataclass(frozen=True)
class MediaFile:
    data: bytes
    content_type: str
    redirect_to: str | None = None  # where the API link sends the client (None: our own CDN path)
    chunked: bool = False  # sent without Content-Length, so only the bytes tell the size


@dataclass(frozen=True)
class Refusal:
    status: int
    code: int
    message: str


@dataclass
class _Record:
    sent: list[SentSms] = field(default_factory=list)
    media_requests: list[tuple[str, bool]] = field(default_factory=list)  # path, had credentials
    plan: deque[Refusal | None] = field(default_factory=deque)  # None: accept that one
    media: dict[str, MediaFile] = field(default_factory=dict)


class FakeTwilio:
    def __init__(
        self, account_sid: str, auth_token: str, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.account_sid = account_sid
        self._expected_auth = "Basic " + base64.b64encode(
            f"{account_sid}:{auth_token}".encode()
        ).decode("ascii")
        self._record = _Record()
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeTwilio:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-twilio", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # ------------------------------------------------------------ what a test sets up and reads

    def add_media(
        self,
        data: bytes,
        content_type: str,
        message_sid: str,
        *,
        media_sid: str | None = None,
        redirect_to: str | None = None,
        chunked: bool = False,
    ) -> str:
        """Keep a file as Twilio keeps an MMS attachment; returns its MediaUrl."""
        media_sid = media_sid or "ME" + uuid.uuid4().hex
        path = (
            f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{message_sid}/Media/{media_sid}"
        )
        with self._changed:
            self._record.media[media_sid] = MediaFile(data, content_type, redirect_to, chunked)
        return self.base_url + path

    def refuse_next(self, status: int, code: int, message: str, after_accepting: int = 0) -> None:
        """A coming message create gets this error, as Twilio answers a refusal."""
        with self._changed:
            self._record.plan.extend([None] * after_accepting)
            self._record.plan.append(Refusal(status, code, message))

    @property
    def sent(self) -> list[SentSms]:
        with self._changed:
            return list(self._record.sent)

    @property
    def media_requests(self) -> list[tuple[str, bool]]:
        with self._changed:
            return list(self._record.media_requests)

    def wait_for_sms(self, to: str, count: int, timeout: float) -> list[SentSms]:
        """Block until `count` messages to `to` arrived, or the timeout; returns those seen."""

        def mine() -> list[SentSms]:
            return [sms for sms in self._record.sent if sms.to == to]

        with self._changed:
            self._changed.wait_for(lambda: len(mine()) >= count, timeout)
            return mine()

    # ------------------------------------------------------------ the HTTP side

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return  # numbers and texts stay off the terminal's log

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                fake._create_message(self)

            def do_GET(self) -> None:  # noqa: N802
                fake._get_media(self)

        return Handler

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        return handler.headers.get("Authorization") == self._expected_auth

    def _create_message(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = parse_qs(handler.rfile.read(length).decode("utf-8"), keep_blank_values=True)
        path = urlsplit(handler.path).path
        if path != f"/{API_VERSION}/Accounts/{self.account_sid}/Messages.json":
            _error(handler, Refusal(404, 20404, "The requested resource was not found"))
            return
        if not self._authorised(handler):
            _error(handler, Refusal(401, 20003, "Authenticate"))
            return
        with self._changed:
            refusal = self._record.plan.popleft() if self._record.plan else None
        if refusal is not None:
            _error(handler, refusal)
            return
        sms = SentSms(
            sid="SM" + uuid.uuid4().hex,
            to=_first(form, "To"),
            from_=_first(form, "From"),
            body=_first(form, "Body"),
            status_callback=_first(form, "StatusCallback") or None,
        )
        with self._changed:
            self._record.sent.append(sms)
            self._changed.notify_all()
        _json(handler, HTTPStatus.CREATED, self._resource(sms))

    def _resource(self, sms: SentSms) -> dict[str, object]:
        now = formatdate(usegmt=True)
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sms.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": sms.body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sms.from_,
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": str(segments.segments(sms.body)),
            "price": None,
            "price_unit": "USD",
            "sid": sms.sid,
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": sms.to,
            "uri": f"{uri}.json",
        }

    def _get_media(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlsplit(handler.path).path
        with self._changed:
            self._record.media_requests.append((path, "Authorization" in handler.headers))
        media_sid = path.rsplit("/", 1)[-1]
        with self._changed:
            media = self._record.media.get(media_sid)
        if media is None:
            _error(handler, Refusal(404, 20404, "The requested resource was not found"))
        elif path.startswith("/cdn/"):
            _bytes(handler, media)
        elif not self._authorised(handler):
            _error(handler, Refusal(401, 20003, "Authenticate"))
        else:
            # Like "Enforce HTTP Auth on Media URLs": a short-lived link on the CDN.
            _redirect(handler, media.redirect_to or f"{self.base_url}/cdn/{media_sid}")


def _first(form: dict[str, list[str]], name: str) -> str:
    return form.get(name, [""])[0]


def _json(handler: BaseHTTPRequestHandler, status: int, body: dict[str, object]) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def _error(handler: BaseHTTPRequestHandler, refusal: Refusal) -> None:
    _json(
        handler,
        refusal.status,
        {
            "code": refusal.code,
            "message": refusal.message,
            "more_info": f"https://www.twilio.com/docs/errors/{refusal.code}",
            "status": refusal.status,
        },
    )


def _redirect(handler: BaseHTTPRequestHandler, location: str) -> None:
    handler.send_response(HTTPStatus.TEMPORARY_REDIRECT)
    handler.send_header("Location", location)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def _bytes(handler: BaseHTTPRequestHandler, media: MediaFile) -> None:
    handler.send_response(HTTPStatus.OK)
    handler.send_header("Content-Type", media.content_type)
    if not media.chunked:
        handler.send_header("Content-Length", str(len(media.data)))
        handler.end_headers()
        handler.wfile.write(media.data)
        return
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for start in range(0, len(media.data), 1024):
        chunk = media.data[start : start + 1024]
        handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    handler.wfile.write(b"0\r\n\r\n")
