"""The counter desk: record once, print a receipt, refuse bad input with the reason."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select

from hub.models import Attachment, Case
from hub.state import HubState
from tests.factories import png_bytes
from tests.web.conftest import MAX_ATTACHMENT_BYTES, SignIn, count_cases, hidden, output

ARABIC_COMPLAINT = "الإنارة العمومية معطبة في نهج الجمهورية منذ أسبوع"


async def open_counter(
    client: httpx.AsyncClient, sign_in: SignIn, language: str = "en"
) -> dict[str, str]:
    """Sign in a clerk and return the fields of a freshly drawn counter form."""
    await sign_in(client, "clerk")
    page = await client.get(f"/counter?lang={language}")
    assert page.status_code == 200
    return {
        "csrf_token": hidden(page.text, "csrf_token"),
        "form_token": hidden(page.text, "form_token"),
        "channel": "counter",
        "category": "lighting",
        "governorate": "Le Kef",
        "municipality": "El Kef",
        "text": ARABIC_COMPLAINT,
    }


async def test_recording_a_walk_in_prints_reference_and_pin(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    form = await open_counter(client, sign_in, "fr")
    form |= {"name": "Amel Ben Salah", "phone": "98 123 456"}
    receipt = await client.post(
        "/counter", data=form, files=[("attachments", ("photo.png", png_bytes(), "image/png"))]
    )
    assert receipt.status_code == 200, receipt.text
    reference, pin = output(receipt.text, "reference"), output(receipt.text, "pin")
    assert reference.startswith("KEF-") and len(pin) == 6 and pin.isdigit()
    assert "Éclairage public" in receipt.text and "Municipalité du Kef" in receipt.text
    assert f"STATUS {reference}" in receipt.text and f"/status {reference}" in receipt.text
    assert "http://testserver/track" in receipt.text
    assert "data-print" in receipt.text
    tracked = await client.get(f"/api/v1/track/{reference}", params={"pin": pin})
    assert tracked.status_code == 200 and tracked.json()["category"] == "lighting"
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
        files = (await session.scalars(select(Attachment))).all()
    assert case.channel == "counter" and case.governorate == "Le Kef"
    assert [(f.filename, f.content_type) for f in files] == [("photo.png", "image/png")]


async def test_phone_call_without_files_and_anonymous(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    form = await open_counter(client, sign_in) | {"channel": "phone", "anonymous": "yes"}
    # A browser sends an empty, nameless part when no file was chosen.
    receipt = await client.post(
        "/counter", data=form, files=[("attachments", ("", b"", "application/octet-stream"))]
    )
    assert receipt.status_code == 200, receipt.text
    assert "Phone call" in receipt.text
    async with state.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    assert case.channel == "phone" and case.anonymous


async def test_same_form_sent_twice_makes_one_case_and_a_new_pin(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    form = await open_counter(client, sign_in)
    first = await client.post("/counter", data=form)
    again = await client.post("/counter", data=form)
    assert first.status_code == again.status_code == 200
    reference = output(first.text, "reference")
    assert output(again.text, "reference") == reference
    old_pin, new_pin = output(first.text, "pin"), output(again.text, "pin")
    assert "already been recorded" in again.text
    assert await count_cases(state) == 1
    assert (
        await client.get(f"/api/v1/track/{reference}", params={"pin": new_pin})
    ).status_code == 200
    if old_pin != new_pin:  # one chance in a million that the new PIN is the same
        assert (
            await client.get(f"/api/v1/track/{reference}", params={"pin": old_pin})
        ).status_code == 404


async def test_two_clicks_at_once_make_one_case(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    form = await open_counter(client, sign_in)
    first, second = await asyncio.gather(
        client.post("/counter", data=form), client.post("/counter", data=form)
    )
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert output(first.text, "reference") == output(second.text, "reference")
    assert await count_cases(state) == 1


async def test_changed_form_sent_with_an_old_token_is_not_mixed_up(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    form = await open_counter(client, sign_in)
    assert (await client.post("/counter", data=form)).status_code == 200
    changed = await client.post("/counter", data=form | {"text": "another problem entirely"})
    assert changed.status_code == 409
    assert "already recorded with other details" in changed.text
    assert hidden(changed.text, "form_token") != form["form_token"]
    assert "another problem entirely" in changed.text
    assert await count_cases(state) == 1


async def test_a_text_file_named_like_a_photo_is_refused(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    form = await open_counter(client, sign_in)
    refused = await client.post(
        "/counter",
        data=form,
        files=[("attachments", ("photo.jpg", b"just some text, not a photo", "image/jpeg"))],
    )
    assert refused.status_code == 415
    assert "The file photo.jpg is not a photo or a PDF." in refused.text
    assert ARABIC_COMPLAINT in refused.text  # the clerk's typing is kept
    assert hidden(refused.text, "form_token") == form["form_token"]
    assert await count_cases(state) == 0


async def test_an_over_size_photo_is_refused(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    form = await open_counter(client, sign_in)
    big = png_bytes() + b"\0" * MAX_ATTACHMENT_BYTES
    refused = await client.post(
        "/counter", data=form, files=[("attachments", ("big.png", big, "image/png"))]
    )
    assert refused.status_code == 413
    assert "The file big.png is too large" in refused.text
    assert await count_cases(state) == 0


async def test_too_many_files_are_refused(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState
) -> None:
    form = await open_counter(client, sign_in)
    photos = [("attachments", (f"p{i}.png", png_bytes(), "image/png")) for i in range(6)]
    refused = await client.post("/counter", data=form, files=photos)
    assert refused.status_code == 422
    assert "At most 5 files can be attached." in refused.text
    assert await count_cases(state) == 0


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("phone", "12", "This phone number is not valid."),
        ("email", "not-an-address", "This e-mail address is not valid."),
        ("text", "   ", "Write down what the person reports (at most 5000 characters)."),
        ("category", "spaceships", "Choose a category from the list."),
    ],
)
async def test_invalid_fields_come_back_with_the_reason(
    client: httpx.AsyncClient, sign_in: SignIn, state: HubState, field: str, value: str, reason: str
) -> None:
    form = await open_counter(client, sign_in) | {"name": "Hédi <b>Trabelsi</b>", field: value}
    refused = await client.post("/counter", data=form)
    assert refused.status_code == 422
    assert reason in refused.text
    assert "Hédi &lt;b&gt;Trabelsi&lt;/b&gt;" in refused.text
    assert await count_cases(state) == 0


async def test_reason_is_given_in_the_page_language(
    client: httpx.AsyncClient, sign_in: SignIn
) -> None:
    form = await open_counter(client, sign_in, "ar")
    refused = await client.post("/counter", data=form | {"phone": "12"})
    assert refused.status_code == 422
    assert "رقم الهاتف غير صالح" in refused.text
