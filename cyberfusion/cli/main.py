"""The `cyberfusion` command: a thin Typer adapter over the services.

Settings are read once in the root callback; the service Context is built on first use.
Every CyberfusionError is turned into `error: …` plus located issues in one place
(`GuardedGroup.invoke`): exit code 2 for invalid input, 1 for anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cyberfusion import __version__
from cyberfusion.cli import (
    admin,
    agreements,
    bulletins,
    cases,
    channel,
    demo,
    entities,
    exports,
    hits,
    imports,
    incidents,
    lookup,
    networks,
    ransomware,
    reports,
    retention,
    sources,
    system,
)
from cyberfusion.cli.output import line, print_error
from cyberfusion.cli.state import CliState, read_settings
from cyberfusion.errors import CyberfusionError

HELP = (
    "cyberfusion: a cyber fusion centre in a box.\n\n"
    "Police cybercrime units, a coordinating hub and vetted partners pool cybercrime "
    "intelligence under the handling rules each owner sets.\n\n"
    "Settings come from CYBERFUSION_* environment variables; --data-dir and --database-url "
    "override them. Try it out with: [bold]cyberfusion demo[/bold]"
)

#: The order commands are listed in `--help`.
ORDER = ("init", "serve", "demo", "audit", "retention", "sweep", "org", "user", "token",
         "rota", "agreement", "case", "search", "lookup", "hits", "disclosure", "network",
         "entity", "bulletin", "dashboard", "ransomware", "incident", "import", "export",
         "source", "send", "inbox", "thread", "ack", "duty")


class GuardedGroup(TyperGroup):
    """The root group: runs the command and reports our own errors without a traceback."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Commands in the order of ORDER (then any others)."""
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))

    def invoke(self, ctx: Any) -> Any:
        """Invoke the command; map CyberfusionError to a message and exit code."""
        try:
            return super().invoke(ctx)
        except CyberfusionError as exc:
            raise typer.Exit(print_error(exc)) from None


app = typer.Typer(
    cls=GuardedGroup,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    """Print the version and stop (eager --version option)."""
    if value:
        line(f"cyberfusion {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    cli: typer.Context,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", metavar="DIR", envvar=None, show_default=False,
        help="Data folder (SQLite database, secrets); overrides CYBERFUSION_DATA_DIR.")] = None,
    database_url: Annotated[str | None, typer.Option(
        "--database-url", metavar="URL", show_default=False,
        help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db; overrides "
             "CYBERFUSION_DATABASE_URL.")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Read the settings once and keep them, with a lazily built Context, for the command."""
    state = CliState(read_settings(data_dir, database_url))
    cli.obj = state
    cli.call_on_close(state.close)


_RUN, _DATA, _ANALYSE = "Run an instance", "Members and access", "Intelligence"
_CHANNEL = "Secure channel and 24/7 network"
_RESPOND = "Incident response"
#: Every top-level command or command group, in help order, with the help panel it is in.
_COMMANDS: list[tuple[str, Callable[..., Any] | typer.Typer, str]] = [
    ("init", system.init, _RUN),
    ("serve", system.serve, _RUN),
    ("demo", demo.demo, _RUN),
    ("audit", system.audit_app, _RUN),
    ("retention", retention.retention_app, _RUN),
    ("org", admin.org_app, _DATA),
    ("user", admin.user_app, _DATA),
    ("token", admin.token_app, _DATA),
    ("agreement", agreements.agreement_app, _DATA),
    ("case", cases.case_app, _ANALYSE),
    ("search", cases.search_command, _ANALYSE),
    ("import", imports.import_command, _ANALYSE),
    ("export", exports.export_command, _ANALYSE),
    ("source", sources.source_app, _ANALYSE),
    ("lookup", lookup.lookup, _ANALYSE),
    ("hits", hits.hits_app, _ANALYSE),
    ("disclosure", hits.disclosure_app, _ANALYSE),
    ("network", networks.network_app, _ANALYSE),
    ("entity", entities.entity_app, _ANALYSE),
    ("bulletin", bulletins.bulletin_app, _ANALYSE),
    ("dashboard", bulletins.dashboard_command, _ANALYSE),
    ("ransomware", ransomware.ransomware_app, _RESPOND),
    ("incident", incidents.incident_app, _RESPOND),
    ("report", reports.report_app, _ANALYSE),
    ("sweep", channel.sweep, _RUN),
    ("rota", channel.rota_app, _DATA),
    ("send", channel.send, _CHANNEL),
    ("inbox", channel.inbox, _CHANNEL),
    ("thread", channel.thread, _CHANNEL),
    ("ack", channel.ack, _CHANNEL),
    ("duty", channel.duty, _CHANNEL),
]
for _name, _target, _panel in _COMMANDS:
    if isinstance(_target, typer.Typer):
        app.add_typer(_target, name=_name, rich_help_panel=_panel)
    else:
        app.command(_name, rich_help_panel=_panel)(_target)


def run() -> None:
    """Console-script entry point."""
    app(prog_name="cyberfusion")
