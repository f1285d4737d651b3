"""Dashboard and statistics at scale: the staff pages and the public figures over 1,000,000 cases.

    python bench/dashboard.py [--cases 1000000] [--keep] [--runs 50] [--cold-runs 5] [--explain]

Needs PostgreSQL (HUB_BENCH_DATABASE_URL, default postgresql://root@127.0.0.1:5432/test). It
makes a scratch database (hub_bench_dashboard) with the real Alembic migrations and the default
structures, loads the cases in bulk (--keep reuses a database already loaded with as many
cases, after migrating it to the newest revision), serves the real app (create_app) with
uvicorn in a subprocess, signs staff in through /login and times, over HTTP:

- an officer's queue (kef-municipality, the biggest structure): GET /dashboard
- the supervisor's queue of overdue and escalated cases: GET /dashboard
- a full-text search as an officer and as an investigator: GET /dashboard?q=…&status=all
- the statistics: GET /api/v1/stats (and /stats when the page exists), cold (first request
  after the figures were forgotten) and warm (from the kept figures).

Prints p50/p95/max per page; exits 1 when a target is missed: p95 under 150 ms for the
pages, under 500 ms for the statistics. --explain prints the query plans (EXPLAIN ANALYZE)
of the exact statements the pages run.

The data: 24 months of cases, ~10% open, spread over the 10 pilot structures and the 15
categories by the default routing (a fifth of roads to equipment-kef); statuses, deadlines,
answers and resolutions consistent with each other; overdue cases and escalations to the
central bureau; corruption reports sealed, some hidden from the structure they name; one
message per case in Arabic, Derja (both scripts), French or English naming a place of the
governorate (place names follow a Zipf law, so a rare one is a realistic search).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from report import Figure, emit

ADMIN_URL = os.environ.get("HUB_BENCH_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")
DATABASE = "hub_bench_dashboard"
SECRET = "bench-dashboard-" + "x" * 40
PASSWORD = "bench password 0123"
PAGE_TARGET_MS = 150.0
STATS_TARGET_MS = 500.0
# A place named in a few thousand messages (Latin script): what an officer would look up.
SEARCH_WORD = "Touiref"
MONTHS = 24
TABLES = ("cases", "messages", "case_events")

USERS = {  # role: (e-mail, structure, page language)
    "officer": ("bench-officer@bench.kef.tn", "kef-municipality", "ar"),
    "supervisor": ("bench-supervisor@bench.kef.tn", None, "fr"),
    "investigator": ("bench-investigator@bench.kef.tn", "anti-corruption-cell", "en"),
}

# ------------------------------------------------------------------ the data

# Share (out of 100) of each category among incoming cases.
CATEGORY_WEIGHTS = {
    "water": 14, "electricity": 8, "sanitation": 6, "waste": 13, "roads": 12, "lighting": 8,
    "urban_planning": 4, "civil_status": 5, "health": 5, "education": 4, "transport": 4,
    "public_hygiene": 5, "corruption": 3, "access_to_information": 3, "other": 6,
}  # fmt: skip
LANGUAGE_WEIGHTS = {"ar": 7, "aeb": 4, "aeb-latn": 3, "fr": 5, "en": 1}  # out of 20
CHANNEL_WEIGHTS = {
    "sms": 7,
    "web": 4,
    "telegram": 3,
    "email": 2,
    "counter": 2,
    "phone": 1,
    "open311": 1,
}
OPEN_WEIGHTS = {"received": 1, "routed": 4, "assigned": 5, "in_progress": 6, "awaiting_citizen": 2,
                "transferred": 1, "reopened": 1}  # fmt: skip
CLOSED_WEIGHTS = {"closed": 14, "resolved": 3, "rejected": 2, "duplicate": 1}

PLACES = [  # (Latin, Arabic), most talked about first
    ("Hay Ennour", "حي النور"), ("Cité Ezzouhour", "حي الزهور"), ("Bab Souk", "باب السوق"),
    ("Sidi Mansour", "سيدي منصور"), ("Dyr El Kef", "الدير"), ("Cité Erriadh", "حي الرياض"),
    ("Hay Ettadhamen", "حي التضامن"), ("Kasbah", "القصبة"), ("Cité Essaada", "حي السعادة"),
    ("Hay El Khadhra", "حي الخضراء"), ("Sakiet Sidi Youssef", "ساقية سيدي يوسف"),
    ("Tajerouine", "تاجروين"), ("Dahmani", "الدهماني"), ("Nebeur", "نبر"), ("Jerissa", "الجريصة"),
    ("Kalaat Senan", "قلعة سنان"), ("Sers", "السرس"), ("Kalaat Khasba", "القلعة الخصبة"),
    ("Menzel Salem", "منزل سالم"), ("Borj El Ifa", "برج العيفة"), ("Oued Souani", "وادي السواني"),
    ("Cité Ibn Khaldoun", "حي ابن خلدون"), ("Cité Hached", "حي حشاد"), ("Bahra", "البحرة"),
    ("El Ksour", "القصور"), ("Mellègue", "ملاق"), ("Ain Karma", "عين الكرمة"),
    ("Cité Bourguiba", "حي بورقيبة"), ("Sidi Bou Makhlouf", "سيدي بومخلوف"),
    ("Cité Ennasr", "حي النصر"), ("Zouarine", "الزوارين"), ("Bir Ben Cherifa", "بئر بن شريفة"),
    ("Ain Mnekh", "عين منخ"), ("Jazza", "الجزة"), ("Touiref", "الطويرف"), ("Lorbeus", "لربص"),
    ("Sidi Khiar", "سيدي خيار"), ("Garn Halfaya", "قرن الحلفاية"), ("Ain Sfa", "عين الصفا"),
    ("Cité El Amel", "حي الأمل"), ("Cité Ettaamir", "حي التعمير"), ("Bouhlel", "بوهلال"),
    ("Ouljet Essedra", "ولجة السدرة"), ("Mzita", "المزيتة"), ("Oum Laabid", "أم العبيد"),
    ("Ain El Hamra", "عين الحمراء"), ("El Mahjouba", "المحجوبة"), ("Sidi Ahmed Essalah", "سيدي أحمد الصالح"),
    ("Bou Jabeur", "بوجابر"), ("Hmam Mellègue", "حمام ملاق"), ("Errmila", "الرميلة"),
    ("El Gouraa", "القرعة"), ("Oued Sarrath", "وادي سراط"), ("Ain Tamra", "عين تمرة"),
    ("Dyr Ouled Yahia", "دير أولاد يحيى"), ("Ras El Oued", "راس الواد"),
    ("Cité El Malja", "حي الملجأ"), ("Zaafrane", "الزعفران"), ("Gaafour Souk", "سوق قعفور"),
    ("Fej Ettameur", "فج التمر"),
]  # fmt: skip

TEXTS = {  # category: {language: text}; {place} and {n} are filled per case
    "water": {
        "ar": "انقطاع الماء الصالح للشرب منذ {n} أيام في {place}، نطلب التدخل العاجل من الصوناد.",
        "aeb": "الماء مقصوص علينا {n} أيام في {place}، ما ثماش حتى حل والصوناد ما جاوبتش.",
        "aeb-latn": "el ma ma3adech ja {n} ayem fi {place}, 7atta 7al mel sonede, ya3tikom essa7a.",
        "fr": "Pas d'eau potable depuis {n} jours à {place}, les robinets sont à sec. Merci d'intervenir.",
        "en": "No drinking water for {n} days in {place}; the taps are dry. Please send someone.",
    },
    "electricity": {
        "ar": "انقطاع متكرر للتيار الكهربائي في {place} منذ {n} أيام وتلف الأجهزة المنزلية.",
        "aeb": "الضو يتقص كل ليلة في {place}، {n} أيام هكا والستاغ ما جاتش.",
        "aeb-latn": "edhaw yetga9 kol lila fi {place}, {n} ayem w steg ma jetech.",
        "fr": "Coupures d'électricité répétées à {place} depuis {n} jours, des appareils ont grillé.",
        "en": "Repeated power cuts in {place} for {n} days; household appliances were damaged.",
    },
    "sanitation": {
        "ar": "تسرب مياه الصرف الصحي في الشارع الرئيسي ب{place} منذ {n} أيام والروائح كريهة.",
        "aeb": "الواد الحار فايض في {place} من {n} أيام والريحة ما تتحملش.",
        "aeb-latn": "el oued el 7ar fayedh fi {place} men {n} ayem, ri7a ma tet7amelch.",
        "fr": "Égout bouché et eaux usées qui débordent à {place} depuis {n} jours, odeurs insupportables.",
        "en": "Sewage overflowing in the main street of {place} for {n} days; the smell is unbearable.",
    },
    "waste": {
        "ar": "تراكم الفضلات المنزلية في {place} وعدم مرور شاحنة البلدية منذ {n} أيام.",
        "aeb": "الزبلة متكدسة في {place} والكميون ما تعداش {n} أيام.",
        "aeb-latn": "ezzebla mkadsa fi {place}, el camion ma t3adech {n} ayem.",
        "fr": "Les ordures ne sont plus ramassées à {place} depuis {n} jours, les bacs débordent.",
        "en": "Rubbish has not been collected in {place} for {n} days and the bins are overflowing.",
    },
    "roads": {
        "ar": "حفرة كبيرة في الطريق ب{place} تسببت في {n} حوادث، نطلب إصلاحها.",
        "aeb": "ثمة حفرة كبيرة في الثنية متاع {place}، {n} كراهب طاحو فيها.",
        "aeb-latn": "famma 7ofra kbira fi thniya mta3 {place}, {n} karhbet ta7ou fiha.",
        "fr": "Nid-de-poule dangereux sur la route de {place}, {n} voitures endommagées cette semaine.",
        "en": "A dangerous pothole on the road to {place}; {n} cars damaged this week.",
    },
    "lighting": {
        "ar": "الإنارة العمومية معطلة في {place} منذ {n} أيام والشارع مظلم.",
        "aeb": "الضو متاع الشارع طافي في {place} من {n} أيام، الدنيا ظلام.",
        "aeb-latn": "dhaw echera3 tafi fi {place} men {n} ayem, denya dhlem.",
        "fr": "L'éclairage public est en panne à {place} depuis {n} jours, le lampadaire est cassé.",
        "en": "Street lights have been out in {place} for {n} days; the street is completely dark.",
    },
    "urban_planning": {
        "ar": "بناء فوضوي بدون رخصة في {place} يسد الطريق منذ {n} أسابيع.",
        "aeb": "واحد يبني بلاش رخصة في {place} وسكّر الثنية.",
        "aeb-latn": "wa7ed yebni bla rokhsa fi {place} w sakker ethniya.",
        "fr": "Construction sans permis à {place} qui empiète sur le trottoir.",
        "en": "An unlicensed building in {place} is blocking the pavement.",
    },
    "civil_status": {
        "ar": "طلبت مضمون ولادة من بلدية الكاف منذ {n} أيام ولم أتحصل عليه، أسكن في {place}.",
        "aeb": "طلبت مضمون من البلدية {n} أيام ولتوّا ما خذيتوش، نسكن في {place}.",
        "aeb-latn": "tlabt madhmoun mel baladiya {n} ayem w lel tawa ma khdhitouch, nskon fi {place}.",
        "fr": "J'attends un extrait de naissance depuis {n} jours au guichet de l'état civil ({place}).",
        "en": "I have waited {n} days for a birth certificate from the civil registry ({place}).",
    },
    "health": {
        "ar": "نقص الأدوية في المستوصف ب{place} والطبيب غائب منذ {n} أيام.",
        "aeb": "الدوا ما فماش في السبيطار متاع {place} والطبيب ما جاش {n} أيام.",
        "aeb-latn": "dwa mafamech fel sbitar mta3 {place} w tbib ma jech {n} ayem.",
        "fr": "Manque de médicaments au dispensaire de {place}, le médecin est absent depuis {n} jours.",
        "en": "The clinic in {place} has no medicines and the doctor has been absent for {n} days.",
    },
    "education": {
        "ar": "المدرسة الابتدائية ب{place} بدون تدفئة والأقسام مكتظة.",
        "aeb": "المكتب في {place} ما فيهوش شوفاج والصغار يبردو.",
        "aeb-latn": "el maktab fi {place} ma fih chauffage w esghar yebrdou.",
        "fr": "L'école primaire de {place} n'a pas de chauffage et les classes sont surchargées.",
        "en": "The primary school in {place} has no heating and classes are overcrowded.",
    },
    "transport": {
        "ar": "الحافلة التي تربط {place} بالكاف لم تمر منذ {n} أيام.",
        "aeb": "الكار متاع {place} ما تعداش {n} أيام والتلامذة يمشيو على ساقيهم.",
        "aeb-latn": "el car mta3 {place} ma t3adech {n} ayem w tlemdha yemchiw 3la sa9ihom.",
        "fr": "Le bus de la SRT pour {place} ne passe plus depuis {n} jours.",
        "en": "The SRT bus to {place} has not run for {n} days.",
    },
    "public_hygiene": {
        "ar": "انتشار الناموس والكلاب السائبة في {place}.",
        "aeb": "الناموس والكلاب السايبة عمّرو {place}.",
        "aeb-latn": "ennamous w el klab essayba 3ammrou {place}.",
        "fr": "Moustiques et chiens errants partout à {place}, il faut une campagne de désinfection.",
        "en": "Mosquitoes and stray dogs everywhere in {place}; a disinfection campaign is needed.",
    },
    "corruption": {
        "ar": "موظف طلب مني رشوة {n}0 دينار مقابل تسريع ملفي في {place}.",
        "aeb": "طلبو مني {n}0 دينارات رشوة باش يمشيولي الملف في {place}.",
        "aeb-latn": "tlabli rachwa {n}0 dinar bech ymachili el dossier fi {place}.",
        "fr": "Un agent m'a demandé un pot-de-vin de {n}0 dinars pour accélérer mon dossier à {place}.",
        "en": "An official asked me for a bribe of {n}0 dinars to speed up my file in {place}.",
    },
    "access_to_information": {
        "ar": "أطلب في إطار القانون 22 لسنة 2016 نسخة من ميزانية البلدية وصفقات التهيئة في {place}.",
        "aeb": "نحب نسخة من الميزانية متاع البلدية والصفقات في {place}، حسب القانون 22.",
        "aeb-latn": "n7eb nos5a mel mizaniya mta3 el baladiya w sfa9at {place}, 9anoun 22.",
        "fr": "Demande d'accès à l'information (loi 22 de 2016) : budget municipal et marchés pour {place}.",
        "en": "Access to information request (Law 22 of 2016): the municipal budget and contracts for {place}.",
    },
    "other": {
        "ar": "أريد الاستفسار عن ملفي لدى الإدارة، أسكن في {place}.",
        "aeb": "عندي مشكلة مع الإدارة في {place} وما عرفتش لمين نمشي.",
        "aeb-latn": "3andi mochkla m3a el idara fi {place} w ma 3raftech lemin nemchi.",
        "fr": "Je ne sais pas à quel service m'adresser pour un problème à {place}.",
        "en": "I do not know which office handles my problem in {place}.",
    },
}


def u(salt: int, key: str = "g") -> str:
    """A uniform number in [0, 1), fixed for (row, salt): the load is reproducible."""
    return f"((hashint8extended({key}, {salt}) & 2147483647)::float8 / 2147483648.0)"


def pick(weights: dict[str, int], salt: int) -> str:
    """SQL choosing a code with the given weights."""
    codes = [code for code, weight in weights.items() for _ in range(weight)]
    array = ", ".join(f"'{code}'" for code in codes)
    return f"(ARRAY[{array}])[1 + floor({u(salt)} * {len(codes)})::int]"


def reference(key: str) -> str:
    """KEF-XXXX-XXXX from a bijection of the id on 40 bits (Crockford's base32)."""
    x = f"(({key} * 2654435761 + 1013904223) & 1099511627775)"
    chars = [
        f"substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (({x} >> {shift}) & 31)::int + 1, 1)"
        for shift in range(35, -1, -5)
    ]
    return "'KEF-' || " + " || ".join(chars[:4]) + " || '-' || " + " || ".join(chars[4:])


def body(key: str, latin: str, arabic: str) -> str:
    """The citizen's words: a text of the case's category and language, a place, a number.

    `latin` and `arabic` are the parameters holding the place names; the place is drawn
    with a Zipf law (the k-th most talked-about place about 1/k as often as the first).
    """
    place = f"least({len(PLACES)}, floor(exp({u(16, key)} * ln({len(PLACES) + 1}))))::int"
    return f"""replace(replace(t.body, '{{place}}',
        CASE WHEN t.tlang IN ('ar', 'aeb') THEN ({arabic}::text[])[{place}]
            ELSE ({latin}::text[])[{place}] END), '{{n}}', (2 + floor({u(17, key)} * 12))::int::text)"""


def cases_sql(structures: dict[str, int]) -> str:
    by_category = " ".join(f"WHEN '{c.code}' THEN {structures[c.structure]}" for c in _categories())
    others = ", ".join(
        str(i) for code, i in sorted(structures.items()) if code != "anti-corruption-cell"
    )
    # $1, $2: the ids to make; $3: now; $4, $5: places; $6, $7, $8: texts; $9: total.
    now, total = "$3::timestamptz", "$9::float8"
    return f"""
INSERT INTO cases (id, reference, pin_hash, kind, category, language, status, channel,
    structure_id, anonymous, sealed, governorate, municipality, summary, supporters_count,
    received_at, updated_at, first_response_due_at, due_at, next_deadline_at, responded_at,
    resolved_at, closed_at, overdue, escalation_level, escalated_at, paused_at,
    triage_confidence, hidden_from, reminders_sent, last_event_seq, last_event_hash)
SELECT g, {reference("g")}, md5('pin' || g), kind, s.category, language, status, channel,
    CASE WHEN escalation_level > 0 THEN {structures["central-bureau"]} ELSE structure_id END,
    sealed AND {u(13)} < 0.5 OR {u(13)} < 0.08, sealed, 'Le Kef', 'El Kef',
    left({body("g", "$4", "$5")}, 200),
    CASE WHEN {u(11)} < 0.85 THEN 0 ELSE floor(1 + 60 * power({u(12)}, 3))::int END,
    received_at, coalesce(closed_at, resolved_at, responded_at, received_at),
    frd, due_at,
    CASE WHEN is_open THEN greatest(
        coalesce(CASE WHEN responded_at IS NULL THEN frd ELSE due_at END, {now})
            + CASE WHEN overdue THEN interval '10 days' ELSE interval '0' END,
        {now} + interval '1 hour' + {u(12)} * interval '5 days') END,
    responded_at, resolved_at, closed_at, overdue, escalation_level,
    CASE WHEN escalation_level > 0 THEN least(due_at + interval '10 days', {now}) END,
    CASE WHEN status = 'awaiting_citizen' THEN responded_at END,
    0.3 + 0.7 * {u(14)},
    CASE WHEN NOT sealed OR {u(11)} >= 0.6 THEN ''
        WHEN {u(11)} < 0.4 THEN '|{structures["kef-municipality"]}|'
        ELSE '|' || (ARRAY[{others}])[1 + floor({u(12)} * {len(structures) - 1})::int] || '|' END,
    0, events, md5(g || ':' || events)
FROM (
    SELECT s4.*,
        CASE WHEN sealed OR NOT overdue THEN 0
            WHEN is_open THEN (due_at < {now} - interval '10 days' AND status <> 'awaiting_citizen'
                               AND {u(10)} < 0.6)::int
            ELSE ({u(10)} < 0.08)::int END AS escalation_level,
        1 + (is_open AND {u(15)} < 0.05)::int AS events
    FROM (
        SELECT s3.*,
            CASE WHEN due_at IS NULL THEN false
                WHEN is_open THEN (responded_at IS NULL AND frd < {now}) OR due_at < {now}
                ELSE coalesce(responded_at > frd, true) OR coalesce(resolved_at > due_at, false)
            END AS overdue
        FROM (
            SELECT s2.g, s2.received_at, s2.category, s2.language, s2.channel, s2.is_open,
                s2.sealed, s2.kind, s2.structure_id, s2.status,
                CASE WHEN s2.status = 'received' THEN NULL ELSE s2.frd END AS frd,
                CASE WHEN s2.status = 'received' THEN NULL ELSE s2.due_at END AS due_at,
                CASE WHEN s2.is_open AND (s2.status IN ('received', 'routed')
                                          OR s2.status = 'assigned' AND {u(8)} < 0.5) THEN NULL
                    WHEN s2.is_open THEN s2.received_at + ({now} - s2.received_at) * {u(9)} * 0.8
                    WHEN {u(8)} < 0.9 THEN s2.received_at + s2.span * power({u(9)}, 2)
                END AS responded_at,
                CASE WHEN s2.status IN ('resolved', 'closed') THEN s2.received_at + s2.span
                END AS resolved_at,
                CASE WHEN s2.status = 'closed'
                    THEN least(s2.received_at + s2.span + interval '15 days', {now}) END AS closed_at
            FROM (
                SELECT s1.*,
                    CASE WHEN is_open THEN {pick(OPEN_WEIGHTS, 7)}
                        ELSE {pick(CLOSED_WEIGHTS, 7)} END AS status,
                    category = 'corruption' AS sealed,
                    CASE category WHEN 'corruption' THEN 'corruption_report'
                        WHEN 'access_to_information' THEN 'information_request'
                        ELSE 'complaint' END AS kind,
                    CASE WHEN category = 'roads' AND {u(5)} < 0.2 THEN {structures["equipment-kef"]}
                        ELSE CASE category {by_category} END END AS structure_id,
                    received_at + CASE WHEN category = 'corruption' THEN interval '7 days'
                        ELSE interval '5 days' END AS frd,
                    received_at + CASE category WHEN 'corruption' THEN interval '90 days'
                        WHEN 'access_to_information' THEN interval '28 days'
                        ELSE interval '30 days' END AS due_at,
                    least(interval '1 day' * (0.5 + 70 * power({u(6)}, 1.5)),
                          ({now} - received_at) * 0.95) AS span
                FROM (
                    SELECT g, {now} - interval '{MONTHS * 365 // 12} days' * (1 - (g - 0.5) / {total})
                            AS received_at,
                        {pick(CATEGORY_WEIGHTS, 1)} AS category,
                        {pick(LANGUAGE_WEIGHTS, 2)} AS language,
                        {pick(CHANNEL_WEIGHTS, 3)} AS channel,
                        {u(4)} < CASE WHEN (1 - (g - 0.5) / {total}) * {MONTHS * 365 // 12} < 40 THEN 0.95
                            WHEN (1 - (g - 0.5) / {total}) * {MONTHS * 365 // 12} < 120 THEN 0.30
                            ELSE 0.018 END AS is_open
                    FROM generate_series($1::bigint, $2::bigint) AS g
                ) s1
            ) s2
        ) s3
    ) s4
) s
JOIN unnest($6::text[], $7::text[], $8::text[]) AS t(tcat, tlang, body)
    ON t.tcat = s.category AND t.tlang = s.language
"""


# $1, $2: the cases; $3, $4: places; $5, $6, $7: texts.
MESSAGES_SQL = f"""
INSERT INTO messages (case_id, direction, channel, body, language, for_citizen, created_at)
SELECT c.id, 'inbound', c.channel, {body("c.id::bigint", "$3", "$4")}, c.language, false,
    c.received_at
FROM cases c
JOIN unnest($5::text[], $6::text[], $7::text[]) AS t(tcat, tlang, body)
    ON t.tcat = c.category AND t.tlang = c.language
WHERE c.id BETWEEN $1 AND $2
"""

EVENTS_SQL = f"""
INSERT INTO case_events (case_id, seq, kind, actor, data, created_at, prev_hash, hash)
SELECT id, 1, 'received', 'channel:' || channel, '{{}}', received_at, '', md5(id || ':1')
FROM cases WHERE id BETWEEN $1 AND $2
UNION ALL
SELECT id, 2, 'likely_duplicates', 'system',
    json_build_object('references', json_build_array(
        {reference("(id - 1)")}, {reference("(id - 3)")}))::text,
    received_at, md5(id || ':1'), md5(id || ':2')
FROM cases WHERE id BETWEEN $1 AND $2 AND last_event_seq = 2
"""


def _categories() -> Any:
    from workflows.taxonomy import CATEGORIES

    return CATEGORIES


def url_for(name: str) -> str:
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def raw(url: str) -> str:
    return url.replace("postgresql://", "postgres://")


async def recreate(name: str) -> None:
    conn = await asyncpg.connect(raw(ADMIN_URL))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()


async def loaded_cases(name: str) -> int | None:
    """How many cases a previous run loaded into this database (None: not a finished load)."""
    conn = await asyncpg.connect(raw(ADMIN_URL))
    try:
        comment = await conn.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name
        )
    finally:
        await conn.close()
    if not comment or not comment.startswith("{"):
        return None
    return int(json.loads(comment)["cases"])


