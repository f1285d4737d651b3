"""Staff passwords, hashed with argon2."""

from __future__ import annotations

import asyncio
import weakref

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY = _hasher.hash("no such user")
# Each check takes 64 MB and tens of milliseconds of CPU: at most two at once, off the
# event loop, so a burst of sign-ins neither stalls intake nor balloons the process.
_AT_ONCE = 2
_checking: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def password_matches(stored: str | None, password: str) -> bool:
    loop = asyncio.get_running_loop()
    checking = _checking.setdefault(loop, asyncio.Semaphore(_AT_ONCE))
    async with checking:
        return await asyncio.to_thread(verify_password, stored, password)
