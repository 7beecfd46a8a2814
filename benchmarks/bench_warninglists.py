"""Warning lists: load time, memory and match rate of our matcher, beside pymispwarninglists.

Usage: .venv/bin/python benchmarks/bench_warninglists.py [--n 200000] [--seed 7] [--peer-n 2000]

Loads every list bundled with pymispwarninglists into `WarningLists` (in this fresh
process, so the RSS increase is the matcher's), then matches N values of a deterministic
mix (IPv4, IPv6, domains, URLs, e-mail addresses, digests), half of them drawn from the
lists themselves so that hits are exercised too, and prints values/s per type and overall.
For scale, the package's own `WarningLists(slow_search=True).search()` (which tries every
list in turn) is timed on a small sample of the same mix.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from pathlib import Path

import orjson

from cyberfusion.formats.warninglists import WarningLists, lists_dir


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
    """Load, measure memory and match rates, then time the peer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--peer-n", type=int, default=2_000)
    args = parser.parse_args()
    before = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    ours = WarningLists.from_dir(lists_dir())
    load, load_cpu = time.perf_counter() - started, time.process_time() - cpu
    grown = rss_mb() - before
    mix = values(args.n, random.Random(args.seed))
    ours.match("domain", "warm.example.com")
    for otype in ("ipv4", "ipv6", "url", "email", "md5"):
        ours.match(otype, "1.2.3.4")  # builds the substring screens once
    print(f"lists loaded: {len(ours)}   load {load:.2f} s (CPU {load_cpu:.2f} s)   "
          f"RSS +{grown:.0f} MB")
    by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in mix:
        by_type[item[0]].append(item)
    print(f"{'type':<8} {'values':>8} {'hits':>7} {'values/s':>10} {'per CPU s':>10}")
    for otype, items in [*sorted(by_type.items()), ("mix", mix)]:
        speed, cpu_speed, hits = rate(ours, items)
        print(f"{otype:<8} {len(items):>8} {hits:>7} {speed:>10,.0f} {cpu_speed:>10,.0f}")
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
