"""kill -9 a CLI import many times and compare with a clean import, row for row.

The long version of tests/functional/test_import_kill.py: a bigger STIX bundle, more
SIGKILLs at seeded points, on SQLite (and on PostgreSQL when CYBERFUSION_TEST_POSTGRES is
set: two fresh schemas). Prints, per backend: kills, the clean and the resumed import's
time, rows lost, rows duplicated, orphan handling rows, and whether the resumed job's
counts equal the clean job's.

    python benchmarks/bench_import_kill.py [--objects 20000] [--kills 8] [--seed 18]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from conftest import PG_ENV, make_context  # noqa: E402
from kill_support import (  # noqa: E402
    Target,
    clean_import,
    differences,
    job_counts,
    killed_import,
    make_bundle,
    orphans,
    snapshot,
)
from sqlalchemy import create_engine, text  # noqa: E402
from worlds import build_world  # noqa: E402


def prepared(url: str, data: Path) -> Target:
    """A migrated database with the test world."""
    data.mkdir(parents=True, exist_ok=True)
    ctx = make_context(url, data)
    build_world(ctx)
    ctx.db.dispose()
    return Target(url, data)


@contextmanager
def pg_pair(base: str, work: Path) -> Iterator[tuple[Target, Target]]:
    """Two fresh PostgreSQL schemas."""
    names = [f"bk_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    admin = create_engine(base)
    with admin.begin() as conn:
        for name in names:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in base else "?"
    try:
        clean, killed = (prepared(f"{base}{sep}options=-csearch_path%3D{n}", work / n)
                         for n in names)
        yield clean, killed
    finally:
        with admin.begin() as conn:
            for name in names:
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def one(backend: str, clean: Target, killed: Target, bundle: Path, args: argparse.Namespace
        ) -> None:
    """Clean import, killed import, comparison; one table row."""
    started = time.perf_counter()
    clean_import(clean, bundle, args.batch)
    clean_s = time.perf_counter() - started
    expected = snapshot(clean)
    total = sum(expected["source_objects"].values()) + sum(expected["relationships"].values())
    started = time.perf_counter()
    run = killed_import(killed, bundle, args.batch, total, args.kills, args.seed)
    killed_s = time.perf_counter() - started
    diff = differences(snapshot(killed), expected)
    duplicated = sum(extra for extra, _ in diff.values())
    lost = sum(missing for _, missing in diff.values())
    same = job_counts(killed) == job_counts(clean)
    print(f"{backend:<11} {len(run.kills):>5} {clean_s:>8.1f} {killed_s:>9.1f} {lost:>5} "
          f"{duplicated:>11} {orphans(killed):>7} {same!s:>12} {run.exit_code:>5}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    print(f"{args.objects} STIX objects, batches of {args.batch}, {args.kills} SIGKILLs "
          f"(seed {args.seed}); the clean import is the peer")
    print(f"{'backend':<11} {'kills':>5} {'clean s':>8} {'killed s':>9} {'lost':>5} "
          f"{'duplicated':>11} {'orphans':>7} {'same counts':>12} {'exit':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bundle = work / "bundle.json"
        make_bundle(bundle, args.objects, args.seed)
        one("sqlite", prepared(f"sqlite:///{work / 'a' / 'cyberfusion.db'}", work / "a"),
            prepared(f"sqlite:///{work / 'b' / 'cyberfusion.db'}", work / "b"), bundle, args)
        base = os.environ.get(PG_ENV)
        if base:
            with pg_pair(base, work) as (clean, killed):
                one("postgresql", clean, killed, bundle, args)
        else:
            print(f"postgresql  skipped: set {PG_ENV}")


if __name__ == "__main__":
    main()
