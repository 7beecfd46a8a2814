"""Text that ends in an HTTP header or a file name: no NUL, CR, LF or other control character."""

from __future__ import annotations

import re
import unicodedata

MAX_FILE_NAME = 255
MAX_MEDIA_TYPE = 127
# RFC 6838 type/subtype (restricted-name characters), then optional printable parameters.
_MEDIA_TYPE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
    r"(?: *;[ -~]*)?")


def control_character(text: str) -> str | None:
    """The first control character (C0, DEL or C1) in `text` as `U+000D`, or None."""
    for char in text:
        if unicodedata.category(char) == "Cc":
            return f"U+{ord(char):04X}"
    return None


def file_name_problem(name: str) -> str | None:
    """Why `name` cannot be a file name sent back in a header (None if it can)."""
    if not name or len(name) > MAX_FILE_NAME:
        return f"1-{MAX_FILE_NAME} characters"
    if any(c in name for c in "/\\"):
        return "a file name, without a path"
    found = control_character(name)
    return f"no control characters (found {found})" if found else None


def media_type_problem(media_type: str) -> str | None:
    """Why `media_type` is not a `type/subtype[; parameters]` media type (None if it is)."""
    found = control_character(media_type)
    if found:
        return f"no control characters (found {found})"
    if len(media_type) > MAX_MEDIA_TYPE or not _MEDIA_TYPE.fullmatch(media_type):
        return f"a media type such as text/plain or application/pdf ({MAX_MEDIA_TYPE} at most)"
    return None