async def load(name: str, total: int, jobs: int) -> float:
    """Migrate, seed and bulk-load; returns the seconds the load took."""
    from hub.migrate import upgrade

    await recreate(name)
    url = url_for(name)
    await asyncio.to_thread(upgrade, url)
    await seed(url)
    started = time.perf_counter()
    conn = await asyncpg.connect(raw(url))
    structures = dict(await conn.fetch("SELECT code, id FROM structures"))
    # Secondary indexes and unique constraints are rebuilt once after the load, exactly as
    # the migrations made them: far faster than keeping them up to date row by row.
    indexes = await conn.fetch(
        """SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS sql
           FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
           WHERE t.relname = ANY($1::text[]) AND NOT i.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        list(TABLES),
    )
    constraints = await conn.fetch(
        """SELECT conrelid::regclass::text AS tab, conname AS name,
                  pg_get_constraintdef(oid) AS sql
           FROM pg_constraint WHERE contype = 'u' AND conrelid::regclass::text = ANY($1::text[])""",
        list(TABLES),
    )
    for index in indexes:
        await conn.execute(f"DROP INDEX {index['name']}")
    for constraint in constraints:
        await conn.execute(f"ALTER TABLE {constraint['tab']} DROP CONSTRAINT {constraint['name']}")
    now = await conn.fetchval("SELECT date_trunc('minute', now())")
    places = ([p[0] for p in PLACES], [p[1] for p in PLACES])
    texts = [(c, lang, text) for c, by_lang in TEXTS.items() for lang, text in by_lang.items()]
    texts_args = ([t[0] for t in texts], [t[1] for t in texts], [t[2] for t in texts])
    fill = cases_sql(structures)
    chunk = -(-total // jobs)
    ranges = [(lo, min(lo + chunk - 1, total)) for lo in range(1, total + 1, chunk)]

    async def part(lo: int, hi: int) -> None:
        worker = await asyncpg.connect(raw(url))
        # The generated rows are consistent by construction: skip per-row foreign key checks
        # (a superuser's privilege; without it the checks run and the load is slower).
        with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
            await worker.execute("SET session_replication_role = replica")
        await worker.execute(fill, lo, hi, now, *places, *texts_args, float(total))
        await worker.execute(MESSAGES_SQL, lo, hi, *places, *texts_args)
        await worker.execute(EVENTS_SQL, lo, hi)
        await worker.close()

    await asyncio.gather(*(part(lo, hi) for lo, hi in ranges))
    inserted = time.perf_counter() - started
    print(f"  inserted {total:,} cases, messages and events in {inserted:.1f} s")
    await conn.execute(
        "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"
    )
    statements = [i["sql"] for i in indexes] + [
        f"ALTER TABLE {c['tab']} ADD CONSTRAINT {c['name']} {c['sql']}" for c in constraints
    ]
    await run_spread(url, statements, jobs)
    print(
        f"  rebuilt {len(statements)} indexes in {time.perf_counter() - started - inserted:.1f} s"
    )
    for table in TABLES:
        await conn.execute(f"VACUUM (ANALYZE) {table}")
    await conn.close()
    took = time.perf_counter() - started
    await mark_loaded(name, total, took)
    return took


async def run_spread(url: str, statements: list[str], jobs: int) -> None:
    """Run statements over `jobs` connections, longest (GIN, text) first."""
    queue = sorted(statements, key=lambda s: ("gin" not in s.lower(), "messages" not in s))

    async def worker() -> None:
        conn = await asyncpg.connect(raw(url))
        await conn.execute("SET maintenance_work_mem = '256MB'")
        while queue:
            await conn.execute(queue.pop(0))
        await conn.close()

    await asyncio.gather(*(worker() for _ in range(jobs)))


async def mark_loaded(name: str, total: int, seconds: float) -> None:
    conn = await asyncpg.connect(raw(ADMIN_URL))
    note = json.dumps({"cases": total, "load_seconds": round(seconds, 1),
                       "loaded_at": datetime.now(UTC).isoformat(timespec="seconds")})  # fmt: skip
    await conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{note}'")
    await conn.close()


def state_for(url: str) -> Any:
    from hub.settings import Settings
    from hub.state import HubState

    settings = Settings(
        secret_key=SECRET,  # type: ignore[arg-type]
        database_url=url,
        data_dir=Path(tempfile.mkdtemp(prefix="hub-bench-")),
    )
    return HubState.build(settings)


async def seed(url: str) -> None:
    from hub.seed import ensure_defaults

    state = state_for(url)
    async with state.sessions() as session:
        await ensure_defaults(session)
    await state.engine.dispose()


async def ensure_users(url: str) -> None:
    from sqlmodel import col, select

    from hub.models import User
    from hub.users import create_user

    state = state_for(url)
    async with state.sessions() as session:
        for role, (email, structure, language) in USERS.items():
            if await session.scalar(select(col(User.id)).where(col(User.email) == email)) is None:
                await create_user(session, email, PASSWORD, role, structure, language=language)
    await state.engine.dispose()


async def describe(url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(raw(url))
    facts = dict(
        await conn.fetchrow(
            """SELECT count(*) AS cases,
                count(*) FILTER (WHERE status = ANY($1::text[])) AS open,
                count(*) FILTER (WHERE sealed) AS sealed,
                count(*) FILTER (WHERE overdue AND status = ANY($1::text[])) AS open_overdue,
                count(*) FILTER (WHERE escalation_level > 0 AND status = ANY($1::text[]))
                    AS open_escalated,
                count(*) FILTER (WHERE structure_id = (SELECT id FROM structures
                    WHERE code = 'kef-municipality') AND status = ANY($1::text[]))
                    AS officer_open,
                min(received_at) AS first, max(received_at) AS last
               FROM cases""",
            sorted(_open_statuses()),
        )
    )
    facts["matches"] = await conn.fetchval(
        "SELECT count(*) FROM messages "
        "WHERE to_tsvector('simple', body) @@ plainto_tsquery('simple', $1)",
        SEARCH_WORD,
    )
    facts["size"] = await conn.fetchval(
        "SELECT pg_size_pretty(pg_database_size(current_database()))"
    )
    facts["tables"] = [
        (r["name"], r["size"])
        for r in await conn.fetch(
            """SELECT c.relname AS name, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
               FROM pg_class c WHERE c.relname = ANY($1::text[])""",
            list(TABLES),
        )
    ]
    await conn.close()
    return facts


def _open_statuses() -> frozenset[str]:
    from workflows.lifecycle import OPEN_STATUSES

    return OPEN_STATUSES


# ------------------------------------------------------------------ the served app


def serve(url: str, port: int) -> None:
    """The real app, as `hub serve` builds it, on its own process (run by --serve)."""
    import uvicorn
    from fastapi import FastAPI

    from hub.app import create_app
    from hub.settings import Settings
    from hub.stats.service import expire, forget

    settings = Settings(
        secret_key=SECRET,  # type: ignore[arg-type]
        database_url=url,
        data_dir=Path(tempfile.mkdtemp(prefix="hub-bench-")),
        public_url=f"http://127.0.0.1:{port}",
    )
    app: FastAPI = create_app(settings)

    class Idle:
        """No deadline tick or outbox sweep while measuring: the data set must not move."""

        async def outbox_ready(self, item_ids: Any) -> None: ...
        async def start(self) -> None: ...
        async def stop(self) -> None: ...

    app.state.hub.jobs = Idle()

    async def forget_statistics() -> dict[str, bool]:  # the bench's own hook: a cold cache
        forget()
        return {"forgotten": True}

    async def expire_statistics() -> dict[str, bool]:  # as if the kept figures had aged out
        expire()
        return {"expired": True}

    app.add_api_route("/__bench/forget-statistics", forget_statistics, methods=["GET"])
    app.add_api_route("/__bench/expire-statistics", expire_statistics, methods=["GET"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(url: str) -> Iterator[Hub]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port)],
        cwd=Path(__file__).resolve().parent.parent,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise SystemExit("the hub did not start")
            time.sleep(0.1)
        else:
            raise SystemExit("the hub did not answer /healthz")
        yield Hub(base, process.pid, url)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def signed_in(base: str, role: str) -> httpx.Client:
    email = USERS[role][0]
    client = httpx.Client(base_url=base, timeout=60)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]*)"', form.text)
    assert token, "no CSRF token on /login"
    answer = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303, (answer.status_code, answer.text[:300])
    return client


# ------------------------------------------------------------------ measuring


@dataclass
class Result:
    page: str
    who: str
    timings: list[float]
    target: float | None  # None: a figure to read, not a target
    note: str = ""
    cpu_ms: float = 0.0  # CPU of the hub and its database connections, per request

    @property
    def p50(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        if len(self.timings) < 2:
            return self.timings[0]
        return statistics.quantiles(self.timings, n=100, method="inclusive")[94]

    @property
    def passed(self) -> bool:
        return self.target is None or self.p95 < self.target


def timed(request: Callable[[], httpx.Response], check: Callable[[httpx.Response], None]) -> float:
    started = time.perf_counter()
    response = request()
    elapsed = (time.perf_counter() - started) * 1000
    check(response)
    return elapsed


def rows_of(page: str) -> list[str]:
    return re.findall(r'<tr data-reference="([^"]+)"', page)


def page_check(least_rows: int) -> Callable[[httpx.Response], None]:
    def check(response: httpx.Response) -> None:
        assert response.status_code == 200, (response.status_code, response.text[:300])
        found = len(rows_of(response.text))
        assert found >= least_rows, f"{response.url}: {found} rows, expected {least_rows}+"

    return check


def ok(response: httpx.Response) -> None:
    assert response.status_code == 200, (response.status_code, response.text[:300])


def cpu_seconds(pids: set[int]) -> float:
    """User and system CPU time so far of these processes (Linux; 0 elsewhere)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


async def _backends(url: str) -> set[int]:
    conn = await asyncpg.connect(raw(url))
    pids = await conn.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )
    await conn.close()
    return {row["pid"] for row in pids}


