"""MISP warning lists (all of `pymispwarninglists`) as one fast, type-aware matcher.

`WarningLists.load()` reads every list once per process (lazily, cached) into four shared
indexes, each mapping to a bit mask of list numbers, so a lookup costs a few dict probes:

- `string` lists: exact match on the lower-cased value (hashes, hostnames, TLDs …); an
  entry starting with a dot (`.google.bt`) matches that domain and its sub-domains.
- `hostname` lists: suffix match, the value and every parent domain (`a.b.example.com`,
  `b.example.com`, `example.com`); URLs and e-mail addresses are matched by their host.
- `cidr` lists: one sorted table of elementary address ranges per family (IPv4, IPv6),
  each with the mask of lists covering it, searched with `bisect`.
- `substring` lists: an index on each entry's first characters, probed at every offset.
- `regex` lists (PHP-style `/pattern/flags`): compiled once.

A list applies to an observable type only when its `matching_attributes` name one of the
MISP attribute types of ours (`ip-src` for ipv4, `domain`/`hostname` for domain …); the
composite `domain|ip` counts for addresses only, so the disposable e-mail list (whose one
non-e-mail attribute it is) flags e-mail addresses, not every domain containing its text.
Matching is case-insensitive: our canonical hostnames, e-mail addresses and digests are
lower-case. Building the indexes from the JSON lists takes ~3 s and ~300 MB, so `load()`
keeps them in a prebuilt, memory-mapped index file (formats/warninglist_index.py) built
once per pymispwarninglists version; loading that takes milliseconds and little memory
(see benchmarks/bench_warninglists.py). `WarningLists(documents)` still builds in memory.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import phonenumbers

from cyberfusion.domain.observables import ObservableType
from cyberfusion.formats.warninglist_index import (
    IndexParts,
    index_folder,
    read_index,
    source_tag,
    write_index,
)

T = ObservableType

#: MISP attribute types (from `matching_attributes`) that each of our types answers to.
_ATTRIBUTES: dict[ObservableType, frozenset[str]] = {
    T.IPV4: frozenset({"ip-src", "ip-dst", "domain|ip", "ip-src|port", "ip-dst|port"}),
    T.IPV6: frozenset({"ip-src", "ip-dst", "domain|ip", "ip-src|port", "ip-dst|port"}),
    T.CIDR: frozenset({"ip-src", "ip-dst", "domain|ip"}),
    T.DOMAIN: frozenset({"domain", "hostname", "hostname|port"}),
    T.URL: frozenset({"url", "uri", "link"}),
    T.EMAIL: frozenset({"email", "email-src", "email-dst", "target-email",
                        "whois-registrant-email", "dns-soa-email"}),
    T.MD5: frozenset({"md5", "filename|md5", "x509-fingerprint-md5"}),
    T.SHA1: frozenset({"sha1", "filename|sha1", "x509-fingerprint-sha1"}),
    T.SHA256: frozenset({"sha256", "filename|sha256", "x509-fingerprint-sha256"}),
    T.SHA512: frozenset({"sha512", "filename|sha512"}),
    T.SSDEEP: frozenset({"ssdeep", "filename|ssdeep"}),
    T.FILE_NAME: frozenset({"filename"}),
    T.BTC_WALLET: frozenset({"btc"}),
    T.XMR_WALLET: frozenset({"xmr"}),
    T.IBAN: frozenset({"iban"}),
    T.PHONE: frozenset({"phone-number", "whois-registrant-phone"}),
    T.ASN: frozenset({"AS"}),
    T.JA3: frozenset({"ja3-fingerprint-md5"}),
    T.USER_AGENT: frozenset({"user-agent"}),
}

_TYPES: dict[str, ObservableType] = {t.value: t for t in ObservableType}
# A canonical URL always holds "/", an e-mail address "@": exact entries without it never match.
_NEEDS = {ObservableType.URL: "/", ObservableType.EMAIL: "@"}
_GRAM = 4  # substring index key length

# Substring entries that can occur at all inside a canonical value of these types.
_SHAPES: dict[ObservableType, re.Pattern[str]] = {
    T.IPV4: re.compile(r"[0-9.]+"),
    T.IPV6: re.compile(r"[0-9a-f:.]+"),
    T.CIDR: re.compile(r"[0-9a-f:./]+"),
    T.MD5: re.compile(r"[0-9a-f]+"),
    T.SHA1: re.compile(r"[0-9a-f]+"),
    T.SHA256: re.compile(r"[0-9a-f]+"),
    T.SHA512: re.compile(r"[0-9a-f]+"),
}


def lists_dir() -> Path:
    """The `lists/` folder of the warning lists bundled with pymispwarninglists.

    Found without importing the package, whose import pulls in jsonschema (slow).
    """
    spec = importlib.util.find_spec("pymispwarninglists")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("pymispwarninglists is not installed")
    return Path(spec.origin).parent / "data" / "misp-warninglists" / "lists"


@cache
def iana_tlds() -> frozenset[str]:
    """Lower-case top-level domains known to IANA (A-labels), from the `tlds` warning list."""
    data = orjson.loads((lists_dir() / "tlds" / "list.json").read_bytes())
    return frozenset(str(entry).strip().lower() for entry in data["list"])


def flag_names(matches: Iterable[str]) -> str:
    """The stored form of a value's matches: sorted list names joined by `; `."""
    return "; ".join(sorted(set(matches)))


