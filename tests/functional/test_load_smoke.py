"""A few seconds of the concurrent load benchmark against a real `cyberfusion serve`.

Bounded (20 clients, ~25 requests/s for 3 s, 80% reads and 20% case writes, open-loop
arrivals): no request fails and every case a write created is stored exactly once. Timing
is benchmarks/bench_load.py's job, not this test's.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_load  # noqa: E402


def stored_cases(url: str, title_prefix: str) -> list[int]:
    """Ids of the cases whose title starts with `title_prefix`, straight from the database."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id FROM intel_case WHERE title LIKE :p"),
                            {"p": f"{title_prefix}%"}).scalars().all()
    engine.dispose()
    return sorted(int(r) for r in rows)


@pytest.mark.skipif(sys.platform == "win32", reason="subprocess server on a loopback port")
def test_concurrent_reads_and_writes_all_succeed_and_every_write_lands(
        db_url: str, tmp_path: Path) -> None:
    seeded = bench_load.seed(db_url, tmp_path, cases=120, clients=20)
    assert stored_cases(db_url, "Load test case") == []
    env = {"CYBERFUSION_IMPORT_WORKERS": "0", "CYBERFUSION_WARNINGLISTS": "false"}
    with bench_load.server(db_url, tmp_path, env) as base:
        result = asyncio.run(bench_load.drive(base, seeded, rate=25, seconds=3, limit=150))
    done = sum(len(v) for v in result.latencies.values())
    assert dict(result.errors) == {}
    assert done >= 40 and {"search", "case_read", "lookup", "write"} <= set(result.latencies)
    assert len(result.latencies["write"]) == len(result.written) > 0
    assert stored_cases(db_url, "Load test case") == sorted(result.written)
