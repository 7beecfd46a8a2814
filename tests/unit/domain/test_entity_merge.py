"""Merging entity rows (union-find over merge keys) and folding what a reader sees."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from cyberfusion.domain.entity_merge import canonical_ids, fold, id_claims, merge_keys, span
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.knowledge import Entity, EntityKind

K = EntityKind


def _row(ident: int, name: str, kind: EntityKind = K.MALWARE, aliases: tuple[str, ...] = (),
         external_id: str = "", tlp: TLP = TLP.CLEAR) -> Entity:
    handling = Handling(tlp, frozenset({"members"}), date(2030, 1, 1))
    return Entity(ident, ident, kind, name, "hub", ident, handling, aliases=aliases,
                  external_id=external_id)


def test_keys_are_case_insensitive_and_grouped() -> None:
    assert merge_keys(K.RANSOMWARE, "LockBit", ["Lock  Bit"], "s0001") == {
        ("software", "n:lockbit"), ("software", "n:lock bit"), ("software", "x:S0001")}
    assert merge_keys(K.INTRUSION_SET, "APT1", [], "") == merge_keys(K.THREAT_ACTOR, "apt1", [], "")
    assert merge_keys(K.LOCATION, "France", [], "") != merge_keys(K.IDENTITY, "France", [], "")


def test_alias_loops_end_in_one_group_and_stored_groups_join() -> None:
    a = merge_keys(K.INTRUSION_SET, "Alpha", ["Beta"], "")
    b = merge_keys(K.INTRUSION_SET, "Beta", ["Alpha"], "")
    assert canonical_ids({10: a, 11: b}, {}) == {10: 10, 11: 10}
    held = {("actor", "n:alpha"): {3}, ("actor", "n:beta"): {7}}
    assert canonical_ids({10: a}, held) == {10: 3, 7: 3}


def test_one_attack_id_claimed_twice_is_reported() -> None:
    claims = id_claims([("a", K.TOOL, "Gamma", "S9999"), ("b", K.ATTACK_PATTERN, "Delta",
                                                          "s9999"),
                        ("c", K.MALWARE, "Same", "S1"), ("d", K.MALWARE, "same", "S1")])
    assert claims == [("S9999", ["a", "b"])]


def test_fold_takes_the_strictest_tlp_and_every_name_once() -> None:
    rows = [_row(5, "lockbit", K.MALWARE, ("LockBit Black",), tlp=TLP.AMBER),
            _row(3, "LockBit", K.RANSOMWARE, ("LOCKBIT black", "ABCD"), "S1", TLP.GREEN)]
    summary = fold(rows)
    assert (summary.id, summary.name, summary.kind, summary.external_id) == (
        3, "LockBit", K.RANSOMWARE, "S1")
    assert summary.aliases == ("ABCD", "LOCKBIT black") and summary.tlp is TLP.AMBER
    assert summary.sources == 2


def test_span_over_rows() -> None:
    early, late = datetime(2020, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)
    rows = [_row(1, "x"), _row(2, "y")]
    rows = [replace(rows[0], first_seen=late, last_seen=late),
            replace(rows[1], first_seen=early)]
    assert span(rows) == (early, late)