@dataclass
class _Ranges:
    """Elementary address ranges (sorted starts) with the mask of lists covering each."""

    starts: Sequence[int] = field(default_factory=list)
    masks: Sequence[int] = field(default_factory=list)

    def at(self, address: int) -> int:
        """Mask of the lists whose networks contain `address`."""
        i = bisect_right(self.starts, address) - 1
        return self.masks[i] if i >= 0 else 0

    def covering(self, first: int, last: int) -> int:
        """Mask of the lists that contain every address from `first` to `last`."""
        i = max(bisect_right(self.starts, first) - 1, 0)
        mask = self.masks[i] if self.starts and self.starts[i] <= first else 0
        while mask and i + 1 < len(self.starts) and self.starts[i + 1] <= last:
            i += 1
            mask &= self.masks[i]
        return mask


def _sweep(intervals: list[tuple[int, int, int]],
           canon: dict[int, int]) -> tuple[list[int], list[int]]:
    """Elementary ranges (starts, masks) from (first, last, list number) triples by a sweep."""
    events: list[tuple[int, int, int]] = []
    for first, last, bit in intervals:
        events.append((first, 1, bit))
        events.append((last + 1, -1, bit))
    events.sort()
    counts: dict[int, int] = {}
    starts: list[int] = []
    masks: list[int] = []
    mask, i = 0, 0
    while i < len(events):
        pos = events[i][0]
        while i < len(events) and events[i][0] == pos:
            _, delta, bit = events[i]
            counts[bit] = counts.get(bit, 0) + delta
            mask = mask | (1 << bit) if counts[bit] else mask & ~(1 << bit)
            i += 1
        if masks and masks[-1] == mask:
            continue
        starts.append(pos)
        masks.append(canon.setdefault(mask, mask))
    return starts, masks


class _Substrings:
    """Which substring entries occur in a value.

    One regex built as a character trie of all entries screens each value at C speed;
    only on a hit does an index on each entry's first characters name the lists.
    """

    def __init__(self, entries: Iterable[tuple[str, int]]) -> None:
        self.index: dict[str, list[tuple[str, int]]] = {}
        self.short: list[tuple[str, int]] = []
        words: set[str] = set()
        for entry, mask in entries:
            words.add(entry)
            if len(entry) < _GRAM:
                self.short.append((entry, mask))
            else:
                self.index.setdefault(entry[:_GRAM], []).append((entry, mask))
        self.words = words
        self.screen: re.Pattern[str] | None = None

    def search(self, value: str) -> int:
        """Mask of the lists with an entry inside `value`."""
        if self.screen is None:
            self.screen = re.compile(_trie_pattern(self.words) or "(?!)")
        if not self.screen.search(value):
            return 0
        mask = 0
        for entry, bits in self.short:
            if entry in value:
                mask |= bits
        get = self.index.get
        for i in range(len(value) - _GRAM + 1):
            found = get(value[i : i + _GRAM])
            if found:
                for entry, bits in found:
                    if value.startswith(entry, i):
                        mask |= bits
        return mask


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex matching any of `words`, shaped as a character trie (no backtracking blow-up)."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(root)


