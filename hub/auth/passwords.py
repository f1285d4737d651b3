"""Staff passwords, hashed with argon2."""

from __future__ import annotations

import asyncio
import weakref

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's argon2id setting (19 MiB, 2 passes): a guess costs an attacker what it costs us,
# and a sign-in does not cost the API process RFC 9106's 64 MiB. Older hashes still verify.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY = _hasher.hash("no such user")
# Each check takes 19 MiB and tens of milliseconds of CPU: at most two at once, off the
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
