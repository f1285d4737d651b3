"""What the hub tells a citizen on their channel, in their language.

Short enough for SMS. Derja in Arabic script reads the Arabic texts; Derja in
Latin script reads its own.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("ar", "aeb-latn", "fr", "en")

TEMPLATES: dict[str, dict[str, str]] = {
    "acknowledgement": {
        "ar": "تم تسجيل شكايتك تحت المرجع {reference}. الرمز السري: {pin}. للمتابعة أرسل حالة {reference} أو زر {url}/track",
        "aeb-latn": "Chkeytek tsajlet: {reference}. Code: {pin}. Bech ttaba3: ab3ath 7ala {reference} walla {url}/track",
        "fr": "Votre demande est enregistrée : {reference}. Code PIN : {pin}. Suivi : envoyez ETAT {reference} ou {url}/track",
        "en": "Your report is registered: {reference}. PIN: {pin}. To follow it, send STATUS {reference} or visit {url}/track",
    },
    "status": {
        "ar": "{reference}: {status_label}. الجهة: {structure}. الأجل: {due}",
        "aeb-latn": "{reference}: {status_label}. El jiha: {structure}. El ajal: {due}",
        "fr": "{reference} : {status_label}. Service : {structure}. Échéance : {due}",
        "en": "{reference}: {status_label}. Handled by: {structure}. Due: {due}",
    },
    "not_found": {
        "ar": "لا توجد شكاية بهذا المرجع لهذا الرقم. أرسل: حالة المرجع الرمز_السري",
        "aeb-latn": "Ma famech chkeya b hal reference. Ab3ath: 7ala REFERENCE CODE",
        "fr": "Aucune demande ne correspond. Envoyez : ETAT <référence> <PIN>",
        "en": "No case matches. Send: STATUS <reference> <PIN>",
    },
    "help": {
        "ar": "أرسل شكايتك في رسالة. حالة <المرجع> للمتابعة، جديد <النص> لشكاية جديدة، فساد <النص> للتبليغ دون هوية، ادعم <المرجع> لمساندة شكاية، STOP للإيقاف",
        "aeb-latn": "Ab3ath chkeytek f message. 7ala <ref> bech ttaba3, JDID <text> chkeya jdida, FASAD <text> bla esm, NAD3EM <ref> bech tsanned, STOP bech t7abes",
        "fr": "Écrivez votre demande. ETAT <réf> pour le suivi, NOUVEAU <texte> pour une nouvelle demande, CORRUPTION <texte> pour signaler anonymement, SOUTIEN <réf> pour soutenir, STOP pour arrêter",
        "en": "Text your complaint. STATUS <ref> for news, NEW <text> for a new case, CORRUPTION <text> to report anonymously, SUPPORT <ref> to co-sign, STOP to stop messages",
    },
    "started": {
        "ar": "تم تفعيل الرسائل من جديد.",
        "aeb-latn": "El messaget rej3ou.",
        "fr": "Les messages sont réactivés.",
        "en": "Messages are on again.",
    },
    "supported": {
        "ar": "شكرا، أنت الآن من مساندي {reference} ({count} مساند).",
        "aeb-latn": "Ya3tik essa7a, wallit tsanned {reference} ({count}).",
        "fr": "Merci, vous soutenez {reference} ({count} soutiens).",
        "en": "Thank you, you now support {reference} ({count} supporters).",
    },
    "reply": {
        "ar": "{reference}: {text}",
        "aeb-latn": "{reference}: {text}",
        "fr": "{reference} : {text}",
        "en": "{reference}: {text}",
    },
    "information_request": {
        "ar": "{reference}: {text} (أجب على هذه الرسالة)",
        "aeb-latn": "{reference}: {text} (jaweb 3la hal message)",
        "fr": "{reference} : {text} (répondez à ce message)",
        "en": "{reference}: {text} (reply to this message)",
    },
    "status_changed": {
        "ar": "{reference}: {status_label}. {text}",
        "aeb-latn": "{reference}: {status_label}. {text}",
        "fr": "{reference} : {status_label}. {text}",
        "en": "{reference}: {status_label}. {text}",
    },
    # Staff notices (e-mail); Derja speakers on staff read Arabic.
    "staff_reminder": {
        "ar": "تذكير: {count} شكاية يقترب أجلها: {references}. {url}/dashboard",
        "aeb-latn": "Tadhkir: {count} chkeya ajalha 9rib: {references}. {url}/dashboard",
        "fr": "Rappel : {count} demande(s) arrivent à échéance : {references}. {url}/dashboard",
        "en": "Reminder: {count} case(s) nearing their deadline: {references}. {url}/dashboard",
    },
    "staff_overdue": {
        "ar": "تجاوز الأجل: {count} شكاية: {references}. {url}/dashboard",
        "aeb-latn": "Fet el ajal: {count} chkeya: {references}. {url}/dashboard",
        "fr": "En retard : {count} demande(s) : {references}. {url}/dashboard",
        "en": "Overdue: {count} case(s): {references}. {url}/dashboard",
    },
    "staff_escalated": {
        "ar": "تصعيد: {count} شكاية رفعت إلى المستوى الأعلى: {references}. {url}/dashboard",
        "aeb-latn": "Tas3id: {count} chkeya tla3et lel mostawa el a3la: {references}. {url}/dashboard",
        "fr": "Escalade : {count} demande(s) transmises au niveau supérieur : {references}. {url}/dashboard",
        "en": "Escalated: {count} case(s) moved up the hierarchy: {references}. {url}/dashboard",
    },
    "staff_identity_revealed": {
        "ar": "كشف هوية مبلغ: {reference} من قبل {who}. السبب: {reason}. {url}/dashboard",
        "aeb-latn": "Tkachfet hwiyet el mbalegh: {reference} men 3and {who}. Sbab: {reason}. {url}/dashboard",
        "fr": "Identité d'un lanceur d'alerte révélée : {reference} par {who}. Motif : {reason}. {url}/dashboard",
        "en": "Reporter identity revealed: {reference} by {who}. Reason: {reason}. {url}/dashboard",
    },
    "staff_petition": {
        "ar": "عريضة: {reference} بلغت {count} مساندا. {url}/dashboard",
        "aeb-latn": "3ari4a: {reference} wslet {count} msanned. {url}/dashboard",
        "fr": "Pétition : {reference} a atteint {count} soutiens. {url}/dashboard",
        "en": "Petition: {reference} has reached {count} supporters. {url}/dashboard",
    },
}

STATUS_LABELS: dict[str, dict[str, str]] = {
    "received": {"ar": "وصلت", "aeb-latn": "wslet", "fr": "reçue", "en": "received"},
    "routed": {
        "ar": "أحيلت إلى الجهة المعنية",
        "aeb-latn": "t7awlet lel jiha",
        "fr": "transmise au service",
        "en": "sent to the service",
    },
    "assigned": {
        "ar": "عهدت إلى عون",
        "aeb-latn": "3andha 3oun",
        "fr": "confiée à un agent",
        "en": "assigned to an officer",
    },
    "in_progress": {
        "ar": "قيد المعالجة",
        "aeb-latn": "9a3da tet3ala",
        "fr": "en cours de traitement",
        "en": "in progress",
    },
    "awaiting_citizen": {
        "ar": "في انتظار ردك",
        "aeb-latn": "nestanaw jwebek",
        "fr": "en attente de votre réponse",
        "en": "waiting for your answer",
    },
    "resolved": {"ar": "تمت معالجتها", "aeb-latn": "t7allet", "fr": "résolue", "en": "resolved"},
    "closed": {"ar": "أغلقت", "aeb-latn": "tsakret", "fr": "clôturée", "en": "closed"},
    "rejected": {"ar": "رفضت", "aeb-latn": "trefdhet", "fr": "rejetée", "en": "rejected"},
    "duplicate": {
        "ar": "ضمت إلى شكاية مماثلة",
        "aeb-latn": "tdamet m3a chkeya okhra",
        "fr": "fusionnée avec une demande identique",
        "en": "merged with the same report",
    },
    "transferred": {
        "ar": "أحيلت إلى جهة أخرى",
        "aeb-latn": "t7awlet l jiha okhra",
        "fr": "transférée à un autre service",
        "en": "transferred to another service",
    },
    "reopened": {
        "ar": "أعيد فتحها",
        "aeb-latn": "t7allet men jdid",
        "fr": "rouverte",
        "en": "reopened",
    },
}


def language_of(language: str | None) -> str:
    if language in ("ar", "aeb"):
        return "ar"
    if language in LANGUAGES:
        return str(language)
    return "ar"


def status_label(status: str, language: str | None) -> str:
    return STATUS_LABELS.get(status, {}).get(language_of(language), status)


def render(notice: str, language: str | None, params: dict[str, Any]) -> str:
    lang = language_of(language)
    values = dict(params)
    if "status" in values:
        values.setdefault("status_label", status_label(str(values["status"]), lang))
    values.setdefault("text", "")
    return TEMPLATES[notice][lang].format(**values).strip()