def _trie_node(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _trie_node(child) for char, child in sorted(node.items())
                if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


_PHP_REGEX = re.compile(r"/(.*)/([a-z]*)", re.DOTALL)


def _compile(entry: str) -> re.Pattern[str] | None:
    """A PHP-style `/pattern/flags` (or bare) regex, or None when Python cannot compile it."""
    match = _PHP_REGEX.fullmatch(entry.strip())
    pattern, flags = (match.group(1), match.group(2)) if match else (entry, "")
    try:
        return re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
    except re.error:
        return None


class _Builder:
    """Accumulates the lists into the shared indexes while loading."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.attributes: list[frozenset[str]] = []
        self.exact: dict[str, int] = {}
        self.exact_lists = 0
        self.shaped = {"/": 0, "@": 0}  # lists with exact entries holding "/" or "@"
        self.suffix: dict[str, int] = {}
        self.canon: dict[int, int] = {}
        self.v4: list[tuple[int, int, int]] = []
        self.v6: list[tuple[int, int, int]] = []
        self.substrings: list[tuple[str, int]] = []  # (entry, list number)
        self.regexes: list[tuple[str, int]] = []  # (entry, list number), compilable ones

    def _mark(self, table: dict[str, int], key: str, bit: int) -> None:
        """Set list `bit` for `key`, sharing equal masks between keys to save memory."""
        mask = table.get(key, 0) | (1 << bit)
        table[key] = self.canon.setdefault(mask, mask)
        if table is self.exact:
            self.exact_lists |= 1 << bit
            for char in "/@":
                if char in key:
                    self.shaped[char] |= 1 << bit

    def add(self, data: dict[str, Any]) -> None:
        """Index one warning list document."""
        bit = len(self.names)
        self.names.append(str(data["name"]).strip())
        self.attributes.append(frozenset(data.get("matching_attributes") or ()))
        kind = data.get("type", "string")
        entries = [str(e).strip() for e in data.get("list", []) if str(e).strip()]
        adders = {"cidr": self._add_cidr, "hostname": self._add_hostname,
                  "substring": self._add_substring, "regex": self._add_regex}
        adders.get(kind, self._add_string)(entries, bit)

    def _add_string(self, entries: list[str], bit: int) -> None:
        for entry in entries:
            key = entry.lower()
            if key.startswith("."):
                self._mark(self.suffix, key.lstrip("."), bit)
            else:
                self._mark(self.exact, key, bit)

    def _add_hostname(self, entries: list[str], bit: int) -> None:
        for entry in entries:
            self._mark(self.suffix, entry.lower().lstrip(".").rstrip("."), bit)

    def _add_substring(self, entries: list[str], bit: int) -> None:
        self.substrings.extend((entry.lower(), bit) for entry in entries)

    def _add_regex(self, entries: list[str], bit: int) -> None:
        self.regexes.extend((entry, bit) for entry in entries if _compile(entry) is not None)

    def _add_cidr(self, entries: list[str], bit: int) -> None:
        for entry in entries:
            try:
                net = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                self._mark(self.exact, entry.lower(), bit)
                continue
            first, last = int(net.network_address), int(net.broadcast_address)
            (self.v4 if net.version == 4 else self.v6).append((first, last, bit))

    def parts(self) -> IndexParts:
        """The finished tables, as stored in the index file."""
        return IndexParts(
            names=self.names, attributes=[sorted(a) for a in self.attributes],
            exact=self.exact, suffix=self.suffix, v4=_sweep(self.v4, self.canon),
            v6=_sweep(self.v6, self.canon), shaped=dict(self.shaped),
            exact_lists=self.exact_lists, substrings=self.substrings, regexes=self.regexes)


def _type_masks(attributes: list[list[str]]) -> dict[ObservableType, int]:
    """For each observable type, the mask of the lists that apply to it."""
    masks: dict[ObservableType, int] = {}
    for obs_type, attrs in _ATTRIBUTES.items():
        mask = 0
        for bit, listed in enumerate(attributes):
            if attrs.intersection(listed):
                mask |= 1 << bit
        masks[obs_type] = mask
    return masks


def _iter_documents(root: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(root.glob("*/list.json")):
        data = orjson.loads(path.read_bytes())
        if isinstance(data, dict) and "name" in data:
            yield data


@dataclass(frozen=True)
class _Plan:
    """What to check for one observable type: applicable lists, substring screen, regexes."""

    allowed: int
    exact: bool
    screen: _Substrings | None
    regexes: list[tuple[re.Pattern[str], int]]


class WarningLists:
    """All warning lists, indexed for `match(type, value)`; build with `load()`."""

    def __init__(self, documents: Iterable[dict[str, Any]]) -> None:
        builder = _Builder()
        for data in documents:
            builder.add(data)
        self._setup(builder.parts())

    def _setup(self, parts: IndexParts) -> None:
        """Keep the tables and plan, per observable type, which of them to check."""
        self.names: tuple[str, ...] = tuple(parts.names)
        self._exact = parts.exact
        self._suffix = parts.suffix
        self._v4 = _Ranges(*parts.v4)
        self._v6 = _Ranges(*parts.v6)
        substrings = [(e, 1 << bit) for e, bit in parts.substrings]
        regexes = [(p, 1 << bit) for e, bit in parts.regexes if (p := _compile(e)) is not None]
        screens: dict[int, _Substrings] = {}
        self._plans: dict[ObservableType, _Plan] = {}
        for otype, allowed in _type_masks(parts.attributes).items():
            shape = _SHAPES.get(otype)
            subs = [(e, m) for e, m in substrings
                    if m & allowed and (shape is None or shape.fullmatch(e))]
            key = _mask_of(m for _, m in subs)
            screen = screens.setdefault(key, _Substrings(subs)) if subs else None
            needed = _NEEDS.get(otype)
            exact_lists = parts.shaped[needed] if needed else parts.exact_lists
            self._plans[otype] = _Plan(allowed, bool(allowed & exact_lists), screen,
                                       [(p, m) for p, m in regexes if m & allowed])

    @classmethod
    def from_parts(cls, parts: IndexParts) -> WarningLists:
        """A matcher over tables already built (e.g. mapped from the index file)."""
        lists = cls.__new__(cls)
        lists._setup(parts)
        return lists

    @classmethod
    def load(cls, data_dir: Path | None = None) -> WarningLists:
        """The lists bundled with pymispwarninglists, from the index file, once per process.

        The index is kept in `<data_dir>/cache` (else a private temp folder, see
        `index_folder`) and built there when missing or stale.
        """
        return _default(index_folder(data_dir))

    @classmethod
    def from_index(cls, folder: Path) -> WarningLists:
        """The bundled lists mapped from the index in `folder`, built first if needed."""
        tag = source_tag()
        path = folder / f"warninglists-{tag}.idx"
        parts = read_index(path, tag)
        if parts is None:
            for old in folder.glob("warninglists-*.idx"):
                if old != path:
                    old.unlink(missing_ok=True)  # other versions; a mapped file stays readable
            builder = _Builder()
            for data in _iter_documents(lists_dir()):
                builder.add(data)
            built = builder.parts()
            write_index(built, path, tag)
            parts = read_index(path, tag) or built  # the lists built in memory at worst
        return cls.from_parts(parts)

    @classmethod
    def from_dir(cls, root: Path) -> WarningLists:
        """Lists from a `lists/<name>/list.json` folder (not cached)."""
        return cls(_iter_documents(root))

    def __len__(self) -> int:
        return len(self.names)

    def match(self, obs_type: ObservableType | str, value: str) -> list[str]:
        """Names of the lists that hold `value` (a canonical value of `obs_type`)."""
        otype = _TYPES.get(obs_type)
        if otype is None:
            return []
        return self._decode(self._match(otype, value.strip().lower()))

    def _match(self, otype: ObservableType, value: str) -> int:
        if otype is T.URL:
            return self._own(otype, value) | self._host_of_url(value)
        if otype is T.EMAIL:
            domain = value.rpartition("@")[2]
            return self._own(otype, value) | self._own(T.DOMAIN, domain)
        if otype is T.PHONE:
            return self._phone(value)
        return self._own(otype, value)

    def _own(self, otype: ObservableType, value: str) -> int:
        """Every list kind, restricted to the lists that apply to `otype`."""
        plan = self._plans.get(otype)
        if plan is None or not value:
            return 0
        mask = self._exact.get(value, 0) if plan.exact else 0
        if otype is T.DOMAIN:
            mask |= self._parents(value)
        elif otype is T.IPV4 or otype is T.IPV6:
            mask |= self._address(value)
        elif otype is T.CIDR:
            mask |= self._network(value)
        if plan.screen is not None:
            mask |= plan.screen.search(value)
        for pattern, bits in plan.regexes:
            if pattern.search(value):
                mask |= bits
        return mask & plan.allowed

    def _parents(self, name: str) -> int:
        """Hostname-list marks of `name` and of every parent domain."""
        get = self._suffix.get
        mask = get(name, 0)
        dot = name.find(".")
        while dot >= 0:
            mask |= get(name[dot + 1 :], 0)
            dot = name.find(".", dot + 1)
        return mask

    def _address(self, value: str) -> int:
        number = _ipv4_int(value)
        if number is not None:
            return self._v4.at(number)
        try:
            return self._v6.at(int(ipaddress.IPv6Address(value.strip("[]"))))
        except ValueError:
            return 0

    def _network(self, value: str) -> int:
        try:
            net = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return 0
        table = self._v4 if net.version == 4 else self._v6
        return table.covering(int(net.network_address), int(net.broadcast_address))

    def _host_of_url(self, url: str) -> int:
        rest = url.partition("://")[2] or url
        end = _AUTHORITY_END.search(rest)
        authority = (rest[: end.start()] if end else rest).rpartition("@")[2]
        if authority.startswith("["):
            return self._own(T.IPV6, authority[1 : authority.find("]")])
        host = authority.partition(":")[0]
        if _ipv4_int(host) is not None:
            return self._own(T.IPV4, host)
        return self._own(T.DOMAIN, host)

    def _phone(self, value: str) -> int:
        mask = self._own(T.PHONE, value)
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            return mask
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        digits = "".join(ch for ch in national if ch.isdigit())
        return mask | self._own(T.PHONE, digits)

    def _decode(self, mask: int) -> list[str]:
        names: list[str] = []
        while mask:
            low = mask & -mask
            names.append(self.names[low.bit_length() - 1])
            mask ^= low
        return sorted(names)


def _mask_of(masks: Iterable[int]) -> int:
    total = 0
    for mask in masks:
        total |= mask
    return total


_AUTHORITY_END = re.compile(r"[/?#]")


def _ipv4_int(text: str) -> int | None:
    """The address as an integer if `text` is a dotted quad, else None (no exceptions)."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    number = 0
    for part in parts:
        if not part.isdigit() or len(part) > 3 or int(part) > 255:
            return None
        number = (number << 8) | int(part)
    return number


@cache
def _default(folder: Path) -> WarningLists:
    return WarningLists.from_index(folder)
