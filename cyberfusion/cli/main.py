"""The `cyberfusion` command: a thin Typer adapter over the services.

Settings are read once in the root callback; the service Context is built on first use.
Every CyberfusionError is turned into `error: …` plus located issues in one place
(`GuardedGroup.invoke`): exit code 2 for invalid input, 1 for anything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cyberfusion import __version__
from cyberfusion.cli import (
    admin,
    cases,
    channel,
    demo,
    entities,
    exports,
    hits,
    imports,
    lookup,
    networks,
    retention,
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
         "rota", "case", "search", "lookup", "hits", "disclosure", "network", "entity", "import",
         "export", "send", "inbox", "thread", "ack", "duty")


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
app.command("init", rich_help_panel=_RUN)(system.init)
app.command("serve", rich_help_panel=_RUN)(system.serve)
app.command("demo", rich_help_panel=_RUN)(demo.demo)
app.add_typer(system.audit_app, name="audit", rich_help_panel=_RUN)
app.add_typer(retention.retention_app, name="retention", rich_help_panel=_RUN)
app.add_typer(admin.org_app, name="org", rich_help_panel=_DATA)
app.add_typer(admin.user_app, name="user", rich_help_panel=_DATA)
app.add_typer(admin.token_app, name="token", rich_help_panel=_DATA)
app.add_typer(cases.case_app, name="case", rich_help_panel=_ANALYSE)
app.command("search", rich_help_panel=_ANALYSE)(cases.search_command)
app.command("import", rich_help_panel=_ANALYSE)(imports.import_command)
app.command("export", rich_help_panel=_ANALYSE)(exports.export_command)
app.command("lookup", rich_help_panel=_ANALYSE)(lookup.lookup)
app.add_typer(hits.hits_app, name="hits", rich_help_panel=_ANALYSE)
app.add_typer(hits.disclosure_app, name="disclosure", rich_help_panel=_ANALYSE)
app.add_typer(networks.network_app, name="network", rich_help_panel=_ANALYSE)
app.add_typer(entities.entity_app, name="entity", rich_help_panel=_ANALYSE)
app.command("sweep", rich_help_panel=_RUN)(channel.sweep)
app.add_typer(channel.rota_app, name="rota", rich_help_panel=_DATA)
app.command("send", rich_help_panel=_CHANNEL)(channel.send)
app.command("inbox", rich_help_panel=_CHANNEL)(channel.inbox)
app.command("thread", rich_help_panel=_CHANNEL)(channel.thread)
app.command("ack", rich_help_panel=_CHANNEL)(channel.ack)
app.command("duty", rich_help_panel=_CHANNEL)(channel.duty)


def run() -> None:
    """Console-script entry point."""
    app(prog_name="cyberfusion")
