"""Case insert throughput on SQLite and PostgreSQL: the API's service path and batched loads.

Run: .venv/bin/python benchmarks/bench_cases.py [--cases N] [--service N] [--postgres URL]

* service path: `services.cases.create_case`, one transaction per case, with its audit event
  (what `POST /api/v1/cases` does after parsing); the warning lists are loaded before the
  clock starts (once per process, ~seconds);
* batched path: `tx.cases.add_many`, 500 cases per transaction (what the demo seed does).

Cases come from the demo generator (realistic handling and 2-12 observables each).
PostgreSQL is used when --postgres or CYBERFUSION_TEST_POSTGRES gives a URL; each run works
in a throw-away schema.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from cyberfusion.config import Settings
from cyberfusion.demo.world import World, generate_world
from cyberfusion.domain.model import Principal, Role
from cyberfusion.services import auth, cases, flags
from cyberfusion.services.context import Context, build_context
from cyberfusion.store import schema
from cyberfusion.store.repositories.cases import NewCase

BATCH = 500


@dataclass
class Row:
    """One line of the result table."""

    backend: str
    path: str
    cases: int
    occurrences: int
    seconds: float


@contextmanager
def database(backend: str, pg_url: str | None) -> Iterator[Context]:
    """A migrated, empty database of `backend` for one measurement."""
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            ctx = build_context(Settings(database_url=url, data_dir=Path(tmp)), True)
            schema.upgrade(ctx.db)
            yield ctx
            ctx.db.dispose()
            return
        assert pg_url
        name = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(pg_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        sep = "&" if "?" in pg_url else "?"
        url = f"{pg_url}{sep}options=-csearch_path%3D{name}"
        ctx = build_context(Settings(database_url=url, data_dir=Path(tmp)), True)
        try:
            schema.upgrade(ctx.db)
            yield ctx
        finally:
            ctx.db.dispose()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
            admin.dispose()


def load_members(ctx: Context, world: World) -> dict[str, Principal]:
    """Organisations and one analyst per organisation; principals by org id."""
    now = datetime.now(UTC)
    principals = {}
    with ctx.db.write() as tx:
        for org in world.orgs:
            tx.orgs.add(org, now)
        for org in world.orgs:
            user = tx.users.add(f"{org.id}.bench", org.id, frozenset({Role.ANALYST}), "x", now)
            principals[org.id] = auth.principal_for(tx, user)
    return principals


def service_path(ctx: Context, world: World, count: int) -> Row:
    """create_case per case: one transaction and one audit event each."""
    principals = load_members(ctx, world)
    chosen = world.cases[:count]
    flags.matcher_for(ctx)  # the warning lists load once per process: not part of a case's cost
    started = time.perf_counter()
    for case in chosen:
        cases.create_case(ctx, principals[case.owner_org_id], case.draft)
    seconds = time.perf_counter() - started
    occ = sum(len(c.draft.occurrences) for c in chosen)
    return Row("", "service (1 tx per case)", len(chosen), occ, seconds)


def batched_path(ctx: Context, world: World) -> Row:
    """tx.cases.add_many for BATCH cases per transaction."""
    load_members(ctx, world)
    now = datetime.now(UTC)
    started = time.perf_counter()
    for start in range(0, len(world.cases), BATCH):
        with ctx.db.write() as tx:
            batch = world.cases[start : start + BATCH]
            tx.cases.add_many([NewCase(c.owner_org_id, c.draft, now) for c in batch])
    seconds = time.perf_counter() - started
    occ = sum(len(c.draft.occurrences) for c in world.cases)
    return Row("", f"batched ({BATCH} per tx)", len(world.cases), occ, seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000, help="cases for the batched path")
    parser.add_argument("--service", type=int, default=1000, help="cases for the service path")
    parser.add_argument("--postgres", default=os.environ.get("CYBERFUSION_TEST_POSTGRES"))
    args = parser.parse_args()
    world = generate_world(cases=args.cases)
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    rows = []
    for backend in backends:
        for measure in (lambda c: service_path(c, world, args.service),
                        lambda c: batched_path(c, world)):
            with database(backend, args.postgres) as ctx:
                row = measure(ctx)
                row.backend = backend
                rows.append(row)
    print_table(rows)
    return 0


def print_table(rows: list[Row]) -> None:
    """The result table (figures quoted in docs come from here)."""
    head = f"{'backend':<11} {'path':<25} {'cases':>7} {'occurrences':>11} {'seconds':>8} " \
           f"{'cases/s':>8} {'occ/s':>9}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r.backend:<11} {r.path:<25} {r.cases:>7} {r.occurrences:>11} {r.seconds:>8.2f} "
              f"{r.cases / r.seconds:>8.0f} {r.occurrences / r.seconds:>9.0f}")
    print("\nReference, not measured here: MISP users report ~33 attributes/s through PyMISP "
          "(MISP issue #3700, see shared/research/field-anchors.md).")


if __name__ == "__main__":
    sys.exit(main())
