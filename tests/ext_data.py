"""The third-party test data under tests/fixtures/ext (see its SOURCES.md).

The two ATT&CK bundles are kept gzipped (`gzip -9 -n` of the upstream files; as JSON each is
over 2 MiB); tests read them through `unpacked`, which writes the JSON once per process into a
temporary folder.
"""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

EXT = Path(__file__).parent / "fixtures" / "ext"
ATTACK_ICS = EXT / "attack-stix-data" / "ics-attack-18.1.json.gz"


def unpacked(packed: Path) -> Path:
    """The JSON of a `.json.gz` fixture, as a file (written on first use in this process)."""
    target = (Path(tempfile.gettempdir()) / f"cyberfusion-ext-{os.getpid()}"
              / packed.relative_to(EXT).with_suffix(""))
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(gzip.decompress(packed.read_bytes()))
        partial.replace(target)
    return target


def attack_ics() -> Path:
    """ATT&CK for ICS 18.1 (1,826 objects) as a JSON file."""
    return unpacked(ATTACK_ICS)


def every_file() -> list[Path]:
    """Every STIX and MISP file of the set, the gzipped ones unpacked (licences aside)."""
    found = {p.relative_to(EXT): p for p in EXT.rglob("*.json")}
    found |= {p.relative_to(EXT).with_suffix(""): unpacked(p) for p in EXT.rglob("*.json.gz")}
    return [found[name] for name in sorted(found)]  # in the order of their place in the set
