"""Free-text extraction: precision/recall on labelled peer sets, and speed beside ioc-finder.

Usage: .venv/bin/python benchmarks/bench_extract.py [--mb 20] [--peer-mb 1.5] [--misses]

(a) Quality, read from /work/shared/data/ext (skipped when absent; the files are GPL/LGPL
test data and are never copied into the project):
  - ioc-finder's 134 labelled cases (`find_iocs_cases.json`), compared as upstream does
    (per output key, the whole set), after mapping its categories to our types and
    normalising both sides with our normaliser (see `our_group` for the categories it
    splits where we do not: imphash, authentihash, XMPP). Options in `find_iocs_kwargs` map to
    `ExtractOptions`. Expected values our model cannot represent (e.g. a CIDR with host
    bits set, an e-mail with a comment) are listed apart and left out of the score.
  - iocextract's `input.txt`: each line of `valid.txt` must be found (its exact span, or
    its canonical value), and nothing may be found on a line of `invalid.txt`.
(b) Speed: `extract()` on ~20 MB made by repeating ioc-finder's long-article-1.txt, and
    `ioc_finder.find_iocs` on a 1.5 MB slice of the same text (it is much slower).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cyberfusion.domain.observables import ObservableType, guess_type, normalise
from cyberfusion.errors import InvalidObservable
from cyberfusion.formats.text import Extracted, ExtractOptions, extract

EXT = Path("/work/shared/data/ext")
T = ObservableType
Pair = tuple[str, str]

# ioc-finder category -> (group compared as one set, our type used to normalise it).
CATEGORIES: dict[str, tuple[str, ObservableType]] = {
    "ipv4s": ("ipv4", T.IPV4), "ipv6s": ("ipv6", T.IPV6), "ipv4_cidrs": ("cidr4", T.CIDR),
    "ipv6_cidrs": ("cidr6", T.CIDR), "domains": ("domain", T.DOMAIN), "urls": ("url", T.URL),
    "urls_complete": ("url", T.URL), "email_addresses": ("email", T.EMAIL),
    "email_addresses_complete": ("email", T.EMAIL), "xmpp_addresses": ("xmpp", T.EMAIL),
    "md5s": ("md5", T.MD5), "imphashes": ("imphash", T.MD5), "sha1s": ("sha1", T.SHA1),
    "sha256s": ("sha256", T.SHA256), "authentihashes": ("authentihash", T.SHA256),
    "sha512s": ("sha512", T.SHA512), "ssdeeps": ("ssdeep", T.SSDEEP),
    "bitcoin_addresses": ("btc_wallet", T.BTC_WALLET),
    "monero_addresses": ("xmr_wallet", T.XMR_WALLET), "asns": ("asn", T.ASN),
    "user_agents": ("user_agent", T.USER_AGENT),
}  # fmt: skip
_XMPP = re.compile(r"jabber|xmpp", re.IGNORECASE)
_IMPHASH = re.compile(r"(?i)(?:imphash|import hash)\W{0,8}$")
_AUTHENTIHASH = re.compile(r"(?i)authentihash\W{0,8}$")


def our_group(found: Extracted, text: str) -> str | None:
    """ioc-finder's group for one of our hits, by its own rules for the split categories.

    ioc-finder files a digest after "imphash"/"authentihash" apart from md5/sha256, and an
    e-mail address whose domain names jabber/xmpp as an XMPP address; we type them
    md5/sha256/email, so the comparison applies the same rules to our hits.
    """
    before = text[max(0, found.start - 24) : found.start]
    if found.type is T.CIDR:
        return "cidr6" if ":" in found.value else "cidr4"
    if found.type is T.EMAIL:
        return "xmpp" if _XMPP.search(found.value.rpartition("@")[2]) else "email"
    if found.type is T.MD5:
        return "imphash" if _IMPHASH.search(before) else "md5"
    if found.type is T.SHA256:
        return "authentihash" if _AUTHENTIHASH.search(before) else "sha256"
    group = found.type.value
    return group if group in {g for g, _ in CATEGORIES.values()} else None


KWARG_OPTIONS = {
    "parse_domain_from_url": "url_hosts",
    "parse_from_url_path": "url_paths",
    "parse_domain_from_email_address": "email_domains",
    "parse_domain_name_from_xmpp_address": "email_domains",
}


@dataclass
class Score:
    """True/false positives and misses per type, with the values for the report."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: list[tuple[str, Pair]] = field(default_factory=list)
    fn: list[tuple[str, Pair]] = field(default_factory=list)
    unrepresentable: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, case: str, expected: set[Pair], predicted: set[Pair]) -> None:
        """Count one case: true positives, false positives, misses."""
        for pair in expected & predicted:
            self.tp[pair[0]] += 1
        self.fp.extend((case, p) for p in sorted(predicted - expected))
        self.fn.extend((case, p) for p in sorted(expected - predicted))

    def totals(self, group: str | None = None) -> tuple[int, int, int]:
        """TP, FP and FN for one group, or for all."""
        def count(items: Iterable[tuple[str, Pair]]) -> int:
            """How many listed pairs belong to the group."""
            return sum(1 for _, p in items if group is None or p[0] == group)

        tp = sum(n for g, n in self.tp.items() if group is None or g == group)
        return tp, count(self.fp), count(self.fn)


