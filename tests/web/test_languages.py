"""Every page in Arabic (right to left), French and English; the choice is remembered."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from babel.messages.pofile import read_po
from markupsafe import Markup

from hub.i18n import LANGUAGES, Language, from_accept_language
from hub.web.labels import STATUS_LABELS
from tests.web.conftest import BrowserFactory, SignIn
from workflows.lifecycle import STATUSES

LOCALES = Path(__file__).parents[2] / "hub" / "locales"
# One sentence of the navigation, in each language.
FOLLOW_A_CASE = {"ar": "متابعة ملف", "fr": "Suivre un dossier", "en": "Follow a case"}
PUBLIC_PAGES = ("/", "/report", "/track", "/login")
STAFF_PAGES = ("/counter", "/dashboard")


def html_tag(page: str) -> str:
    found = re.search(r"<html[^>]*>", page)
    assert found
    return found.group(0)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_page_renders_in_each_language(
    client: httpx.AsyncClient, sign_in: SignIn, language: str
) -> None:
    direction = "rtl" if language == "ar" else "ltr"
    for path in PUBLIC_PAGES:
        page = await client.get(path, params={"lang": language})
        assert page.status_code == 200, path
        assert html_tag(page.text) == f'<html lang="{language}" dir="{direction}">'
        assert FOLLOW_A_CASE[language] in page.text
    await sign_in(client, "clerk")
    for path in STAFF_PAGES:
        page = await client.get(path, params={"lang": language})
        assert page.status_code == 200, path
        assert html_tag(page.text) == f'<html lang="{language}" dir="{direction}">'
        assert FOLLOW_A_CASE[language] in page.text


async def test_category_names_come_from_the_database_in_the_page_language(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(client, "clerk")
    arabic = (await client.get("/counter?lang=ar")).text
    french = (await client.get("/counter?lang=fr")).text
    assert '<option value="water">الماء</option>' in arabic
    assert '<option value="water">Eau</option>' in french
    assert '<option value="other" selected>Autre</option>' in french
    assert '<option value="Le Kef" selected>Le Kef</option>' in french


async def test_chosen_language_is_remembered_in_a_cookie(client: httpx.AsyncClient) -> None:
    chosen = await client.get("/", params={"lang": "fr"})
    cookie = chosen.headers["set-cookie"]
    assert "hub_lang=fr" in cookie
    assert "Max-Age=31536000" in cookie and "samesite=lax" in cookie.lower()
    later = await client.get("/track")
    assert 'lang="fr"' in html_tag(later.text)
    assert "hub_lang" not in later.headers.get("set-cookie", "")  # only a new choice sets it


async def test_language_falls_back_to_accept_language_then_arabic(browser: BrowserFactory) -> None:
    visitor = await browser()
    french = await visitor.get("/", headers={"Accept-Language": "de-DE, fr-TN;q=0.8, en;q=0.5"})
    assert 'lang="fr"' in html_tag(french.text)
    nobody = await visitor.get("/", headers={"Accept-Language": "de"})
    assert html_tag(nobody.text) == '<html lang="ar" dir="rtl">'


async def test_signed_in_staff_member_gets_their_language(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(client, "clerk", language="en")
    page = await client.get("/counter", headers={"Accept-Language": "fr"})
    assert 'lang="en"' in html_tag(page.text)
    page = await client.get("/counter?lang=fr")
    assert 'lang="fr"' in html_tag(page.text)
    page = await client.get("/counter")
    assert 'lang="fr"' in html_tag(page.text)  # the cookie outranks the account


async def test_language_switcher_keeps_the_page_and_its_query(client: httpx.AsyncClient) -> None:
    page = await client.get("/track", params={"ref": "KEF-AAAA-BBBB", "lang": "en"})
    assert 'href="/track?ref=KEF-AAAA-BBBB&amp;lang=ar"' in page.text
    assert 'href="/track?ref=KEF-AAAA-BBBB&amp;lang=fr"' in page.text


def test_accept_language_negotiation() -> None:
    assert from_accept_language("fr-FR,fr;q=0.9,en;q=0.8") == "fr"
    assert from_accept_language("en;q=0.2, ar;q=0.9") == "ar"
    assert from_accept_language("de, *;q=0.1") is None
    assert from_accept_language("fr;q=abc") is None
    assert from_accept_language(None) is None


def test_dates_are_in_tunis_time_and_in_the_page_language() -> None:
    moment = datetime(2025, 7, 14, 22, 30, tzinfo=UTC)  # 23:30 in Tunis (UTC+1)
    assert Language("fr").when(moment) == "14 juillet 2025, 23:30"
    assert Language("en").when(moment) == "14 July 2025, 23:30"
    # Tunisian Arabic month names and Western digits, as on Tunisian official papers.
    assert Language("ar").when(moment) == "14 جويلية 2025، 23:30"
    assert Language("ar").day(moment) == "14 جويلية 2025"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_translates_every_message(language: str) -> None:
    with (LOCALES / "messages.pot").open("rb") as template_file:
        template = read_po(template_file)
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    wanted = {m.id for m in template if m.id}
    for msgid in wanted:
        message = catalog.get(msgid)
        assert message is not None and message.string, f"{language}: {msgid!r} is not translated"
        assert "fuzzy" not in message.flags, f"{language}: {msgid!r} is fuzzy"
        placeholders = set(re.findall(r"%\((\w+)\)s", str(msgid)))
        assert set(re.findall(r"%\((\w+)\)s", str(message.string))) == placeholders, msgid


def test_every_status_has_a_label_in_every_language() -> None:
    assert set(STATUS_LABELS) == set(STATUSES)
    for language in ("ar", "fr"):
        for label in STATUS_LABELS.values():
            assert Language(language).gettext(label) != label, (language, label)


def test_values_in_messages_are_escaped_unless_marked_safe() -> None:
    english = Language("en")
    assert english.gettext("The file %(name)s is empty.", name="<b>x</b>") == (
        "The file &lt;b&gt;x&lt;/b&gt; is empty."
    )
    command = Markup('<bdi dir="ltr">/status KEF-AAAA-BBBB</bdi>')
    assert Language("fr").gettext(
        "On Telegram: send %(command)s to the hub's bot", command=command
    ) == (
        'Sur Telegram : envoyez <bdi dir="ltr">/status KEF-AAAA-BBBB</bdi> au robot de la plateforme'
    )
