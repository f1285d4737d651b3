"""Demo data: one user per role and about fifty cases over every channel and status."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.audit import append_event
from hub.intake.service import IntakeContext, accept
from hub.models import Case, Direction, Message, User, utcnow
from hub.petition import Channel, KindHint, Location, Petition
from hub.users import create_user
from workflows import lifecycle


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    structure: str | None


DEMO_LOGINS = (
    DemoLogin("administrator", "admin@demo.kef.tn", "demo-admin-2026", None),
    DemoLogin("supervisor", "supervisor@demo.kef.tn", "demo-supervisor-2026", "central-bureau"),
    DemoLogin("officer", "officer@demo.kef.tn", "demo-officer-2026", "kef-municipality"),
    DemoLogin(
        "investigator", "investigator@demo.kef.tn", "demo-investigator-2026", "anti-corruption-cell"
    ),
    DemoLogin("clerk", "clerk@demo.kef.tn", "demo-clerk-2026", "kef-municipality"),
    DemoLogin("monitor", "monitor@demo.kef.tn", "demo-monitor-2026", None),
)

# (language, category, kind hint, text)
SAMPLES = (
    ("ar", "water", None, "انقطاع الماء في حي الدير منذ ثلاثة أيام دون أي إعلام"),
    ("aeb", "waste", None, "الزبلة متكدسة قدام الدار في نهج بورقيبة والريحة ما تتحملش"),
    ("aeb-latn", "lighting", None, "dhaw mta3 el kayes tafi fi 7ay ennour men jem3a"),
    ("fr", "roads", None, "Nid de poule dangereux avenue Habib Bourguiba près du lycée"),
    ("en", "electricity", None, "Power cuts every evening in Cité Ezzouhour since last week"),
    ("ar", "sanitation", None, "تسرب مياه الصرف الصحي في الشارع الرئيسي قرب المدرسة"),
    ("fr", "health", None, "Pas de médecin de garde au dispensaire le week-end"),
    ("ar", "education", None, "سقف القسم في المدرسة الابتدائية متصدع ويشكل خطرا على التلاميذ"),
    ("fr", "transport", None, "Le bus de la ligne 12 ne passe plus le matin depuis un mois"),
    ("aeb", "civil_status", None, "طلبت مضمون ولادة من جمعة وما زال ما خرجش"),
    (
        "ar",
        "access_to_information",
        KindHint.information_request,
        "أطلب الاطلاع على ميزانية البلدية لسنة 2025 طبقا للقانون عدد 22 لسنة 2016",
    ),
    (
        "fr",
        "corruption",
        KindHint.corruption_report,
        "Un agent a demandé de l'argent pour accélérer mon permis de bâtir",
    ),
    (
        "aeb-latn",
        "corruption",
        KindHint.corruption_report,
        "el 3on tleb menni flous bech ykhalasli el wraq mta3 el ardh",
    ),
    ("en", "public_hygiene", None, "Stray dogs and open garbage near the central market"),
    ("fr", "urban_planning", None, "Construction sans permis sur un terrain vert à Sidi Mansour"),
    ("en", "other", None, "I want to suggest a weekly open day at the municipality"),
)

CHANNELS = (
    Channel.sms,
    Channel.telegram,
    Channel.email,
    Channel.web,
    Channel.counter,
    Channel.phone,
    Channel.letter,
)

# How each demo case ends up, in order: (status, the events that get it there).
STORY = {
    lifecycle.ROUTED: [],
    lifecycle.ASSIGNED: [lifecycle.ASSIGNED],
    lifecycle.IN_PROGRESS: [lifecycle.ASSIGNED, lifecycle.IN_PROGRESS],
    lifecycle.AWAITING_CITIZEN: [
        lifecycle.ASSIGNED,
        lifecycle.IN_PROGRESS,
        lifecycle.AWAITING_CITIZEN,
    ],
    lifecycle.RESOLVED: [lifecycle.ASSIGNED, lifecycle.IN_PROGRESS, lifecycle.RESOLVED],
    lifecycle.CLOSED: [
        lifecycle.ASSIGNED,
        lifecycle.IN_PROGRESS,
        lifecycle.RESOLVED,
        lifecycle.CLOSED,
    ],
    lifecycle.REJECTED: [lifecycle.REJECTED],
    lifecycle.DUPLICATE: [lifecycle.DUPLICATE],
    lifecycle.TRANSFERRED: [lifecycle.TRANSFERRED],
    lifecycle.REOPENED: [lifecycle.ASSIGNED, lifecycle.RESOLVED, lifecycle.REOPENED],
}

REPLIES = {
    lifecycle.AWAITING_CITIZEN: (
        "Merci. Pouvez-vous préciser l'adresse exacte ? / يرجى تحديد العنوان بدقة"
    ),
    lifecycle.RESOLVED: "Le problème a été traité par nos équipes. / تمت معالجة المشكل",
    lifecycle.REJECTED: "Cette demande ne relève pas de nos compétences. / هذا الطلب خارج اختصاصنا",
}


async def has_demo_data(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(User)))


async def create_demo_users(session: AsyncSession) -> None:
    for login in DEMO_LOGINS:
        await create_user(
            session,
            login.email,
            login.password,
            login.role,
            login.structure,
            full_name=f"Demo {login.role}",
            language="fr",
        )


def _sender(channel: Channel, n: int) -> tuple[str | None, str | None]:
    """(sender on the channel, phone for walk-ins) for demo citizen n."""
    if channel == Channel.sms:
        return f"+2169{n:07d}", None
    if channel == Channel.telegram:
        return str(700000000 + n), None
    if channel == Channel.email:
        return f"citizen{n}@example.tn", None
    if channel in (Channel.counter, Channel.phone):
        return None, f"+2162{n:07d}"
    return None, None


async def create_demo_cases(session: AsyncSession, ctx: IntakeContext, count: int = 56) -> None:
    rng = random.Random(2026)
    clerk = (await session.scalars(select(User).where(col(User.role) == "clerk"))).first()
    statuses = list(STORY)
    now = utcnow()
    for n in range(count):
        language, category, hint, text = SAMPLES[n % len(SAMPLES)]
        channel = CHANNELS[n % len(CHANNELS)]
        sender, phone = _sender(channel, n)
        counter = channel in (Channel.counter, Channel.phone, Channel.letter)
        petition = Petition(
            channel=channel,
            external_id=f"demo-{n}",
            text=text,
            sender=sender,
            phone=phone,
            language=language,
            kind_hint=hint,
            category_hint=category,
            anonymous=hint == KindHint.corruption_report and n % 2 == 0,
            location=Location("Le Kef", "El Kef"),
            received_at=now - timedelta(days=rng.randint(0, 75), hours=rng.randint(0, 8)),
        )
        clerk_id = clerk.id if counter and clerk else None
        result = await accept(
            session,
            petition,
            IntakeContext(
                ctx.vault, ctx.reference_prefix, ctx.attachments_dir, "citizen", clerk_id
            ),
        )
        await _play_story(session, result.case, statuses[n % len(statuses)])
    await session.commit()


async def _play_story(session: AsyncSession, case: Case, final: str) -> None:
    assert case.id is not None
    at = case.received_at
    for status in STORY[final]:
        at += timedelta(days=1)
        previous, case.status = case.status, status
        append_event(session, case, "status_changed", "demo", {"from": previous, "to": status})
        if status in REPLIES:
            session.add(
                Message(
                    case_id=case.id,
                    direction=Direction.outbound.value,
                    channel=case.channel,
                    body=REPLIES[status],
                    for_citizen=True,
                    delivery_state="delivered",
                    created_at=at,
                )
            )
            case.responded_at = case.responded_at or at
        if status == lifecycle.RESOLVED:
            case.resolved_at = at
        if status in (lifecycle.CLOSED, lifecycle.REJECTED, lifecycle.DUPLICATE):
            case.closed_at = at
            case.next_deadline_at = None
    session.add(case)
    await session.flush()
