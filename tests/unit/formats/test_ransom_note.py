"""Ransom notes are read in any encoding; HTML notes become their visible text."""

from __future__ import annotations

import pytest

from cyberfusion.formats.ransom_note import decode_note, note_text

RU = "Все ваши файлы зашифрованы! Напишите нам на почту, чтобы получить ключ расшифровки."  # noqa: RUF001
AR = "تم تشفير جميع ملفاتك! اكتب إلينا عبر البريد الإلكتروني للحصول على مفتاح فك التشفير."
EN = "All your files are encrypted! Write to decrypt@example.org for the key."


@pytest.mark.parametrize("data", [
    EN.encode("utf-8"), EN.encode("utf-8-sig"), EN.encode("utf-16"),
    EN.encode("utf-16-le"), EN.encode("utf-16-be"), EN.encode("utf-32"),
])
def test_unicode_encodings_with_and_without_a_bom(data: bytes) -> None:
    assert decode_note(data) == EN


@pytest.mark.parametrize(("text", "encoding"), [
    (RU, "cp1251"), (RU, "koi8-r"), (RU, "utf-16-le"), (AR, "cp1256"), (AR, "utf-8"),
    (AR, "utf-16"),
])
def test_cyrillic_and_arabic_notes(text: str, encoding: str) -> None:
    assert note_text((text * 3).encode(encoding)) == text * 3


def test_html_notes_become_visible_text() -> None:
    html = ("<html><head><title>x</title><style>p{color:red}</style><script>alert(1)"
            "</script></head><body><h1>YOUR FILES ARE ENCRYPTED</h1><p>Write to "
            "<b>a@b.example</b></p></body></html>").encode("utf-16")
    text = note_text(html, "README.hta")
    assert "YOUR FILES ARE ENCRYPTED" in text and "a@b.example" in text
    assert "alert" not in text and "color" not in text


def test_undecodable_bytes_never_fail() -> None:
    assert isinstance(note_text(bytes(range(256)) * 4), str)
    assert note_text(b"") == ""
