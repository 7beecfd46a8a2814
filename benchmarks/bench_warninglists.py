"""Warning lists: load time, memory and match rate of our matcher, beside pymispwarninglists.

Usage: .venv/bin/python benchmarks/bench_warninglists.py [--n 200000] [--seed 7] [--peer-n 2000]
    [--smoke]

Loads every list bundled with pymispwarninglists four ways, each in a fresh child process
(so the RSS increase is the loader's): building `WarningLists` from the JSON lists in
memory (the old way), building the memory-mapped index file (cold, once per version),
mapping that index (warm, what every process pays), and pymispwarninglists' own loader.
Then matches N values of a deterministic mix (IPv4, IPv6, domains, URLs, e-mail addresses,
digests), half of them drawn from the lists themselves so that hits are exercised too, with
the mapped index and the in-memory matcher, and prints values/s per type and overall (the
hit counts must agree). For scale, the package's own `WarningLists(slow_search=True)
.search()` (which tries every list in turn) is timed on a small sample of the same mix.
Goal (issue 17): warm load < 0.5 s and < 60 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from cyberfusion.formats.warninglists import WarningLists, lists_dir  # noqa: E402

#: Child-process loaders: Python run after `import` lines, measured around `LOAD`.
LOADERS = {
    "in memory from JSON (old)": "from cyberfusion.formats.warninglists import WarningLists, "
                                 "lists_dir\nLOAD: WarningLists.from_dir(lists_dir())",
    "index: build file (cold)": "from cyberfusion.formats.warninglists import WarningLists\n"
                                "LOAD: WarningLists.from_index(Path(FOLDER))",
    "index: map file (warm)": "from cyberfusion.formats.warninglists import WarningLists\n"
                              "LOAD: WarningLists.from_index(Path(FOLDER))",
    "pymispwarninglists": "from pymispwarninglists import WarningLists\n"
                          "LOAD: WarningLists(slow_search=True)",
}
CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
FOLDER = {folder!r}
def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
before = rss()
started, cpu = time.perf_counter(), time.process_time()
{imports}
loaded = {load}
loaded_wall, loaded_cpu = time.perf_counter() - started, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(loaded_wall, loaded_cpu, rss() - before, peak)
"""


def load_in_child(name: str, folder: str) -> tuple[float, float, float, float]:
    """(wall s, CPU s, RSS growth MB, peak RSS MB) of one loader in a fresh process.

    The time counts the loader's imports too (that is what a command pays).
    """
    imports, _, load = LOADERS[name].partition("\nLOAD: ")
    code = CHILD.format(root=str(ROOT), folder=folder, imports=imports, load=load)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall, cpu, grown, peak = (float(x) for x in done.stdout.split())
    return wall, cpu, grown, peak


def loaders(folder: str) -> None:
    """Print the load table: each way of loading the lists, in its own process."""
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'loader':<28} {'wall s':>7} {'CPU s':>7} {'RSS +MB':>8} {'peak MB':>8}  goal")
    for name in LOADERS:
        wall, cpu, grown, peak = load_in_child(name, folder)
        goal = "< 0.5 s, < 60 MB" if "warm" in name else ""
        print(f"{name:<28} {wall:>7.2f} {cpu:>7.2f} {grown:>8.0f} {peak:>8.0f}  {goal}",
              flush=True)


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def listed(kind: str, limit: int, rng: random.Random) -> list[str]:
    """Up to `limit` entries of the bundled lists of one kind (hostname, string, cidr)."""
    entries: list[str] = []
    for path in sorted(lists_dir().glob("*/list.json")):
        data = orjson.loads(path.read_bytes())
        if data.get("type") == kind:
            entries.extend(str(e).lstrip(".") for e in data["list"][:2000])
    rng.shuffle(entries)
    return entries[:limit]


