"""The `cyberfusion` command: a thin Typer adapter over the services.

Settings are read once in the root callback; the service Context is built on first use.
Every CyberfusionError is turned into `error: …` plus located issues in one place
(`GuardedGroup.invoke`): exit code 2 for invalid input, 1 for anything else.

Start-up is lazy: a command's module (and the services, store, stix2 … it imports) is
imported only when that command runs. `--help` lists every command from `_COMMANDS`, which
holds each one's panel and one-line help (a test checks them against the real commands).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from cyberfusion import __version__
from cyberfusion.cli.output import line, print_error
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
         "entity", "bulletin", "dashboard", "ransomware", "incident", "operation", "community",
         "import", "export", "source", "send", "inbox", "thread", "ack", "duty")


class GuardedGroup(TyperGroup):
    """The root group: loads commands on use and reports our errors without a traceback.

    `get_command` answers with a light stand-in (name, panel, one-line help) for `--help`;
    `resolve_command` (running a command) and `commands` (walking the tree) load the real one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._loaded: dict[str, Any] = {}
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, Any]:
        """Every command, loaded (imports every command module)."""
        for name in _LAZY:
            self._load(name)
        return self._loaded

    @commands.setter
    def commands(self, value: dict[str, Any]) -> None:
        self._loaded.update(value)

    def _load(self, name: str) -> Any:
        if name not in self._loaded:
            self._loaded[name] = _real_command(name)
        return self._loaded[name]

    def list_commands(self, ctx: Any) -> list[str]:
        """Commands in the order of ORDER (then any others)."""
        names = [*_LAZY, *(n for n in self._loaded if n not in _LAZY)]
        return sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The loaded command, else its stand-in for help listings (None if unknown)."""
        return self._loaded.get(cmd_name) or _LISTED.get(cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """The real command to run (imports its module now)."""
        name, cmd, rest = super().resolve_command(ctx, args)
        if name in _LAZY:
            cmd = self._load(name)
        return name, cmd, rest

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
    from cyberfusion.cli.state import CliState, read_settings

    state = CliState(read_settings(data_dir, database_url))
    cli.obj = state
    cli.call_on_close(state.close)


_RUN, _DATA, _ANALYSE = "Run an instance", "Members and access", "Intelligence"
_CHANNEL = "Secure channel and 24/7 network"
_RESPOND = "Incident response"
#: Every top-level command or group: (name, module:attribute in cyberfusion.cli, help panel,
#: its one-line help as `--help` lists it).
_COMMANDS: list[tuple[str, str, str, str]] = [
    ("init", "system:init", _RUN,
     "Create the data folder and the database schema (safe to run again)."),
    ("serve", "system:serve", _RUN, "Serve the web UI and the REST API."),
    ("demo", "demo:demo", _RUN, "Create, seed and serve a demo world (a hub, ~20 countries, "
     "partners, thousands of cases)."),
    ("audit", "system:audit_app", _RUN, "Check the tamper-evident audit trail."),
    ("retention", "retention:retention_app", _RUN,
     "Review dates and the deletion of data nobody confirmed."),
    ("org", "admin:org_app", _DATA, "Add and list the member organisations."),
    ("user", "admin:user_app", _DATA, "Add and list users of an organisation."),
    ("token", "admin:token_app", _DATA, "Create, list and revoke API tokens of a user."),
    ("agreement", "agreements:agreement_app", _DATA,
     "Gateway agreements with partner organisations: what they may send and receive, and "
     "until when (hub admins)."),
    ("case", "cases:case_app", _ANALYSE, "Submit, show and list cases."),
    ("search", "cases:search_command", _ANALYSE,
     "Who holds this value: readable cases in full, others as 'held by <owner>'."),
    ("import", "imports:import_command", _ANALYSE,
     "Import files; each lands in whole batches. Run it again after a crash or a fixed "
     "fault: the unfinished job resumes from its last checkpoint. Exits 1 unless all are "
     "done."),
    ("export", "exports:export_command", _ANALYSE,
     "Export the cases you may read in full, and (STIX, JSON lines) the readable knowledge "
     "kept outside cases: all of it unless a filter narrows the export (audited per owner)."),
    ("source", "sources:source_app", _ANALYSE,
     "TAXII 2.1 sources: remote collections to pull from or push to (federation between "
     "instances, partner feeds)."),
    ("lookup", "lookup:lookup", _ANALYSE,
     "Check many values: readable cases, 'a match is held by …', or nothing, per value."),
    ("hits", "hits:hits_app", _ANALYSE, "Your hit inbox and the hits your searches got."),
    ("disclosure", "hits:disclosure_app", _ANALYSE,
     "Request disclosure after a hit; approve or decline."),
    ("network", "networks:network_app", _ANALYSE,
     "Networks of linked cases: recompute, list, show, export."),
    ("entity", "entities:entity_app", _ANALYSE,
     "Threat actors, malware and ransomware families, techniques and campaigns: list, show, "
     "edit, merge, link to cases."),
    ("bulletin", "bulletins:bulletin_app", _ANALYSE,
     "Prevention bulletins (TLP:CLEAR advice for the public): write, approve by a second hub "
     "user, publish, withdraw."),
    ("dashboard", "bulletins:dashboard_command", _ANALYSE,
     "The dashboard figures you may see: cases per crime type and region per month, hits, "
     "disclosure and request response times."),
    ("ransomware", "ransomware:ransomware_app", _RESPOND,
     "Ransomware: identify the family behind a ransom note."),
    ("incident", "incidents:incident_app", _RESPOND,
     "Incidents under way: report one (its values are checked and urgent help asked), list, "
     "show, tick checklist steps."),
    ("operation", "operations:operation_app", _RESPOND,
     "Operations against networks: create (from a network or by hand), list, show with your "
     "target package, tasks, action days, results, takedowns, after-action report."),
    ("community", "communities:community_app", _RESPOND,
     "Communities (the expert group, the ransomware forum): list yours, show one, post in a "
     "thread, plan a meeting."),
    ("report", "reports:report_app", _ANALYSE,
     "Cyber activity reports: build, list, show, approve, send."),
    ("sweep", "channel:sweep", _RUN,
     "Escalate overdue requests, send reminders, deliver e-mails and webhook calls."),
    ("rota", "channel:rota_app", _DATA, "Keep an organisation's 24/7 contacts and duty rota."),
    ("send", "channel:send", _CHANNEL,
     "Send a signed message or typed request; missing request fields are named."),
    ("inbox", "channel:inbox", _CHANNEL,
     "List the threads of the user's organisation; listing delivers what was waiting."),
    ("thread", "channel:thread", _CHANNEL,
     "Show one thread the user's organisation takes part in, with every message."),
    ("ack", "channel:ack", _CHANNEL,
     "Acknowledge a request addressed to the user's organisation (stops escalation)."),
    ("duty", "channel:duty", _CHANNEL,
     "Who is on duty now in a country (or one organisation), in its own time zone."),
]
_LAZY: dict[str, tuple[str, str]] = {name: (target, panel) for name, target, panel, _ in _COMMANDS}
#: Stand-ins naming each command in `--help` without importing its module.
_LISTED: dict[str, TyperCommand] = {
    name: TyperCommand(name, help=short, rich_help_panel=panel)
    for name, _, panel, short in _COMMANDS}


def command_target(name: str) -> Any:
    """The Typer app or function behind top-level command `name` (imports its module)."""
    module, _, attribute = _LAZY[name][0].partition(":")
    return getattr(importlib.import_module(f"cyberfusion.cli.{module}"), attribute)


def _real_command(name: str) -> Any:
    """The click command Typer builds for `name`, as `app.add_typer`/`app.command` would."""
    target, panel = command_target(name), _LAZY[name][1]
    holder = typer.Typer()
    holder.callback()(_no_op)
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name, rich_help_panel=panel)
    else:
        holder.command(name, rich_help_panel=panel)(target)
    return typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]


def _no_op() -> None:
    """Callback of the holder app that turns one command into a click command."""


def run() -> None:
    """Console-script entry point."""
    app(prog_name="cyberfusion")
