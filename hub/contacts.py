"""Normalising citizens' contact details before they are hashed or encrypted."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "TN"  # a Tunisian number may be written without +216


class InvalidContact(ValueError):
    pass


def parse_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of a phone number, or InvalidContact with the reason."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidContact(f"{raw!r} is not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact(
            f"{raw!r} is not a valid phone number (a Tunisian number has 8 digits, "
            "other countries need their + prefix)"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return parse_phone(raw)
    except InvalidContact:
        return raw.strip()  # a provider's sender id (short code, alphanumeric) stays as given


def normalise_email(raw: str | None) -> str | None:
    if not raw:
        return None
    local, _, domain = raw.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else raw.strip().lower()