@dataclass
class Hub:
    """The served app: its address, its process and the database's processes serving it."""

    base: str
    pid: int
    url: str

    def processes(self) -> set[int]:
        return {self.pid} | asyncio.run(_backends(self.url))


def scenario(
    hub: Hub,
    label: str,
    who: str,
    requests: list[Callable[[], float]],
    target: float | None,
    note: str,
) -> Result:
    """Time the requests; CPU is the hub's and its database connections' over all of them."""
    processes = hub.processes()
    cpu = cpu_seconds(processes)
    timings = [request() for request in requests]
    processes |= hub.processes()
    used = (cpu_seconds(processes) - cpu) * 1000 / len(requests)
    return Result(label, who, timings, target, note, used)


def measure(hub: Hub, runs: int, warmup: int, cold_runs: int) -> list[Result]:
    clients = {role: signed_in(hub.base, role) for role in USERS}
    search = f"/dashboard?q={SEARCH_WORD}&status=all"
    pages = [
        ("officer's queue  GET /dashboard", "officer", "/dashboard", 50),
        ("supervisor's queue (overdue, escalated)  GET /dashboard", "supervisor", "/dashboard", 50),
        ("investigator's queue  GET /dashboard", "investigator", "/dashboard", 50),
        (f"full-text search  GET {search}", "officer", search, 1),
        (f"full-text search  GET {search}", "investigator", search, 1),
    ]
    results = []
    for label, role, path, least in pages:
        client = clients[role]
        request = partial(timed, partial(client.get, path), page_check(least))
        for _ in range(warmup):
            request()
        found = len(rows_of(client.get(path).text))
        note = f"{found} rows on the page"
        results.append(scenario(hub, label, role, [request] * runs, PAGE_TARGET_MS, note))

    public = httpx.Client(base_url=hub.base, timeout=120)
    stats_pages = [("statistics  GET /api/v1/stats", "/api/v1/stats")]
    if public.get("/stats").status_code == 200:
        stats_pages.append(("statistics page  GET /stats", "/stats"))

    def after(hook: str, path: str) -> float:
        ok(public.get(f"/__bench/{hook}-statistics"))
        return timed(partial(public.get, path), ok)

    for label, path in stats_pages:
        note = "no figures kept (a process's first request): it waits for the computation"
        coldly = [partial(after, "forget", path)] * cold_runs
        results.append(scenario(hub, f"{label} — first after start", "anyone", coldly, None, note))
        note = "kept figures expired: served at once while one recomputation runs beside"
        expired = [partial(after, "expire", path)] * runs
        results.append(
            scenario(hub, f"{label} — expired", "anyone", expired, STATS_TARGET_MS, note)
        )
        request = partial(timed, partial(public.get, path), ok)
        for _ in range(warmup):
            request()
        warm = [request] * runs
        results.append(scenario(hub, f"{label} — warm", "anyone", warm, STATS_TARGET_MS, "kept"))
    figures = public.get("/api/v1/stats").json()
    age = datetime.now(UTC) - datetime.fromisoformat(figures["generated_at"])
    results[-1].note += (
        f"; figures of {figures['generated_at']} ({age.total_seconds():.0f} s old), "
        f"fresh_for_seconds={figures['fresh_for_seconds']}"
    )
    for client in (*clients.values(), public):
        client.close()
    return results


