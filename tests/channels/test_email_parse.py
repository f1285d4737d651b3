"""The e-mail parser on real raw messages: structure, charsets, quotes, robots, bad mail."""

from __future__ import annotations

import base64
import quopri

import pytest

from channels.email.body import html_to_text, trim_quoted
from channels.email.parse import (
    AutomaticMessage,
    Limits,
    UnreadableMessage,
    normalise_message_id,
    parse_email,
    read_message,
)
from hub.petition import Channel, Petition
from tests.channels.test_email_peers import FIXTURES, fixture
from tests.factories import png_bytes

REFERENCE = "KEF-4F7K-2Q9M"
HUB_ID = "174.2025110409.abcdef@demo.kef.tn"
LIMITS = Limits()


def parse(raw: bytes, limits: Limits = LIMITS, **kwargs: str | None) -> Petition:
    parsed = parse_email(raw, limits, **kwargs)
    assert isinstance(parsed, Petition)
    return parsed


def reply_fixture(name: str) -> bytes:
    return fixture(name, REFERENCE=REFERENCE, HUB_MESSAGE_ID=HUB_ID)


class TestNewMessages:
    def test_multipart_alternative_with_attachments(self) -> None:
        p = parse(fixture("multipart_alternative_attachment.eml"))
        assert p.channel == Channel.email
        assert p.external_id == "CAFx2m9Q4vVb7pXyK3Lk1uR8wZt0aHq7nQ_dE5rJ2s@mail.gmail.com"
        assert p.provider_message_id == p.external_id
        assert (p.sender, p.name) == ("amel.bensalah@gmail.com", "Amel Ben Salah")
        # The plain part is taken, the subject leads because the body does not repeat it.
        assert p.text.startswith("Fuite d'eau rue de Tunis\n\nBonjour,")
        assert "n° 14 rue de Tunis" in p.text and "chaussée" in p.text
        assert "<div" not in p.text
        # The PNG is kept (type read from its bytes); the .exe is skipped.
        assert [(a.filename, a.content_type) for a in p.attachments] == [("fuite.png", "image/png")]
        assert p.attachments[0].data.startswith(b"\x89PNG")
        assert p.reply_to_message_id is None and p.reply_to_reference is None

    def test_base64_arabic_body_and_encoded_subject_and_name(self) -> None:
        p = parse(fixture("arabic_base64.eml"))
        assert p.name == "محمد الكافي"
        assert p.text.splitlines()[0] == "انقطاع الماء في حي الدير"
        assert "الماء مقطوع في حي الدير منذ ثلاثة أيام" in p.text

    def test_rfc2047_arabic_subject_over_two_encoded_words(self) -> None:
        p = parse(fixture("arabic_subject_rfc2047.eml"))
        assert p.text.splitlines()[0] == "شكاية بخصوص الإنارة العمومية في نهج الجمهورية"
        assert "أعمدة الإنارة في نهج الجمهورية مطفأة" in p.text
        assert p.language == "ar"  # Content-Language: ar

    def test_quoted_printable_latin1_french(self) -> None:
        p = parse(fixture("french_quoted_printable.eml"))
        assert p.text.startswith("Réclamation éclairage public\n\nMadame, Monsieur,")
        assert "l'éclairage public de l'avenue Habib Bourguiba" in p.text
        assert "élèves qui rentrent à pied" in p.text
        assert p.language == "fr"

    def test_windows_1256_body_and_subject(self) -> None:
        p = parse(fixture("windows_1256.eml"))
        assert p.name == "سامي الجندوبي"
        assert p.text.startswith("الفضلات أمام المدرسة\n\nالسلام عليكم")
        assert "أكوام الفضلات متراكمة أمام المدرسة الابتدائية" in p.text
        assert p.external_id == "000001dc4e3a$5b8c1f20$12a45d60$@topnet.tn"

    def test_html_only_body_becomes_safe_text(self) -> None:
        p = parse(fixture("html_only.eml"))
        assert p.text == (
            "Trou dangereux\n\nBonjour,\n"
            "Il y a un trou profond & dangereux au carrefour de la route de Dahmani,\n"
            "près de la station <Agil>.\n"
            "Deux voitures ont déjà cassé leur pneu cette semaine."
        )
        assert "alert" not in p.text and "margin" not in p.text


