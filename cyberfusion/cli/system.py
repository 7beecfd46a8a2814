"""Running an instance: create the database, serve the web app, verify the audit trail."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from cyberfusion.cli.output import err, line, safe_url, warn
from cyberfusion.cli.state import CliState, context_of, state_of
from cyberfusion.services import audit, ransomware, system

HostOpt = Annotated[str | None, typer.Option(help="Address to bind (default from settings: "
                                                  "127.0.0.1).", show_default=False)]
PortOpt = Annotated[int | None, typer.Option(help="Port to listen on (default from settings: "
                                                  "8470).", show_default=False)]


def init_database(state: CliState) -> str:
    """Create the data folder and migrate the database to the newest schema; return its URL."""
    system.init_database(state.context())
    return safe_url(state.settings.resolved_database_url())


def serve_app(state: CliState, host: str | None, port: int | None) -> None:
    """Run the web application under uvicorn until interrupted."""
    import uvicorn

    from cyberfusion.web.app import create_app

    settings = state.settings
    host, port = host or settings.host, port or settings.port
    # The ransomware galaxy index (about a second) is built while the server starts, so the
    # first identification takes milliseconds like the others.
    threading.Thread(target=ransomware.galaxy_index, name="ransomware-index",
                     daemon=True).start()
    line(f"serving on http://{host}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(create_app(state.context()), host=host, port=port, log_level="info")


def init(cli: typer.Context) -> None:
    """Create the data folder and the database schema (safe to run again)."""
    url = init_database(state_of(cli))
    line(f"database ready: {url}")


def serve(cli: typer.Context, host: HostOpt = None, port: PortOpt = None) -> None:
    """Serve the web UI and the REST API."""
    serve_app(state_of(cli), host, port)


audit_app = typer.Typer(help="Check the tamper-evident audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(cli: typer.Context) -> None:
    """Walk the hash chain of the audit trail and report the first broken event."""
    ctx = context_of(cli)
    with err().status("verifying the audit trail…"):
        checked, problem = audit.verify(ctx)
    if problem is not None:
        warn(f"audit trail BROKEN at event {problem.seq}: {problem.problem}")
        raise typer.Exit(1)
    line(f"audit trail verified: {checked} events")
