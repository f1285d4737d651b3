"""Ready answers to citizens, in the three languages staff write in."""

from __future__ import annotations

from hub.i18n import N_

# Shown to staff in the page language; the text goes to the citizen in theirs.
TEMPLATE_NAMES = {
    "received": N_("We are looking into it"),
    "need_place": N_("Ask for the exact place"),
    "need_document": N_("Ask for a document"),
    "scheduled": N_("Work is scheduled"),
    "fixed": N_("The problem is fixed"),
    "not_ours": N_("Not our responsibility"),
}

REPLY_TEMPLATES: dict[str, dict[str, str]] = {
    "received": {
        "ar": "شكرا على رسالتك. تم تسجيل شكايتك وهي قيد المعالجة لدى مصالحنا، وسنعلمك بكل جديد.",
        "fr": "Merci pour votre message. Votre demande est enregistrée et nos services la traitent ; nous vous tiendrons informé.",
        "en": "Thank you for your message. Your case is recorded and our services are working on it; we will keep you informed.",
    },
    "need_place": {
        "ar": "لمعالجة شكايتك نحتاج إلى العنوان الدقيق (النهج، الرقم أو معلم قريب). الرجاء الرد على هذه الرسالة.",
        "fr": "Pour traiter votre demande, il nous faut l'adresse exacte (rue, numéro ou un repère proche). Merci de répondre à ce message.",
        "en": "To handle your case we need the exact place (street, number or a landmark nearby). Please reply to this message.",
    },
    "need_document": {
        "ar": "لمواصلة معالجة طلبك، الرجاء إرسال نسخة من الوثيقة المعنية (صورة واضحة تكفي) ردا على هذه الرسالة.",
        "fr": "Pour poursuivre, merci d'envoyer une copie du document concerné (une photo lisible suffit) en réponse à ce message.",
        "en": "To go on, please send a copy of the document concerned (a clear photo is enough) in reply to this message.",
    },
    "scheduled": {
        "ar": "تمت برمجة التدخل من قبل المصلحة المختصة. سنعلمك عند إنجازه.",
        "fr": "L'intervention est programmée par le service compétent. Nous vous informerons lorsqu'elle sera faite.",
        "en": "The work is scheduled by the service in charge. We will tell you when it is done.",
    },
    "fixed": {
        "ar": "تم إصلاح المشكل. إن لم يكن الأمر كذلك، رد على هذه الرسالة بعبارة «لم يحل» وسنعيد فتح الملف.",
        "fr": "Le problème est réglé. Si ce n'est pas le cas, répondez « pas résolu » à ce message et nous rouvrirons le dossier.",
        "en": 'The problem is fixed. If it is not, reply "not solved" to this message and we will reopen the case.',
    },
    "not_ours": {
        "ar": "هذا الموضوع ليس من مشمولات مصالحنا، وقد أحلنا ملفك إلى الجهة المختصة التي ستتصل بك.",
        "fr": "Ce sujet ne relève pas de nos services ; nous avons transmis votre dossier au service compétent, qui vous répondra.",
        "en": "This is not within our services' remit; we have passed your case to the service in charge, which will answer you.",
    },
}

WRITTEN_LANGUAGES = ("ar", "fr", "en")


def written_language(case_language: str | None) -> str:
    """Derja in Arabic script reads Arabic; Derja in Latin script is usually written with French."""
    if case_language in ("ar", "aeb"):
        return "ar"
    if case_language in ("fr", "aeb-latn"):
        return "fr"
    return "en" if case_language == "en" else "ar"


def template_text(code: str | None, language: str | None) -> str:
    texts = REPLY_TEMPLATES.get(code or "")
    if texts is None:
        return ""
    return texts.get(language or "", texts[written_language(language)])
