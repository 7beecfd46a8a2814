"""Registered domains from the shipped suffix list agree with tldextract on every rule."""

from __future__ import annotations

from functools import cache

import tldextract
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberfusion.domain.public_suffix import parse_rules, registered_domain, shipped_rules


@cache
def _reference() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                 include_psl_private_domains=False)


def _expected(host: str) -> str:
    parts = _reference()(host)
    return f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else ""


def _rule_names() -> list[str]:
    rules = shipped_rules()
    return sorted(rules.plain | rules.exceptions | {f"x.{w}" for w in rules.wildcard_parents})


def test_every_rule_with_a_label_in_front_agrees_with_tldextract() -> None:
    names = _rule_names()
    assert len(names) > 6000  # the ICANN section, not an empty parse
    for name in names:
        for host in (name, f"shop.{name}", f"a.b.{name}"):
            assert registered_domain(host) == _expected(host), host


def test_exceptions_and_wildcards() -> None:
    assert registered_domain("a.www.ck") == "www.ck"
    assert registered_domain("x.y.ck") == "x.y.ck"
    assert registered_domain("city.kawasaki.jp") == "city.kawasaki.jp"
    assert registered_domain("a.b.kawasaki.jp") == "a.b.kawasaki.jp"
    assert registered_domain("mail.example.co.uk") == "example.co.uk"
    assert registered_domain("co.uk") == ""
    assert registered_domain("host.notatld") == ""
    assert registered_domain("10.1.2.3") == ""


def test_a_small_list_parses_its_three_kinds_of_rule() -> None:
    rules = parse_rules("// c\ncom\n*.ck\n!www.ck\n// ===BEGIN PRIVATE DOMAINS===\nblogspot.com\n")
    assert rules.plain == {"com"} and rules.wildcard_parents == {"ck"}
    assert rules.exceptions == {"www.ck"}
    assert registered_domain("a.blogspot.com", rules) == "blogspot.com"


_LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LABEL, min_size=0, max_size=3), st.sampled_from(_rule_names()))
def test_random_hosts_under_real_suffixes_agree(labels: list[str], suffix: str) -> None:
    host = ".".join([*labels, suffix])
    assert registered_domain(host) == _expected(host)
