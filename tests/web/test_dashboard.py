"""The dashboard and the case page, through the pages as staff use them (httpx, both databases)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from hub.i18n import Language
from hub.models import Case, CaseEvent, Message, OutboxItem, TriageCorrection, utcnow
from hub.state import HubState
from hub.web.dashboard import deadline_badge
from tests.factories import b64, case_body, png_bytes
from tests.web.conftest import BrowserFactory, SignIn, hidden

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
BRIBE = "Un agent de la SONEDE district du Kef demande une rachwa de 200 dinars pour le compteur"


def references(page: str) -> list[str]:
    return re.findall(r'<tr data-reference="([^"]+)"', page)


async def record(client: httpx.AsyncClient, headers: dict[str, str], **fields: object) -> str:
    created = await client.post("/api/v1/cases", json=case_body(**fields), headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["reference"])


@pytest.fixture
async def clerk_headers(staff) -> dict[str, str]:
    _, headers = await staff("clerk")
    return headers


async def post_form(
    client: httpx.AsyncClient, page_path: str, target: str, **fields: str
) -> httpx.Response:
    page = await client.get(page_path)
    assert page.status_code == 200, page.text
    return await client.post(target, data={"csrf_token": hidden(page.text, "csrf_token"), **fields})


async def test_officer_queue_filters_search_and_firewall(
    client: httpx.AsyncClient,
    browser: BrowserFactory,
    sign_in: SignIn,
    clerk_headers: dict[str, str],
) -> None:
    water = await record(client, clerk_headers, category="water", text="Fuite d'eau rue de Tunis")
    quiet = await record(client, clerk_headers, category="water", text="Compteur cassé cité Ennour")
    roads = await record(client, clerk_headers, category="roads")
    bribe = await record(client, clerk_headers, category="corruption", text=BRIBE)
    officer = await browser()
    await sign_in(officer, "officer", "sonede-kef")

    queue = await officer.get("/dashboard?lang=en")
    assert queue.status_code == 200
    assert set(references(queue.text)) == {water, quiet}
    assert "Cases of your structure" in queue.text and "Due in" in queue.text
    assert '<span class="channel-off">SMS off</span>' in queue.text  # no Twilio credentials here
    found = await officer.get("/dashboard", params={"q": "fuite"})
    assert references(found.text) == [water]
    assert references((await officer.get("/dashboard", params={"q": quiet})).text) == [quiet]
    # The bribe names the officer's own structure and says "compteur": search never finds it.
    assert references((await officer.get("/dashboard", params={"q": "compteur"})).text) == [quiet]
    assert references((await officer.get("/dashboard", params={"q": bribe})).text) == []
    assert (await officer.get(f"/dashboard/cases/{bribe}")).status_code == 404
    assert (await officer.get(f"/dashboard/cases/{roads}")).status_code == 404
    assert references((await officer.get("/dashboard?status=closed")).text) == []
    assert references((await officer.get("/dashboard?channel=sms")).text) == []
    assert set(references((await officer.get("/dashboard?channel=counter&sort=newest")).text)) == {
        water,
        quiet,
    }

    exported = await officer.get("/dashboard/export.csv", params={"q": "compteur"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert [row["reference"] for row in rows] == [quiet]
    full = (await officer.get("/dashboard/export.csv?status=all")).text
    assert bribe not in full and roads not in full
    assert "98123456" not in full and "Amel" not in full  # no reporter identity in any export


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "sort=sideways",
        "page=0",
        "received_from=2026-05-02&received_to=2026-05-01",
        "received_from=yesterday",
        "category=nope",
        "overdue=perhaps",
        "colour=red",
    ],
)
async def test_bad_filters_answer_400_with_the_reason(
    browser: BrowserFactory, sign_in: SignIn, query: str
) -> None:
    officer = await browser()
    await sign_in(officer, "officer", "sonede-kef", language="en")
    for path in ("/dashboard", "/dashboard/export.csv"):
        page = await officer.get(f"{path}?{query}")
        assert page.status_code == 400, (path, query)
        assert "These filters cannot be used" in page.text
        assert query.split("=")[0].split("&")[0] in page.text  # names the field


async def test_investigator_works_a_report_and_reveals_the_reporter(
    client: httpx.AsyncClient,
    browser: BrowserFactory,
    sign_in: SignIn,
    clerk_headers: dict[str, str],
    state: HubState,
) -> None:
    bribe = await record(client, clerk_headers, category="corruption", text=BRIBE)
    supervisor = await browser()
    await sign_in(supervisor, "supervisor")
    assert (await supervisor.get(f"/dashboard/cases/{bribe}")).status_code == 404
    investigator = await browser()
    await sign_in(investigator, "investigator", language="en")
    assert references((await investigator.get("/dashboard")).text) == [bribe]
    page_path = f"/dashboard/cases/{bribe}"
    page = await investigator.get(page_path)
    assert "Identity hidden" in page.text and "98 123 456" not in page.text
    assert "+21698123456" not in page.text and "Amel" not in page.text

    short = await post_form(investigator, page_path, f"{page_path}/reveal", reason="needed")
    assert short.status_code == 422 and "+21698123456" not in short.text
    reason = "Witness interview planned by the cell on file 2026/114"
    shown = await post_form(investigator, page_path, f"{page_path}/reveal", reason=reason)
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert "+21698123456" in shown.text and "Amel Ben Salah" in shown.text
    again = await investigator.get(page_path)
    assert "+21698123456" not in again.text  # shown once, for that request only
    async with state.sessions() as session:
        case = (await session.scalars(select(Case).where(Case.reference == bribe))).one()
        kinds = (
            await session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id))
        ).all()
        assert kinds.count("identity_revealed") == 1
        revealed = (
            await session.scalars(
                select(CaseEvent).where(
                    CaseEvent.case_id == case.id, CaseEvent.kind == "identity_revealed"
                )
            )
        ).one()
        assert reason in revealed.data
        told = (
            await session.scalars(
                select(OutboxItem).where(OutboxItem.purpose == "staff_identity_revealed")
            )
        ).all()
        assert len(told) == 1 and bribe in told[0].payload and reason in told[0].payload
        assert "+21698123456" not in told[0].payload


async def test_actions_reply_and_note_from_the_case_page(
    client: httpx.AsyncClient,
    browser: BrowserFactory,
    sign_in: SignIn,
    clerk_headers: dict[str, str],
    state: HubState,
) -> None:
    water = await record(client, clerk_headers, category="water", text=XSS)
    officer = await browser()
    await sign_in(officer, "officer", "sonede-kef", language="en")
    path = f"/dashboard/cases/{water}"
    page = await officer.get(path)
    assert XSS not in page.text and "&lt;script&gt;alert(" in page.text
    assert 'data-action="resolve"' in page.text and 'data-action="reopen"' not in page.text

    assert (await officer.post(f"{path}/act", data={"action": "start"})).status_code == 403
    started = await post_form(officer, path, f"{path}/act", action="start")
    assert started.status_code == 303 and started.headers["location"].endswith("done=start")
    no_reason = await post_form(officer, path, f"{path}/act", action="resolve")
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    illegal = await post_form(officer, path, f"{path}/act", action="close")
    assert illegal.status_code == 409 and "allowed now" in illegal.text

    templated = await officer.get(path, params={"template": "need_place", "reply_language": "fr"})
    assert "il nous faut l&#39;adresse exacte" in templated.text
    replied = await post_form(
        officer, path, f"{path}/reply", text="Merci, l'équipe passe demain matin."
    )
    assert replied.status_code == 303
    noted = await post_form(officer, path, f"{path}/note", text="Équipe B prévenue")
    assert noted.status_code == 303
    resolved = await post_form(
        officer, path, f"{path}/act", action="resolve", reason="Fuite réparée"
    )
    assert resolved.status_code == 303
    final = await officer.get(path)
    assert "Answer to the citizen" in final.text and "Internal note" in final.text
    assert "Merci, l&#39;équipe passe demain matin." in final.text
    async with state.sessions() as session:
        case = (await session.scalars(select(Case).where(Case.reference == water))).one()
        assert case.status == "resolved"
        outbound = (
            await session.scalars(
                select(Message).where(Message.case_id == case.id, Message.direction == "outbound")
            )
        ).all()
        assert [m.body for m in outbound] == ["Merci, l'équipe passe demain matin."]
        assert outbound[0].delivery_state in ("queued", "sent", "delivered")
        sms = (await session.scalars(select(OutboxItem).where(OutboxItem.channel == "sms"))).all()
        assert any("demain matin" in item.payload for item in sms)

    moved = await post_form(
        officer, path, f"{path}/act", action="reopen", reason="Le citoyen conteste"
    )
    assert moved.status_code == 303
    gone = await post_form(
        officer,
        path,
        f"{path}/act",
        action="transfer",
        structure="steg-kef",
        reason="Compteur électrique, pas d'eau",
    )
    assert gone.status_code == 200 and "has left your queue" in gone.text
    assert (await officer.get(path)).status_code == 404


async def test_clerk_triage_queue_and_monitor_sees_no_text(
    client: httpx.AsyncClient,
    browser: BrowserFactory,
    sign_in: SignIn,
    staff,
    state: HubState,
) -> None:
    _, headers = await staff("officer", "kef-municipality")
    unsure = await record(client, headers, category="other", text="Problème du côté du marché")
    sure = await record(client, headers, category="roads")
    clerk = await browser()
    await sign_in(clerk, "clerk", language="en")
    queue = await clerk.get("/dashboard")
    assert references(queue.text) == [unsure] and "Cases to triage" in queue.text
    path = f"/dashboard/cases/{unsure}"
    fixed = await post_form(clerk, path, f"{path}/act", action="reclassify", category="waste")
    assert fixed.status_code == 200 and "has left your queue" in fixed.text
    refused = await post_form(clerk, "/dashboard", f"/dashboard/cases/{sure}/reply", text="x")
    assert refused.status_code in (403, 404)
    async with state.sessions() as session:
        correction = (await session.scalars(select(TriageCorrection))).one()
        assert (correction.predicted, correction.corrected) == ("other", "waste")

    monitor = await browser()
    await sign_in(monitor, "monitor", language="en")
    queue = await monitor.get("/dashboard")
    assert set(references(queue.text)) == {unsure, sure}
    assert "marché" not in queue.text and "Nid de poule" not in queue.text
    case_page = await monitor.get(f"/dashboard/cases/{sure}")
    assert case_page.status_code == 200 and "Nid de poule" not in case_page.text
    assert "Case received" in case_page.text
    assert 'action="/dashboard/cases/' not in case_page.text  # a monitor gets no form
    exported = (await monitor.get("/dashboard/export.csv?status=all")).text
    assert "summary" not in exported.splitlines()[0] and "Nid de poule" not in exported
    assert references((await monitor.get("/dashboard", params={"q": "poule"})).text) == []


async def test_supervisor_sees_overdue_work_with_badges_and_hints(
    client: httpx.AsyncClient,
    browser: BrowserFactory,
    sign_in: SignIn,
    clerk_headers: dict[str, str],
    state: HubState,
) -> None:
    text = "Fuite d'eau importante devant la poste centrale depuis trois jours"
    first = await record(client, clerk_headers, category="water", text=text)
    second = await record(client, clerk_headers, category="water", text=text + " !")
    async with state.sessions() as session:
        past = utcnow() - timedelta(days=3)
        await session.execute(
            update(Case)
            .where(Case.reference == first)
            .values(overdue=True, first_response_due_at=past, supporters_count=7)
        )
        await session.commit()
    supervisor = await browser()
    await sign_in(supervisor, "supervisor", language="en")
    queue = await supervisor.get("/dashboard")
    assert references(queue.text) == [first]
    row = queue.text.split(f'data-reference="{first}"')[1].split("</tr>")[0]
    assert "Overdue by 3 days" in row and '<td class="number">7</td>' in row
    officer = await browser()
    await sign_in(officer, "officer", "sonede-kef", language="en")
    rows = (await officer.get("/dashboard?sort=supporters")).text
    assert references(rows) == [first, second]
    hinted = rows.split(f'data-reference="{second}"')[1].split("</tr>")[0]
    assert "Likely duplicate of" in hinted and first in hinted


async def test_attachment_is_served_safely_and_only_to_who_may_see_it(
    client: httpx.AsyncClient,
    browser: BrowserFactory,
    sign_in: SignIn,
    clerk_headers: dict[str, str],
    state: HubState,
) -> None:
    photo = png_bytes()
    water = await record(
        client,
        clerk_headers,
        category="water",
        attachments=[{"filename": "fuite.png", "content_base64": b64(photo)}],
    )
    officer = await browser()
    await sign_in(officer, "officer", "sonede-kef")
    page = await officer.get(f"/dashboard/cases/{water}")
    link = re.search(rf'href="(/dashboard/cases/{water}/attachments/\d+)"', page.text)
    assert link, "the photo is listed on the case page"
    served = await officer.get(link.group(1))
    assert served.status_code == 200 and served.content == photo
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    other = await browser()
    await sign_in(other, "officer", "steg-kef")
    assert (await other.get(link.group(1))).status_code == 404
    monitor = await browser()
    await sign_in(monitor, "monitor")
    assert (await monitor.get(link.group(1))).status_code == 404


def test_deadline_badge_words() -> None:
    now = utcnow()
    case = Case(
        reference="K",
        pin_hash="",
        kind="complaint",
        category="water",
        status="routed",
        channel="sms",
        first_response_due_at=now + timedelta(days=5),
    )
    english = Language("en")
    assert deadline_badge(case, now, english).tone == "due"  # type: ignore[union-attr]
    assert "5 days" in deadline_badge(case, now, english).text  # type: ignore[union-attr]
    case.first_response_due_at = now + timedelta(hours=20)
    assert deadline_badge(case, now, english).tone == "soon"  # type: ignore[union-attr]
    case.responded_at, case.due_at = now, now - timedelta(days=2)
    badge = deadline_badge(case, now, Language("fr"))
    assert badge is not None and badge.tone == "overdue" and "2\xa0jours" in badge.text
    case.paused_at = now
    assert deadline_badge(case, now, english).tone == "paused"  # type: ignore[union-attr]
    case.status = "resolved"
    assert deadline_badge(case, now, english) is None
