"""Lazy CLI start-up: `--help` lists the real commands without importing their modules."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import typer

from cyberfusion.cli import main

ROOT = Path(__file__).resolve().parents[2]


def first_paragraph(text: str) -> str:
    """What Typer's help listing shows of a command's help."""
    return inspect.cleandoc(text).split("\n\n")[0].replace("\n", " ").strip()


def test_listed_help_and_panels_are_the_real_ones() -> None:
    group = typer.main.get_command(main.app)
    real = group.commands  # type: ignore[attr-defined]
    assert set(real) == {name for name, *_ in main._COMMANDS}
    for name, _, panel, short in main._COMMANDS:
        command = real[name]
        assert command.rich_help_panel == panel, name
        assert first_paragraph(command.short_help or command.help or "") == short, name


def test_help_imports_no_command_module() -> None:
    script = ("import sys\nfrom cyberfusion.cli.main import app\n"
              "try:\n    app(['--help'], prog_name='cyberfusion')\nexcept SystemExit:\n    pass\n"
              "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
              "('sqlalchemy', 'stix2', 'cryptography', 'pydantic', 'orjson') "
              "or m.startswith(('cyberfusion.services', 'cyberfusion.store', "
              "'cyberfusion.cli.imports')))\n"
              "print('HEAVY', heavy)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"},
                          check=True)
    assert "│ import " in done.stdout and "│ duty " in done.stdout
    assert done.stdout.strip().endswith("HEAVY []"), done.stdout[-400:]
