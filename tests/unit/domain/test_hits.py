"""Hit answers have one shape; lookup lines name their type or have it guessed."""

from __future__ import annotations

import pytest

from cyberfusion.domain.access import Access
from cyberfusion.domain.hits import (
    MatchRow,
    assemble,
    check_days,
    check_reason,
    lookup_item,
    split_line,
)
from cyberfusion.domain.observables import ObservableType, normalise
from cyberfusion.errors import InvalidInput

IP = normalise("ipv4", "185.220.101.4")
DOMAIN = normalise("domain", "evil-payments.com")


def row(key: str, answer: Access, owner: str, ref: str, case_id: int) -> MatchRow:
    return MatchRow(key, answer.value, owner, ref, case_id, f"title {case_id}", "C2",
                    "ransomware", "amber")


def test_answers_keep_order_drop_none_and_fold_hits_per_owner() -> None:
    rows = [row(IP.key, Access.FULL, "fr-cyber", "", 1),
            row(IP.key, Access.HIT, "de-cyber", "b2", 2),
            row(IP.key, Access.HIT, "de-cyber", "a1", 3),
            row(IP.key, Access.NONE, "br-cyber", "c3", 4),
            row(DOMAIN.key, Access.NONE, "br-cyber", "d4", 4)]
    first, second = assemble([IP, DOMAIN], rows, {IP.key: "List A; List B"})
    assert [m.case_id for m in first.full] == [1]
    assert [(h.owner_org_id, h.reference) for h in first.hits] == [("de-cyber", "a1")]
    assert first.warninglists == ("List A", "List B")
    assert second.full == () and second.hits == () and second.warninglists == ()
    assert type(first) is type(second)
    assert first.__slots__ == second.__slots__


def test_an_unmatched_value_gets_the_same_answer_as_one_matched_only_silently() -> None:
    silent = assemble([DOMAIN], [row(DOMAIN.key, Access.NONE, "br-cyber", "x", 9)], {})
    assert silent == assemble([DOMAIN], [], {})


def test_lookup_lines_name_their_type_or_are_guessed() -> None:
    assert split_line("ipv4,185.220.101.4") == (ObservableType.IPV4, "185.220.101.4")
    assert split_line("domain\tevil.com") == (ObservableType.DOMAIN, "evil.com")
    assert split_line("https://x.com/a,b") == (None, "https://x.com/a,b")
    assert lookup_item("185.220.101[.]4", None).observable == IP
    assert "could not tell" in lookup_item("???", None).error
    assert "not a valid ipv4" in lookup_item("999.1.1.1", ObservableType.IPV4).error


def test_reasons_and_grant_lengths_are_checked() -> None:
    assert check_reason("  because  ") == "because"
    with pytest.raises(InvalidInput):
        check_reason(" ")
    with pytest.raises(InvalidInput):
        check_reason("x" * 2001)
    assert check_days(30) == 30
    with pytest.raises(InvalidInput):
        check_days(0)