def ratio(num: int, den: int) -> float:
    """num / den, 1.0 when there is nothing to divide."""
    return num / den if den else 1.0


# --- ioc-finder ---------------------------------------------------------------------------


def expected_pairs(case: dict[str, Any], score: Score) -> tuple[set[Pair], set[str]]:
    """(group, canonical value) pairs for a case's expected output, and the compared groups."""
    included = case["find_iocs_kwargs"].get("included_ioc_types") or list(CATEGORIES)
    cats = [c for c in included if c in CATEGORIES]
    if "urls_complete" in cats and "urls" in cats:
        cats.remove("urls")  # the complete form is the URL; `urls` cuts at commas
    pairs: set[Pair] = set()
    for cat in cats:
        group, otype = CATEGORIES[cat]
        for raw in case["expected"].get(cat, []):
            try:
                pairs.add((group, normalise(otype, raw).value))
            except InvalidObservable as exc:
                entry = (str(case["id"]), raw, exc.reason)
                if entry not in score.unrepresentable:
                    score.unrepresentable.append(entry)
    return pairs, {CATEGORIES[c][0] for c in cats}


def options_for(kwargs: dict[str, object]) -> ExtractOptions:
    """Our extraction options for ioc-finder's keyword arguments."""
    flags = {ours: bool(kwargs[theirs]) for theirs, ours in KWARG_OPTIONS.items()
             if theirs in kwargs}
    return ExtractOptions(**flags)


def score_ioc_finder(path: Path) -> Score:
    """Score every ioc-finder case under its own options."""
    score = Score()
    for case in json.loads(path.read_text())["cases"]:
        expected, groups = expected_pairs(case, score)
        text = case["text"]
        predicted: set[Pair] = set()
        for found in extract(text, options_for(case["find_iocs_kwargs"])):
            group = our_group(found, text)
            if group in groups:
                predicted.add((group, found.value))
        score.add(str(case["id"]), expected, predicted)
    return score


def print_score(title: str, score: Score, show: bool) -> None:
    """Print the per-group table (and with `show` every FP and FN)."""
    print(f"\n{title}")
    print(f"{'group':<13} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}")
    groups = sorted({p[0] for _, p in score.fp + score.fn} | set(score.tp))
    for group in [*groups, None]:
        tp, fp, fn = score.totals(group)
        name = group or "ALL"
        print(f"{name:<13} {tp:>4} {fp:>4} {fn:>4} {ratio(tp, tp + fp):>10.3f} "
              f"{ratio(tp, tp + fn):>8.3f}")
    print(f"expected values our model cannot represent (left out): {len(score.unrepresentable)}")
    if show:
        for case, raw, reason in score.unrepresentable:
            print(f"  unrepresentable [{case}] {raw!r}: {reason}")
        for label, items in (("FP", score.fp), ("FN", score.fn)):
            for case, (group, value) in items:
                print(f"  {label} [{case}] {group} {value!r}")


# --- iocextract -----------------------------------------------------------------------------


def canonical(raw: str) -> tuple[ObservableType, str] | None:
    """Our (type, canonical value) for a raw string, if it is an observable."""
    otype = guess_type(raw)
    if otype is None:
        return None
    try:
        return otype, normalise(otype, raw).value
    except InvalidObservable:
        return None


