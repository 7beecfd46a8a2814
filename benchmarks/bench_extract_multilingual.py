"""Arabic, French and Spanish extraction: precision/recall/F1 and speed, beside ioc-finder.

Usage: .venv/bin/python benchmarks/bench_extract_multilingual.py [--mb 2] [--peer-mb 0.2] [--misses]

Quality on the labelled corpus in tests/fixtures/extraction (written for this project;
see build_corpus.py there), per language, scored per text over (type, canonical value)
pairs (URL hosts and e-mail domains included, as both extractors report them):
  - cyberfusion `extract()` on every type;
  - cyberfusion and ioc-finder on the types ioc-finder knows (it has no phone or IBAN
    type), its values normalised with our normaliser, as in bench_extract.py.
Speed: each language's texts joined and repeated to ~`--mb` MB (one document), and the
same texts one by one; ioc-finder on ~`--peer-mb` MB (it is much slower).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench_extract import CATEGORIES

from cyberfusion.domain.observables import normalise
from cyberfusion.errors import InvalidObservable
from cyberfusion.formats.text import extract

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "extraction"))
from corpus import LANGUAGES, Pair, Score, Text, load, score

Finder = Callable[[str], set[Pair]]
PEER_TYPES = frozenset(otype.value for _, otype in CATEGORIES.values())


def ours(text: str) -> set[Pair]:
    """cyberfusion's pairs for a text."""
    return {(e.type.value, e.value) for e in extract(text)}


def peer() -> Finder | None:
    """ioc-finder's pairs for a text (all its categories we can map), or None if absent."""
    try:
        from ioc_finder import find_iocs
    except ImportError:
        return None

    def find(text: str) -> set[Pair]:
        found = find_iocs(text, parse_unicode_iocs=True, included_ioc_types=list(CATEGORIES))
        pairs: set[Pair] = set()
        for category, values in found.items():
            if category not in CATEGORIES or not isinstance(values, list):
                continue
            otype = CATEGORIES[category][1]
            for raw in values:
                try:
                    pairs.add((otype.value, normalise(otype, raw).value))
                except InvalidObservable:
                    pairs.add((otype.value, raw))
        return pairs

    return find


def row(name: str, result: Score) -> str:
    """One table row."""
    return (f"{name:<36} {result.tp:>5} {result.fp:>4} {result.fn:>4} {result.precision:>9.3f} "
            f"{result.recall:>7.3f} {result.f1:>6.3f}")


def quality(texts: dict[str, list[Text]], theirs: Finder | None, show: bool) -> None:
    """Per-language precision, recall and F1 of ours and of the peer."""
    print(f"{'extractor / language':<36} {'TP':>5} {'FP':>4} {'FN':>4} {'precision':>9} "
          f"{'recall':>7} {'F1':>6}")
    for lang in LANGUAGES:
        mine = score(texts[lang], ours)
        print(row(f"cyberfusion {lang}, all types", mine))
        print(row(f"cyberfusion {lang}, ioc-finder's types", score(texts[lang], ours, PEER_TYPES)))
        if theirs is not None:
            print(row(f"ioc-finder {lang}, its types", score(texts[lang], theirs, PEER_TYPES)))
        if show:
            for text_id, kind, pair in mine.misses:
                print(f"  {kind} [{text_id}] {pair}")
    if theirs is None:
        print("ioc-finder not installed: peer skipped")


def _each(texts: list[str]) -> None:
    """extract() on each text."""
    for text in texts:
        extract(text)


def _best(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall and CPU seconds of `repeat` runs."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        run()
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def speed(texts: dict[str, list[Text]], theirs: Finder | None, megabytes: float,
          peer_megabytes: float, repeat: int) -> None:
    """MB/s of ours (one document, per document) and of the peer, per language."""
    print(f"\n{'speed (best of ' + str(repeat) + ')':<36} {'MB':>6} {'seconds':>8} {'MB/s':>7} "
          f"{'CPU MB/s':>9}")
    for lang in LANGUAGES:
        pieces = [t.text for t in texts[lang]]
        joined = "\n\n".join(pieces)
        size = len(joined.encode())
        big = "\n\n".join([joined] * max(1, round(megabytes * 1e6 / size)))
        mb = len(big.encode()) / 1e6
        wall, cpu = _best(partial(extract, big), repeat)
        print(f"{'cyberfusion ' + lang + ', one document':<36} {mb:>6.2f} {wall:>8.2f} "
              f"{mb / wall:>7.2f} {mb / cpu:>9.2f}")
        many = pieces * max(1, round(megabytes * 1e6 / size / 4))
        part = sum(len(p.encode()) for p in many) / 1e6
        wall, cpu = _best(partial(_each, many), repeat)
        print(f"{'cyberfusion ' + lang + ', per text':<36} {part:>6.2f} {wall:>8.2f} "
              f"{part / wall:>7.2f} {part / cpu:>9.2f}")
        if theirs is not None:
            small = "\n\n".join([joined] * max(1, round(peer_megabytes * 1e6 / size)))
            smb = len(small.encode()) / 1e6
            wall, cpu = _best(partial(theirs, small), 1)
            print(f"{'ioc-finder ' + lang + ', one document':<36} {smb:>6.2f} {wall:>8.2f} "
                  f"{smb / wall:>7.2f} {smb / cpu:>9.2f}")


def main() -> None:
    """Print the quality and speed tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0)
    parser.add_argument("--peer-mb", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--misses", action="store_true", help="list our FPs and FNs")
    args = parser.parse_args()
    texts = {lang: load(lang) for lang in LANGUAGES}
    counts = ", ".join(f"{lang} {len(texts[lang])}" for lang in LANGUAGES)
    print(f"corpus: tests/fixtures/extraction ({counts} texts)\n")
    theirs = peer()
    quality(texts, theirs, args.misses)
    speed(texts, theirs, args.mb, args.peer_mb, args.repeat)


if __name__ == "__main__":
    main()
