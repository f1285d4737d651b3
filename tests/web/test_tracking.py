"""Citizens follow their case on /track with reference and PIN; guessing is locked out.

A visitor who opened an open, public case may co-sign it once from their browser.
"""

from __future__ import annotations

import asyncio
import re

import httpx
from sqlmodel import col, select

from hub.models import Case, CaseEvent, InboundReceipt, OutboxItem, Reporter, Supporter
from hub.state import HubState
from hub.users import create_user
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


# ---------------------------------------------------------------- support from the web


async def support(citizen: httpx.AsyncClient, page: httpx.Response) -> httpx.Response:
    """Press the support button of a tracking page, as the browser would send it."""
    return await citizen.post("/track/support", data=support_form(page))


def support_form(page: httpx.Response) -> dict[str, str]:
    return {
        "csrf_token": hidden(page.text, "csrf_token"),
        "reference": hidden(page.text, "reference"),
    }


def supporters(page: httpx.Response) -> int:
    found = re.search(r'id="supporters">(\d+)<', page.text)
    return int(found.group(1)) if found else 0


async def stored_count(state: HubState, reference: str) -> int:
    async with state.sessions() as session:
        case = (await session.scalars(select(Case).where(Case.reference == reference))).one()
        return case.supporters_count


async def test_a_visitor_supports_a_case_once(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    reference, pin = await record(client, staff)
    citizen = await browser()
    page = await look_up(citizen, reference, pin)
    assert 'action="/track/support"' in page.text and "I support this case" in page.text
    assert supporters(page) == 0
    supported = await support(citizen, page)
    assert supported.status_code == 200
    assert "Thank you: your support has been counted." in supported.text
    assert supporters(supported) == 1
    assert "You support this case." in supported.text
    assert 'action="/track/support"' not in supported.text
    assert await stored_count(state, reference) == 1
    # Coming back later with the PIN: no button, the count stays.
    again = await look_up(citizen, reference, pin)
    assert 'action="/track/support"' not in again.text and supporters(again) == 1


async def test_reload_and_double_click_count_once(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    reference, pin = await record(client, staff)
    citizen = await browser()
    page = await look_up(citizen, reference, pin)
    form = support_form(page)
    # A double click: two posts of the same form before either answer arrives.
    first, second = await asyncio.gather(
        citizen.post("/track/support", data=form), citizen.post("/track/support", data=form)
    )
    assert first.status_code == second.status_code == 200
    reloaded = await citizen.post("/track/support", data=form)  # the browser's reload
    assert reloaded.status_code == 200
    assert "Your support for this case was already counted." in reloaded.text
    assert supporters(reloaded) == 1
    assert await stored_count(state, reference) == 1
    async with state.sessions() as session:
        events = (
            await session.scalars(select(CaseEvent).where(CaseEvent.kind == "supporter_added"))
        ).all()
    assert len(events) == 1


async def test_each_browser_counts_and_only_a_keyed_hash_is_stored(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    reference, pin = await record(client, staff)
    tokens = []
    for n in range(3):
        citizen = await browser()
        page = await look_up(citizen, reference, pin)
        response = await support(citizen, page)
        assert supporters(response) == n + 1
        tokens.append(citizen.cookies["hub_supporter"])
    assert len(set(tokens)) == 3
    async with state.sessions() as session:
        receipts = (
            await session.scalars(select(InboundReceipt).where(InboundReceipt.channel == "web"))
        ).all()
        supporter_rows = (await session.scalars(select(Supporter))).all()
        reporters = (
            await session.scalars(
                select(Reporter).where(
                    col(Reporter.id).in_([s.reporter_id for s in supporter_rows])
                )
            )
        ).all()
    keys = [r.external_id for r in receipts if r.external_id.startswith("support:")]
    assert len(keys) == 3
    assert not any(token in key for token in tokens for key in keys)
    assert {s.channel for s in supporter_rows} == {"web"}
    assert all(
        r.phone_hash is r.email_hash is r.telegram_hash is r.name_enc is None for r in reporters
    )


async def test_support_without_the_form_token_is_refused(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    reference, pin = await record(client, staff)
    citizen = await browser()
    page = await look_up(citizen, reference, pin)
    missing = await citizen.post("/track/support", data={"reference": reference})
    wrong = await citizen.post(
        "/track/support", data={"reference": reference, "csrf_token": "x" * 43}
    )
    assert missing.status_code == wrong.status_code == 403
    assert "This form has expired" in missing.text
    assert await stored_count(state, reference) == 0
    assert supporters(await support(citizen, page)) == 1


async def test_support_needs_the_case_opened_with_its_pin_in_this_browser(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    reference, _ = await record(client, staff)
    stranger = await browser()
    form = await stranger.get("/track", params={"lang": "en"})
    refused = await stranger.post(
        "/track/support",
        data={"reference": reference, "csrf_token": hidden(form.text, "csrf_token")},
    )
    assert refused.status_code == 403
    assert "Open the case with its reference and PIN" in refused.text
    assert await stored_count(state, reference) == 0


async def test_a_corruption_report_shows_no_button_and_takes_no_support(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    reference, pin = await record(
        client, staff, category="corruption", text="Le guichetier demande un pot-de-vin"
    )
    async with state.sessions() as session:
        case = (await session.scalars(select(Case).where(Case.reference == reference))).one()
        assert case.sealed
    citizen = await browser()
    page = await look_up(citizen, reference, pin)
    assert page.status_code == 200
    assert 'action="/track/support"' not in page.text
    assert "Support this case" not in page.text and "I support this case" not in page.text
    # A post made by hand (with this browser's form token) is refused all the same.
    token = hidden((await citizen.get("/track")).text, "csrf_token")
    refused = await citizen.post(
        "/track/support", data={"reference": reference, "csrf_token": token}
    )
    assert refused.status_code == 403
    assert "This case cannot receive support." in refused.text
    assert await stored_count(state, reference) == 0
    async with state.sessions() as session:
        assert (await session.scalars(select(Supporter))).first() is None


async def test_a_closed_case_takes_no_support(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    reference, pin = await record(client, staff)
    citizen = await browser()
    page = await look_up(citizen, reference, pin)
    async with state.sessions() as session:
        case = (await session.scalars(select(Case).where(Case.reference == reference))).one()
        case.status = "closed"
        await session.commit()
    assert 'action="/track/support"' not in (await look_up(citizen, reference, pin)).text
    refused = await support(citizen, page)
    assert refused.status_code == 409
    assert await stored_count(state, reference) == 0


async def test_passing_the_threshold_flags_the_case_to_supervisors(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    async with state.sessions() as session:
        await create_user(session, "sup-track@kef.tn", "correct horse battery", "supervisor")
    state.settings = state.settings.model_copy(update={"petition_flag_threshold": 2})
    reference, pin = await record(client, staff)
    for _ in range(3):
        citizen = await browser()
        await support(citizen, await look_up(citizen, reference, pin))
    assert await stored_count(state, reference) == 3
    async with state.sessions() as session:
        flags = (
            await session.scalars(select(OutboxItem).where(OutboxItem.purpose == "staff_petition"))
        ).all()
        reached = (
            await session.scalars(
                select(CaseEvent).where(CaseEvent.kind == "petition_threshold_reached")
            )
        ).all()
    assert len(flags) == 1 and len(reached) == 1  # flagged once, when the count reached 2
    assert f'"reference": "{reference}"' in flags[0].payload


async def test_support_is_rate_limited_per_address(
    client: httpx.AsyncClient, browser: BrowserFactory, staff, state: HubState
) -> None:
    state.settings = state.settings.model_copy(update={"report_rate_limit_per_hour": 2})
    reference, pin = await record(client, staff)
    answers = []
    for _ in range(3):
        citizen = await browser()  # a new browser each time: only the address is shared
        answers.append(await support(citizen, await look_up(citizen, reference, pin)))
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2].headers["Retry-After"]) > 0
    assert "Too many supports were sent from this connection." in answers[2].text
    assert await stored_count(state, reference) == 2