def score_iocextract(folder: Path, show: bool) -> tuple[float, float]:
    """Valid strings found, invalid ones not; returns precision and recall."""
    text = (folder / "input.txt").read_text()
    valid = [v for v in (folder / "valid.txt").read_text().splitlines() if v.strip()]
    invalid = [v for v in (folder / "invalid.txt").read_text().splitlines() if v.strip()]
    found = extract(text)
    spans = {text[e.start : e.end] for e in found}
    pairs = {(e.type, e.value) for e in found}
    missed = [v for v in valid if v not in spans and canonical(v) not in pairs]
    lines = _line_spans(text)
    wrong = [v for v in invalid if _hit_on(v, found, text, lines)]
    tp = len(valid) - len(missed)
    precision, recall = ratio(tp, tp + len(wrong)), ratio(tp, len(valid))
    print(f"\niocextract: {len(valid)} valid, {len(invalid)} invalid strings; "
          f"found {tp} valid, {len(wrong)} invalid")
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    alien = [v for v in missed if canonical(v) is None]
    if alien:
        print(f"recall on the {len(valid) - len(alien)} strings our model can represent: "
              f"{ratio(tp, len(valid) - len(alien)):.3f} (not an observable for us: "
              f"{', '.join(repr(v) for v in alien)}, e.g. a phone number without a country code)")
    if show:
        for v in missed:
            print(f"  FN {v!r}")
        for v in wrong:
            print(f"  FP {v!r}")
    return precision, recall


def _line_spans(text: str) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        spans.setdefault(line.strip(), []).append((offset, offset + len(line)))
        offset += len(line)
    return spans


def _hit_on(invalid: str, found: list[Extracted], text: str,
            lines: dict[str, list[tuple[int, int]]]) -> bool:
    for e in found:
        if text[e.start : e.end] == invalid or e.value == invalid.lower():
            return True
        if any(s <= e.start and e.end <= t for s, t in lines.get(invalid, [])):
            return True
    return False


# --- speed --------------------------------------------------------------------------------


def _timed(run: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Best wall and CPU time of `repeat` runs (the machine is shared), and the last result."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = run()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best, best_cpu, result


def speed(megabytes: float, peer_megabytes: float, repeat: int) -> None:
    """Time extraction on ~20 MB and per document, and ioc-finder on a slice."""
    article = (EXT / "ioc-finder" / "long-article-1.txt").read_text()
    extract(article)  # warm-up: TLD list, phonenumbers metadata
    text = article * max(1, int(megabytes * 1e6 / len(article.encode())))
    size = len(text.encode()) / 1e6
    print(f"\nspeed (best of {repeat}): text = long-article-1.txt "
          f"({len(article.encode()) / 1e3:.1f} kB) repeated")
    print(f"{'extractor':<34} {'MB':>6} {'seconds':>8} {'MB/s':>8} {'CPU MB/s':>9} "
          f"{'hits':>7} {'unique':>7}")
    ours, cpu, found = _timed(lambda: extract(text), repeat)
    assert isinstance(found, list)
    unique = len({(e.type, e.value) for e in found})
    print(f"{'cyberfusion extract, one document':<34} {size:>6.1f} {ours:>8.2f} "
          f"{size / ours:>8.1f} {size / cpu:>9.1f} {len(found):>7} {unique:>7}")
    copies = max(1, int(megabytes * 1e6 / len(article.encode())) // 10)
    each, cpu, _ = _timed(lambda: [extract(article) for _ in range(copies)], repeat)
    part = copies * len(article.encode()) / 1e6
    print(f"{'cyberfusion extract, per document':<34} {part:>6.1f} {each:>8.2f} "
          f"{part / each:>8.1f} {part / cpu:>9.1f}")
    try:
        from ioc_finder import find_iocs
    except ImportError:
        print("ioc-finder not installed: peer timing skipped")
        return
    piece = text[: int(peer_megabytes * 1e6)]
    piece_mb = len(piece.encode()) / 1e6
    find_iocs(article)
    theirs, cpu, peer = _timed(lambda: find_iocs(piece), 1)
    assert isinstance(peer, dict)
    count = sum(len(v) for v in peer.values() if isinstance(v, list))
    print(f"{'ioc_finder.find_iocs, one document':<34} {piece_mb:>6.1f} {theirs:>8.2f} "
          f"{piece_mb / theirs:>8.2f} {piece_mb / cpu:>9.2f} {'':>7} {count:>7}")


def main() -> None:
    """Run the quality and speed measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--peer-mb", type=float, default=1.5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--misses", action="store_true", help="list every FP/FN")
    args = parser.parse_args()
    if not EXT.exists():
        print(f"{EXT} is absent: nothing to measure")
        return
    score = score_ioc_finder(EXT / "ioc-finder" / "find_iocs_cases.json")
    print_score("ioc-finder labelled cases (134)", score, args.misses)
    score_iocextract(EXT / "iocextract", args.misses)
    speed(args.mb, args.peer_mb, args.repeat)


if __name__ == "__main__":
    main()
