"""Running the CLI in-process against a data folder: one runner for every CLI test module."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cyberfusion.cli.main import app

Cli = Callable[..., Result]


def cli_in(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`cyberfusion --data-dir data_dir ARGS…` (cheap hashing, wide output, SQLite)."""
    monkeypatch.setenv("CYBERFUSION_FAST_HASHING", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("CYBERFUSION_DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(app, ["--data-dir", str(data_dir), *args], input=stdin)

    return invoke


def ok(result: Result) -> Result:
    """Assert a zero exit code, showing the output when not."""
    assert result.exit_code == 0, result.output
    return result
