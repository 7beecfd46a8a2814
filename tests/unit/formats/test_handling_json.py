"""One handling reader: the same bad handling gets the same located issues everywhere."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cyberfusion.domain.handling import TLP, Purpose
from cyberfusion.errors import InvalidInput
from cyberfusion.formats.case_json import parse_case
from cyberfusion.formats.channel_json import parse_draft
from cyberfusion.formats.handling_json import HandlingFields, read_handling
from cyberfusion.formats.stix.extension import read_extension

TODAY = date(2026, 6, 1)
BAD: dict[str, Any] = {
    "tlp": "purple", "release": ["members", 5, "country:France"], "exclude": ["members"],
    "partners": "acme", "hit_policy": "loud", "purpose": "fun", "review_by": "soon",
    "grading": "Z9", "personal_data": "yes",
}
EXPECTED = {"tlp", "release[1]", "release[2]", "exclude[0]", "partners", "hit_policy",
            "purpose", "review_by", "grading", "personal_data"}


def located(issues: list[tuple[str, str]], prefix: str) -> dict[str, str]:
    """The handling issues, keyed by their path below `prefix`."""
    return {loc.removeprefix(prefix): message for loc, message in issues
            if loc.startswith(prefix)}


def via_case() -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_case({"title": "t", "handling": BAD}, TODAY, 5)
    return located([(i.location, i.message) for i in caught.value.issues], "handling.")


def via_channel() -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_draft({"to": ["de-bka"], "subject": "s", "handling": BAD}, TODAY, 5)
    return located([(i.location, i.message) for i in caught.value.issues], "handling.")


def via_stix(prefix: str) -> dict[str, str]:
    source, problems = read_extension(BAD, prefix)
    assert source is not None
    pairs = [tuple(p.split(": ", 1)) for p in problems]
    return located([(a, b) for a, b in pairs], f"{prefix}." if prefix else "")


def test_the_three_entry_points_report_the_same_located_issues() -> None:
    case, channel = via_case(), via_channel()
    assert set(case) == EXPECTED
    assert channel == case
    assert via_stix("handling") == case
    assert via_stix(f"extensions.{'x' * 3}") == case
    assert via_stix("") == case


def test_a_handling_that_is_not_an_object_is_located_at_its_prefix() -> None:
    assert [(i.location, i.message) for i in read_handling([1], "handling")[1]] == [
        ("handling", "must be an object")]
    with pytest.raises(InvalidInput) as caught:
        parse_case({"title": "t", "handling": "red"}, TODAY, 5)
    assert [i.location for i in caught.value.issues] == ["handling"]


def test_good_fields_are_read_and_silent_ones_stay_none() -> None:
    fields, issues = read_handling({"tlp": "TLP:AMBER+STRICT", "purpose": "Analysis",
                                    "release": [" org:fr-cyber "], "grading": "b2"})
    assert issues == [] and fields is not None
    assert fields.tlp is TLP.AMBER_STRICT and fields.purpose is Purpose.ANALYSIS
    assert fields.release == ("org:fr-cyber",) and fields.grading == "B2"
    assert fields.exclude is None and fields.personal_data is None


def test_an_extension_that_is_null_is_a_problem_not_silence() -> None:
    assert read_extension(None) == (None, ["$: must be an object"])
    assert read_extension([], "extensions.x")[1] == ["extensions.x: must be an object"]
    assert read_handling(None) == (HandlingFields(), [])
