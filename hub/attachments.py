"""Attachment files on disk, content-addressed by sha256, type checked by content."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import filetype

ALLOWED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/heic",
    "application/pdf",
}


class AttachmentRejected(ValueError):
    def __init__(self, reason: str, status_code: int = 415) -> None:
        super().__init__(reason)
        self.status_code = status_code


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str


def sniff(data: bytes, filename: str, max_bytes: int) -> str:
    """The content type read from the bytes; what the sender claimed does not count."""
    if len(data) > max_bytes:
        raise AttachmentRejected(
            f"attachment {filename!r} is {len(data)} bytes; the limit is {max_bytes}", 413
        )
    if not data:
        raise AttachmentRejected(f"attachment {filename!r} is empty", 422)
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        found = kind.mime if kind else "unknown"
        raise AttachmentRejected(
            f"attachment {filename!r} is {found}; accepted are photos (JPEG, PNG, WebP, GIF, "
            "HEIC) and PDF scans"
        )
    return str(kind.mime)


def path_for(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256[2:4] / sha256


def store(root: Path, data: bytes, content_type: str) -> StoredFile:
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(root, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # atomic: a reader never sees half a file
    return StoredFile(sha256=digest, size=len(data), content_type=content_type)
