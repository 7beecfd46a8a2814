"""Validation of handling records and TLP labels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cyberfusion.domain.handling import (
    TLP,
    Handling,
    check_review_by,
    parse_tlp,
    review_by_issue,
    strictest_tlp,
    validate_handling,
)
from cyberfusion.errors import InvalidHandling


def test_parse_tlp_accepts_1_0_and_2_0_spellings() -> None:
    assert parse_tlp("TLP:AMBER+STRICT") is TLP.AMBER_STRICT
    assert parse_tlp("white") is TLP.CLEAR
    assert parse_tlp(" red ") is TLP.RED
    with pytest.raises(InvalidHandling):
        parse_tlp("purple")


def test_strictest_tlp_orders_clear_green_amber_strict_red() -> None:
    assert strictest_tlp([TLP.GREEN, TLP.AMBER_STRICT, TLP.AMBER]) is TLP.AMBER_STRICT
    assert strictest_tlp(iter([TLP.RED, TLP.CLEAR])) is TLP.RED
    assert strictest_tlp([]) is TLP.CLEAR
    assert strictest_tlp([], TLP.AMBER) is TLP.AMBER
    assert strictest_tlp([TLP.GREEN], TLP.AMBER) is TLP.GREEN  # a default only stands in


def test_validate_names_each_bad_member() -> None:
    bad = Handling(TLP.AMBER, frozenset({"country:france", "planet:mars", "region:europe"}),
                   date(2030, 1, 1), exclude=frozenset({"members"}), reliability="Z",
                   credibility=9, personal_data=True, partners=frozenset({"acme"}))
    with pytest.raises(InvalidHandling) as caught:
        validate_handling(bad)
    locations = [i.location for i in caught.value.issues]
    assert locations.count("handling.release") == 2
    assert "handling.exclude" in locations
    assert "handling.reliability" in locations and "handling.credibility" in locations
    assert "handling.partners" in locations


def test_grading_code() -> None:
    h = Handling(TLP.GREEN, frozenset({"members"}), date(2030, 1, 1), reliability="B",
                 credibility=2)
    assert h.grading == "B2"


def test_a_review_date_must_be_after_today() -> None:
    today = date(2026, 6, 1)
    assert review_by_issue(today + timedelta(days=1), today) is None
    for day in (today, today - timedelta(days=1), date(2020, 1, 1)):
        problem = review_by_issue(day, today)
        assert problem is not None and problem.startswith(f"{day.isoformat()} is not after "
                                                          "today (2026-06-01)")
    stale = Handling(tlp=TLP.AMBER, release=frozenset({"members"}), review_by=today)
    with pytest.raises(InvalidHandling) as refused:
        check_review_by(stale, today, "message.handling")
    assert [i.location for i in refused.value.issues] == ["message.handling.review_by"]
    check_review_by(stale.with_review_by(today + timedelta(days=1)), today)
