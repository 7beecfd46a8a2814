"""Terminal output: rich tables and progress on the way in, plain lines for data and errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cyberfusion.errors import CyberfusionError, InvalidInput

#: The `--json` option of listing commands (the JSON is the API's presenter output).
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def out() -> Console:
    """A console on stdout (built per use so test runners' stream swaps are honoured)."""
    return Console(highlight=False, soft_wrap=False)


def err() -> Console:
    """A console on stderr, for progress bars and spinners (keeps stdout clean for data)."""
    return Console(stderr=True, highlight=False)


def line(text: str = "") -> None:
    """One plain line on stdout."""
    typer.echo(text)


def warn(text: str) -> None:
    """One plain line on stderr."""
    typer.echo(text, err=True)


def print_json(doc: Any) -> None:
    """A JSON document on stdout, indented, non-ASCII kept."""
    typer.echo(json.dumps(doc, indent=2, ensure_ascii=False, default=str))


def json_or_line(as_json: bool, doc: Any, text: str) -> None:
    """What a command did: its JSON document with `--json`, else one plain line."""
    if as_json:
        print_json(doc)
    else:
        line(text)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
          keep: Sequence[str] = ()) -> None:
    """A rich table on stdout; cells are shown literally (never parsed as markup).

    Columns named in `keep` are never wrapped; the others share what width is left.
    """
    grid = Table(title=title or None, title_justify="left", header_style="bold")
    for column in columns:
        grid.add_column(column, overflow="fold", no_wrap=column in keep)
    for row in rows:
        grid.add_row(*(Text(cell_text(cell)) for cell in row))
    out().print(grid)


def cell_text(value: Any) -> str:
    """How one value reads in a table cell."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(sorted(str(v) for v in value)) or "-"
    return str(value) if str(value) != "" else "-"


def print_error(exc: CyberfusionError) -> int:
    """Print `error: <detail>` and each located issue on stderr; return the exit code."""
    warn(f"error: {exc.detail}")
    for issue in exc.issues:
        warn(f"{issue.location}: {issue.message}")
    return 2 if isinstance(exc, InvalidInput) else 1


_URL_PASSWORD = re.compile(r"(://[^:/@]+):[^@]*@")


def safe_url(url: str) -> str:
    """A database URL with any password masked."""
    return _URL_PASSWORD.sub(r"\1:***@", url)
