"""CLI start-up and memory: `--help`, `--version`, a 1,000-object import, beside `python -c pass`.

Usage: .venv/bin/python benchmarks/bench_startup.py [--runs 7] [--objects 1000] [--smoke]

Each command runs as a fresh child process under /usr/bin/time (its own wall and CPU
seconds and peak RSS); the table gives the median of the runs and the floor, an empty
Python start, measured in the same run. The import is a STIX bundle of N objects
(benchmarks/stix_bundle.py) into a fresh SQLite database with the warning lists on: the
first run builds the warning-list index in `<data_dir>/cache` (shown as "cold"), the
counted runs map it. Goals (issue 17): `--help` < 0.5 s, import peak RSS < 150 MB.
`--smoke` (for `make bench`) runs each once and fails (exit 1) when a command fails or
the warm import's peak RSS passes its goal (memory, unlike time, is steady on a busy host).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

HELP_GOAL_S = 0.5
IMPORT_GOAL_MB = 150


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MB, exit code) of one child, from /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r") as report:
        done = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", report.name, *cmd],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              check=False)
        wall, user, system, kib = report.read().strip().splitlines()[-1].split()
    if done.returncode:
        print(done.stderr.decode(errors="replace")[-600:], file=sys.stderr)
    return float(wall), float(user) + float(system), int(kib) / 1024, done.returncode


def row(name: str, cmd: list[str], env: dict[str, str], runs: int,
        goal: str = "") -> tuple[float, float, float, int]:
    """Run `cmd` `runs` times, print the medians, return them (and the worst exit code)."""
    results = [timed(cmd, env) for _ in range(runs)]
    wall, cpu, rss = (statistics.median(r[i] for r in results) for i in range(3))
    code = max(r[3] for r in results)
    print(f"{name:<34} {wall:>8.3f} {cpu:>8.3f} {rss:>8.0f}  {goal}"
          f"{'' if code == 0 else f' (exit {code})'}", flush=True)
    return wall, cpu, rss, code


def prepared(folder: Path) -> None:
    """A fresh SQLite database with the test world (users to import as)."""
    from conftest import make_context
    from worlds import build_world

    ctx = make_context(f"sqlite:///{folder / 'cyberfusion.db'}", folder)
    build_world(ctx)
    ctx.db.dispose()


def main() -> int:
    """Print the start-up and import table; exit 1 when a command failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    runs = 1 if args.smoke else args.runs
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CYBERFUSION_FAST_HASHING": "1",
           "CYBERFUSION_WARNINGLISTS": "1", "CYBERFUSION_IMPORT_WORKERS": "0"}
    env.pop("CYBERFUSION_DATABASE_URL", None)
    cli = [sys.executable, "-m", "cyberfusion"]
    print(f"load average {os.getloadavg()[0]:.2f}; median of {runs} runs per row")
    print(f"{'command':<34} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}  goal")
    failed = row("floor: python -c pass", [sys.executable, "-c", "pass"], env, runs)[3]
    help_wall = row("cyberfusion --help", [*cli, "--help"], env, runs,
                    f"< {HELP_GOAL_S} s")
    failed |= help_wall[3]
    failed |= row("cyberfusion --version", [*cli, "--version"], env, runs)[3]
    failed |= row("cyberfusion case list --help", [*cli, "case", "list", "--help"], env,
                  runs)[3]
    with tempfile.TemporaryDirectory() as tmp:
        failed |= imports(Path(tmp), cli, env, runs, args.objects, args.smoke)
    return 1 if failed else 0


def imports(work: Path, cli: list[str], env: dict[str, str], runs: int, objects: int,
            guard: bool) -> int:
    """Import an N-object bundle: the cold run builds the index, the counted ones map it."""
    from stix_bundle import write_bundle

    bundle = work / "bundle.json"
    write_bundle(bundle, objects, 5)
    template = work / "template"
    template.mkdir()
    prepared(template)
    data = work / "data"
    shutil.copytree(template, data)
    command = [*cli, "--data-dir", str(data), "import", str(bundle), "--as", "fr-cyber.analyst"]
    failed = row(f"import {objects} objects, index cold", command, env, 1)[3]
    codes = []
    for i in range(runs):  # a fresh database each run, the index kept in its cache folder
        fresh = work / f"data{i}"
        shutil.copytree(template, fresh)
        (fresh / "cache").symlink_to(data / "cache")
        codes.append(timed([*cli, "--data-dir", str(fresh), "import", str(bundle), "--as",
                            "fr-cyber.analyst"], env))
    wall, cpu, rss = (statistics.median(r[i] for r in codes) for i in range(3))
    code = max(r[3] for r in codes)
    print(f"{f'import {objects} objects, index warm':<34} {wall:>8.3f} {cpu:>8.3f} {rss:>8.0f}"
          f"  < {IMPORT_GOAL_MB} MB{'' if code == 0 else f' (exit {code})'}")
    if guard and rss >= IMPORT_GOAL_MB:
        print(f"FAIL: import peak RSS {rss:.0f} MB >= {IMPORT_GOAL_MB} MB")
        failed = 1
    return failed | code


if __name__ == "__main__":
    sys.exit(main())
