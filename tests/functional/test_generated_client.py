"""A client generated from the published OpenAPI document (openapi-python-client, in the
separate tools venv `make tools` builds) imports and works against a real server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from browser_support import serving
from worlds import PASSWORD, World, case_doc

from cyberfusion.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(os.environ.get("CYBERFUSION_TOOLS_VENV", ROOT / ".venv-tools"))
SMOKE = ROOT / "tests" / "client_smoke.py"


def _tools_bin() -> Path:
    """The tools venv's bin folder (fails, not skips, when `make tools` was not run)."""
    bin_dir = TOOLS / "bin"
    if not (bin_dir / "openapi-python-client").exists():
        pytest.fail(f"no client generator in {TOOLS}: run `make tools` (make test does)")
    return bin_dir


def generate(spec: dict[str, object], into: Path) -> str:
    """Generate the client package `cyberfusion_client` under `into`; the generator's log."""
    bin_dir = _tools_bin()
    (into / "openapi.json").write_text(json.dumps(spec))
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path",
         str(into / "openapi.json"), "--output-path", str(into / "cyberfusion_client"),
         "--meta", "none"], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_generated_client_builds_and_passes_a_smoke_test(world: World, tmp_path: Path) -> None:
    """Every operation is generated; the client logs in, creates, reads, searches and parses
    a Problem from a server on loopback."""
    app = create_app(world.ctx)
    log = generate(app.openapi(), tmp_path)
    assert "will not be generated" not in log, log
    assert "Unable to" not in log, log
    with serving(app) as base:
        given = {"base": base, "username": "fr-cyber.analyst", "password": PASSWORD,
                 "case": case_doc("Client smoke case")}
        ran = subprocess.run([str(_tools_bin() / "python"), str(SMOKE)], input=json.dumps(given),
                             capture_output=True, text=True, timeout=120, check=False,
                             env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert ran.returncode == 0, ran.stdout + ran.stderr
    seen = json.loads(ran.stdout)
    assert seen["case"]["title"] == "Client smoke case"
    assert [c["id"] for c in seen["search"]["cases"]] == [seen["case"]["id"]]
    assert seen["problem"]["type"] == "urn:cyberfusion:problem:not-found"
    assert seen["refused"]["status"] == 401
