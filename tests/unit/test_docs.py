"""Docs stay true: every setting is documented, every documented CLI command exists."""

from __future__ import annotations

import re
from pathlib import Path

from cyberfusion.config import SETTINGS_HELP, Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented_and_has_help() -> None:
    text = (DOCS / "operator.md").read_text()
    assert set(SETTINGS_HELP) == set(Settings.model_fields)
    assert all(SETTINGS_HELP[name] for name in Settings.model_fields)  # every Field has one
    for name in Settings.model_fields:
        assert f"`CYBERFUSION_{name.upper()}`" in text, name


def test_documented_cli_commands_and_options_exist() -> None:
    from typer.testing import CliRunner

    from cyberfusion.cli.main import app

    text = (DOCS / "user-guide.md").read_text()
    runner = CliRunner()
    lines = re.findall(r"^cyberfusion ([a-z]+)(?: ([a-z][a-z-]*))?(.*)$", text, re.M)
    assert len(lines) >= 8
    for first, second, rest in lines:
        words = [first, second] if second else [first]
        result = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, words
        for option in re.findall(r"(--[a-z-]+)", rest.split("#")[0]):
            assert option in result.output, (words, option)
