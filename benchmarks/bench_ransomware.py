"""Ransomware family identification: held-out accuracy and per-note latency.

Run: .venv/bin/python benchmarks/bench_ransomware.py [--every 5] [--runs 3]

About one in `--every` of the ransom-note texts and file extensions of the bundled MISP
ransomware galaxy is held out (a fixed split: a hash of family and clue); the identifier's
index is built WITHOUT them, and each held-out clue is then identified alone. Printed: top-1
and top-3 accuracy per kind of clue, beside two floors measured on the same split — chance
(1 / families) and a naive matcher (exact extension, else the first family whose name the
note contains) — and, apart, the held-out clues whose family kept another clue of the same
kind in the index (the others can only be found through names and addresses); then the
latency of one identification (every galaxy note, `--runs` times; each note's best run is
its cost without the pauses a loaded machine adds, printed beside every run)
after the one-off index build, against the 50 ms target (issue 15). It asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

from cyberfusion.domain.ransomware import (
    Accuracy,
    Clues,
    FamilyClues,
    FamilyIndex,
    evaluate,
    extension_key,
    name_key,
    split_families,
)
from cyberfusion.formats.reference import ransomware_clues

TARGET_MS = 50.0


def naive(kept: Sequence[FamilyClues], queries: Sequence[tuple[str, Clues]]) -> list[Accuracy]:
    """The floor: exact extension lookup, else the first family named in the note."""
    by_ext = {extension_key(e): f.family for f in kept for e in f.extensions}
    names = [(name_key(f.family), f.family) for f in kept if len(name_key(f.family)) >= 4]
    tally: dict[str, list[int]] = {}
    for family, clues in queries:
        kind = "note text" if clues.text else "extension"
        guess = by_ext.get(extension_key(clues.extension)) if clues.extension else next(
            (fam for key, fam in names if f" {key} " in f" {name_key(clues.text)} "), None)
        row = tally.setdefault(kind, [0, 0, 0])
        row[0] += 1
        hit = guess is not None and name_key(guess) == name_key(family)
        row[1] += hit
        row[2] += hit
    rows = [Accuracy(k, *v) for k, v in sorted(tally.items())]
    return [*rows, Accuracy("all", *(sum(r[i] for r in tally.values()) for i in range(3)))]


def latency(index: FamilyIndex, notes: Sequence[FamilyClues], runs: int
            ) -> tuple[list[float], list[float]]:
    """Milliseconds per identification of each galaxy note with its first extension: every
    timing, and each note's best of `runs` (its cost without the scheduler's pauses)."""
    every, best = [], []
    for fam in notes:
        for note in fam.notes:
            clues = Clues(note, fam.note_names[0] if fam.note_names else "",
                          fam.extensions[0] if fam.extensions else "")
            mine = []
            for _ in range(runs):
                start = time.perf_counter()
                index.identify(clues)
                mine.append((time.perf_counter() - start) * 1000)
            every += mine
            best.append(min(mine))
    return every, best


def main() -> None:
    """Split, build, evaluate, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=5, help="Hold out one clue in this many.")
    parser.add_argument("--runs", type=int, default=3, help="Latency passes over the notes.")
    args = parser.parse_args()
    start = time.perf_counter()
    families = ransomware_clues()
    loaded = time.perf_counter() - start
    kept, queries = split_families(families, args.every)
    start = time.perf_counter()
    index = FamilyIndex.build(kept)
    built = time.perf_counter() - start
    ours, floor = evaluate(index, queries), naive(kept, queries)
    print(f"galaxy: {len(families)} families, loaded in {loaded:.2f} s; index of "
          f"{len(index.families)} families built in {built * 1000:.0f} ms (once, at start-up)")
    print(f"held out: one clue in {args.every}, {len(queries)} queries\n")
    print(f"{'clue':<10} {'n':>5} {'top-1':>7} {'top-3':>7} {'naive top-1':>12} "
          f"{'chance':>8}")
    chance = 1 / max(1, len(index.families))
    for row, base in zip(ours, floor, strict=True):
        print(f"{row.kind:<10} {row.total:>5} {row.rate(row.top1):>7.1%} "
              f"{row.rate(row.top3):>7.1%} {base.rate(base.top1):>12.1%} {chance:>8.2%}")
    has_more = {f.family: (bool(f.notes), bool(f.extensions)) for f in kept}
    alike = [(fam, c) for fam, c in queries if has_more[fam][0 if c.text else 1]]
    print(f"\nthe {len(alike)} held-out clues whose family kept another clue of the same kind:")
    for row in evaluate(index, alike):
        print(f"{row.kind:<10} {row.total:>5} {row.rate(row.top1):>7.1%} "
              f"{row.rate(row.top3):>7.1%}")
    every, best = latency(index, [f for f in families if f.notes], args.runs)
    print(f"\nlatency per identification ({len(best)} notes x {args.runs} runs):")
    for label, times in (("every run", sorted(every)), ("each note's best run", sorted(best))):
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"  {label:<21} median {statistics.median(times):6.2f} ms, p95 {p95:6.2f} ms, "
              f"max {times[-1]:6.2f} ms")
    print(f"  target < {TARGET_MS:.0f} ms for the slowest note: "
          f"{'met' if max(best) < TARGET_MS else 'NOT met'}")

if __name__ == "__main__":
    main()
