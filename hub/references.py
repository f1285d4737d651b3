"""Public case references: `KEF-4F7K-2Q9M`, eight random Crockford base32 characters."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_PATTERN = re.compile(r"\b([A-Za-z]{2,6})[\s\-_]*([0-9A-Za-z]{4})[\s\-_]*([0-9A-Za-z]{4})\b")


def new_reference(prefix: str, choice: Callable[[str], str] = secrets.choice) -> str:
    body = "".join(choice(CROCKFORD) for _ in range(8))
    return f"{prefix.upper()}-{body[:4]}-{body[4:]}"


def normalise_reference(text: str, prefix: str) -> str | None:
    """The canonical form of a reference as a person typed it, or None.

    Case-insensitive; spaces, dashes or none between groups; I and L read as 1, O as 0.
    """
    compact = re.sub(r"[\s\-_]", "", text.strip()).upper()
    prefix = prefix.upper()
    if not compact.startswith(prefix):
        return None
    body = compact[len(prefix) :].translate(_READ_AS)
    if len(body) != 8 or any(c not in CROCKFORD for c in body):
        return None
    return f"{prefix}-{body[:4]}-{body[4:]}"


def find_reference(text: str, prefix: str) -> str | None:
    """The first reference of this deployment mentioned anywhere in a text."""
    for match in _PATTERN.finditer(text):
        if match.group(1).upper() != prefix.upper():
            continue
        found = normalise_reference("".join(match.groups()), prefix)
        if found:
            return found
    return None
