"""Build the content of a cyber activity report from what its author and every recipient may
read in full (`store.repositories.report_data`): figures, trend, families and actors with
their techniques, sectors, countries, networks, actions, indicators and per-country annexes.

Everything here is computed from the included rows only; the one figure about the rest is
the withheld count: the cases in scope the author reads in full (counted in SQL) less those
included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select

from cyberfusion.domain.handling import TLP, strictest_tlp
from cyberfusion.domain.model import Organisation
from cyberfusion.domain.reports import (
    ANNEX_ROWS,
    INDICATOR_ROWS,
    NETWORK_ROWS,
    TOP_ROWS,
    Action,
    Actor,
    Annex,
    CaseLine,
    Content,
    Indicator,
    KeyFigures,
    NetworkRow,
    Ranked,
    ReportSpec,
    Technique,
    TrendPoint,
    empty_reason,
    infrastructure_country,
)
from cyberfusion.store.repositories.report_data import EntityLink, ScopedCase, ValueCount
from cyberfusion.store.tx import Tx

_FAMILY_KINDS = frozenset({"ransomware", "malware"})
_NETWORK_VALUES = 5


@dataclass(frozen=True, slots=True)
class Readers:
    """Who a report is built for: its author's organisation and each recipient."""

    author: Organisation
    recipients: tuple[Organisation, ...]

    @property
    def everyone(self) -> list[Organisation]:
        """Author and recipients: every one must read an item in full for it to be used."""
        return [self.author, *self.recipients]


def gather(tx: Tx, spec: ReportSpec, readers: Readers, now: datetime,
           cluster: str | None = None) -> Content:
    """The report's content as of the transaction's data, for `readers`; `cluster` is the
    network the scope names, resolved for its author."""
    data = tx.report_data
    countries = sorted({*spec.scope.countries,
                        *data.region_countries(spec.scope.regions)})
    matched = data.matched(spec.scope, countries, readers.author, now, cluster)
    with data.included_table(spec.scope, countries, readers.everyone, now, cluster) as ids:
        cases = data.included(ids)
        withheld = matched - len(cases)
        if not cases:
            return Content(spec, TLP.CLEAR, KeyFigures(0, 0, 0, 0, 0, withheld),
                           empty=empty_reason(0, withheld),
                           recipient_countries=_recipient_countries(readers))
        links = data.entity_links(ids, readers.everyone, now)
        return _assemble(tx, spec, readers, ids, cases, links, withheld, now)


def _assemble(tx: Tx, spec: ReportSpec, readers: Readers, ids: Select[Any],
              cases: list[ScopedCase], links: list[EntityLink], withheld: int,
              now: datetime) -> Content:
    data = tx.report_data
    families, actors, tlps = _actors(tx, links, readers, now)
    actions, action_tlps = _actions(tx, [*families, *actors], links, spec, readers, now)
    networks = _networks(tx, ids, cases, links)
    indicators = tuple(_indicator(v) for v in data.indicators(ids, INDICATOR_ROWS))
    placed = [_indicator(v) for v in data.placed(ids)]
    figures = KeyFigures(len(cases), sum(c.victims for c in cases),
                         len({cc for c in cases for cc in c.countries}),
                         len({c.crime_type for c in cases}), len(networks), withheld)
    networks = networks[:NETWORK_ROWS]
    tlp = strictest_tlp([*(TLP(c.tlp) for c in cases), *tlps, *action_tlps])
    return Content(
        spec, tlp, figures, _trend(cases), families, actors, _sectors(cases),
        _victim_countries(cases), _infra_countries(placed), networks, actions, indicators,
        _annexes(readers, cases, placed),
        tuple(sorted((c.owner_org_id, c.id) for c in cases)),
        recipient_countries=_recipient_countries(readers))


def _recipient_countries(readers: Readers) -> dict[str, str]:
    return {o.id: o.country or "" for o in readers.recipients}


def _trend(cases: Sequence[ScopedCase]) -> tuple[TrendPoint, ...]:
    """Cases per month and crime type, by the month the activity was first seen."""
    counts = Counter((c.first_seen.strftime("%Y-%m") if c.first_seen else "", c.crime_type)
                     for c in cases)
    return tuple(TrendPoint(m, t, n) for (m, t), n in sorted(counts.items()))


def _sectors(cases: Sequence[ScopedCase]) -> tuple[Ranked, ...]:
    """Affected sectors: cases naming each, and their victims."""
    counts: Counter[str] = Counter()
    victims: Counter[str] = Counter()
    for case in cases:
        for sector in set(case.sectors):
            counts[sector] += 1
            victims[sector] += case.victims
    return _ranked(counts, victims)


def _victim_countries(cases: Sequence[ScopedCase]) -> tuple[Ranked, ...]:
    """Where victims are: cases naming each country, and their victims."""
    counts: Counter[str] = Counter()
    victims: Counter[str] = Counter()
    for case in cases:
        for country in set(case.countries):
            counts[country] += 1
            victims[country] += case.victims
    return _ranked(counts, victims, limit=None)


def _infra_countries(placed: Sequence[Indicator]) -> tuple[Ranked, ...]:
    """Where infrastructure sits: indicators (and their cases) per country of registration."""
    counts: Counter[str] = Counter()
    cases: Counter[str] = Counter()
    for ind in placed:
        if ind.country:
            counts[ind.country] += 1
            cases[ind.country] += ind.cases
    return tuple(Ranked(c, counts[c], cases[c])
                 for c in sorted(counts, key=lambda c: (-counts[c], c)))


