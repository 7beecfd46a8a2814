"""`cyberfusion demo`: one command from nothing to a seeded world in the browser."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from cyberfusion.cli.output import err, line, table
from cyberfusion.cli.state import CliState, make_context, state_of
from cyberfusion.cli.system import HostOpt, PortOpt, init_database, serve_app
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.services import orgs

if TYPE_CHECKING:
    from cyberfusion.demo import DemoUser, World
    from cyberfusion.services.context import Context
    from cyberfusion.services.seed import SeedReport


def demo(
    cli: typer.Context,
    cases: Annotated[int, typer.Option(min=0, help="Number of cases to generate.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same "
                                           "world.")] = 2026,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Seed, print the logins and "
                                           "exit without serving.")] = False,
    host: HostOpt = None,
    port: PortOpt = None,
) -> None:
    """Create, seed and serve a demo world (a hub, ~20 countries, partners, thousands of cases)."""
    state = state_of(cli)
    url = init_database(state)
    line(f"database ready: {url}")
    if orgs.list_orgs(state.context()):
        line("the database already holds organisations: not seeding again "
             f"(remove {state.settings.data_dir} to start afresh)")
    else:
        _seed(state, cases, seed)
    if not no_serve:
        serve_app(state, host, port)


def _seed(state: CliState, cases: int, seed: int) -> None:
    """Generate the world, load it with a progress bar and print the demo logins."""
    from cyberfusion.demo import DEMO_PASSWORD, generate_world
    from cyberfusion.services.seed import seed_demo

    with err().status(f"generating a demo world of {cases} cases (seed {seed})…"):
        try:
            world = generate_world(seed=seed, cases=cases, today=date.today())
        except ValueError as exc:  # too few cases for the planted networks
            raise InvalidInput("too few cases", [Issue("--cases", str(exc))]) from None
    # Cheap argon2id for the shared demo password; real logins rehash it at full cost.
    seed_ctx = make_context(state.settings, fast_hashing=True)
    try:
        with _progress() as bar:
            task = bar.add_task("seeding the demo world", total=None)

            def progress(done: int, total: int) -> None:
                """Move the bar: `done` of `total` cases loaded."""
                bar.update(task, completed=done, total=total)

            report = seed_demo(seed_ctx, world, progress=progress)
        _seed_duty(seed_ctx, world)
    finally:
        seed_ctx.db.dispose()
    _print_report(report)
    _print_logins(world, DEMO_PASSWORD)


def _seed_duty(ctx: Context, world: World) -> None:
    """Give every organisation 24/7 contacts and a duty rota (the duty board is full)."""
    from cyberfusion.demo.duty import directories
    from cyberfusion.services.directory import seed_directories

    contacts = seed_directories(ctx, directories(world.orgs, world.users))
    line(f"24/7 network: {contacts} contacts and a duty rota for every organisation")


def _progress() -> Progress:
    """The progress bar used for long work (on stderr)."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=err())


def _print_report(report: SeedReport) -> None:
    """What the seed loaded and where the planted networks' answer key is."""
    line(f"seeded {report.orgs} organisations, {report.users} users, {report.cases} cases "
         f"({report.occurrences} observables) in {report.seconds:.1f} s")
    line(f"{len(report.truth)} planted networks; answer key: {report.truth_path}")


def _print_logins(world: World, password: str) -> None:
    """A table of sample logins: one user per organisation kind and role."""
    kinds = {o.id: o.kind.value for o in world.orgs}
    rows = [(u.username, u.org_id, kinds.get(u.org_id, "?"),
             ", ".join(sorted(r.value for r in u.roles)))
            for u in sample_logins(world.users, kinds)]
    table(f"Demo logins (password for all: {password})",
          ["username", "organisation", "kind", "roles"], rows)


def sample_logins(users: Iterable[DemoUser], kinds: dict[str, str]) -> list[DemoUser]:
    """The first user of each (organisation kind, roles) pair: hub.analyst, fr.analyst …"""
    chosen: dict[tuple[str, tuple[str, ...]], DemoUser] = {}
    for user in users:
        key = (kinds.get(user.org_id, "?"), tuple(sorted(r.value for r in user.roles)))
        chosen.setdefault(key, user)
    return list(chosen.values())
