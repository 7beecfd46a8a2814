"""`cyberfusion lookup FILE`: check up to a million values at once, one answer per value."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import orjson
import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import err, line, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.handling import Purpose
from cyberfusion.domain.observables import ObservableType
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.lookups import lookup_answer_json
from cyberfusion.services import lookups


@needs(Permission.SEARCH)
def lookup(
    cli: typer.Context,
    file: Annotated[typer.FileText, typer.Argument(
        metavar="FILE", show_default=False,
        help="One value per line (or type,value); '#' starts a comment; - reads stdin.")],
    as_user: AsUser,
    obs_type: Annotated[ObservableType | None, typer.Option(
        "--type", metavar="TYPE", show_default=False,
        help="Type of the values that do not name one; guessed when omitted.")] = None,
    purpose: Annotated[Purpose, typer.Option(help="Why you are looking (recorded).")] =
    Purpose.INVESTIGATION,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print one JSON answer per line (NDJSON) for every value.")] = False,
    show_all: Annotated[bool, typer.Option(
        "--all", help="List values without a match too.")] = False,
) -> None:
    """Check many values: readable cases, 'a match is held by …', or nothing, per value."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    items = lookups.parse_lines(file, obs_type)
    started = time.perf_counter()
    with err().status(f"looking up {len(items):,} values…"):
        answers = lookups.lookup(ctx, principal, items, purpose.value)
    seconds = time.perf_counter() - started
    if as_json:
        out = sys.stdout.buffer
        for answer in answers:
            out.write(orjson.dumps(lookup_answer_json(answer)) + b"\n")
        out.flush()
        return
    _print(answers, show_all, seconds)


def _print(answers: list[lookups.LookupAnswer], show_all: bool, seconds: float) -> None:
    """Values with an answer (or all) as a table, then a summary line."""
    rows = []
    for a in answers:
        found = a.answer
        cases = ", ".join(f"#{m.case_id} ({m.owner_org_id})" for m in found.full) if found else ""
        held = ", ".join(f"{h.owner_org_id} [{h.reference}]" for h in found.hits) if found else ""
        if show_all or cases or held or a.error:
            rows.append((a.given, cases, held, a.error))
    table("Lookup", ["value", "cases you can read", "held by (request disclosure)", "problem"],
          rows)
    matched = sum(1 for a in answers if a.answer and (a.answer.full or a.answer.hits))
    line(f"{len(answers):,} values, {matched:,} with an answer, "
         f"{sum(1 for a in answers if a.error):,} not valid, in {seconds:.2f} s")
