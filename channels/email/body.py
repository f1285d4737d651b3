"""The citizen's own words in an e-mail body: HTML reduced to text, quoted replies cut off.

Mail clients quote the whole conversation under a reply. Kept, every reply would
repeat the hub's acknowledgement (with its reference and PIN) and the citizen's
first message, so only what the citizen wrote this time goes on the case.
"""

from __future__ import annotations

import html
import re

import nh3

# Tags whose content is never the citizen's text. A <blockquote> in e-mail is the
# quoted earlier message (Gmail, Apple Mail, Thunderbird).
_DROPPED_CONTENT = {"script", "style", "head", "title", "blockquote"}
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|div|li|tr|h[1-6]|table|ul|ol)\s*>", re.IGNORECASE)
_BLANK_RUNS = re.compile(r"\n{3,}")

# Bidirectional marks Gmail puts around names in Arabic attribution lines.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_ATTRIBUTIONS = (
    re.compile(r"^On\b.{0,400}\bwrote:$", re.IGNORECASE),  # Gmail, Apple Mail (English)
    re.compile(r"^Le\b.{0,400}\ba écrit\s?:$", re.IGNORECASE),  # Gmail, Apple Mail (French)
    re.compile(r"^في\s.{0,400}كتب\s?:$"),  # Gmail (Arabic)
    re.compile(r"^في\s.{0,400}تمت كتابة ما يلي بواسطة.{0,200}:$"),  # newer Gmail (Arabic)
    re.compile(
        r"^-{2,}\s*(?:Original Message|Message d'origine|Message original|الرسالة الأصلية)\s*-{2,}$",
        re.IGNORECASE,
    ),
)
# Outlook starts the quoted message with a header block: "From: …" then "Sent: …".
_OUTLOOK_FROM = re.compile(r"^(?:From|De|من)\s?:", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^(?:Sent|Date|Envoyé|تم الإرسال|أرسل|التاريخ)\s?:", re.IGNORECASE)
_OUTLOOK_RULE = re.compile(r"^_{8,}$")


def html_to_text(markup: str) -> str:
    """Safe plain text from an HTML body: every tag stripped, entities decoded."""
    flat = re.sub(r"\s+", " ", markup)  # source line breaks mean nothing in HTML
    flat = _BREAK.sub("\n", flat)
    flat = _BLOCK_END.sub("\n", flat)
    cleaned = nh3.clean(flat, tags=set(), attributes={}, clean_content_tags=_DROPPED_CONTENT)
    text = html.unescape(cleaned)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def trim_quoted(text: str) -> str:
    """The text without quoted lines and without the quoted message under an attribution.

    A message made only of quotation (a forward with nothing added) stays whole:
    it is all the citizen sent.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _quote_start(lines)
    kept = [line for line in lines[:cut] if not line.lstrip().startswith(">")]
    trimmed = _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()
    return trimmed or text.strip()


def _quote_start(lines: list[str]) -> int:
    """Index of the first line of the quoted earlier message, or len(lines)."""
    for index, line in enumerate(lines):
        if _is_attribution(_plain(line)):
            return index
        # Gmail wraps a long "On … wrote:" over two lines in the plain part.
        if index + 1 < len(lines) and _is_attribution(f"{_plain(line)} {_plain(lines[index + 1])}"):
            return index
        if _starts_outlook_header(lines, index):
            rule_above = index > 0 and _OUTLOOK_RULE.match(_plain(lines[index - 1]))
            return index - 1 if rule_above else index
    return len(lines)


def _plain(line: str) -> str:
    return _BIDI.sub("", line).strip()


def _is_attribution(line: str) -> bool:
    return any(pattern.match(line) for pattern in _ATTRIBUTIONS)


def _starts_outlook_header(lines: list[str], index: int) -> bool:
    if not _OUTLOOK_FROM.match(_plain(lines[index])):
        return False
    following = [_plain(line) for line in lines[index + 1 : index + 4]]
    return any(_OUTLOOK_SENT.match(line) for line in following)
