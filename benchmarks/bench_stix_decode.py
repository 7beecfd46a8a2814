"""STIX 2.1 decode alone: our streaming codec beside ijson's bare parse and stix2.parse.

Run: .venv/bin/python benchmarks/bench_stix_decode.py [--objects 1000000] [--sample 20000]

The bundle comes from `stix_bundle.py` (the same generator as bench_ingest.py): 60%
indicators with simple patterns (IPv4, domain, URL, SHA-256; distinct values), 20% IPv4
SCOs, 15% relationships, a report every 1,000 objects. Each measurement runs in its own
child process, so its peak RSS (resource.getrusage) is its own:

* `ijson items` parses the objects and drops them: the floor for any streaming decoder;
* `cyberfusion stix21` is `StixCodec.decode` to the end (source objects, observables via
  the domain's `normalise`, entities, cases), batches dropped as they come;
* `… gc tuned` is the same decode in a process that froze its start-up objects and raised
  the collector's thresholds (`gc.freeze()`, `gc.set_threshold(50_000, 20, 100)`); import
  jobs themselves raise only the young trigger (`collector.relaxed()`), the codec none;
* `stix2.parse` (python-stix2, allow_custom) parses the first `--sample` objects, already
  loaded as dicts; its rate is extrapolated per object to the whole bundle.

Rates are per wall-clock second and per CPU second of the child (the machine may be
shared; the CPU rate is the steadier one). The ratio to stix2.parse uses CPU rates.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from stix_bundle import write_bundle

CACHE = Path(tempfile.gettempdir()) / "cyberfusion-bench"


def bundle_for(count: int) -> Path:
    """A cached bundle of `count` objects (shared with bench_ingest.py)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"bundle-{count}.json"
    if not path.exists():
        write_bundle(path, count)
    return path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(start: float, cpu: float, count: int) -> dict[str, float]:
    return {"objects": count, "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu, "rss": _peak_mb()}


def run_ijson(path: Path) -> dict[str, float]:
    """Parse every object with ijson (yajl2_c) and drop it."""
    import ijson

    count, start, cpu = 0, time.perf_counter(), time.process_time()
    with path.open("rb") as stream:
        for _ in ijson.items(stream, "objects.item", use_float=True):
            count += 1
    return _measure(start, cpu, count)


def run_ours(path: Path, tuned: bool = False) -> dict[str, float]:
    """Decode the whole bundle with the stix21 codec (in a GC-tuned process if `tuned`)."""
    import gc
    from datetime import date

    from cyberfusion.domain.imports import ImportDefaults
    from cyberfusion.formats.stix import StixCodec

    if tuned:
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
    defaults = ImportDefaults("bench-org", date(2031, 1, 1))
    count = cases = occurrences = issues = 0
    start, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as stream:
        for batch in StixCodec().decode(stream, path.name, defaults):
            count += len(batch.objects)
            cases += len(batch.cases)
            occurrences += sum(len(c.draft.occurrences) for c in batch.cases)
            issues += len(batch.issues)
    return {**_measure(start, cpu, count), "cases": cases, "occurrences": occurrences,
            "issues": issues}


def run_stix2(path: Path, sample: int) -> dict[str, float]:
    """stix2.parse on the first `sample` objects (loaded first, not timed)."""
    import ijson
    import stix2

    objects = []
    with path.open("rb") as stream:
        for obj in ijson.items(stream, "objects.item", use_float=True):
            objects.append(obj)
            if len(objects) >= sample:
                break
    start, cpu = time.perf_counter(), time.process_time()
    for obj in objects:
        stix2.parse(obj, allow_custom=True)
    return _measure(start, cpu, len(objects))


def child(kind: str, path: Path, sample: int) -> dict[str, float]:
    """Run one measurement in a fresh interpreter; return its JSON result."""
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--path", str(path),
                           "--sample", str(sample)], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--child", choices=["ijson", "ours", "ours-gc", "stix2"])
    parser.add_argument("--path", type=Path)
    args = parser.parse_args()
    if args.child:
        runs = {"ijson": lambda: run_ijson(args.path), "ours": lambda: run_ours(args.path),
                "ours-gc": lambda: run_ours(args.path, tuned=True),
                "stix2": lambda: run_stix2(args.path, args.sample)}
        print(json.dumps(runs[args.child]()))
        return
    path = bundle_for(args.objects)
    size_mb = path.stat().st_size / 1e6
    print(f"bundle: {args.objects:,} objects, {size_mb:,.0f} MB ({path})")
    rows = [("ijson items (parse only)", child("ijson", path, 0), ""),
            ("cyberfusion stix21 decode", child("ours", path, 0), ""),
            ("  … gc tuned process", child("ours-gc", path, 0), ""),
            ("stix2.parse (python-stix2)", child("stix2", path, args.sample),
             f"timed on {args.sample:,} objects, extrapolated")]
    _table(rows, args.objects, size_mb)


def _table(rows: list[tuple[str, dict[str, float], str]], total: int, size_mb: float) -> None:
    """Print one line per measurement: rates per wall and CPU second, MB/s, peak RSS."""
    print(f"{'decoder':28} {'objects/s':>10} {'obj/CPU-s':>10} {'MB/s':>6} {'1 bundle':>9} "
          f"{'peak RSS':>9}  notes")
    for name, result, note in rows:
        rate, cpu_rate = result["objects"] / result["seconds"], result["objects"] / result["cpu"]
        whole = total / rate
        if "cases" in result:
            note = (f"{int(result['cases']):,} cases, {int(result['occurrences']):,} "
                    f"observables, {int(result['issues'])} issues")
        print(f"{name:28} {rate:10,.0f} {cpu_rate:10,.0f} {size_mb / whole:6.1f} {whole:8.1f}s "
              f"{result['rss']:7.0f}MB  {note}")
    peer = rows[-1][1]["objects"] / rows[-1][1]["cpu"]
    for name, result, _ in rows[1:-1]:
        print(f"{name.strip()} / stix2.parse (CPU rates): "
              f"{result['objects'] / result['cpu'] / peer:.0f}x")


if __name__ == "__main__":
    main()
