"""Keywords a citizen can text or message, in Arabic, Derja, French and English."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from hub.references import find_reference


class Command(StrEnum):
    status = "status"
    new = "new"
    help = "help"
    stop = "stop"
    start = "start"
    corruption = "corruption"
    support = "support"


KEYWORDS: dict[Command, tuple[str, ...]] = {
    Command.status: (
        "status",
        "statut",
        "etat",
        "suivi",
        "حالة",
        "حاله",
        "الحالة",
        "7ala",
        "hala",
        "wadh3iya",
        "وضعية",
    ),
    Command.new: ("new", "nouveau", "nouvelle", "جديد", "جديدة", "jdid", "jdida"),
    Command.help: ("help", "aide", "info", "مساعدة", "عاوني", "3aweni", "?"),
    # Twilio's standard opt-out and opt-in words, plus Arabic and French.
    Command.stop: (
        "stop",
        "stopall",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "arret",
        "arreter",
        "توقف",
        "وقف",
        "barra",
    ),
    Command.start: ("start", "unstop", "demarrer", "ابدأ", "ابدا"),
    Command.corruption: (
        "corruption",
        "fasad",
        "فساد",
        "rachwa",
        "رشوة",
        "رشوه",
        "anonymous",
        "anonyme",
    ),
    Command.support: ("support", "soutien", "soutenir", "ادعم", "دعم", "nad3em"),
}
_BY_WORD = {word: command for command, words in KEYWORDS.items() for word in words}
_WHOLE_MESSAGE_ONLY = frozenset({Command.stop, Command.start, Command.help})
_PIN = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@dataclass(frozen=True)
class ParsedCommand:
    command: Command
    reference: str | None
    pin: str | None
    rest: str  # what follows the keyword (the report text for CORRUPTION)


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(
        c for c in decomposed if not unicodedata.combining(c) or "\u0600" <= c <= "\u06ff"
    )


def parse_command(text: str, prefix: str) -> ParsedCommand | None:
    """The command a message starts with, or None for an ordinary message."""
    stripped = text.strip()
    if not stripped:
        return None
    first, _, rest = stripped.partition(" ")
    word = _fold(first.lstrip("/").split("@", 1)[0]).strip(".,:;!")
    command = _BY_WORD.get(word)
    if command is None:
        return None
    rest = rest.strip()
    reference = find_reference(rest, prefix)
    if command in _WHOLE_MESSAGE_ONLY and rest:
        return None  # "End of the road is flooded" is a complaint, not an opt-out
    if command in (Command.status, Command.support) and rest and not reference:
        return None
    after_reference = rest.split(reference.split("-")[-1], 1)[-1] if reference else rest
    pin_match = _PIN.search(after_reference) if reference else None
    pin = pin_match.group(1) if pin_match else None
    return ParsedCommand(command, reference, pin, rest)