class TestReplies:
    def test_gmail_reply_threads_and_drops_the_quote(self) -> None:
        p = parse(reply_fixture("gmail_reply.eml"))
        assert p.reply_to_message_id == HUB_ID
        assert p.reply_to_reference == REFERENCE
        # The quoted acknowledgement (with its PIN) and the attribution are gone.
        assert p.text == (
            "Merci. La fuite continue toujours ce matin, l'eau arrive jusqu'au carrefour."
        )

    def test_arabic_gmail_reply(self) -> None:
        p = parse(reply_fixture("gmail_reply_arabic.eml"))
        assert p.text == "شكرا، الماء ما زال مقطوعا إلى اليوم."
        assert p.reply_to_message_id == HUB_ID
        assert p.reply_to_reference == REFERENCE

    def test_outlook_reply_with_only_the_reference_in_the_subject(self) -> None:
        p = parse(reply_fixture("outlook_reply.eml"))
        assert p.reply_to_message_id is None
        assert p.reply_to_reference == REFERENCE
        assert p.text == (
            "Bonjour,\nToujours rien : l'avenue est encore dans le noir ce soir.\nKarim"
        )

    def test_references_without_in_reply_to_take_the_last_id(self) -> None:
        raw = (
            b"From: a@example.tn\r\nMessage-ID: <m3@example.tn>\r\n"
            b"References: <m1@example.tn>\r\n <m2@demo.kef.tn>\r\n\r\nmerci\r\n"
        )
        assert parse(raw).reply_to_message_id == "m2@demo.kef.tn"

    def test_a_command_in_the_body_is_not_preceded_by_the_subject(self) -> None:
        raw = (
            b"From: a@example.tn\r\nSubject: Suivi\r\nMessage-ID: <s1@example.tn>\r\n\r\n"
            b"STATUS " + REFERENCE.encode() + b"\r\n"
        )
        assert parse(raw).text == f"STATUS {REFERENCE}"


class TestQuotesAndHtml:
    @pytest.mark.parametrize(
        "quoted",
        [
            "On Mon, 3 Nov 2025 at 10:15, Hub <hub@demo.kef.tn> wrote:\n> old text",
            "On Mon, 3 Nov 2025 at 10:15, Petition Hub of El Kef\n<hub@demo.kef.tn> wrote:\n> old",
            "Le lun. 3 nov. 2025 à 10:15, hub@demo.kef.tn a écrit\u00a0:\n> ancien",
            "في الاثنين، 3 نوفمبر 2025 في 10:15 ص، \u202ahub@demo.kef.tn\u202c كتب:\n> قديم",
            "-----Original Message-----\nFrom: hub@demo.kef.tn\nSent: Monday\n\nold text",
            "From: Hub <hub@demo.kef.tn>\nSent: Monday, November 3, 2025 10:15 AM\nTo: me\nold",
            "________________________________\nDe : hub@demo.kef.tn\nEnvoyé : lundi\nold",
        ],
    )
    def test_quoted_message_is_cut(self, quoted: str) -> None:
        assert trim_quoted(f"The new words.\n\n{quoted}\nmore old text") == "The new words."

    def test_inline_quoted_lines_are_dropped(self) -> None:
        text = "> question 1?\nanswer 1\n> question 2?\nanswer 2"
        assert trim_quoted(text) == "answer 1\nanswer 2"

    def test_a_message_that_is_only_a_quote_stays_whole(self) -> None:
        text = "-----Original Message-----\nFrom: x\nSent: y\nLe compteur fuit."
        assert trim_quoted(text) == text

    def test_html_entities_breaks_and_dangerous_tags(self) -> None:
        markup = (
            "<p>Line&nbsp;one<br>line <b>two</b> &lt;script&gt;</p>"
            "<script>steal()</script><style>p{}</style><p>3 &gt; 2 &amp; &#1575;</p>"
            "<blockquote>quoted</blockquote>"
        )
        assert html_to_text(markup) == "Line\u00a0one\nline two <script>\n3 > 2 & ا"


