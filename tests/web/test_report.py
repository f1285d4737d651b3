"""The citizen's web form: report without an account, once, with a receipt; robots and floods refused."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from hub.models import Attachment, Case
from hub.state import HubState
from tests.factories import png_bytes
from tests.web.conftest import (
    MAX_ATTACHMENT_BYTES,
    BrowserFactory,
    SignIn,
    count_cases,
    hidden,
    output,
)

WATER = "Pas d'eau au robinet depuis trois jours dans la cité Ennour, quartier 2"


async def open_report(client: httpx.AsyncClient, language: str = "en") -> dict[str, str]:
    page = await client.get(f"/report?lang={language}")
    assert page.status_code == 200
    return {
        "csrf_token": hidden(page.text, "csrf_token"),
        "form_token": hidden(page.text, "form_token"),
        "category": "",
        "governorate": "Le Kef",
        "municipality": "El Kef",
        "text": WATER,
        "website": "",
    }


async def test_form_is_public_with_an_unknown_category_choice_and_a_hidden_trap(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/report?lang=fr")
    assert page.status_code == 200
    assert '<option value="" selected>Je ne sais pas</option>' in page.text
    assert "Eau potable" in page.text or "Eau" in page.text  # categories from the database
    assert 'name="website"' in page.text and 'tabindex="-1"' in page.text
    assert 'class="trap" aria-hidden="true"' in page.text
    assert 'dir="auto" required' in page.text
    assert "<script>" not in page.text and "style=" not in page.text
    assert 'data-triage data-text="text" data-select="category" aria-live="polite"' in page.text
    assert '<li data-structure="sonede-kef">SONEDE district du Kef</li>' in page.text
    assert '<li data-kind="corruption_report">signalement de corruption</li>' in page.text
    landing = await client.get("/?lang=en")
    assert 'href="/report"' in landing.text


async def test_citizen_reports_and_gets_reference_and_pin(
    client: httpx.AsyncClient, state: HubState
) -> None:
    form = await open_report(client, "fr") | {"name": "Amel", "phone": "98 123 456"}
    receipt = await client.post(
        "/report", data=form, files=[("attachments", ("robinet.png", png_bytes(), "image/png"))]
    )
    assert receipt.status_code == 200, receipt.text
    reference, pin = output(receipt.text, "reference"), output(receipt.text, "pin")
    assert reference.startswith("KEF-") and len(pin) == 6 and pin.isdigit()
    assert "Formulaire web" in receipt.text and 'href="/report"' in receipt.text
    assert f"STATUS {reference}" in receipt.text
    tracked = await client.get(f"/api/v1/track/{reference}", params={"pin": pin})
    assert tracked.status_code == 200 and tracked.json()["category"] == "water"
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
        files = (await session.scalars(select(Attachment))).all()
    assert case.channel == "web" and not case.anonymous
    assert [(f.filename, f.content_type) for f in files] == [("robinet.png", "image/png")]


async def test_chosen_category_is_kept(client: httpx.AsyncClient, state: HubState) -> None:
    form = await open_report(client) | {"category": "lighting", "text": "Le lampadaire est cassé"}
    receipt = await client.post("/report", data=form)
    assert receipt.status_code == 200, receipt.text
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    assert case.category == "lighting"


async def test_corruption_report_is_anonymous_and_goes_to_the_cell(
    client: httpx.AsyncClient, state: HubState
) -> None:
    form = await open_report(client) | {
        "corruption": "yes",
        "name": "Sami",
        "text": "Un agent demande de l'argent pour délivrer un extrait de naissance",
    }
    receipt = await client.post("/report", data=form)
    assert receipt.status_code == 200, receipt.text
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    assert case.kind == "corruption_report" and case.anonymous
    assert "Sami" not in receipt.text


async def test_same_form_sent_twice_makes_one_case_and_says_the_pin_was_given(
    client: httpx.AsyncClient, state: HubState
) -> None:
    form = await open_report(client)
    first = await client.post("/report", data=form)
    again = await client.post("/report", data=form)
    assert first.status_code == again.status_code == 200
    assert output(again.text, "reference") == output(first.text, "reference")
    assert output(first.text, "pin").isdigit()
    assert output(again.text, "pin") == "—"
    assert "The PIN was shown when the form was first sent" in again.text
    assert await count_cases(state) == 1


async def test_filled_trap_field_stores_nothing(client: httpx.AsyncClient, state: HubState) -> None:
    form = await open_report(client) | {"website": "http://spam.example"}
    refused = await client.post("/report", data=form)
    assert refused.status_code == 400
    assert "fill in only the visible fields" in refused.text
    assert await count_cases(state) == 0


async def test_post_without_the_form_token_of_the_session_is_refused(
    client: httpx.AsyncClient, browser: BrowserFactory, state: HubState
) -> None:
    form = await open_report(client)
    other = await browser()
    refused = await other.post("/report", data=form)
    assert refused.status_code == 403
    assert await count_cases(state) == 0


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("phone", "12", "This phone number is not valid."),
        ("email", "not-an-address", "This e-mail address is not valid."),
        ("text", "   ", "Describe the problem (at most 5000 characters)."),
        ("text", "x" * 5001, "Describe the problem (at most 5000 characters)."),
        ("category", "spaceships", "Choose a category from the list."),
        ("governorate", "Atlantis", "Choose a governorate from the list."),
    ],
)
async def test_invalid_fields_come_back_with_the_reason(
    client: httpx.AsyncClient, state: HubState, field: str, value: str, reason: str
) -> None:
    form = await open_report(client) | {"name": "Hédi <b>T</b>", field: value}
    refused = await client.post("/report", data=form)
    assert refused.status_code == 422
    assert reason in refused.text
    assert "Hédi &lt;b&gt;T&lt;/b&gt;" in refused.text
    assert hidden(refused.text, "form_token") == form["form_token"]
    assert await count_cases(state) == 0


async def test_tunisian_number_without_prefix_is_accepted(
    client: httpx.AsyncClient, state: HubState
) -> None:
    form = await open_report(client) | {"phone": "22 333 444"}
    assert (await client.post("/report", data=form)).status_code == 200
    assert await count_cases(state) == 1


async def test_files_are_checked_by_content_and_size(
    client: httpx.AsyncClient, state: HubState
) -> None:
    form = await open_report(client)
    fake = [("attachments", ("photo.jpg", b"just text, not a photo", "image/jpeg"))]
    refused = await client.post("/report", data=form, files=fake)
    assert refused.status_code == 415
    assert "The file photo.jpg is not a photo or a PDF." in refused.text
    assert WATER.replace("'", "&#39;") in refused.text
    big = [("attachments", ("big.png", png_bytes() + b"\0" * MAX_ATTACHMENT_BYTES, "image/png"))]
    refused = await client.post("/report", data=form, files=big)
    assert refused.status_code == 413 and "is too large" in refused.text
    assert await count_cases(state) == 0


async def test_reports_from_one_address_are_limited(
    client: httpx.AsyncClient, state: HubState
) -> None:
    limit = state.settings.report_rate_limit_per_hour
    for _ in range(limit):
        form = await open_report(client)
        assert (await client.post("/report", data=form)).status_code == 200
    form = await open_report(client)
    limited = await client.post("/report", data=form)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    assert "Too many reports were sent from this connection" in limited.text
    assert WATER.replace("'", "&#39;") in limited.text  # what the citizen wrote is kept
    assert await count_cases(state) == limit


async def test_counter_form_has_the_triage_hint_too(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(client, "clerk")
    page = await client.get("/counter?lang=ar")
    assert 'data-triage data-text="text" data-select="category"' in page.text
    assert "اعتمد هذا" in page.text


async def test_reasons_are_in_the_page_language(client: httpx.AsyncClient) -> None:
    form = await open_report(client, "ar")
    refused = await client.post("/report?lang=ar", data=form | {"phone": "12"})
    assert refused.status_code == 422
    assert "رقم الهاتف غير صالح" in refused.text
