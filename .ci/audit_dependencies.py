"""Audit the pinned dependencies (constraints.txt) with pip-audit; fail on any known vulnerability.

pip-audit asks PyPI's vulnerability service about each pin. Where that service cannot be
reached, pip-audit skips the pin rather than failing; this script says how many pins were
really audited, so a run that audited nothing is never read as "no known vulnerabilities".
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def audit(constraints: Path) -> dict[str, list[dict[str, object]]]:
    """pip-audit's JSON report over the `==` pins of `constraints`."""
    pins = [line for line in constraints.read_text().splitlines() if "==" in line]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(pins) + "\n")
    command = [sys.executable, "-m", "pip_audit", "-r", handle.name, "--no-deps",
               "--disable-pip", "--progress-spinner", "off", "-f", "json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    Path(handle.name).unlink()
    if not done.stdout.strip():
        sys.exit(f"pip-audit gave no report (exit {done.returncode}): {done.stderr.strip()}")
    report: dict[str, list[dict[str, object]]] = json.loads(done.stdout)
    return report


def main() -> int:
    """Print what was audited and every known vulnerability; non-zero exit on any."""
    dependencies = audit(ROOT / "constraints.txt")["dependencies"]
    skipped = [d for d in dependencies if "skip_reason" in d]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:  # type: ignore[attr-defined]
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} pins audited, "
          f"{len(vulnerable)} with known vulnerabilities, {len(skipped)} skipped")
    if skipped and not audited:
        print("pip-audit: the vulnerability service could not be reached from here; "
              "nothing was audited (run `make audit` where PyPI's JSON API is reachable)")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
