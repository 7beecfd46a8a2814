"""Streaming: a large bundle decodes with memory well below its size, flat as it grows."""

from __future__ import annotations

import tracemalloc
from datetime import date
from pathlib import Path

import orjson

from cyberfusion.domain.imports import ImportDefaults
from cyberfusion.formats.stix import StixCodec

COUNT = 120_000
MIDDLE = COUNT // 2
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
DESCRIPTION = ("Beacon seen from a victim network during the incident response; the host "
               "answered on 443 and 8443 with a self-signed certificate, and served the "
               "second-stage loader to machines that had opened the invoice attachment. "
               "Reported by the national CERT after coordination with the hosting provider.")


def _write(path: Path, count: int) -> int:
    """A bundle of `count` indicators with distinct values (~750 bytes each); its size."""
    with path.open("wb") as out:
        out.write(b'{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", '
                  b'"objects": [\n')
        for n in range(count):
            ip = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
            obj = {"type": "indicator", "spec_version": "2.1",
                   "id": f"indicator--00000000-0000-4000-8000-{n:012d}",
                   "created": "2026-03-01T10:00:00.000Z", "modified": "2026-03-01T10:00:00.000Z",
                   "name": f"C2 address {n}", "description": DESCRIPTION,
                   "indicator_types": ["malicious-activity"],
                   "pattern": f"[ipv4-addr:value = '{ip}']", "pattern_type": "stix",
                   "valid_from": "2026-03-01T10:00:00Z",
                   "object_marking_refs": [AMBER]}
            out.write((b",\n" if n else b"") + orjson.dumps(obj))
        out.write(b"\n]}\n")
    return path.stat().st_size


def test_memory_stays_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    size = _write(path, COUNT)
    defaults = ImportDefaults("fr-cyber", date(2031, 1, 1))
    objects = occurrences = 0
    first_half_peak = 0
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            for batch in StixCodec().decode(stream, path.name, defaults):
                objects += len(batch.objects)
                occurrences += sum(len(c.draft.occurrences) for c in batch.cases)
                if objects >= MIDDLE and not first_half_peak:
                    first_half_peak = tracemalloc.get_traced_memory()[1]
                    tracemalloc.reset_peak()
                del batch
        second_half_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert objects == occurrences == COUNT
    peak = max(first_half_peak, second_half_peak)
    print(f"file {size / 1e6:.0f} MB, peak {peak / 1e6:.1f} MB "
          f"(first half {first_half_peak / 1e6:.1f}, second {second_half_peak / 1e6:.1f})")
    assert peak < size / 2
    # flat: the second half adds only the id index (under 100 bytes an object)
    assert second_half_peak - first_half_peak < MIDDLE * 100
