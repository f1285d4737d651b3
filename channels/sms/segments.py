"""How a text travels as SMS: its encoding, its billed segments, and Twilio's size limit.

A phone shows a concatenated SMS as one message, but Twilio refuses a body
longer than 1,600 characters, so a longer staff reply goes out as several
messages, cut between words.
"""

from __future__ import annotations

import math

# The GSM 03.38 default alphabet: one septet each.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: an escape septet plus the character, so two septets each.
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM_7 = "GSM-7"
UCS_2 = "UCS-2"

TWILIO_MAX_CHARS = 1600
_SINGLE = {GSM_7: 160, UCS_2: 70}
_CONCATENATED = {GSM_7: 153, UCS_2: 67}  # a user-data header takes the rest
_PART_MARK_RESERVE = len(" (99/99)")


def encoding(text: str) -> str:
    """GSM-7 when every character is in the GSM alphabet; one Arabic letter makes it UCS-2."""
    allowed = GSM_BASIC | GSM_EXTENDED
    return GSM_7 if all(c in allowed for c in text) else UCS_2


def _units(char: str, scheme: str) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) a character takes."""
    if scheme == GSM_7:
        return 2 if char in GSM_EXTENDED else 1
    return 2 if ord(char) > 0xFFFF else 1


def length(text: str, scheme: str | None = None) -> int:
    scheme = scheme or encoding(text)
    return sum(_units(c, scheme) for c in text)


def segments(text: str) -> int:
    """How many SMS segments the operator bills for this text."""
    scheme = encoding(text)
    total = length(text, scheme)
    if total <= _SINGLE[scheme]:
        return 1
    return math.ceil(total / _CONCATENATED[scheme])


def split_for_twilio(text: str, limit: int = TWILIO_MAX_CHARS) -> list[str]:
    """Messages of at most `limit` characters each, cut at spaces, marked (1/3), (2/3)…

    Characters are counted in UTF-16 units, as Twilio does, so an emoji counts two.
    """
    text = text.strip()
    if length(text, UCS_2) <= limit:
        return [text]
    pieces = _cut(text, limit - _PART_MARK_RESERVE)
    return [f"{piece} ({n}/{len(pieces)})" for n, piece in enumerate(pieces, start=1)]


def _cut(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    rest = text
    while length(rest, UCS_2) > limit:
        end = _fitting_prefix(rest, limit)
        space = _last_space(rest, end)
        cut = space if space > 0 else end  # one word longer than a message is cut inside
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _last_space(text: str, end: int) -> int:
    """Index of the last whitespace at or before `end`; -1 when the words run on."""
    for index in range(end, 0, -1):
        if text[index].isspace():
            return index
    return -1


def _fitting_prefix(text: str, limit: int) -> int:
    """Index where the longest prefix of at most `limit` UTF-16 units ends."""
    used = 0
    for index, char in enumerate(text):
        used += _units(char, UCS_2)
        if used > limit:
            return index
    return len(text)