def _single_part(body: bytes, charset: str, cte: str, subject: str = "") -> bytes:
    headers = (
        f"From: Citoyen <c@example.tn>\r\nMessage-ID: <{charset}-{cte}@example.tn>\r\n"
        f"Subject: {subject}\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    )
    return headers.encode("ascii") + body


@pytest.mark.parametrize("cte", ["base64", "quoted-printable", "8bit"])
@pytest.mark.parametrize(
    ("charset", "text"),
    [
        ("utf-8", "الماء مقطوع — l'eau est coupée"),
        ("windows-1256", "الماء مقطوع في حي الدير"),
        ("iso-8859-6", "الماء مقطوع في حي الدير"),
        ("iso-8859-1", "Réclamation : l'éclairage est en panne"),
        ("iso-8859-15", "Facture de 30 € payée deux fois"),
        ("windows-1252", "Facture de 30 € payée « deux fois »"),
    ],
)
def test_every_common_charset_and_transfer_encoding(cte: str, charset: str, text: str) -> None:
    data = text.encode(charset)
    encoded = {
        "base64": base64.encodebytes(data),
        "quoted-printable": quopri.encodestring(data),
        "8bit": data,
    }[cte]
    assert parse(_single_part(encoded + b"\r\n", charset, cte)).text == text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("=?UTF-8?B?2LTZg9in2YrYqSDYp9mE2YXYp9ih?=", "شكاية الماء"),
        ("=?windows-1256?Q?=D4=DF=C7=ED=C9?=", "شكاية"),
        ("=?ISO-8859-1?Q?R=E9clamation_=E9clairage?=", "Réclamation éclairage"),
        ("=?utf-8?q?R=C3=A9clamation?= =?utf-8?q?_voirie?=", "Réclamation voirie"),
    ],
)
def test_rfc2047_subjects(header: str, expected: str) -> None:
    raw = _single_part(b"texte\r\n", "utf-8", "8bit", subject=header)
    assert parse(raw).text == f"{expected}\n\ntexte"


def test_mislabelled_utf8_still_reads() -> None:
    raw = _single_part("l'eau est coupée".encode() + b"\r\n", "us-ascii", "8bit")
    assert parse(raw).text == "l'eau est coupée"


def test_unknown_charset_is_read_leniently() -> None:
    raw = _single_part("coupée".encode() + b"\r\n", "x-klingon", "8bit")
    assert parse(raw).text == "coupée"


class TestIdentity:
    def test_message_id_is_normalised(self) -> None:
        assert normalise_message_id("  <abc.123@mail.gmail.com> ") == "abc.123@mail.gmail.com"
        assert normalise_message_id("abc@x") == "abc@x"
        assert normalise_message_id("") is None
        long_id = normalise_message_id(f"<{'x' * 300}@example.tn>")
        assert long_id is not None and long_id.startswith("sha256:") and len(long_id) < 255

    def test_without_message_id_the_raw_bytes_are_the_key(self) -> None:
        raw = b"From: a@example.tn\r\nSubject: x\r\n\r\nsans identifiant\r\n"
        first, again = parse(raw), parse(raw)
        assert first.external_id.startswith("sha256:")
        assert first.external_id == again.external_id

    def test_text_is_cut_to_the_limit(self) -> None:
        raw = _single_part(b"a" * 100 + b"\r\n", "utf-8", "8bit")
        p = parse(raw, Limits(max_text_chars=20))
        assert len(p.text) == 20 and p.text.endswith("…")


class TestAttachments:
    def _with_images(self, count: int, size: int = 2) -> bytes:
        boundary = "b0undary"
        parts = [
            f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nphotos\r\n".encode()
        ]
        for n in range(count):
            data = base64.encodebytes(png_bytes(size, size)).decode()
            parts.append(
                f"--{boundary}\r\nContent-Type: image/jpeg; name=p{n}.jpg\r\n"
                f"Content-Disposition: attachment; filename=p{n}.jpg\r\n"
                f"Content-Transfer-Encoding: base64\r\n\r\n{data}\r\n".encode()
            )
        head = (
            "From: a@example.tn\r\nMessage-ID: <att@example.tn>\r\nMIME-Version: 1.0\r\n"
            f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        ).encode()
        return head + b"".join(parts) + f"--{boundary}--\r\n".encode()

    def test_type_comes_from_the_bytes_and_the_count_is_limited(self) -> None:
        p = parse(self._with_images(4), Limits(max_attachments=2))
        assert [a.filename for a in p.attachments] == ["p0.jpg", "p1.jpg"]
        assert {a.content_type for a in p.attachments} == {"image/png"}

    def test_too_big_attachments_are_skipped(self) -> None:
        p = parse(self._with_images(1, size=64), Limits(max_attachment_bytes=50))
        assert p.attachments == () and p.text == "photos"

    def test_file_names_cannot_name_a_path(self) -> None:
        raw = self._with_images(1).replace(b"filename=p0.jpg", b'filename="../../etc/p0.jpg"')
        assert parse(raw).attachments[0].filename == "p0.jpg"


