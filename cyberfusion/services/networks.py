"""Networks: recompute them (in full, or only where cases changed), and show each viewer the
part it may see (drawn and exported by `network_exports`).

A run reads in one transaction, computes outside any, and writes in another that checks
the state's version first, so a long run never blocks writers and two runs never both
apply. The incremental run recomputes only the connected components that hold a changed
case (closing over the old clusters they touch); the constant Potts model decomposes over
components, so this equals a full run there.

A viewer sees a network as `visible_parts`: the cases it reads, how many HIT cases link
in, and nothing of silent ones. A part is named `n<anchor>-<mac>`: the smallest readable
case id and a keyed hash binding it to the cluster, so two parts of one cluster (split by
cases the viewer may not see) cannot be told to belong together.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from cyberfusion.domain.correlation import link_reason
from cyberfusion.domain.gateway import CASE_CONTENT
from cyberfusion.domain.handling import TLP, strictest_tlp
from cyberfusion.domain.hits import HitAction
from cyberfusion.domain.model import Principal
from cyberfusion.domain.networks import (
    CaseFacts,
    Cluster,
    NetworkState,
    Params,
    Part,
    Run,
    bridges,
    discover,
    match_ids,
    pair_values,
    visible_parts,
)
from cyberfusion.domain.permissions import Permission, allowed, require
from cyberfusion.errors import InvalidInput, Issue, NotFound
from cyberfusion.services import gateway, hits
from cyberfusion.services.context import Context
from cyberfusion.services.disclosure import record
from cyberfusion.store.repositories.correlation import WeakLink
from cyberfusion.store.repositories.networks import Placed
from cyberfusion.store.tx import Tx

#: Dirty cases one incremental run takes; more wait for the next run.
DIRTY_BATCH = 20_000
#: An incremental run that reaches more cases than this does a full run instead.
FULL_FALLBACK = 200_000
_REF = re.compile(r"n([0-9]+)-([0-9a-f]{10})")


# --- recomputation ------------------------------------------------------------------------


def configure(ctx: Context, principal: Principal | None, max_cases: int,
              resolution: float) -> None:
    """Set the over-correlation limit and resolution (hub admins, or the operator's CLI)."""
    if principal is not None:
        require(principal, Permission.NETWORK_MANAGE)
    issues = []
    if not 1 <= max_cases <= 100_000:
        issues.append(Issue("max_cases", "between 1 and 100000"))
    if not 0 < resolution < 1:
        issues.append(Issue("resolution", "between 0 and 1 (exclusive)"))
    if issues:
        raise InvalidInput("the network settings are not valid", issues)
    with ctx.db.write() as tx:
        tx.networks.set_params(max_cases, resolution)


def recompute(ctx: Context, full: bool = False,
              principal: Principal | None = None) -> Run | None:
    """Recompute networks where cases changed (or everywhere); None when nothing to do."""
    if principal is not None:
        require(principal, Permission.NETWORK_MANAGE)
    started = time.perf_counter()
    with ctx.db.write() as tx:
        hits.index_new(tx)
    with ctx.db.read() as tx:
        state = tx.networks.state()
        dirty = tx.networks.dirty(DIRTY_BATCH)
        full = full or state.last_full_at is None
        if not full and not dirty:
            return None
        loaded = None if full else _affected(tx, dirty, state)
        if loaded is None:
            full, loaded = True, (tx.networks.strong_holdings(), None,
                                  tx.networks.live_clusters())
    holdings, counts, old = loaded
    clusters = discover(holdings, Params(state.max_cases, state.resolution), counts)
    placed = _place(old, clusters)
    report = _apply(ctx, state, dirty, old, placed, full, started, len({c for c, _ in holdings}))
    if report is not None and principal is not None:
        with ctx.db.write() as tx:
            record(tx, ctx, principal, HitAction.NETWORK_RECOMPUTE, "", principal.org_id,
                   {"kind": report.kind, "clusters": report.clusters})
    return report


Loaded = tuple[list[tuple[int, int]], dict[int, int] | None, dict[str, frozenset[int]]]


def _affected(tx: Tx, dirty: Sequence[int], state: NetworkState) -> Loaded | None:
    """Holdings of the components around the dirty cases, with the old clusters they touch."""
    seeds = tx.networks.strong_holdings(dirty)
    old = tx.networks.live_clusters(dirty, sorted({v for _, v in seeds}))
    cases = set(dirty).union(*old.values())
    frontier: set[int] = set(cases)
    holdings: set[tuple[int, int]] = set()
    counts: dict[int, int] = {}
    while frontier:
        found = tx.networks.strong_holdings(sorted(frontier))
        holdings.update(found)
        fresh = sorted({v for _, v in found} - counts.keys())
        holders = tx.networks.holders(fresh)
        per_value = Counter(v for _, v in holders)
        counts.update({v: per_value.get(v, 0) for v in fresh})
        linking = {v for v in fresh if 2 <= counts[v] <= state.max_cases}
        reached = {c for c, v in holders if v in linking} - cases
        touched = tx.networks.live_clusters(sorted(reached)) if reached else {}
        new_old = {k: m for k, m in touched.items() if k not in old}
        old.update(new_old)
        reached |= set().union(*new_old.values()) - cases if new_old else set()
        cases |= reached
        frontier = reached
        if len(cases) > FULL_FALLBACK:
            return None
    return sorted(holdings), counts, old


def _place(old: dict[str, frozenset[int]], clusters: Sequence[Cluster]) -> list[Placed]:
    """Keep the id of the old cluster each new one mostly is; new ids for the rest."""
    kept = match_ids(old, [c.members for c in clusters])
    return [Placed(cid or f"n{secrets.token_hex(6)}", cid is None, cluster)
            for cid, cluster in zip(kept, clusters, strict=True)]


def _apply(ctx: Context, state: NetworkState, dirty: Sequence[int],
           old: dict[str, frozenset[int]], placed: list[Placed], full: bool, started: float,
           cases: int) -> Run | None:
    """Write the run if no other run applied since it read; None if one did."""
    now = ctx.now()
    with ctx.db.write() as tx:
        if tx.networks.state(lock=True).version != state.version:
            return None
        dissolved = tx.networks.replace(sorted(old), placed, now)
        tx.networks.clear_dirty(list(dirty))
        tx.networks.advance(state.version, now, full)
        created = sum(1 for p in placed if p.new)
        run = Run("full" if full else "incremental", now, time.perf_counter() - started, cases,
                  sum(p.cluster.links for p in placed), len(placed), created,
                  len(placed) - created, dissolved, state.max_cases, state.resolution)
        tx.networks.add_run(run)
    return run


def seed_networks(ctx: Context, case_ids: Sequence[int]) -> Run | None:
    """After the demo seed: hits of each case on older ones (as if filed in order), networks."""
    with ctx.db.read() as tx:
        owners = tx.networks.case_facts(case_ids)
    by_owner: dict[str, list[int]] = defaultdict(list)
    for facts in owners.values():
        by_owner[facts.owner_org_id].append(facts.id)
    with ctx.db.write() as tx:
        for owner, ids in sorted(by_owner.items()):
            hits.on_cases_landed(tx, ctx, owner, sorted(ids), older_only=True, audited=False)
    return recompute(ctx, full=True)


def state(ctx: Context) -> NetworkState:
    """The clustering settings in force and when the last runs were (operator tools, jobs)."""
    with ctx.db.read() as tx:
        return tx.networks.state()


def status(ctx: Context, principal: Principal) -> tuple[NetworkState, Run | None]:
    """Settings and the last run; run figures count the whole pool, so hub staff only."""
    require(principal, Permission.NETWORK_READ)
    with ctx.db.read() as tx:
        state, run = tx.networks.state(), tx.networks.last_run()
    if not allowed(principal, Permission.NETWORK_RUNS_READ):
        run = None
    return state, run


# --- what a viewer sees -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    """One network as the viewer sees it: counts are over readable cases only."""

    ref: str
    cases: int
    more: int
    countries: tuple[str, ...]
    crime_types: tuple[str, ...]
    first_seen: date | None
    last_seen: date | None
    owners: tuple[str, ...]
    tlp: TLP = TLP.CLEAR
    #: What a person calls it: the value most of its readable cases share, and where.
    name: str = ""


@dataclass(frozen=True, slots=True)
class SharedValue:
    """A value holding the part together: readable holders, and HIT holders linking in."""

    id: int
    type: str
    value: str
    readable: int
    others: int


@dataclass(frozen=True, slots=True)
class Bridge:
    """A link between two readable cases whose removal splits what the viewer sees."""

    a: int
    b: int
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuietValue:
    """A value of a readable case that links nothing, and why."""

    case_id: int
    type: str
    value: str
    reason: str


@dataclass
class Detail:
    """The network page: summary, readable cases, values, bridges, weak links, quiet values."""

    summary: Summary
    cases: list[CaseFacts]
    values: list[SharedValue]
    bridges: list[Bridge]
    weak: list[WeakLink]
    quiet: list[QuietValue]
    more_owners: tuple[str, ...]
    holdings: list[tuple[int, int]] = field(default_factory=list)
    hit_holdings: list[tuple[int, int]] = field(default_factory=list)


def _mac(ctx: Context, cluster_id: str, anchor: int) -> str:
    secret = ctx.settings.session_secret()
    message = f"network:{cluster_id}:{anchor}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:10]


def ref_of(ctx: Context, cluster_id: str, part: Part) -> str:
    """The viewer-side name of a part: its anchor case and a keyed hash of its cluster."""
    return f"n{part.anchor}-{_mac(ctx, cluster_id, part.anchor)}"


def _parts(tx: Tx, ctx: Context, principal: Principal, cluster_id: str | None
           ) -> list[tuple[str, Part, dict[int, str]]]:
    """(cluster, part, owner of each visible case) for the viewer, in one or every cluster."""
    rows = tx.networks.member_levels(principal.org, ctx.now(), cluster_id)
    levels: dict[str, dict[int, str]] = defaultdict(dict)
    owners: dict[int, str] = {}
    for cid, case_id, level, owner in rows:
        levels[cid][case_id] = level
        owners[case_id] = owner
    holdings = tx.networks.member_holdings(sorted(owners))
    by_case: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for case_id, value_id in holdings:
        by_case[case_id].append((case_id, value_id))
    found = []
    for cid, members in sorted(levels.items()):
        held = [h for c in members for h in by_case[c]]
        for part in visible_parts(members, held):
            found.append((cid, part, {c: owners[c] for c in (*part.full, *part.hit)}))
    return found


def _summary(ctx: Context, cid: str, part: Part, facts: dict[int, CaseFacts],
             owners: dict[int, str], held: Sequence[tuple[int, int, str, str, str]] = ()
             ) -> Summary:
    rows = [facts[c] for c in part.full if c in facts]
    firsts = [f.first_seen for f in rows if f.first_seen]
    lasts = [f.last_seen for f in rows if f.last_seen]
    countries = tuple(sorted({c for f in rows for c in f.countries}))
    return Summary(ref_of(ctx, cid, part), len(part.full), len(part.hit), countries,
                   tuple(sorted({f.crime_type for f in rows})),
                   min(firsts) if firsts else None, max(lasts) if lasts else None,
                   tuple(sorted({owners[c] for c in part.hit})),
                   strictest_tlp(TLP(f.tlp) for f in rows), _name(part, held, countries))


def _name(part: Part, held: Sequence[tuple[int, int, str, str, str]],
          countries: tuple[str, ...]) -> str:
    """`btc wallet bc1qar0s… · FR, DE`: the linking value most readable cases hold (from
    `held`, the readable cases' values), then the countries; empty when none links."""
    readable, linking = set(part.full), set(part.values)
    counts: Counter[int] = Counter()
    names: dict[int, tuple[str, str]] = {}
    for case_id, value_id, obs_type, value, _ in held:
        if case_id in readable and value_id in linking:
            counts[value_id] += 1
            names[value_id] = (obs_type, value)
    if not counts:
        return ""
    obs_type, value = names[min(counts, key=lambda v: (-counts[v], names[v]))]
    short = value if len(value) <= 24 else value[:23] + "\u2026"
    where = ", ".join(countries[:4]) + ("\u2026" if len(countries) > 4 else "")
    return f"{obs_type.replace('_', ' ')} {short}" + (f" · {where}" if where else "")


def list_networks(ctx: Context, principal: Principal, offset: int = 0,
                  limit: int = 50) -> tuple[list[Summary], int]:
    """The networks the viewer may see, largest first, and how many there are."""
    require(principal, Permission.NETWORK_READ)
    with ctx.db.read() as tx:
        agreement = gateway.release(tx, ctx, principal.org, CASE_CONTENT)
        found = _parts(tx, ctx, principal, None)
        found.sort(key=lambda item: (-len(item[1].full), -len(item[1].hit), item[1].anchor))
        page = found[max(0, offset): max(0, offset) + max(1, min(limit, 500))]
        readable = [c for _, p, _ in page for c in p.full]
        facts = tx.networks.case_facts(readable)
        held = tx.networks.case_values(readable)
    gateway.record_read(ctx, principal, agreement, "networks", {"networks": len(page)})
    return [_summary(ctx, cid, part, facts, owners, held)
            for cid, part, owners in page], len(found)


def _resolve(tx: Tx, ctx: Context, principal: Principal, ref: str
             ) -> tuple[str, Part, dict[int, str]]:
    """The part a viewer-side name stands for; NotFound if it is not the viewer's to see."""
    match = _REF.fullmatch(ref)
    cluster_id = tx.networks.cluster_of(int(match.group(1))) if match else None
    if match is None or cluster_id is None or not hmac.compare_digest(
            match.group(2), _mac(ctx, cluster_id, int(match.group(1)))):
        raise NotFound(f"no network {ref}")
    anchor = int(match.group(1))
    for cid, part, owners in _parts(tx, ctx, principal, cluster_id):
        if anchor in part.full:
            return cid, part, owners
    raise NotFound(f"no network {ref}")


def cluster_of(tx: Tx, ctx: Context, principal: Principal, ref: str) -> str:
    """The network a viewer-side name stands for (a report's scope); NotFound if it is not
    the viewer's to see."""
    require(principal, Permission.NETWORK_READ)
    return _resolve(tx, ctx, principal, ref)[0]


def network_detail(ctx: Context, principal: Principal, ref: str) -> Detail:
    """One network as the viewer sees it, with what holds it together and what does not."""
    require(principal, Permission.NETWORK_READ)
    now = ctx.now()
    with ctx.db.read() as tx:
        agreement = gateway.release(tx, ctx, principal.org, CASE_CONTENT)
        cid, part, owners = _resolve(tx, ctx, principal, ref)
        facts = tx.networks.case_facts(part.full)
        held = tx.networks.member_holdings([*part.full, *part.hit])
        rows = tx.networks.case_values(part.full)
        values = {i: (t, v) for _, i, t, v, _ in rows if i in set(part.values)}
        weak = tx.correlation.weak_links(part.full, principal.org, now, 100)
        quiet = _quiet(tx, part.full)
    gateway.record_read(ctx, principal, agreement, "network",
                        {"network": ref, "cases": len(part.full)})
    readable = set(part.full)
    shared = _shared(part, held, values, readable)
    pairs = pair_values([h for h in held if h[0] in readable], part.full)
    names = {i: v for i, (_, v) in values.items()}
    cut = [Bridge(a, b, tuple(sorted(names.get(v, "") for v in pairs[(a, b)])))
           for a, b in bridges(pairs)]
    return Detail(_summary(ctx, cid, part, facts, owners, rows), [facts[c] for c in part.full],
                  shared, cut, [w for w in weak if w.other_case_id not in readable
                                or w.case_id < w.other_case_id],
                  quiet, tuple(sorted({owners[c] for c in part.hit})),
                  [h for h in held if h[0] in readable and h[1] in values],
                  [h for h in held if h[0] not in readable and h[1] in values])


def _shared(part: Part, held: list[tuple[int, int]], values: dict[int, tuple[str, str]],
            readable: set[int]) -> list[SharedValue]:
    full_holders: Counter[int] = Counter()
    others: Counter[int] = Counter()
    for case_id, value_id in held:
        (full_holders if case_id in readable else others)[value_id] += 1
    found = [SharedValue(v, *values[v], full_holders[v], others[v])
             for v in part.values if v in values]
    return sorted(found, key=lambda s: (-(s.readable + s.others), s.type, s.value))


def _quiet(tx: Tx, case_ids: Sequence[int]) -> list[QuietValue]:
    """Values of readable cases that link no cases: warning-listed, too common, or weak."""
    state = tx.networks.state()
    rows = tx.networks.case_values(case_ids)
    counts = tx.correlation.holder_counts([i for _, i, _, _, w in rows if not w])
    found = []
    for case_id, value_id, obs_type, value, lists in rows:
        reason = link_reason(obs_type, lists, counts.get(value_id, 0) > state.max_cases,
                             state.max_cases)
        if reason:
            found.append(QuietValue(case_id, obs_type, value, reason))
    return sorted(found, key=lambda q: (q.reason, q.type, q.value, q.case_id))[:200]