def _ranked(counts: Counter[str], victims: Counter[str],
            limit: int | None = TOP_ROWS) -> tuple[Ranked, ...]:
    order = sorted(counts, key=lambda k: (-counts[k], -victims[k], k))
    return tuple(Ranked(k, counts[k], victims[k]) for k in order[:limit])


def _indicator(value: ValueCount) -> Indicator:
    return Indicator(value.type, value.value, value.role, value.cases,
                     infrastructure_country(value.type, value.value))


def _actors(tx: Tx, links: Sequence[EntityLink], readers: Readers, now: datetime
            ) -> tuple[tuple[Actor, ...], tuple[Actor, ...], list[TLP]]:
    """Families and actors by included cases, with the techniques they use."""
    cases: dict[int, set[int]] = defaultdict(set)
    names: dict[int, tuple[str, str]] = {}
    tlps: dict[int, list[TLP]] = defaultdict(list)
    for link in links:
        cases[link.canonical_id].add(link.case_id)
        names[link.canonical_id] = min(names.get(link.canonical_id, (link.name, link.kind)),
                                       (link.name, link.kind))
        tlps[link.canonical_id] += [TLP(link.tlp), TLP(link.link_tlp)]
    top = sorted(cases, key=lambda c: (-len(cases[c]), names[c][0].casefold(), c))
    uses = tx.report_data.edges("uses", top, True, "attack-pattern", readers.everyone, now)
    techniques: dict[int, list[Technique]] = defaultdict(list)
    for edge in uses:
        techniques[edge.source].append(Technique(edge.other_external_id, edge.other_name))
        tlps[edge.source].append(TLP(edge.tlp))
    built = [Actor(names[c][0], names[c][1], len(cases[c]),
                   tuple(sorted(set(techniques[c]), key=lambda t: (t.external_id, t.name))),
                   strictest_tlp(tlps[c])) for c in top]
    families = tuple(a for a in built if a.kind in _FAMILY_KINDS)[:TOP_ROWS]
    actors = tuple(a for a in built if a.kind not in _FAMILY_KINDS)[:TOP_ROWS]
    return families, actors, [a.tlp for a in (*families, *actors)]


def _actions(tx: Tx, shown: Sequence[Actor], links: Sequence[EntityLink], spec: ReportSpec,
             readers: Readers, now: datetime) -> tuple[tuple[Action, ...], list[TLP]]:
    """Courses of action that mitigate the techniques shown, then the analyst's own."""
    wanted = {(a.name, a.kind) for a in shown}
    groups = sorted({lk.canonical_id for lk in links if (lk.name, lk.kind) in wanted})
    uses = tx.report_data.edges("uses", groups, True, "attack-pattern", readers.everyone, now)
    techniques = {e.target: e.other_external_id or e.other_name for e in uses}
    found = tx.report_data.edges("mitigates", sorted(techniques), False, "course-of-action",
                                 readers.everyone, now)
    actions = sorted({Action(_coa_text(e.other_name, e.description), techniques[e.source],
                             "technique") for e in found},
                     key=lambda a: (a.technique, a.text))
    analyst = [Action(line.strip(" -*\t"), "", "analyst")
               for line in spec.actions.splitlines() if line.strip(" -*\t")]
    return (*analyst, *actions), [TLP(e.tlp) for e in found]


def _coa_text(name: str, description: str) -> str:
    first = description.strip().split("\n", 1)[0][:300]
    return f"{name}: {first}" if first else name


def _networks(tx: Tx, ids: Select[Any], cases: Sequence[ScopedCase],
              links: Sequence[EntityLink]) -> tuple[NetworkRow, ...]:
    """Networks two or more included cases belong to, named by their smallest case."""
    by_id = {c.id: c for c in cases}
    members: dict[str, list[int]] = defaultdict(list)
    for cluster, case_id in tx.report_data.memberships(ids):
        members[cluster].append(case_id)
    families: dict[int, set[str]] = defaultdict(set)
    for link in links:
        if link.kind in _FAMILY_KINDS:
            families[link.case_id].add(link.name)
    held: dict[str, list[str]] = defaultdict(list)
    for cluster, value in tx.report_data.shared_values(ids):
        if len(held[cluster]) < _NETWORK_VALUES:
            held[cluster].append(f"{value.type} {value.value}")
    rows = [NetworkRow(f"N{min(case_ids)}", len(case_ids),
                       _union(by_id[c].countries for c in case_ids),
                       tuple(sorted({by_id[c].crime_type for c in case_ids})),
                       _union(families[c] for c in case_ids), tuple(held[cluster]))
            for cluster, case_ids in members.items() if len(case_ids) >= 2]
    return tuple(sorted(rows, key=lambda n: (-n.cases, n.ref)))


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(sorted({item for group in groups for item in group}))


def _annexes(readers: Readers, cases: Sequence[ScopedCase],
             placed: Sequence[Indicator]) -> tuple[Annex, ...]:
    """For each recipient's country: its victims' cases and the infrastructure there."""
    countries = sorted({o.country for o in readers.recipients if o.country})
    named: dict[str, list[CaseLine]] = {c: [] for c in countries}
    for c in cases:
        for country in c.countries:
            if country in named:
                named[country].append(CaseLine(c.id, c.owner_org_id, c.title, c.crime_type,
                                               c.first_seen, c.victims))
    placed_in: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in placed:
        placed_in[indicator.country].append(indicator)
    annexes = []
    for country in countries:
        victims = sorted(named[country], key=lambda c: (-c.victims, c.id))
        infra = placed_in[country]
        annexes.append(Annex(country, tuple(victims[:ANNEX_ROWS]), tuple(infra[:ANNEX_ROWS]),
                             len(victims), len(infra)))
    return tuple(annexes)
