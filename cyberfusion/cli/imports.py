"""Imports from the command line: `cyberfusion import FILE...` with a progress bar each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import err, line, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.imports import ImportJob, Severity
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.services import imports
from cyberfusion.services.context import Context

#: Warnings and errors of a job printed after the table.
WARNINGS_SHOWN = 5


@needs(Permission.IMPORT)
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
    tlp_floor: Annotated[str, typer.Option(
        "--tlp-floor", help="Lowest TLP: anything the source marks below it is raised to it.",
        show_default=False)] = "",
    release: Annotated[list[str] | None, typer.Option(
        help="Release token (repeatable): members, region:R, country:CC, org:ID.",
        show_default=False)] = None,
    partner: Annotated[list[str] | None, typer.Option(
        help="Partner organisation that may read (repeatable).", show_default=False)] = None,
    hit_policy: Annotated[str, typer.Option(help="visible, hit or silent.")] = "hit",
    purpose: Annotated[str, typer.Option(help="Why the data is held.")] = "investigation",
) -> None:
    """Import files; each lands in whole batches. Run it again after a crash or a fixed
    fault: the unfinished job resumes from its last checkpoint. Exits 1 unless all are done."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    options = imports.ImportOptions(codec=format, tlp=tlp, release=tuple(release or ["members"]),
                                   partners=tuple(partner or []), hit_policy=hit_policy,
                                   purpose=purpose, tlp_floor=tlp_floor)
    finished = []
    for path in files:
        job = imports.submit_path(ctx, principal, path, options)
        if job.attempts or job.checkpoint:
            mark = job.checkpoint
            err().print(f"resuming import {job.id} of {path.name}" + (
                f" after batch {mark.batches} (byte {mark.bytes})" if mark else " from its start"))
        finished.append(_run_with_bar(ctx, job, path.name))
    _report(finished)
    _warnings(ctx, principal, finished)
    if any(j.status != "done" for j in finished):
        raise typer.Exit(1)


def _run_with_bar(ctx: Context, job: ImportJob, name: str) -> ImportJob:
    """Run one job with a byte progress bar."""
    with _bar() as bar:
        task = bar.add_task(f"importing {name}", total=job.size_bytes)

        def moved(done: int, _total: int) -> None:
            """Advance the bar to `done` bytes."""
            bar.update(task, completed=done)

        finished = imports.run(ctx, job.id, moved)
        bar.update(task, completed=job.size_bytes)
    return finished or job


def _warnings(ctx: Context, principal: Principal, jobs: list[ImportJob]) -> None:
    """The first warnings and errors of each job's report (the whole report is on the
    job's page and at /api/v1/imports/{id}/issues)."""
    for job in jobs:
        shown = [i for i in imports.job_issues(ctx, principal, job.id, 0, 200)
                 if i.severity is not Severity.INFO][:WARNINGS_SHOWN]
        for issue in shown:
            line(f"job {job.id} {issue.severity.value} at {issue.location}: {issue.message}")


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
            line(f"job {job.id} {job.status}: {job.error}")
