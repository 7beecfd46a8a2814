"""Write a large, valid STIX 2.1 bundle for benchmarks: indicators, SCOs, relationships, reports."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TS = "2026-03-01T10:00:00.000Z"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _pattern(rng: random.Random, i: int) -> tuple[str, str]:
    kind = i % 4
    if kind == 0:
        octets = (rng.randint(11, 223), rng.randint(0, 255), rng.randint(0, 255),
                  rng.randint(1, 254))
        ip = ".".join(map(str, octets))
        return f"[ipv4-addr:value = '{ip}']", ip
    if kind == 1:
        name = f"n{rng.getrandbits(40):x}.example-{i % 97}.com"
        return f"[domain-name:value = '{name}']", name
    if kind == 2:
        url = f"http://h{rng.getrandbits(32):x}.example.net/p/{i}"
        return f"[url:value = '{url}']", url
    digest = f"{rng.getrandbits(256):064x}"
    return f"[file:hashes.'SHA-256' = '{digest}']", digest


def objects(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """`count` objects: 60% indicators, 20% SCOs, 15% relationships, reports every 1,000."""
    rng = random.Random(seed)
    identity = f"identity--{_uuid(rng)}"
    yield {"type": "identity", "spec_version": "2.1", "id": identity, "created": TS,
           "modified": TS, "name": "Benchmark CERT", "identity_class": "organization"}
    recent: list[str] = []
    for i in range(1, count):
        slot = i % 20
        if i % 1000 == 999:
            yield {"type": "report", "spec_version": "2.1", "id": f"report--{_uuid(rng)}",
                   "created": TS, "modified": TS, "name": f"Campaign report {i // 1000}",
                   "published": TS, "report_types": ["threat-report"],
                   "object_refs": recent[-50:] or [identity], "created_by_ref": identity,
                   "object_marking_refs": [TLP_AMBER]}
            recent = []
        elif slot < 12:
            pattern, _ = _pattern(rng, i)
            ident = f"indicator--{_uuid(rng)}"
            recent.append(ident)
            yield {"type": "indicator", "spec_version": "2.1", "id": ident, "created": TS,
                   "modified": TS, "pattern": pattern, "pattern_type": "stix",
                   "valid_from": TS, "indicator_types": ["malicious-activity"],
                   "created_by_ref": identity, "object_marking_refs": [TLP_AMBER],
                   "x_bench_score": i % 100}
        elif slot < 16:
            value = f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.9"
            yield {"type": "ipv4-addr", "spec_version": "2.1",
                   "id": f"ipv4-addr--{_uuid(rng)}", "value": value}
        else:
            yield {"type": "relationship", "spec_version": "2.1",
                   "id": f"relationship--{_uuid(rng)}", "created": TS, "modified": TS,
                   "relationship_type": "indicates", "source_ref": recent[-1] if recent
                   else identity, "target_ref": identity}


def write_bundle(path: Path, count: int, seed: int = 7) -> int:
    """Write the bundle; return its size in bytes."""
    with path.open("w") as out:
        out.write(f'{{"type": "bundle", "id": "bundle--{uuid.UUID(int=seed)}", "objects": [\n')
        for n, obj in enumerate(objects(count, seed)):
            out.write(("," if n else "") + json.dumps(obj, separators=(",", ":")) + "\n")
        out.write("]}\n")
    return path.stat().st_size
