"""kill -9 a CLI import three times at seeded points, run it again after each kill, and the
database ends row for row as after one clean import: 0 lost, 0 duplicated, 0 orphan rows,
the resumed job's counts equal the clean job's, and they add up to the file's objects.

Runs on SQLite and, with CYBERFUSION_TEST_POSTGRES, on PostgreSQL (two fresh schemas).
A longer run (more kills, a bigger bundle) is benchmarks/bench_import_kill.py.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_context, postgres_url
from kill_support import (
    Target,
    clean_import,
    differences,
    job_counts,
    killed_import,
    make_bundle,
    orphans,
    snapshot,
)
from sqlalchemy import create_engine, text
from worlds import build_world

OBJECTS = 3000
BATCH = 250
KILLS = 3
SEED = 18


def _prepared(url: str, data: Path) -> Target:
    data.mkdir(parents=True, exist_ok=True)
    ctx = make_context(url, data)
    build_world(ctx)
    ctx.db.dispose()
    return Target(url, data)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def targets(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Target, Target]]:
    """Two fresh databases with the same world: one for the clean import, one for the kills."""
    if request.param == "sqlite":
        yield tuple(_prepared(f"sqlite:///{tmp_path / n / 'cyberfusion.db'}", tmp_path / n)
                    for n in ("clean", "killed"))  # type: ignore[misc]
        return
    base = postgres_url()
    if not base:
        pytest.skip("PostgreSQL not configured")
    names = [f"k_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    admin = create_engine(base)
    with admin.begin() as conn:
        for name in names:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield tuple(_prepared(f"{base}{sep}options=-csearch_path%3D{name}", tmp_path / name)
                    for name in names)  # type: ignore[misc]
    finally:
        with admin.begin() as conn:
            for name in names:
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def test_kill_nine_and_resume_equals_a_clean_import(targets: tuple[Target, Target],
                                                    tmp_path: Path) -> None:
    clean, killed = targets
    bundle = tmp_path / "bundle.json"
    make_bundle(bundle, OBJECTS, SEED)
    clean_import(clean, bundle, BATCH)
    expected = snapshot(clean)
    total = sum(expected["source_objects"].values()) + sum(expected["relationships"].values())

    run = killed_import(killed, bundle, BATCH, total, KILLS, SEED)

    assert run.exit_code == 0, run.output
    assert len(run.kills) == KILLS and all(0 < k < total for k in run.kills), run.kills
    assert run.statuses_after_kill == ["running"] * KILLS  # until the next run takes it over
    assert len(run.resumed_messages) == KILLS, run.resumed_messages
    assert differences(snapshot(killed), expected) == {}  # 0 duplicated, 0 lost
    assert orphans(killed) == 0 and orphans(clean) == 0
    assert job_counts(killed) == job_counts(clean)  # one job, resumed, counted once
    status, created, updated, unchanged, _, rejected, _ = job_counts(killed)[0]
    assert status == "done" and updated == 0 and unchanged == 0 and rejected == 0
    kept = expected["source_objects"]
    assert sum(kept.values()) + rejected == OBJECTS  # every object of the file, once
    landed = sum(sum(expected[t].values()) for t in ("source_objects", "relationships",
                                                     "entities")) + _imported_cases(expected)
    assert created == landed


def _imported_cases(tables: dict[str, object]) -> int:
    cases = tables["cases"]
    assert isinstance(cases, dict)
    return sum(n for row, n in cases.items() if row[0] and row[0].startswith("fr-cyber|"))


def test_reimporting_the_unchanged_bundle_adds_nothing(targets: tuple[Target, Target],
                                                      tmp_path: Path) -> None:
    clean, _ = targets
    bundle = tmp_path / "bundle.json"
    make_bundle(bundle, 600, SEED)
    clean_import(clean, bundle, BATCH)
    before = snapshot(clean)
    clean_import(clean, bundle, BATCH)
    assert differences(snapshot(clean), before) == {}
    assert orphans(clean) == 0
    first, second = job_counts(clean)
    assert second[1] == 0 and second[2] == 0 and second[3] == first[1]


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
