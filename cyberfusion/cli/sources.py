"""TAXII sources from the command line: `cyberfusion source add|list|runs|pull|push|remove`."""

from __future__ import annotations

from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.domain.sources import AuthKind, Direction, SourceDraft, SourceRun
from cyberfusion.presenters.sources import run_json, source_json, view_json
from cyberfusion.services import imports, sources
from cyberfusion.services.context import Context

source_app = typer.Typer(help="TAXII 2.1 sources: remote collections to pull from or push "
                              "to (federation between instances, partner feeds).",
                         no_args_is_help=True)
Name = Annotated[str, typer.Argument(metavar="NAME", show_default=False,
                                     help="The source's name.")]


@source_app.command("add")
@needs(Permission.SOURCE_MANAGE)
def add(
    cli: typer.Context, name: Name, as_user: AsUser,
    url: Annotated[str, typer.Option("--url", help="URL of the remote TAXII 2.1 API root "
                                     "(ends in /).", show_default=False)],
    collection: Annotated[str, typer.Option(help="The remote collection's id.",
                                            show_default=False)],
    direction: Annotated[Direction, typer.Option(help="pull (read it) or push (add to "
                                                 "it).")] = Direction.PULL,
    auth: Annotated[AuthKind, typer.Option(help="none, basic or bearer.")] = AuthKind.NONE,
    secret_env: Annotated[str, typer.Option(
        "--secret-env", metavar="VAR", help="Environment variable holding the credentials "
        "(basic: user:password; bearer: the token); never stored.")] = "",
    every: Annotated[int, typer.Option("--every", metavar="SECONDS", help="Scheduled run "
                                       "interval; 0: manual runs only.")] = 0,
    peer_org: Annotated[str, typer.Option(
        "--peer-org", help="Push: the organisation (as known here) whose access decides "
        "what leaves.")] = "",
    tlp: Annotated[str, typer.Option(help="TLP of what arrives without our handling.")] =
    "amber",
    release: Annotated[list[str] | None, typer.Option(
        help="Release of what arrives without our handling (repeatable).",
        show_default=False)] = None,
    hit_policy: Annotated[str, typer.Option(help="visible, hit or silent.")] = "hit",
    as_json: JsonOpt = False,
) -> None:
    """Configure a source for your organisation (an administrator's command)."""
    ctx = context_of(cli)
    draft = SourceDraft(name, direction, url, collection, auth, secret_env, every, peer_org)
    options = imports.ImportOptions(codec="stix21", tlp=tlp,
                                    release=tuple(release or ["members"]),
                                    hit_policy=hit_policy)
    source = sources.add(ctx, acting_as(ctx, as_user), draft, options)
    if as_json:
        print_json(source_json(source))
    else:
        line(f"source {source.name} added ({source.direction.value} "
             f"{source.collection_url})")


@source_app.command("list")
@needs(Permission.SOURCE_READ)
def list_sources(cli: typer.Context, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """Your organisation's sources with their last run."""
    ctx = context_of(cli)
    views = sources.listing(ctx, acting_as(ctx, as_user), runs_per_source=1)
    if as_json:
        print_json([view_json(v) for v in views])
        return
    table("Sources", ["name", "direction", "collection", "every", "bookmark", "last run"],
          [(v.source.name, v.source.direction.value, v.source.collection_url,
            v.source.interval_seconds or "manual", v.source.bookmark.added_after or "-",
            _summary(v.runs[0]) if v.runs else "never") for v in views])


@source_app.command("runs")
@needs(Permission.SOURCE_READ)
def list_runs(cli: typer.Context, name: Name, as_user: AsUser,
              as_json: JsonOpt = False) -> None:
    """The newest runs of one source, with counts and errors."""
    ctx = context_of(cli)
    found = sources.runs(ctx, acting_as(ctx, as_user), name)
    if as_json:
        print_json([run_json(r) for r in found])
        return
    table(f"Runs of {name}", ["run", "trigger", "status", "started", "counts", "errors"],
          [(r.id, r.trigger, r.status, r.started_at.isoformat(timespec="seconds"),
            _counts(r), "; ".join(r.errors[:3])) for r in found])


def _run(ctx: Context, principal: Principal, name: str, direction: Direction,
         as_json: bool) -> None:
    """Run one source now and report; exit 1 if the run failed."""
    done = sources.run(ctx, principal, name, direction)
    if as_json:
        print_json(run_json(done))
    else:
        line(_summary(done))
        for error in done.errors:
            line(f"  {error}")
    if done.status != "done":
        raise typer.Exit(1)


@source_app.command("pull")
@needs(Permission.SOURCE_RUN)
def pull(cli: typer.Context, name: Name, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """Pull a source now: every page after its bookmark lands; safe to run again."""
    ctx = context_of(cli)
    _run(ctx, acting_as(ctx, as_user), name, Direction.PULL, as_json)


@source_app.command("push")
@needs(Permission.SOURCE_RUN)
def push(cli: typer.Context, name: Name, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """Push to a source now what its destination may receive and was not sent before."""
    ctx = context_of(cli)
    _run(ctx, acting_as(ctx, as_user), name, Direction.PUSH, as_json)


@source_app.command("remove")
@needs(Permission.SOURCE_MANAGE)
def remove(cli: typer.Context, name: Name, as_user: AsUser) -> None:
    """Forget a source, its runs and its record of what was pushed."""
    ctx = context_of(cli)
    sources.remove(ctx, acting_as(ctx, as_user), name)
    line(f"source {name} removed")


def _counts(run: SourceRun) -> str:
    """The counts of a run on one line."""
    return ", ".join(f"{k} {run.counts.get(k, 0)}" for k in
                     ("fetched", "landed", "unchanged", "refused", "pushed"))


def _summary(run: SourceRun) -> str:
    """A run in one line."""
    return f"run {run.id} {run.direction.value} {run.status}: {_counts(run)}"