def table(results: list[Result]) -> str:
    lines = [
        "| page | as | n | p50 ms | p95 ms | max ms | CPU ms/req | target p95 | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.page} | {r.who} | {len(r.timings)} | {r.p50:.1f} | {r.p95:.1f} | "
            f"{max(r.timings):.1f} | {r.cpu_ms:.0f} | "
            + (f"< {r.target:.0f} ms | {'PASS' if r.passed else 'FAIL'} |" if r.target else "— | |")
        )
    notes = [f"- {r.page} ({r.who}): {r.note}" for r in results if r.note]
    return "\n".join(lines + ["", *notes])


# ------------------------------------------------------------------ query plans


async def explain(url: str) -> None:
    """EXPLAIN ANALYZE of the statements the pages run, captured from the app's own code."""
    from sqlalchemy import event
    from sqlmodel import col, select

    from hub.cases import repository as cases_repo
    from hub.cases.schemas import QueueFilters
    from hub.models import User
    from hub.stats import repository as stats_repo

    state = state_for(url)
    captured: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    conn = await asyncpg.connect(raw(url))
    scenarios = [
        ("officer's queue", "officer", QueueFilters()),
        ("supervisor's queue", "supervisor", QueueFilters()),
        ("investigator's queue", "investigator", QueueFilters()),
        ("search (officer)", "officer", QueueFilters(q=SEARCH_WORD, status="all")),
        ("search (investigator)", "investigator", QueueFilters(q=SEARCH_WORD, status="all")),
    ]
    async with state.sessions() as session:
        users = {
            role: (await session.scalars(select(User).where(col(User.email) == email))).one()
            for role, (email, _, _) in USERS.items()
        }
        event.listen(state.engine.sync_engine, "before_cursor_execute", grab)
        for label, role, filters in scenarios:
            captured.clear()
            page = await cases_repo.queue(session, users[role], filters)
            ids = [case.id for case, _ in page.rows if case.id is not None]
            await cases_repo.duplicate_hints(session, users[role], ids)
            await print_plans(conn, label, captured)
        captured.clear()
        await stats_repo.grouped(session)
        await stats_repo.corruption_totals(session)
        await print_plans(conn, "statistics", captured)
        event.remove(state.engine.sync_engine, "before_cursor_execute", grab)
    await conn.close()
    await state.engine.dispose()


