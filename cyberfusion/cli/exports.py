"""Case export from the command line: `cyberfusion export --format …` (audited)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import line, warn
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.model import CaseFilter
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats import base
from cyberfusion.services import exports, misp_feed
from cyberfusion.services.context import Context

#: The `--format` that writes a MISP feed folder rather than one file.
MISP_FEED = "misp-feed"


@needs(Permission.EXPORT)
def export_command(
    cli: typer.Context,
    as_user: AsUser,
    format: Annotated[str, typer.Option("--format", help="stix21, misp, csv, jsonl, or "
                                        "misp-feed (a folder).")]
    = "stix21",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write "
                                                "(default: standard output).",
                                                show_default=False)] = None,
    q: Annotated[str, typer.Option("--q", help="Title or summary contains.")] = "",
    crime_type: Annotated[str, typer.Option(help="Only this crime type.")] = "",
    owner: Annotated[str, typer.Option(help="Only this owner organisation.")] = "",
    limit: Annotated[int, typer.Option(help="At most this many cases (one page).")]
    = exports.MAX_EXPORT,
    after: Annotated[str, typer.Option(help="The cursor of the previous page (printed "
                                       "when more cases remain).")] = "",
) -> None:
    """Export the cases you may read in full, and (STIX, JSON lines) the readable knowledge
    kept outside cases: all of it unless a filter narrows the export (audited per owner)."""
    ctx = context_of(cli)
    if format == "stix":
        format = "stix21"
    filters = CaseFilter(text=q, crime_type=crime_type, owner_org_id=owner)
    if format == MISP_FEED:
        _feed(ctx, as_user, filters, output)
        return
    found = exports.export_cases(ctx, acting_as(ctx, as_user), filters, format, limit, after)
    sink = output.open("wb") if output else sys.stdout.buffer
    try:
        for chunk in _encode(found):
            sink.write(chunk)
    finally:
        if output:
            sink.close()
    if output:
        line(f"wrote {len(found.cases)} case(s) to {output}")
    if found.next is not None:
        warn(f"more cases remain: --after {found.next}")


def _feed(ctx: Context, as_user: str, filters: CaseFilter, output: Path | None) -> None:
    """Write a MISP feed folder (`-o FOLDER`) of every readable case the filters pick."""
    if output is None:
        raise InvalidInput("a MISP feed is a folder", [Issue("--output", "name the folder")])
    written = misp_feed.write_folder(ctx, acting_as(ctx, as_user), filters, output)
    line(f"wrote a MISP feed of {written} event(s) to {output}")


def _encode(found: exports.Export) -> Iterator[bytes]:
    """The chunks of the chosen format."""
    if found.fmt not in base.EXPORTERS:
        raise InvalidInput("unknown export format", [Issue("--format", str(exports.formats()))])
    return base.EXPORTERS[found.fmt]().export(found.cases, found.context)
