"""A longer schemathesis run over the whole API than the suite's: counts by status, every 5xx.

Run: .venv/bin/python benchmarks/fuzz_api.py [--examples 200] [--random]

Builds the test world (tests/worlds.py: hub, three countries, units, a partner, a hub admin
and one case) on a fresh SQLite file, then sends `--examples` generated requests, valid and
invalid by the OpenAPI, to every operation of an in-process app (ASGI, no network), with a
fresh admin token per operation. `--random` draws new examples each run (the suite's run is
derandomised). Prints requests per operation and status, the run time, and every request
answered with a server error (exit 1 if any) or not answered within 10 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from api_fuzzing import fuzz, seed_world

from cyberfusion.config import Settings
from cyberfusion.services.context import build_context
from cyberfusion.store import schema
from cyberfusion.web.app import create_app


def main() -> int:
    """Fuzz, print the table and the server errors, and exit non-zero on any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="requests per operation")
    parser.add_argument("--random", action="store_true", help="new examples each run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'fuzz.db'}",
                            data_dir=Path(tmp), warninglists=False, import_workers=0)
        ctx = build_context(settings, fast_hashing=True)
        ctx.clock = lambda: datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
        schema.upgrade(ctx.db)
        started = time.perf_counter()
        report = fuzz(create_app(ctx), seed_world(ctx), args.examples,
                      derandomize=not args.random)
        seconds = time.perf_counter() - started
        ctx.db.dispose()
    for (operation, status), count in sorted(report.statuses.items()):
        print(f"{operation:60} {status:>4} {count:>6}")
    print(f"\n{report.requests} requests to {len({op for op, _ in report.statuses})} "
          f"operations in {seconds:.1f} s; {len(report.server_errors)} server errors, "
          f"{len(report.schema_violations)} schema violations, "
          f"{len(report.timeouts)} without an answer in 10 s")
    for line in report.server_errors:
        print("5xx:", line)
    for line in report.schema_violations:
        print("schema:", line)
    for line in report.timeouts:
        print("timeout:", line)
    return 1 if report.server_errors or report.schema_violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
