"""Small builders for test data."""

from __future__ import annotations

import base64
import struct
import uuid
import zlib

from hub.petition import Channel, Petition


def petition(**fields: object) -> Petition:
    values: dict[str, object] = {
        "channel": Channel.sms,
        "external_id": f"SM{uuid.uuid4().hex}",
        "text": "انقطاع الماء في حي الدير منذ ثلاثة أيام",
        "sender": "+21698123456",
        "language": "ar",
        "category_hint": "water",
    }
    values.update(fields)
    return Petition(**values)  # type: ignore[arg-type]


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, decodable PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def case_body(**fields: object) -> dict[str, object]:
    body: dict[str, object] = {
        "text": "Nid de poule dangereux avenue Habib Bourguiba",
        "channel": "counter",
        "category": "roads",
        "language": "fr",
        "phone": "98 123 456",
        "name": "Amel Ben Salah",
        "governorate": "Le Kef",
        "municipality": "El Kef",
    }
    body.update(fields)
    return body


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
