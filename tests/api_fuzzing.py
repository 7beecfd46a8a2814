"""schemathesis over the app's own OpenAPI, in-process: the requests that got a server error,
and the answers that break the document (status, media type or body not as described)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from worlds import PASSWORD, build_world, case_doc

from cyberfusion.domain.model import Role
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import auth, cases, orgs
from cyberfusion.services.context import Context

OPENAPI = "/api/v1/openapi.json"
# The event stream holds its connection open by design (up to `timeout` seconds).
STREAMING = "/api/v1/events"
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Report:
    """What a run sent (by operation and status), every request answered with a 5xx, every
    answer the OpenAPI document does not describe (a schema violation), and the requests
    that got no answer within schemathesis' request timeout (10 s)."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    schema_violations: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """How many requests were sent in all."""
        return sum(self.statuses.values())


def seed_world(ctx: Context) -> Callable[[], str]:
    """The small test world, a hub admin and one case; returns a maker of admin tokens."""
    world = build_world(ctx)
    orgs.create_user(ctx, None, "hub.admin", "hub", frozenset({Role.ADMIN, Role.ANALYST}),
                     PASSWORD)
    cases.create_case(ctx, world.principals["fr-cyber"],
                      parse_case(case_doc(), date(2026, 6, 1), 5))
    admin = auth.acting_as(ctx, "hub.admin")
    return lambda: auth.issue_token(ctx, admin, "fuzz", auth.SCOPES).secret


def _describe(case: Any, outcome: str) -> str:
    body = "" if type(case.body).__name__ == "NotSet" else f" body={str(case.body)[:300]}"
    return f"{case.method} {case.formatted_path} query={case.query}{body} -> {outcome}"


@contextmanager
def _quiet() -> Iterator[None]:
    """The app logs each 500 with its traceback; the report says them once."""
    logger = logging.getLogger("cyberfusion.web")
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def fuzz(app: Any, token: Callable[[], str], examples: int, derandomize: bool = True) -> Report:
    """Valid and invalid requests to every operation (`examples` each); a fresh token each
    operation, so revoking one's own token spoils only that operation."""
    report = Report()
    schema = schemathesis.openapi.from_asgi(OPENAPI, app).exclude(path=STREAMING)
    try:
        with _quiet():
            for result in schema.get_all_operations():
                _fuzz_operation(result.ok(), token(), examples, derandomize, report)
    finally:
        shutdown_lifespans()
    return report


def _fuzz_operation(operation: Any, token: str, examples: int, derandomize: bool,
                    report: Report) -> None:
    strategy = st.one_of([operation.as_strategy(mode) for mode in GenerationMode])
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=strategy)
    @settings(max_examples=examples, deadline=None, derandomize=derandomize, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    def run(case: Any) -> None:
        try:
            response = case.call(headers=headers)
        except requests.exceptions.Timeout:
            report.timeouts.append(_describe(case, "no answer in time"))
            return
        except Exception as exc:  # the in-process client re-raises what the app did not catch
            report.statuses[(operation.label, 500)] += 1
            report.server_errors.append(_describe(case, f"{type(exc).__name__}: {exc}"))
            return
        report.statuses[(operation.label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except Exception:
            report.server_errors.append(_describe(case, str(response.status_code)))
            return
        try:
            case.validate_response(response, checks=CONFORMANCE)
        except (Exception, FailureGroup) as exc:  # a FailureGroup is no Exception
            first = str(exc).strip().splitlines()[:6]
            report.schema_violations.append(
                _describe(case, f"{response.status_code}: " + " | ".join(first)[:600]))

    run()
