"""kill -9 an import from the CLI at seeded points, resume it, and compare the database row
for row with a clean import (used by tests/functional/test_import_kill.py and by
benchmarks/bench_import_kill.py for a longer run)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from stix_bundle import write_bundle  # noqa: E402

#: The CLI with small batches, so a few thousand objects make many checkpoints.
_CLI = ("import sys, cyberfusion.formats.stix.decode as d; d.BATCH_OBJECTS = int(sys.argv.pop(1));"
        " from cyberfusion.cli.main import app; app(prog_name='cyberfusion')")
USER = "fr-cyber.analyst"


@dataclass
class Target:
    """One database (SQLite file or PostgreSQL schema URL) with its data folder."""

    url: str
    data: Path

    def env(self) -> dict[str, str]:
        """The environment of a CLI run against this database."""
        return {**os.environ, "CYBERFUSION_DATABASE_URL": self.url,
                "CYBERFUSION_FAST_HASHING": "1", "CYBERFUSION_WARNINGLISTS": "0",
                "CYBERFUSION_IMPORT_WORKERS": "0", "PYTHONPATH": str(ROOT)}

    def cli(self, bundle: Path, batch: int) -> subprocess.Popen[bytes]:
        """Start `cyberfusion import BUNDLE` as a child process."""
        return subprocess.Popen(
            [sys.executable, "-c", _CLI, str(batch), "--data-dir", str(self.data), "import",
             str(bundle), "--as", USER], env=self.env(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)

    def scalar(self, sql: str) -> Any:
        """One value, read with a short-lived connection while the import writes."""
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql)).scalar()
        finally:
            engine.dispose()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Every row of a query."""
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql))]
        finally:
            engine.dispose()


LANDED = "SELECT (SELECT count(*) FROM source_object) + (SELECT count(*) FROM relationship)"


@dataclass
class KillRun:
    """What the killed-and-resumed import went through."""

    kills: list[int] = field(default_factory=list)
    statuses_after_kill: list[str] = field(default_factory=list)
    resumed_messages: list[str] = field(default_factory=list)
    exit_code: int = -1
    output: str = ""


def make_bundle(path: Path, objects: int, seed: int) -> int:
    """A STIX bundle of `objects` objects (indicators, SCOs, relationships, reports)."""
    return write_bundle(path, objects, seed)


def clean_import(target: Target, bundle: Path, batch: int) -> None:
    """One uninterrupted CLI import."""
    child = target.cli(bundle, batch)
    _, err = child.communicate(timeout=600)
    assert child.returncode == 0, err.decode()[-2000:]


def killed_import(target: Target, bundle: Path, batch: int, total: int, kills: int,
                  seed: int) -> KillRun:
    """Import, SIGKILL at `kills` seeded points of progress (rows landed out of `total`),
    run the CLI again after each kill, and let the last run finish."""
    rng = random.Random(seed)
    points = sorted(rng.randint(total // 20, total * 19 // 20) for _ in range(kills))
    run = KillRun()
    for point in points:
        child = target.cli(bundle, batch)
        _kill_when(child, lambda p=point: int(target.scalar(LANDED) or 0) >= p)  # type: ignore[misc]
        run.kills.append(int(target.scalar(LANDED) or 0))
        run.statuses_after_kill.append(str(target.scalar(
            "SELECT status FROM import_job ORDER BY id DESC LIMIT 1")))
        _, err = child.communicate()
        run.resumed_messages += [line for line in err.decode().splitlines()
                                 if "resuming import" in line]
    child = target.cli(bundle, batch)
    out, err = child.communicate(timeout=600)
    run.output = (out + err).decode()[-3000:]
    run.resumed_messages += [line for line in err.decode().splitlines()
                             if "resuming import" in line]
    run.exit_code = child.returncode
    return run


def _kill_when(child: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 300
    while not ready():
        if child.poll() is not None:
            return  # finished before the point: nothing to kill
        assert time.monotonic() < deadline, "the import never reached the kill point"
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait(30)


#: Each table as rows without ids or timestamps: what a clean import and a resumed one
#: must hold alike (handling shown by its rules, cases by their source ref).
_HANDLING = ("(SELECT h.tlp || '/' || h.hit_policy || '/' || h.purpose || '/' || "
             "CAST(h.review_by AS VARCHAR(20)) FROM handling h WHERE h.id = {}.handling_id)")
SNAPSHOT = {
    "cases": "SELECT c.source_ref, c.title, c.crime_type, c.summary, c.revoked, c.version, "
             + _HANDLING.format("c") + " FROM intel_case c",
    "observables": "SELECT type, value, key FROM observable",
    "occurrences": "SELECT c.source_ref, o.key, x.role, x.comment FROM occurrence x "
                   "JOIN intel_case c ON c.id = x.case_id JOIN observable o "
                   "ON o.id = x.observable_id",
    "source_objects": "SELECT s.owner_ref, s.type, s.revoked, s.body, c.source_ref, "
                      + _HANDLING.format("s") + " FROM source_object s "
                      "LEFT JOIN intel_case c ON c.id = s.case_id",
    "entities": "SELECT e.source_ref, e.kind, e.name, e.aliases, " + _HANDLING.format("e")
                + " FROM entity e",
    "relationships": "SELECT r.source_ref, r.type, r.source_stix, r.target_stix, "
                     + _HANDLING.format("r") + " FROM relationship r",
    "handling": "SELECT h.owner_org_id, h.tlp, h.hit_policy, h.purpose, h.review_by, "
                "h.content_key FROM handling h",
}
_USERS = ("intel_case", "source_object", "entity", "relationship")


def snapshot(target: Target) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every table above as a multiset of rows."""
    return {name: Counter(target.rows(sql)) for name, sql in SNAPSHOT.items()}


def orphans(target: Target) -> int:
    """Handling rows no case, kept object, entity or relationship points to."""
    used = " AND ".join(f"NOT EXISTS (SELECT 1 FROM {t} WHERE {t}.handling_id = h.id)"
                        for t in _USERS)
    return int(target.scalar(f"SELECT count(*) FROM handling h WHERE {used}") or 0)


def job_counts(target: Target) -> list[tuple[Any, ...]]:
    """Status, counts and issue count of every import job, oldest first."""
    return target.rows("SELECT status, created, updated, unchanged, flagged, rejected, "
                       "issue_count FROM import_job ORDER BY id")


def differences(a: dict[str, Counter[tuple[Any, ...]]],
                b: dict[str, Counter[tuple[Any, ...]]]) -> dict[str, tuple[int, int]]:
    """Per table: (rows only in a — duplicated, rows only in b — lost)."""
    found = {}
    for name in a:
        extra = sum((a[name] - b[name]).values())
        missing = sum((b[name] - a[name]).values())
        if extra or missing:
            found[name] = (extra, missing)
    return found
