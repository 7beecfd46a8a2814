"""Which entity rows name the same thing, and what a reader sees of them folded into one.

Rows merge within `merge_group(kind)` when they share an external id (an ATT&CK id, a CVE)
or a name or alias, compared case-insensitively. Merging is transitive (union-find), so an
alias loop (A names B, B names A) simply ends in one group. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from cyberfusion.domain.handling import strictest_tlp
from cyberfusion.domain.knowledge import Entity, EntityKind, EntitySummary, merge_group

#: Longest merge key kept (longer names are cut; they still compare equal when cut equal).
KEY_LIMIT = 300


def name_key(text: str) -> str:
    """A name or alias as it compares: case-folded, inner spaces collapsed."""
    return " ".join(text.casefold().split())[: KEY_LIMIT - 2]


def merge_keys(kind: EntityKind, name: str, aliases: Iterable[str],
               external_id: str) -> set[tuple[str, str]]:
    """(group, key) pairs under which a row meets the rows it merges with."""
    group = merge_group(kind)
    keys = {(group, f"n:{name_key(text)}") for text in (name, *aliases) if name_key(text)}
    if external_id.strip():
        keys.add((group, f"x:{external_id.strip().upper()[: KEY_LIMIT - 2]}"))
    return keys


class UnionFind:
    """Disjoint sets of integers; `find` gives each set's smallest member."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        """The representative (smallest member) of `item`'s set."""
        root = item
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while item != root:  # path compression
            item, self.parent[item] = self.parent.get(item, item), root
        return root

    def union(self, a: int, b: int) -> None:
        """Join the sets of `a` and `b` (the smaller representative wins)."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = min(ra, rb), max(ra, rb)
            self.parent[high] = low
            self.parent.setdefault(low, low)


def canonical_ids(members: dict[int, set[tuple[str, str]]],
                  held: dict[tuple[str, str], set[int]]) -> dict[int, int]:
    """Canonical id of every row in `members` (row id -> keys) and of the groups it joins.

    `held` gives, for a key, the canonical ids already stored under it. The answer maps each
    given row id and each stored canonical id that changes to its new canonical id (the
    smallest id of its merged group).
    """
    sets = UnionFind()
    by_key: dict[tuple[str, str], int] = {}
    for row_id, keys in members.items():
        sets.find(row_id)
        for key in keys:
            for other in held.get(key, ()):
                sets.union(row_id, other)
            if key in by_key:
                sets.union(row_id, by_key[key])
            by_key[key] = row_id
    stored = {c for ids in held.values() for c in ids}
    answer = {row_id: sets.find(row_id) for row_id in members}
    answer.update({c: sets.find(c) for c in stored if sets.find(c) != c})
    return answer


def fold(rows: Sequence[Entity]) -> EntitySummary:
    """One reader's view of an entity: the rows they may read, folded (ids ascending)."""
    ordered = sorted(rows, key=lambda r: r.id)
    lead = next((r for r in ordered if r.external_id), ordered[0])
    kinds = {r.kind for r in ordered}
    kind = EntityKind.RANSOMWARE if EntityKind.RANSOMWARE in kinds else lead.kind
    return EntitySummary(
        id=ordered[0].id, kind=kind, name=lead.name, aliases=folded_aliases(lead.name, ordered),
        external_id=lead.external_id or next((r.external_id for r in ordered if r.external_id), ""),
        tlp=strictest_tlp(r.handling.tlp for r in ordered),
        description=lead.description or next((r.description for r in ordered if r.description),
                                             ""),
        is_family=any(r.is_family for r in ordered), sources=len(ordered),
    )


def folded_aliases(name: str, rows: Iterable[Entity]) -> tuple[str, ...]:
    """Every other name and alias of the rows, once each (case-insensitively), sorted."""
    seen = {name_key(name)}
    found: list[str] = []
    for row in rows:
        for text in (row.name, *row.aliases):
            key = name_key(text)
            if key and key not in seen:
                seen.add(key)
                found.append(text.strip())
    return tuple(sorted(found, key=str.casefold))


def span(rows: Iterable[Entity]) -> tuple[datetime | None, datetime | None]:
    """Earliest first_seen and latest last_seen over the rows."""
    firsts = [r.first_seen for r in rows if r.first_seen]
    lasts = [r.last_seen for r in rows if r.last_seen]
    return (min(firsts) if firsts else None, max(lasts) if lasts else None)



def id_claims(items: Iterable[tuple[str, EntityKind, str, str]]) -> list[tuple[str, list[str]]]:
    """External ids claimed by rows of more than one name: (id, refs), for located issues.

    `items` are (ref, kind, name, external_id). Rows of one merge group that claim one id are
    merged (the id names one thing: the source has a duplicate); rows of different groups
    stay apart (a technique and a tool cannot be one entity), and both cases are reported.
    """
    names: dict[str, set[str]] = {}
    refs: dict[str, list[str]] = {}
    for ref, kind, name, external_id in items:
        key = external_id.strip().upper()
        if key:
            names.setdefault(key, set()).add(f"{merge_group(kind)}\x1f{name_key(name)}")
            refs.setdefault(key, []).append(ref)
    return [(key, refs[key]) for key in sorted(names) if len(names[key]) > 1]
