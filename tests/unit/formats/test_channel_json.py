"""Channel and directory documents: located problems, round trips."""

from __future__ import annotations

from datetime import date

import pytest

from cyberfusion.domain.channel import Priority, RequestType
from cyberfusion.domain.handling import TLP
from cyberfusion.errors import InvalidInput
from cyberfusion.formats.channel_json import parse_draft
from cyberfusion.formats.directory_json import directory_json, parse_directory

TODAY = date(2026, 6, 1)


def locations(data: object) -> set[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_draft(data, TODAY, 5)
    return {i.location for i in caught.value.issues}


def test_a_request_document_is_read_with_defaults() -> None:
    draft = parse_draft({"to": "de-ncb", "type": "information", "subject": "Who?",
                         "fields": {"question": " who "}, "handling": {"tlp": "TLP:RED",
                                                                      "grading": "b2"},
                         "attachments": [{"filename": "a.txt", "content_base64": "aGk="}]},
                        TODAY, 5)
    assert draft.to == ("de-ncb",) and draft.request_type is RequestType.INFORMATION
    assert draft.priority is Priority.ROUTINE and draft.handling.tlp is TLP.RED
    assert draft.handling.grading == "B2" and draft.fields == {"question": "who"}
    assert draft.attachments[0].content == b"hi"
    assert draft.attachments[0].media_type == "application/octet-stream"


def test_every_problem_is_located() -> None:
    assert locations([]) == {"$"}
    assert locations({"to": [1], "type": "telegram", "priority": "asap",
                      "fields": {"a": 1}, "preservation_days": "90",
                      "handling": {"tlp": "purple", "grading": "Z9", "personal_data": "yes"},
                      "attachments": [{"filename": "../x", "content_base64": "***"}]}) == {
        "to", "type", "priority", "fields", "preservation_days", "handling.tlp",
        "handling.grading", "handling.personal_data", "attachments[0].filename",
        "attachments[0].content_base64"}


def test_directory_round_trip() -> None:
    doc = {"contacts": [{"ref": "desk", "name": "Desk", "desk": True, "phone": "+33140000000",
                         "languages": ["FR", "en"]}],
           "shifts": [{"contact": "desk", "role": "backup", "days": ["daily"],
                       "start": "20:00", "end": "08:00"}]}
    contacts, shifts = parse_directory(doc)
    again = directory_json(contacts, shifts)
    assert again["shifts"] == [{"contact": "desk", "role": "backup", "days": ["daily"],
                                "start": "20:00", "end": "08:00"}]
    assert parse_directory(again) == (contacts, shifts)
    assert again["contacts"][0]["languages"] == ["fr", "en"]