class TestAutomaticMail:
    def test_bounce_is_recognised_and_points_at_the_hubs_mail(self) -> None:
        parsed = parse_email(reply_fixture("bounce.eml"), LIMITS)
        assert isinstance(parsed, AutomaticMessage)
        assert parsed.kind == "delivery_report"
        assert parsed.answers == HUB_ID
        assert parsed.failed_delivery
        assert parsed.external_id == "20251104091502.4B2C1E0A3F@mx.kef.tn"

    def test_auto_reply(self) -> None:
        parsed = parse_email(reply_fixture("auto_reply.eml"), LIMITS)
        assert isinstance(parsed, AutomaticMessage)
        assert (parsed.kind, parsed.answers, parsed.failed_delivery) == (
            "auto_reply",
            HUB_ID,
            False,
        )

    @pytest.mark.parametrize(
        "header",
        [
            "Auto-Submitted: auto-generated",
            "X-Autoreply: yes",
            "Precedence: bulk",
            "Precedence: junk",
            "Precedence: auto_reply",
            "X-Failed-Recipients: x@example.tn",
            "Return-Path: <>",
        ],
    )
    def test_robot_headers(self, header: str) -> None:
        raw = f"From: a@example.tn\r\n{header}\r\nMessage-ID: <r@x>\r\n\r\nhello\r\n".encode()
        assert isinstance(parse_email(raw, LIMITS), AutomaticMessage)

    def test_mailer_daemon_sender_and_null_envelope(self) -> None:
        raw = b"From: MAILER-DAEMON@mx.example.tn\r\nMessage-ID: <d@x>\r\n\r\nfailed\r\n"
        assert isinstance(parse_email(raw, LIMITS), AutomaticMessage)
        human = b"From: a@example.tn\r\nMessage-ID: <h@x>\r\n\r\nhello\r\n"
        assert isinstance(parse_email(human, LIMITS, envelope_sender=""), AutomaticMessage)
        assert isinstance(parse_email(human, LIMITS, envelope_sender="a@example.tn"), Petition)

    def test_auto_submitted_no_is_a_person(self) -> None:
        raw = b"From: a@example.tn\r\nAuto-Submitted: no\r\nMessage-ID: <n@x>\r\n\r\nhi\r\n"
        assert isinstance(parse_email(raw, LIMITS), Petition)


def test_unparseable_mail_says_why() -> None:
    raw = fixture("unparseable.eml")
    with pytest.raises(UnreadableMessage) as caught:
        parse_email(raw, LIMITS)
    assert "sender" in caught.value.reason
    assert caught.value.external_id.startswith("sha256:")


class TestHeadersParsedOnce:
    """The parser keeps each parsed header; what it reads must be what the standard
    library reads."""

    @pytest.mark.parametrize(
        "name", sorted(p.name for p in FIXTURES.glob("*.eml") if p.name != "unparseable.eml")
    )
    def test_every_header_reads_as_the_standard_library_reads_it(self, name: str) -> None:
        from email.parser import BytesParser
        from email.policy import default

        raw = reply_fixture(name)
        ours, theirs = read_message(raw), BytesParser(policy=default).parsebytes(raw)
        for part, reference in zip(ours.walk(), theirs.walk(), strict=True):
            assert list(part.keys()) == list(reference.keys())
            for header in set(part.keys()):
                mine, stdlib = part.get_all(header), reference.get_all(header)
                assert [str(v) for v in mine] == [str(v) for v in stdlib], header
            assert part.get_content_type() == reference.get_content_type()
            assert part.get_content_charset() == reference.get_content_charset()

    def test_the_same_header_in_two_messages_is_parsed_once(self) -> None:
        raw = fixture("french_quoted_printable.eml")
        first, second = read_message(raw), read_message(raw)
        assert first["Content-Type"] is second["Content-Type"]
        assert first["Subject"] is second["Subject"]

    def test_changing_a_header_is_seen(self) -> None:
        message = read_message(fixture("french_quoted_printable.eml"))
        message.replace_header("Subject", "Autre chose")
        assert str(message["Subject"]) == "Autre chose"


async def test_a_data_exception_from_postgresql_is_not_temporary(pg_url: str, tmp_path) -> None:
    """A mail PostgreSQL refuses as data (class 22) must be quarantined, not retried for ever."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from channels.email.inbox import is_temporary
    from hub.db import make_engine
    from tests.conftest import settings_for

    engine = make_engine(settings_for(pg_url, tmp_path))
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT CAST(:value AS text)"), {"value": "a\x00b"})
    except DBAPIError as exc:
        refused = exc
    else:
        raise AssertionError("PostgreSQL took a NUL")
    finally:
        await engine.dispose()
    assert not is_temporary(refused)
    assert is_temporary(OSError("connection reset"))
