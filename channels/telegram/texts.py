"""What the bot itself says on Telegram: the welcome, the language buttons, short notes.

Notices about cases (acknowledgement, status, replies) are the hub's, in
hub/notices.py, and go through the outbox. These texts belong to the Telegram
conversation only, and the ones sent before a language is known are trilingual.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

LANGUAGE_CALLBACK = "lang:"

WELCOME = (
    "مرحبا بكم في منصة الشكايات والعرائض لولاية الكاف. اكتبوا شكايتكم في رسالة، "
    "أو أرسلوا صورة أو موقعكم.\n\n"
    "Bienvenue sur la plateforme des plaintes et pétitions du Kef. Écrivez votre demande "
    "dans un message, ou envoyez une photo ou votre position.\n\n"
    "Welcome to the El Kef complaints and petitions hub. Write your complaint in a message, "
    "or send a photo or your location.\n\n"
    "/status · /new · /anonymous · /help\n\n"
    "اختاروا اللغة · Choisissez votre langue · Choose your language:"
)

# Derja in Arabic script reads the Arabic texts, so the Derja button means Latin script.
LANGUAGE_BUTTONS = (
    ("العربية", "ar"),
    ("Derja / دارجة", "aeb-latn"),
    ("Français", "fr"),
    ("English", "en"),
)

LANGUAGE_CHOSEN = {
    "ar": "تم اختيار العربية. اكتبوا شكايتكم في رسالة.",
    "aeb-latn": "Behi, nahkiw bel derja. Ekteb chkeytek f message.",
    "fr": "Langue : français. Écrivez votre demande dans un message.",
    "en": "Language: English. Write your complaint in a message.",
}

FILE_TOO_LARGE = (
    "الملف أكبر من الحد المسموح ({mb} م.ب) ولم يرفق.\n"
    "Fichier trop volumineux (max {mb} Mo) : non joint.\n"
    "File too large (max {mb} MB): not attached."
)

NOT_READABLE = (
    "نقبل النصوص والصور وملفات PDF والمواقع فقط.\n"
    "Seuls le texte, les photos, les PDF et les positions sont acceptés.\n"
    "Only text, photos, PDF files and locations are accepted."
)


def language_keyboard() -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label, callback_data=LANGUAGE_CALLBACK + code)
        for label, code in LANGUAGE_BUTTONS
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def file_too_large(max_bytes: int) -> str:
    return FILE_TOO_LARGE.format(mb=max(max_bytes // (1024 * 1024), 1))
