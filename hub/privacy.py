"""Reporter privacy: contact details encrypted at rest, looked up by keyed hash.

Keys are derived from HUB_SECRET_KEY with HKDF, one per purpose, so the
encryption key never doubles as the look-up key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret_key: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret_key.encode()
    )


class Vault:
    """Encrypts and hashes reporter contact details with keys from the secret key."""

    def __init__(self, secret_key: str) -> None:
        self._fernet = Fernet(
            base64.urlsafe_b64encode(_derive(secret_key, b"hub/contact-encryption"))
        )
        self._lookup_key = _derive(secret_key, b"hub/contact-lookup")
        self._pin_key = _derive(secret_key, b"hub/case-pin")

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:  # a wrong key must be loud, not an empty contact
            raise ValueError(
                "contact details cannot be decrypted with this HUB_SECRET_KEY"
            ) from exc

    def lookup_hash(self, kind: str, value: str | None) -> str | None:
        """Keyed hash of a normalised contact, for equality look-ups only."""
        if not value:
            return None
        msg = f"{kind}:{value}".encode()
        return hmac.new(self._lookup_key, msg, hashlib.sha256).hexdigest()

    def pin_hash(self, reference: str, pin: str) -> str:
        """A 6-digit PIN is only safe against a database dump when its hash is keyed."""
        msg = f"{reference}:{pin}".encode()
        return hmac.new(self._pin_key, msg, hashlib.sha256).hexdigest()

    def pin_matches(self, reference: str, pin: str, stored: str) -> bool:
        return hmac.compare_digest(self.pin_hash(reference, pin), stored)


def new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"
