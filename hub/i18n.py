"""Page languages: Arabic, French and English catalogs, choice of language, dates.

The .po files are read directly (compiled in memory on first use), so a
translator's edit needs no build step, only a restart.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_time, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import Markup, escape

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("ar", "fr", "en")
# Shown in the language switcher in each language's own words.
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}
RIGHT_TO_LEFT = frozenset({"ar"})
# Tunisian conventions: Western digits in Arabic (ar_TN) and a 24-hour clock.
FORMAT_LOCALES = {"ar": "ar_TN", "fr": "fr", "en": "en_GB"}
# A user or case may carry a Tunisian Derja code; it reads the Arabic pages.
ALIASES = {"aeb": "ar", "aeb-latn": "fr"}
TUNIS = ZoneInfo("Africa/Tunis")


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated later, when a page is drawn."""
    return message


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.GNUTranslations:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def supported(code: str | None) -> str | None:
    """The page language for a code such as 'fr', 'FR', 'aeb' or 'fr-TN', or None."""
    if not code:
        return None
    code = code.strip().lower()
    code = ALIASES.get(code, code)
    if code in LANGUAGES:
        return code
    base = code.replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The best page language for an Accept-Language header, or None."""
    if not header:
        return None
    weighted: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((quality, tag.strip()))
    preferred = [tag for _, tag in sorted(weighted, key=lambda item: -item[0])]
    return negotiate_locale(preferred, list(LANGUAGES), sep="-")


class Named(Protocol):
    """A category or structure row: its name in each language."""

    name_ar: str
    name_fr: str
    name_en: str


@dataclass(frozen=True)
class Language:
    """Everything a page needs to speak one language."""

    code: str

    @property
    def direction(self) -> str:
        return "rtl" if self.code in RIGHT_TO_LEFT else "ltr"

    @property
    def name(self) -> str:
        return LANGUAGE_NAMES[self.code]

    def gettext(self, message: str, **values: Any) -> str:
        """The message in this language, with its values filled in.

        With values the result is markup: the translation is escaped, and so is
        each value unless a template marked it safe (a code wrapped in <bdi>, say).
        """
        text = translations(self.code).gettext(message)
        return Markup(escape(text)) % values if values else text

    def name_of(self, row: Named | None) -> str:
        if row is None:
            return "—"
        return str(getattr(row, f"name_{self.code}") or row.name_en)

    def when(self, moment: datetime | None) -> str:
        """Date and time in El Kef, written the way this language writes it."""
        if moment is None:
            return "—"
        locale = Locale.parse(FORMAT_LOCALES[self.code])
        local = moment.astimezone(TUNIS)
        date = format_date(local, "long", locale=locale)
        time = format_time(local, "HH:mm", locale=locale)
        return str(locale.datetime_formats["medium"]).format(time, date)

    def span(self, length: timedelta) -> str:
        """A length of time in words ("3 days", "5 hours"), for deadline badges."""
        locale = Locale.parse(FORMAT_LOCALES[self.code])
        return format_timedelta(abs(length), threshold=1.5, locale=locale)

    def day(self, moment: datetime | None) -> str:
        if moment is None:
            return "—"
        locale = Locale.parse(FORMAT_LOCALES[self.code])
        return format_date(moment.astimezone(TUNIS), "long", locale=locale)
