"""Hit answers have one shape; fast normalisation gives exactly `normalise()`'s result."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access
from cyberfusion.domain.hits import (
    MatchRow,
    assemble,
    check_days,
    check_reason,
    lookup_item,
    quick_normalise,
    split_line,
)
from cyberfusion.domain.observables import ObservableType, normalise
from cyberfusion.errors import InvalidInput, InvalidObservable

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


HEX = st.text(alphabet="0123456789abcdefABCDEF", min_size=30, max_size=66)
NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-_x", min_size=1, max_size=70)
QUADS = st.lists(st.integers(0, 300), min_size=4, max_size=4).map(
    lambda parts: ".".join(str(p) for p in parts))
ODD = st.text(min_size=1, max_size=40)
LABEL = st.one_of(st.text(alphabet="abcxz09", min_size=1, max_size=12),
                st.text(alphabet="abcxz09-_", min_size=1, max_size=12))
DOMAINS = st.lists(LABEL, min_size=2, max_size=4).map(".".join)
EMAILS = st.builds(lambda a, b: f"{a}@{b}", st.text(alphabet="ab.x+_-'A", min_size=0,
                                                    max_size=70), DOMAINS)
PATHS = st.one_of(st.just(""),
                 st.text(alphabet="/aZ.~!$&'*+,;=@-x09", max_size=20).map(lambda p: "/" + p),
                 st.text(alphabet="/aZ.~%:?#(x", max_size=12))
URLS = st.builds(lambda s, h, p: f"{s}://{h}{p}",
                 st.sampled_from(["http", "https", "https", "HTTP", "ftp"]), DOMAINS, PATHS)
_T = ObservableType
CASES = st.one_of(
    st.tuples(st.sampled_from([_T.MD5, _T.SHA1, _T.SHA256, _T.JA3]), st.one_of(HEX, ODD)),
    st.tuples(st.just(_T.IPV4), st.one_of(QUADS, ODD)),
    st.tuples(st.just(_T.DOMAIN), st.one_of(NAMES, DOMAINS, ODD)),
    st.tuples(st.just(_T.EMAIL), st.one_of(EMAILS, ODD)),
    st.tuples(st.just(_T.URL), st.one_of(URLS, ODD)))


@settings(max_examples=500, deadline=None)
@given(case=CASES)
def test_quick_normalise_is_normalise(case: tuple[ObservableType, str]) -> None:
    obs_type, raw = case
    try:
        expected = normalise(obs_type, raw)
    except InvalidObservable:
        with pytest.raises(InvalidObservable):
            quick_normalise(obs_type, raw)
        return
    assert quick_normalise(obs_type, raw) == expected


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
