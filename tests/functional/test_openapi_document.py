"""The OpenAPI document describes every API operation: its success answer's shape (not a bare
object), its error answers (Problem / TAXII error) and the schema of every body it reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app

# Actions that take no body: the path says it all. Any other POST, PUT or PATCH must declare one.
BODILESS = {
    "POST /api/v1/bulletins/{bulletin_id}/approve", "POST /api/v1/bulletins/{bulletin_id}/publish",
    "POST /api/v1/incidents/{incident_id}/steps/{position}", "POST /api/v1/sources/{name}/run",
    "POST /api/v1/reports/{report_id}/approve", "POST /api/v1/reports/{report_id}/send",
}
BARE = ({}, {"type": "object"}, {"type": "object", "additionalProperties": True})
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def spec(sqlite_ctx: Context) -> dict[str, Any]:
    """The document the running server publishes."""
    return create_app(sqlite_ctx).openapi()


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, operation) for every operation of the API and TAXII."""
    for path, item in spec["paths"].items():
        if path.startswith(("/api/v1", "/taxii2")):
            for method, op in item.items():
                if method in METHODS:
                    yield f"{method.upper()} {path}", op


def _bare(schema: dict[str, Any]) -> bool:
    plain = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return plain in BARE


def success_faults(op: dict[str, Any], label: str = "") -> list[str]:
    """What is missing from an operation's 2xx answers (a DELETE may answer empty)."""
    ok = {s: r for s, r in op["responses"].items() if s.startswith("2")}
    if not ok:
        return ["no 2xx answer"]
    faults = []
    for status, answer in ok.items():
        content = answer.get("content", {})
        if status != "204" and not content and not label.startswith("DELETE"):
            faults.append(f"{status} has no content")
        faults += [f"{status} {media} is a bare object" for media, c in content.items()
                   if _bare(c.get("schema", {}))]
    return faults


def error_faults(label: str, op: dict[str, Any]) -> list[str]:
    """What is missing from an operation's error answers."""
    media, ref = (("application/taxii+json;version=2.1", "TaxiiError") if "/taxii2" in label
                  else ("application/problem+json", "Problem"))
    errors = {s: r for s, r in op["responses"].items() if s[0] == "4"}
    faults = [] if errors else ["no 4xx answer"]
    for status, answer in errors.items():
        schema = answer.get("content", {}).get(media, {}).get("schema", {})
        if schema.get("$ref") != f"#/components/schemas/{ref}":
            faults.append(f"{status} is not {ref} as {media}")
    if "422" not in errors:
        faults.append("422 (invalid input) undocumented")
    return faults


def body_faults(label: str, op: dict[str, Any]) -> list[str]:
    """A declared body without a schema, or a write that declares none (unless bodiless)."""
    if label.split()[0] in ("POST", "PUT", "PATCH") and "requestBody" not in op:
        return [] if label in BODILESS else ["no request body declared"]
    content = op.get("requestBody", {}).get("content", {})
    return [f"body {media} has no schema" for media, c in content.items() if not c.get("schema")]


def test_every_operation_is_fully_described(spec: dict[str, Any]) -> None:
    """No operation answers an untyped object, leaves its errors out or reads an untyped body."""
    faults = {label: success_faults(op, label) + error_faults(label, op) + body_faults(label, op)
              for label, op in operations(spec)}
    assert len(faults) > 100
    assert {label: f for label, f in faults.items() if f} == {}


def test_every_model_has_one_plain_name(spec: dict[str, Any]) -> None:
    """Two models of one name get module-path names, which generated clients cannot use."""
    assert [name for name in spec["components"]["schemas"] if "__" in name] == []


def test_problem_schema_matches_what_the_server_sends(spec: dict[str, Any]) -> None:
    """The documented Problem has the members problems.py writes, the located ones too."""
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "instance"}
    issue = spec["components"]["schemas"]["ProblemIssue"]
    assert set(issue["properties"]) == {"location", "detail"}


def test_the_bodiless_actions_exist(spec: dict[str, Any]) -> None:
    """The exemption list names real operations (a renamed route must leave it)."""
    assert {label for label, _ in operations(spec)} >= BODILESS


def test_a_checker_finds_a_bare_answer() -> None:
    """The walk's own check: an untyped object and a missing Problem are reported."""
    op = {"responses": {"200": {"content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": True, "title": "X"}}}},
        "422": {"content": {"application/json": {"schema": {"$ref": "#/x"}}}}}}
    assert success_faults(op) == ["200 application/json is a bare object"]
    assert error_faults("GET /api/v1/x", op) == [
        "422 is not Problem as application/problem+json"]
    assert body_faults("POST /api/v1/x", op) == ["no request body declared"]