def values(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """A deterministic mix of (type, value), half invented, half taken from the lists."""
    names = [h for h in listed("hostname", n, rng) if "/" not in h and " " not in h]
    hashes = [s.lower() for s in listed("string", 4 * n, rng) if len(s) in (32, 64)]
    mix: list[tuple[str, str]] = []
    for i in range(n):
        pick = i % 7
        own = i % 2 == 0
        if pick == 0:
            ip = f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{i % 250}"
            mix.append(("ipv4", "10.1.2.3" if own and i % 4 == 0 else ip))
        elif pick == 1:
            mix.append(("ipv6", f"2001:db8:{rng.randrange(65536):x}::{i % 9999:x}"
                        if own else f"2a0{i % 9}:{rng.randrange(65536):x}::1"))
        elif pick == 2:
            name = f"www.{rng.choice(names)}" if own else f"h{i}.example{i % 97}.com"
            mix.append(("domain", name))
        elif pick == 3:
            host = rng.choice(names) if own else f"h{i}.example.net"
            mix.append(("url", f"https://{host}/path/{i}?q=1"))
        elif pick == 4:
            host = rng.choice(names) if own else f"mail{i % 50}.example.org"
            mix.append(("email", f"user{i}@{host}"))
        else:
            digest = rng.choice(hashes) if own and hashes else f"{rng.getrandbits(256):064x}"
            mix.append(("sha256" if len(digest) == 64 else "md5", digest))
    return mix


def rate(matcher: object, mix: list[tuple[str, str]]) -> tuple[float, float, int]:
    """Values per wall second and per CPU second of `matcher.match` (or `.search`), and hits.

    The CPU-time rate is the one to compare on a shared machine: it does not count the
    time this process waited for a core.
    """
    match = getattr(matcher, "match", None)
    started, cpu = time.perf_counter(), time.process_time()
    hits = 0
    if match is not None:
        for otype, value in mix:
            hits += bool(match(otype, value))
    else:
        search = matcher.search  # type: ignore[attr-defined]
        for _, value in mix:
            hits += bool(search(value))
    wall = time.perf_counter() - started
    return len(mix) / wall, len(mix) / max(time.process_time() - cpu, 1e-9), hits


def main() -> None:
    """Load four ways, then measure match rates of the mapped and in-memory matchers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--peer-n", type=int, default=2_000)
    parser.add_argument("--smoke", action="store_true", help="small N (for make bench)")
    args = parser.parse_args()
    if args.smoke:
        args.n, args.peer_n = 5_000, 200
    with tempfile.TemporaryDirectory() as folder:
        loaders(folder)
        mapped = WarningLists.from_index(Path(folder))
        memory = WarningLists.from_dir(lists_dir())
        mix = values(args.n, random.Random(args.seed))
        for ours in (mapped, memory):
            ours.match("domain", "warm.example.com")
            for otype in ("ipv4", "ipv6", "url", "email", "md5"):
                ours.match(otype, "1.2.3.4")  # builds the substring screens once
        by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for item in mix:
            by_type[item[0]].append(item)
        print(f"\nlists: {len(mapped)}; values/s (per CPU s), mapped index beside in memory")
        print(f"{'type':<8} {'values':>8} {'hits':>7} {'mapped/s':>10} {'per CPU s':>10} "
              f"{'memory/s':>10} {'per CPU s':>10}")
        for otype, items in [*sorted(by_type.items()), ("mix", mix)]:
            speed, cpu_speed, hits = rate(mapped, items)
            old_speed, old_cpu, old_hits = rate(memory, items)
            assert hits == old_hits, (otype, hits, old_hits)
            print(f"{otype:<8} {len(items):>8} {hits:>7} {speed:>10,.0f} {cpu_speed:>10,.0f} "
                  f"{old_speed:>10,.0f} {old_cpu:>10,.0f}")
        peer(mix[: args.peer_n])


def peer(sample: list[tuple[str, str]]) -> None:
    """pymispwarninglists' own loader and search, for scale."""
    from pymispwarninglists import WarningLists as Theirs

    started = time.perf_counter()
    theirs = Theirs(slow_search=True)
    load = time.perf_counter() - started
    speed, _, hits = rate(theirs, sample)
    print(f"\npymispwarninglists (slow_search=True): load {load:.2f} s; "
          f"search {speed:,.0f} values/s on {len(sample)} values ({hits} hits)")


if __name__ == "__main__":
    main()
