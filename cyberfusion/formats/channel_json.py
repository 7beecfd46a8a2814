"""Channel JSON (API and CLI): request documents -> `Draft` (threads are shown by
`presenters.channel`).

Every problem is reported with its JSON path; a preservation request missing an Art. 29
field is refused with that field named (`fields.authority`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from cyberfusion.domain.channel import (
    AttachmentIn,
    Draft,
    Priority,
    RequestType,
)
from cyberfusion.domain.handling import TLP, Handling, Purpose
from cyberfusion.domain.safe_text import file_name_problem, media_type_problem
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.handling_json import (
    HandlingFields,
    read_choice,
    read_handling,
    read_text,
)

MAX_ATTACHMENTS = 20


def _text(data: Mapping[str, Any], key: str, issues: list[Issue], loc: str = "") -> str:
    return read_text(data.get(key, ""), f"{loc}{key}", issues)


def _choice(data: Mapping[str, Any], key: str, enum: Any, default: Any,
            issues: list[Issue]) -> Any:
    found = read_choice(enum, data.get(key), key, issues)
    return default if found is None else found


def parse_handling(data: Any, today: date, review_years: int, issues: list[Issue]) -> Handling:
    """A message's handling: TLP, purpose, grading, personal data, review date.

    `release` is not kept: a message is released to its parties and no one else.
    """
    fields, found = read_handling(data, "handling")
    issues.extend(found)
    fields = fields or HandlingFields()
    return Handling(tlp=fields.tlp or TLP.AMBER, release=frozenset(),
                    review_by=fields.review_by or today + timedelta(days=365 * review_years),
                    purpose=fields.purpose or Purpose.INVESTIGATION,
                    reliability=fields.reliability, credibility=fields.credibility,
                    personal_data=bool(fields.personal_data))


def parse_attachments(items: Any, issues: list[Issue]) -> tuple[AttachmentIn, ...]:
    """`[{filename, media_type, content_base64}]`, decoded; bytes are kept as given."""
    if items in (None, []):
        return ()
    if not isinstance(items, list):
        issues.append(Issue("attachments", "must be a list"))
        return ()
    if len(items) > MAX_ATTACHMENTS:
        issues.append(Issue("attachments", f"at most {MAX_ATTACHMENTS} per message"))
        return ()
    found = []
    for i, item in enumerate(items):
        loc = f"attachments[{i}]."
        if not isinstance(item, dict):
            issues.append(Issue(f"attachments[{i}]", "must be an object"))
            continue
        name = _text(item, "filename", issues, loc)
        media = _text(item, "media_type", issues, loc) or "application/octet-stream"
        issues += [Issue(f"{loc}{what}", problem) for what, problem in (
            ("filename", file_name_problem(name)), ("media_type", media_type_problem(media)))
            if problem]
        try:
            content = base64.b64decode(str(item.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError):
            issues.append(Issue(f"{loc}content_base64", "not valid base64"))
            continue
        found.append(AttachmentIn(name, media, content))
    return tuple(found)


def parse_draft(data: Any, today: date, review_years: int) -> Draft:
    """Read a request document; raise InvalidInput listing every located problem."""
    if not isinstance(data, dict):
        raise InvalidInput("a request is a JSON object", [Issue("$", "expected an object")])
    issues: list[Issue] = []
    to = data.get("to", [])
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not all(isinstance(t, str) for t in to):
        issues.append(Issue("to", "must be a list of organisation ids"))
        to = []
    request_type = _choice(data, "type", RequestType, RequestType.MESSAGE, issues)
    priority = _choice(data, "priority", Priority, Priority.ROUTINE, issues)
    fields = data.get("fields") or {}
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        issues.append(Issue("fields", "must be an object of strings"))
        fields = {}
    days = data.get("preservation_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool)):
        issues.append(Issue("preservation_days", "must be a whole number of days"))
        days = None
    draft = Draft(
        to=tuple(t.strip() for t in to if t.strip()), request_type=request_type,
        priority=priority, subject=_text(data, "subject", issues),
        body=str(data.get("body") or ""), handling=parse_handling(
            data.get("handling"), today, review_years, issues),
        fields={k: v.strip() for k, v in fields.items()},
        attachments=parse_attachments(data.get("attachments"), issues),
        preservation_days=days)
    if issues:
        raise InvalidInput(f"the request has {len(issues)} problem(s)", issues)
    return draft

