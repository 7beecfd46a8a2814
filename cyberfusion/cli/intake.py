"""Intake and export: `cyberfusion import FILE...` and `cyberfusion export --format …`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import err, line, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats import base
from cyberfusion.presenters.cases import case_json
from cyberfusion.services import exports, intake
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.cases import CaseFilter
from cyberfusion.store.repositories.intake import ImportJob


def import_command(
    cli: typer.Context,
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE...", exists=True, show_default=False,
        help="Files to import, or MISP feed folders (manifest.json + events).")],
    as_user: AsUser,
    format: Annotated[str | None, typer.Option(
        "--format", help="Input format (stix21, misp, csv, text); guessed when omitted.",
        show_default=False)] = None,
    tlp: Annotated[str, typer.Option(help="TLP when the source has none.")] = "amber",
    release: Annotated[list[str] | None, typer.Option(
        help="Release token (repeatable): members, region:R, country:CC, org:ID.",
        show_default=False)] = None,
    partner: Annotated[list[str] | None, typer.Option(
        help="Partner organisation that may read (repeatable).", show_default=False)] = None,
    hit_policy: Annotated[str, typer.Option(help="visible, hit or silent.")] = "hit",
    purpose: Annotated[str, typer.Option(help="Why the data is held.")] = "investigation",
) -> None:
    """Import files; each lands in whole batches and can simply be run again after a crash."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    options = intake.ImportOptions(codec=format, tlp=tlp, release=tuple(release or ["members"]),
                                   partners=tuple(partner or []), hit_policy=hit_policy,
                                   purpose=purpose)
    finished = []
    for path in files:
        job = intake.submit_path(ctx, principal, path, options)
        finished.append(_run_with_bar(ctx, job, path.name))
    _report(finished)
    if any(j.status != "done" for j in finished):
        raise typer.Exit(1)


def _run_with_bar(ctx: Context, job: ImportJob, name: str) -> ImportJob:
    """Run one job with a byte progress bar."""
    with _bar() as bar:
        task = bar.add_task(f"importing {name}", total=job.size_bytes)

        def moved(done: int, _total: int) -> None:
            """Advance the bar to `done` bytes."""
            bar.update(task, completed=done)

        finished = intake.run(ctx, job.id, moved)
        bar.update(task, completed=job.size_bytes)
    return finished or job


def _bar() -> Progress:
    """Byte progress for long imports (on stderr)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                    TimeElapsedColumn(), console=err())


def _report(jobs: list[ImportJob]) -> None:
    """A table of jobs with their counts; failures say why."""
    table("Imports", ["job", "file", "format", "status", "created", "updated", "unchanged",
                      "flagged", "rejected", "issues"],
          [(j.id, j.filename, j.codec, j.status, j.counts["created"], j.counts["updated"],
            j.counts["unchanged"], j.counts["flagged"], j.counts["rejected"], j.issue_count)
           for j in jobs])
    for job in jobs:
        if job.error:
            line(f"job {job.id} failed: {job.error}")


def export_command(
    cli: typer.Context,
    as_user: AsUser,
    format: Annotated[str, typer.Option("--format", help="stix21, misp, csv or jsonl.")]
    = "stix21",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write "
                                                "(default: standard output).",
                                                show_default=False)] = None,
    q: Annotated[str, typer.Option("--q", help="Title or summary contains.")] = "",
    crime_type: Annotated[str, typer.Option(help="Only this crime type.")] = "",
    owner: Annotated[str, typer.Option(help="Only this owner organisation.")] = "",
) -> None:
    """Export the cases you may read in full (audited for every owner whose cases leave)."""
    ctx = context_of(cli)
    if format == "stix":
        format = "stix21"
    found = exports.export_cases(ctx, acting_as(ctx, as_user),
                                 CaseFilter(text=q, crime_type=crime_type, owner_org_id=owner),
                                 format)
    sink = output.open("wb") if output else sys.stdout.buffer
    try:
        for chunk in _encode(found):
            sink.write(chunk)
    finally:
        if output:
            sink.close()
    if output:
        line(f"wrote {len(found.cases)} case(s) to {output}")


def _encode(found: exports.Export) -> Iterator[bytes]:
    """The chunks of the chosen format."""
    if found.fmt == exports.JSONL:
        return (json.dumps(case_json(c)).encode() + b"\n" for c in found.cases)
    if found.fmt not in base.EXPORTERS:
        raise InvalidInput("unknown export format", [Issue("--format", str(exports.formats()))])
    return base.EXPORTERS[found.fmt]().export(found.cases, found.context)