async def print_plans(
    conn: asyncpg.Connection, label: str, captured: list[tuple[str, Any]]
) -> None:
    """Run the statements as the app did (settings included), explaining the queries."""
    async with conn.transaction():
        for number, (statement, parameters) in enumerate(captured, start=1):
            if not statement.lstrip().upper().startswith("SELECT"):
                await conn.execute(statement, *(parameters or ()))
                continue
            plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", *(parameters or ()))
            print(f"\n--- {label}, statement {number}: {' '.join(statement.split())[:160]}…")
            print("\n".join(row[0] for row in plan))


# ------------------------------------------------------------------ main


async def prepare(total: int, keep: bool, jobs: int) -> str:
    from hub.migrate import upgrade

    url = url_for(DATABASE)
    if keep and await loaded_cases(DATABASE) == total:
        started = time.perf_counter()
        await asyncio.to_thread(upgrade, url)
        conn = await asyncpg.connect(raw(url))
        for table in TABLES:  # statistics and visibility for indexes a migration just made
            await conn.execute(f"VACUUM (ANALYZE) {table}")
        await conn.close()
        print(f"reusing {DATABASE} ({total:,} cases); migrated to head and vacuumed in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    else:
        print(f"loading {total:,} cases into {DATABASE} …")
        took = await load(DATABASE, total, jobs)
        print(f"  loaded in {took:.1f} s (migrations, seed, insert, indexes, vacuum analyze)")
    await ensure_users(url)
    return url


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse a database loaded with --cases")
    parser.add_argument("--runs", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=5, help="cold statistics requests")
    parser.add_argument("--jobs", type=int, default=2, help="connections used for loading")
    parser.add_argument("--explain", action="store_true", help="print the query plans too")
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    url = asyncio.run(prepare(args.cases, args.keep, args.jobs))
    facts = asyncio.run(describe(url))
    print(
        f"data: {facts['cases']:,} cases ({facts['open']:,} open, {facts['sealed']:,} sealed; "
        f"open: {facts['open_overdue']:,} overdue, {facts['open_escalated']:,} escalated; "
        f"kef-municipality open: {facts['officer_open']:,}), received "
        f"{facts['first']:%Y-%m-%d} … {facts['last']:%Y-%m-%d}; "
        f"'{SEARCH_WORD}' in {facts['matches']:,} messages"
    )
    print(f"database size: {facts['size']} (" +
          ", ".join(f"{n} {s}" for n, s in facts["tables"]) + ")")  # fmt: skip
    if args.explain:
        asyncio.run(explain(url))
    load_before = os.getloadavg()
    with served(url) as hub:
        results = measure(hub, args.runs, args.warmup, args.cold_runs)
    load_after = os.getloadavg()
    from hub.stats.service import CACHE_SECONDS

    print()
    print(table(results))
    print(
        "\nCPU ms/req: the hub process and its PostgreSQL connections together, what a request "
        "costs on an idle machine; the timings are wall clock."
    )
    print(f"load average (1, 5, 15 min) before: {_load(load_before)}; after: {_load(load_after)} "
          f"on {os.cpu_count()} cores")  # fmt: skip
    print(f"\nstatistics are kept {CACHE_SECONDS:.0f} s per API process, then recomputed in the "
          f"background while still served (never past {2 * CACHE_SECONDS:.0f} s); every answer "
          "carries generated_at.")  # fmt: skip
    emit("dashboard", [
        Figure(f"{r.page} ({r.who}) p95", r.p95, "ms",
               f"< {r.target:.0f} ms" if r.target else "", r.passed if r.target else None)
        for r in results
    ])  # fmt: skip
    failed = [r for r in results if not r.passed]
    print("ALL TARGETS MET" if not failed else f"{len(failed)} TARGET(S) MISSED")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
