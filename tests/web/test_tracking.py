"""Citizens follow their case on /track with reference and PIN; guessing is locked out."""

from __future__ import annotations

import re

import httpx

from hub.state import HubState
from tests.factories import case_body
from tests.web.conftest import BrowserFactory, hidden


async def record(client: httpx.AsyncClient, staff, **fields: object) -> tuple[str, str]:
    _, headers = await staff("clerk")
    created = await client.post("/api/v1/cases", json=case_body(**fields), headers=headers)
    assert created.status_code == 201, created.text
    return created.json()["reference"], created.json()["pin"]


async def look_up(
    citizen: httpx.AsyncClient, reference: str, pin: str, language: str = "en"
) -> httpx.Response:
    form = await citizen.get("/track", params={"lang": language})
    return await citizen.post(
        "/track",
        data={"reference": reference, "pin": pin, "csrf_token": hidden(form.text, "csrf_token")},
    )


def main_part(page: str) -> str:
    found = re.search(r"<main.*</main>", page, re.S)
    assert found
    return found.group(0)


async def test_citizen_sees_status_structure_dates_and_messages(
    client: httpx.AsyncClient, browser: BrowserFactory, staff
) -> None:
    reference, pin = await record(
        client, staff, category="water", text="Pas d'eau depuis trois jours"
    )
    citizen = await browser()
    page = await look_up(citizen, reference.lower().replace("-", " "), pin, "fr")
    assert page.status_code == 200
    assert reference in page.text
    assert (
        '<p class="status status-routed" id="status">Transmis au service compétent</p>' in page.text
    )
    assert "SONEDE district du Kef" in page.text and "Eau" in page.text
    assert "Pas d&#39;eau depuis trois jours" in page.text
    assert 'dir="auto"' in page.text
    arabic = await look_up(citizen, reference, pin, "ar")
    assert "الشركة الوطنية لاستغلال وتوزيع المياه بالكاف" in arabic.text
    assert "أُحيل إلى الجهة المعنية" in arabic.text


async def test_script_in_a_complaint_is_shown_as_text(
    client: httpx.AsyncClient, browser: BrowserFactory, staff
) -> None:
    attack = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
    reference, pin = await record(client, staff, text=attack)
    page = await look_up(await browser(), reference, pin)
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert (
        "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in page.text
    )


async def test_wrong_pin_and_unknown_reference_look_the_same(
    client: httpx.AsyncClient, browser: BrowserFactory, staff
) -> None:
    reference, pin = await record(client, staff)
    citizen = await browser()
    wrong_pin = await look_up(citizen, reference, "000000" if pin != "000000" else "111111")
    unknown = await look_up(citizen, "KEF-ZZZZ-ZZZZ", pin)
    assert wrong_pin.status_code == unknown.status_code == 404
    assert "No case matches this reference and PIN." in wrong_pin.text
    assert wrong_pin.text == unknown.text


async def test_too_many_wrong_pins_lock_the_reference(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    reference, pin = await record(client, staff)
    citizen = await browser()
    for _ in range(state.settings.track_max_failures):
        assert (
            await look_up(citizen, reference, "999999" if pin != "999999" else "888888")
        ).status_code == 404
    locked = await look_up(citizen, reference, pin)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "Too many wrong PINs for this reference. Try again in 15 minutes." in locked.text


async def test_track_form_can_be_prefilled_from_a_link(client: httpx.AsyncClient) -> None:
    page = await client.get("/track", params={"ref": "KEF-AB12-CD34", "lang": "en"})
    assert 'value="KEF-AB12-CD34"' in page.text
