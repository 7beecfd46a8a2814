"""schemathesis over the whole API of an in-process app: no input gives a server error, and
every answer is one the OpenAPI document describes (status, media type, body schema)."""

from __future__ import annotations

import os

from api_fuzzing import fuzz, seed_world

from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app

# A bounded budget for CI; benchmarks/fuzz_api.py runs longer.
EXAMPLES = int(os.environ.get("CYBERFUSION_FUZZ_EXAMPLES", "25"))


def test_no_server_error_on_any_operation(sqlite_ctx: Context) -> None:
    """Every generated request, valid or not, to every operation gets an answer below 500,
    with a status, media type and body its operation documents."""
    report = fuzz(create_app(sqlite_ctx), seed_world(sqlite_ctx), EXAMPLES)
    assert report.requests > 60 * EXAMPLES  # every operation was reached, most many times
    assert report.server_errors == []
    assert report.schema_violations == []
    assert sum(n for (_, status), n in report.statuses.items() if status < 300) > 100
