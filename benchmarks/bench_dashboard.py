"""Dashboard time per viewer on SQLite (and PostgreSQL): every figure counted under the access
decision, against the floor of the counts the dashboard showed before (cases, own cases,
crime types, occurrences), in the same run on the same data.

Run: .venv/bin/python benchmarks/bench_dashboard.py [--cases N] [--postgres URL]

Cases come from the demo generator (realistic handling), loaded in batches and dated over
the last 18 months; the viewers are the hub, an NCB, a unit and a partner.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench_cases import BATCH, database, load_members
from sqlalchemy import update

from cyberfusion.demo.world import generate_world
from cyberfusion.domain.model import CaseFilter, OrgKind, Principal
from cyberfusion.services import dashboard
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.cases import NewCase
from cyberfusion.store.tables import CaseRow

RUNS = 3


def load(ctx: Context, cases: int) -> dict[str, Principal]:
    """The demo world's members and `cases` cases spread over 18 months."""
    world = generate_world(cases=cases)
    principals = load_members(ctx, world)
    now = datetime.now(UTC)
    for start in range(0, len(world.cases), BATCH):
        with ctx.db.write() as tx:
            tx.cases.add_many([NewCase(c.owner_org_id, c.draft, now)
                               for c in world.cases[start:start + BATCH]])
    rng = random.Random(7)
    with ctx.db.write() as tx:
        for day in range(0, 540, 15):
            ids = [i for i in range(1, len(world.cases) + 1) if rng.random() < 15 / 540]
            tx.session.execute(update(CaseRow).where(CaseRow.id.in_(ids))
                               .values(created_at=now - timedelta(days=day)))
    return principals


def floor(ctx: Context, p: Principal) -> None:
    """The counts of the dashboard before the series (the same access filter)."""
    now = ctx.now()
    with ctx.db.read() as tx:
        tx.cases.count_by_crime_type(p.org, now)
        tx.cases.page(p.org, now, CaseFilter(owner_org_id=p.org_id), 0, 1)
        tx.cases.count_occurrences(p.org, now)


def best(action: Callable[[], object]) -> float:
    """The best of RUNS timings of `action()`, in milliseconds."""
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return min(timings)


def viewers(principals: dict[str, Principal]) -> list[Principal]:
    """One viewer of each kind that has one (hub, NCB, unit, partner)."""
    chosen: dict[OrgKind, Principal] = {}
    for p in principals.values():
        chosen.setdefault(p.org.kind, p)
    return [chosen[k] for k in (OrgKind.HUB, OrgKind.NCB, OrgKind.UNIT, OrgKind.PARTNER)
            if k in chosen]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--postgres", default=os.environ.get("CYBERFUSION_TEST_POSTGRES"))
    args = parser.parse_args()
    head = (f"{'backend':<11} {'viewer':<16} {'cases read':>10} {'floor ms':>9} "
            f"{'dashboard ms':>13}")
    print(f"{args.cases} cases\n{head}\n{'-' * len(head)}")
    for backend in ["sqlite"] + (["postgresql"] if args.postgres else []):
        with database(backend, args.postgres) as ctx:
            principals = load(ctx, args.cases)
            for p in viewers(principals):
                board = dashboard.dashboard(ctx, p)
                low = best(lambda p=p: floor(ctx, p))
                full = best(lambda p=p: dashboard.dashboard(ctx, p))
                print(f"{backend:<11} {p.org_id[:16]:<16} {board.cases:>10} {low:>9.0f} "
                      f"{full:>13.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
