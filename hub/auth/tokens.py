"""Bearer tokens for the API: signed, expiring, bound to the user's password hash."""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hub.models import User


class Tokens:
    def __init__(self, secret_key: str, ttl_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="hub/api-token")
        self._ttl = ttl_seconds

    def issue(self, user: User) -> str:
        return self._serializer.dumps({"uid": user.id, "pw": password_fingerprint(user)})

    def user_id(self, token: str) -> tuple[int, str] | None:
        try:
            data = self._serializer.loads(token, max_age=self._ttl)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
            return None
        return data["uid"], str(data.get("pw", ""))

    @staticmethod
    def still_valid(user: User, fingerprint: str) -> bool:
        """A password change signs out every token issued before it."""
        return password_fingerprint(user) == fingerprint


def password_fingerprint(user: User) -> str:
    """Changes when the password changes, so old sessions and tokens stop working."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
