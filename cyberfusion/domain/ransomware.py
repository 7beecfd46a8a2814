"""Ransomware family identification: a pure scorer over what is known of each family.

`FamilyIndex.build()` takes each family's clues (names and aliases, ransom-note texts, note
file names, encrypted-file extensions, contact and payment addresses) once; `identify()`
scores a note, a file name, an extension and addresses against them and returns candidates
best first, each with the evidence that matched, never a bare guess. A clue shared by many
families weighs less (it is divided by how many hold it); note texts are compared by TF-IDF
cosine. Nothing here reads files or the database.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

#: A best score under this is "no family identified" (the candidates are still shown).
IDENTIFIED_MIN = 1.5
MAX_CANDIDATES = 10
MAX_NOTE_CHARS = 200_000

W_ADDRESS = 6.0
W_EXTENSION = 4.0
W_EXTENSION_TAIL = 2.0
W_EXTENSION_NEAR = 1.0
W_NOTE_NAME = 3.0
W_NAME = 3.0
W_TEXT = 5.0
#: Cosines under this are noise and give no evidence.
MIN_COSINE = 0.12
#: A name is too generic to count when it is a word in the notes or descriptions of more
#: families than this.
GENERIC_NAME_FAMILIES = 4

_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)
_NAME_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ADDRESSES = (
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    ("onion", re.compile(r"\b[a-z2-7]{16}(?:[a-z2-7]{40})?\.onion\b", re.IGNORECASE)),
    ("tox", re.compile(r"\b[0-9A-F]{76}\b", re.IGNORECASE)),
    ("bitcoin", re.compile(r"\b(?:bc1[a-z0-9]{25,60}|[13][1-9A-HJ-NP-Za-km-z]{25,34})\b")),
    ("monero", re.compile(r"\b4[0-9AB][1-9A-HJ-NP-Za-km-z]{93}\b")),
)


@dataclass(frozen=True, slots=True)
class FamilyClues:
    """What is known of one family: the index is built from these."""

    family: str
    aliases: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    note_names: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    source: str = "galaxy"
    #: Free text about the family: only used to tell common words from names.
    description: str = ""


@dataclass(frozen=True, slots=True)
class Clues:
    """What the caller has: a note's text, its file name, an extension, addresses."""

    text: str = ""
    file_name: str = ""
    extension: str = ""
    addresses: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to match."""
        return not (self.text.strip() or self.file_name.strip() or self.extension.strip()
                    or any(a.strip() for a in self.addresses))


@dataclass(frozen=True, slots=True)
class Evidence:
    """One clue that matched: what kind, the value matched, and how much it weighs."""

    clue: str
    matched: str
    weight: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A family with its score and the evidence behind it."""

    family: str
    aliases: tuple[str, ...]
    score: float
    evidence: tuple[Evidence, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Identification:
    """Candidates best first; `identified` only when the best one clears `IDENTIFIED_MIN`
    and is ahead of the second (a tie names no family)."""

    candidates: tuple[Candidate, ...]

    @property
    def identified(self) -> bool:
        """Whether the best candidate is strong enough to name."""
        if not self.candidates or self.candidates[0].score < IDENTIFIED_MIN:
            return False
        return len(self.candidates) == 1 or self.candidates[0].score > self.candidates[1].score

    @property
    def verdict(self) -> str:
        """One line for people: the family, or "no family identified"."""
        if self.identified:
            return f"identified: {self.candidates[0].family}"
        return "no family identified"


def name_key(name: str) -> str:
    """How family names compare: lower case, words only, without a trailing "ransomware"."""
    words = _NAME_WORD.findall(name.casefold())
    while len(words) > 1 and words[-1] in ("ransomware", "ransom", "locker"):
        words.pop()
    return " ".join(words)


def extension_key(extension: str) -> str:
    """An extension as compared: lower case, without surrounding dots, quotes or blanks."""
    return extension.strip().strip("\"'").strip().lstrip("*").strip(".").casefold()


def _tail(key: str) -> str:
    return key.rsplit(".", 1)[-1] if "." in key else ""


def address_key(address: str) -> str:
    """An address as compared (lower case, no blanks or trailing dots)."""
    return address.strip().strip(".,;:<>()[]\"'").casefold()


def extract_addresses(text: str) -> list[str]:
    """E-mail, onion, Tox and wallet addresses in a text, as `address_key`s, in order."""
    found: dict[str, None] = {}
    for _, pattern in _ADDRESSES:
        for match in pattern.finditer(text[:MAX_NOTE_CHARS]):
            found.setdefault(address_key(match.group(0)))
    return list(found)


def words(text: str) -> list[str]:
    """The words of a note that the text comparison uses."""
    return _WORD.findall(text[:MAX_NOTE_CHARS].casefold())


@dataclass(slots=True)
class _Postings:
    """Clue key -> indexes of the families that hold it."""

    by_key: dict[str, set[int]] = field(default_factory=dict)

    def add(self, key: str, family: int) -> None:
        if key:
            self.by_key.setdefault(key, set()).add(family)

    def get(self, key: str) -> set[int]:
        return self.by_key.get(key, set()) if key else set()


class FamilyIndex:
    """The clues of many families, indexed once; `identify()` scores a query against them."""

    def __init__(self, families: Sequence[FamilyClues],
                 common: dict[str, int] | None = None) -> None:
        self.families = list(families)
        self.common = common or {}
        self.names, self.extensions, self.tails = _Postings(), _Postings(), _Postings()
        self.stems = _Postings()
        self.note_names, self.addresses = _Postings(), _Postings()
        self.idf: dict[str, float] = {}
        self.postings: dict[str, list[tuple[int, float]]] = {}
        self._index_keys()
        self._index_notes()

    @classmethod
    def build(cls, families: Iterable[FamilyClues],
              common: dict[str, int] | None = None) -> FamilyIndex:
        """The index of these families (same-named ones are merged); `common` counts the
        families whose texts hold each word, when these families have no texts of their own
        (a bigger index's `word_families`)."""
        return cls(merge_families(families), common)

    def _index_keys(self) -> None:
        for i, fam in enumerate(self.families):
            for name in (fam.family, *fam.aliases):
                self.names.add(name_key(name), i)
            for ext in fam.extensions:
                self.extensions.add(extension_key(ext), i)
                self.tails.add(_tail(extension_key(ext)), i)
                self.stems.add(_stem(extension_key(ext)), i)
            for note_name in fam.note_names:
                self.note_names.add(note_name.strip().casefold(), i)
            texts = (*fam.notes, *fam.extensions, *fam.note_names)
            for address in (*fam.addresses, *(a for t in texts for a in extract_addresses(t))):
                self.addresses.add(address_key(address), i)

    def _index_notes(self) -> None:
        docs = [(i, Counter(words(note))) for i, fam in enumerate(self.families)
                for note in fam.notes]
        df: Counter[str] = Counter()
        fam_df: dict[str, set[int]] = {}
        self.note_words = _Postings()
        for i, counts in docs:
            df.update(counts.keys())
            for word in counts:
                self.note_words.add(word, i)
        for i, fam in enumerate(self.families):
            for word in {*words(" ".join(fam.notes)), *words(fam.description)}:
                fam_df.setdefault(word, set()).add(i)
        total = max(1, len(docs))
        self.idf = {w: math.log(1 + total / n) for w, n in df.items()}
        self.word_families = {w: len(s) for w, s in fam_df.items()}
        self.doc_family = [i for i, _ in docs]
        for d, (_, counts) in enumerate(docs):
            vector = _unit({w: (1 + math.log(c)) * self.idf[w] for w, c in counts.items()})
            for w, weight in vector.items():
                self.postings.setdefault(w, []).append((d, weight))

    def identify(self, clues: Clues, limit: int = MAX_CANDIDATES) -> Identification:
        """Candidates for these clues, best first (ties by family name)."""
        found: dict[int, list[Evidence]] = {}
        if not clues.empty:
            self._match_extension(clues.extension, found)
            self._match_note_name(clues.file_name, found)
            given = f"{clues.text}\n{clues.file_name}\n{clues.extension}"
            for address in {*map(address_key, clues.addresses), *extract_addresses(given)}:
                self._add(found, self.addresses.get(address), "address", address, W_ADDRESS)
            self._match_names(f"{clues.text} {clues.file_name} {clues.extension}", found)
            self._match_text(clues.text, found)
        return Identification(tuple(self._rank(found)[:max(1, limit)]))

    def _add(self, found: dict[int, list[Evidence]], families: set[int], clue: str,
             matched: str, weight: float, detail: str = "") -> None:
        for i in families:
            share = weight / len(families)
            found.setdefault(i, []).append(Evidence(clue, matched, round(share, 3), detail))

    def _match_extension(self, extension: str, found: dict[int, list[Evidence]]) -> None:
        key = extension_key(extension)
        exact = self.extensions.get(key)
        self._add(found, exact, "extension", key, W_EXTENSION)
        if not exact and _tail(key):
            self._add(found, self.extensions.get(_tail(key)), "extension", _tail(key),
                      W_EXTENSION_TAIL, "last part of the extension")
        elif not exact and key:
            self._add(found, self.tails.get(key), "extension", key, W_EXTENSION_TAIL,
                      "last part of a known extension")
        if not exact:
            self._match_near_extension(key, found)
        word = _tail(key) or key
        if not exact and _WORD.fullmatch(word):
            self._add(found, self.note_words.get(word), "extension in note", word,
                      W_EXTENSION_TAIL, "a known note of the family names it")

    def _match_near_extension(self, key: str, found: dict[int, list[Evidence]]) -> None:
        """Known extensions one edit away, or one the other's start (`.cerber` and
        `.cerber3`, `.r4a` and `.r5a`): weak evidence, shared by all that are near."""
        stem = _stem(key)
        if len(stem) < 3:
            return
        near = {known for known in self.stems.by_key
                if known != stem and _near(stem, known)}
        families = set().union(*(self.stems.get(k) for k in near)) if near else set()
        self._add(found, families, "extension", stem, W_EXTENSION_NEAR,
                  f"close to {', '.join(sorted(near)[:3])}")

    def _match_note_name(self, file_name: str, found: dict[int, list[Evidence]]) -> None:
        base = re.split(r"[\\/]", file_name.strip())[-1].casefold()
        self._add(found, self.note_names.get(base), "note file name", base, W_NOTE_NAME)

    def _match_names(self, text: str, found: dict[int, list[Evidence]]) -> None:
        """Family names and aliases (of up to four words) written in the text."""
        tokens = _NAME_WORD.findall(text[:MAX_NOTE_CHARS].casefold())
        seen: set[str] = set()
        for size in (4, 3, 2, 1):
            for start in range(len(tokens) - size + 1):
                phrase = " ".join(tokens[start:start + size])
                if phrase not in self.names.by_key or phrase in seen or len(phrase) < 4 \
                        or self._generic(phrase):
                    continue
                seen.add(phrase)
                self._add(found, self.names.get(phrase), "name in note", phrase, W_NAME)

    def _generic(self, phrase: str) -> bool:
        families = max(self.word_families.get(phrase, 0), self.common.get(phrase, 0))
        return " " not in phrase and families > GENERIC_NAME_FAMILIES

    def _match_text(self, text: str, found: dict[int, list[Evidence]]) -> None:
        counts = Counter(w for w in words(text) if w in self.idf)
        query = _unit({w: (1 + math.log(c)) * self.idf[w] for w, c in counts.items()})
        scores: dict[int, float] = {}
        for w, weight in query.items():
            for d, doc_weight in self.postings[w]:
                scores[d] = scores.get(d, 0.0) + weight * doc_weight
        best: dict[int, float] = {}
        for d, cosine in scores.items():
            fam = self.doc_family[d]
            best[fam] = max(best.get(fam, 0.0), cosine)
        for fam, cosine in best.items():
            if cosine >= MIN_COSINE:
                found.setdefault(fam, []).append(Evidence(
                    "note text", f"similarity {cosine:.2f}", round(W_TEXT * cosine, 3),
                    "TF-IDF cosine with a known note of the family"))

    def _rank(self, found: dict[int, list[Evidence]]) -> list[Candidate]:
        ranked = []
        for i, evidence in found.items():
            fam = self.families[i]
            ordered = tuple(sorted(evidence, key=lambda e: -e.weight))
            ranked.append(Candidate(fam.family, fam.aliases,
                                    round(sum(e.weight for e in evidence), 3), ordered,
                                    tuple(sorted(set(fam.source.split(","))))))
        return sorted(ranked, key=lambda c: (-c.score, c.family.casefold()))


def _stem(key: str) -> str:
    """The letters and digits of an extension's last part (`.[a@b].Cerber3` -> cerber3)."""
    return re.sub(r"[^0-9a-z]", "", (_tail(key) or key).casefold())


def _near(a: str, b: str) -> bool:
    """One edit apart, or (both at least 4 long) one the start of the other."""
    if min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return abs(len(a) - len(b)) <= 2
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


def merge_families(families: Iterable[FamilyClues]) -> list[FamilyClues]:
    """Families with the same `name_key` (or one's name another's alias) as one."""
    merged: dict[str, FamilyClues] = {}
    alias_of: dict[str, str] = {}
    for fam in families:
        keys = [name_key(n) for n in (fam.family, *fam.aliases)]
        home = next((alias_of[k] for k in keys if k in alias_of), name_key(fam.family))
        merged[home] = _join(merged[home], fam) if home in merged else fam
        for k in keys:
            alias_of.setdefault(k, home)
    return list(merged.values())


def _join(a: FamilyClues, b: FamilyClues) -> FamilyClues:
    aliases = {*a.aliases, *b.aliases, b.family} - {a.family}
    return replace(a, aliases=tuple(sorted(aliases, key=str.casefold)),
                   notes=a.notes + b.notes, note_names=a.note_names + b.note_names,
                   extensions=a.extensions + b.extensions, addresses=a.addresses + b.addresses,
                   source=",".join(sorted({*a.source.split(","), *b.source.split(",")})))


def combine(first: Identification, second: Identification,
            limit: int = MAX_CANDIDATES) -> Identification:
    """Both identifications' candidates as one list: a family named in both (by name or
    alias) gets the evidence and score of both."""
    merged: list[Candidate] = list(first.candidates)
    for cand in second.candidates:
        keys = {name_key(n) for n in (cand.family, *cand.aliases)}
        at = next((i for i, c in enumerate(merged)
                   if keys & {name_key(n) for n in (c.family, *c.aliases)}), None)
        if at is None:
            merged.append(cand)
            continue
        old = merged[at]
        merged[at] = Candidate(
            old.family, tuple(sorted({*old.aliases, *cand.aliases} - {old.family})),
            round(old.score + cand.score, 3),
            tuple(sorted(old.evidence + cand.evidence, key=lambda e: -e.weight)),
            tuple(sorted({*old.sources, *cand.sources})))
    ranked = sorted(merged, key=lambda c: (-c.score, c.family.casefold()))
    return Identification(tuple(ranked[:max(1, limit)]))


def held_out(family: str, clue: str, every: int = 5) -> bool:
    """The deterministic evaluation split: True for about one clue in `every`."""
    digest = hashlib.sha256(f"{family}\x1f{clue}".encode()).digest()
    return digest[0] % every == 0


def split_families(families: Sequence[FamilyClues], every: int = 5
                   ) -> tuple[list[FamilyClues], list[tuple[str, Clues]]]:
    """(families without the held-out notes and extensions, held-out (family, query) pairs)."""
    kept: list[FamilyClues] = []
    queries: list[tuple[str, Clues]] = []
    for fam in families:
        notes = [n for n in fam.notes if not held_out(fam.family, n, every)]
        exts = [e for e in fam.extensions if not held_out(fam.family, e, every)]
        queries += [(fam.family, Clues(text=n)) for n in fam.notes if n not in notes]
        queries += [(fam.family, Clues(extension=e)) for e in fam.extensions if e not in exts]
        kept.append(replace(fam, notes=tuple(notes), extensions=tuple(exts)))
    return kept, queries


@dataclass(frozen=True, slots=True)
class Accuracy:
    """How often the right family came first, and among the first three."""

    kind: str
    total: int
    top1: int
    top3: int

    def rate(self, hits: int) -> float:
        """A count as a share of the total."""
        return hits / self.total if self.total else 0.0


def names_of(candidate: Candidate) -> set[str]:
    """The name keys a candidate answers to (its family and aliases)."""
    return {name_key(n) for n in (candidate.family, *candidate.aliases)}


def evaluate(index: FamilyIndex, queries: Sequence[tuple[str, Clues]]) -> list[Accuracy]:
    """Top-1 and top-3 accuracy per kind of query (note text, extension) and overall."""
    tally: dict[str, list[int]] = {}
    for family, clues in queries:
        kind = "note text" if clues.text else "extension"
        ranked = index.identify(clues, 3).candidates
        want = name_key(family)
        row = tally.setdefault(kind, [0, 0, 0])
        row[0] += 1
        row[1] += bool(ranked) and want in names_of(ranked[0])
        row[2] += any(want in names_of(c) for c in ranked[:3])
    rows = [Accuracy(k, *v) for k, v in sorted(tally.items())]
    return [*rows, Accuracy("all", *(sum(r[i] for r in tally.values()) for i in range(3)))]
