"""The extraction run: anchored passes, container spans, overlap rules and derived values.

Containers (URLs, e-mail addresses, user agents, ssdeep hashes, file names) claim their
span first; a plain hit (domain, IP, handle, AS number …) inside a container of a kind
that swallows it is dropped, because the container already says it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cyberfusion.domain.observables import Observable, ObservableType, normalise
from cyberfusion.errors import InvalidObservable
from cyberfusion.formats.text import patterns as P
from cyberfusion.formats.text import shapes as S
from cyberfusion.formats.text.hosts import (
    host_length,
    host_observable,
    tld_ok,
    trim_url,
    url_parts,
    url_value,
)

T = ObservableType


@dataclass(slots=True)
class Hit:
    """A validated observable at a span; `derived` ones come from a URL or e-mail address."""

    start: int
    end: int
    obs: Observable
    derived: bool = False


class _Spans:
    """Spans of one container kind; `covers` answers "is (s, e) inside one of them"."""

    def __init__(self) -> None:
        self.pairs: list[tuple[int, int]] = []
        self.starts: list[int] = []
        self.reach: list[int] = []

    def add(self, start: int, end: int) -> None:
        """Record a span (call `freeze` before asking)."""
        self.pairs.append((start, end))

    def freeze(self) -> None:
        """Sort the spans and compute how far each prefix reaches."""
        self.pairs.sort()
        self.starts = [s for s, _ in self.pairs]
        furthest, self.reach = -1, []
        for _, end in self.pairs:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def covers(self, start: int, end: int) -> bool:
        """True if (start, end) lies inside one of the spans."""
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end


URL, BARE, MAIL, AGENT, FUZZY, FILE = "url", "bare", "mail", "agent", "fuzzy", "file"
EARLY = (URL, MAIL, AGENT, FUZZY)
NET = (URL, BARE, MAIL, AGENT, FUZZY)


def valid(otype: ObservableType, raw: str) -> Observable | None:
    """The normalised observable, or None when `raw` is not a valid `otype`."""
    try:
        return normalise(otype, raw)
    except InvalidObservable:
        return None


class _Memo:
    """`valid()` with the answers kept for one run (reports repeat their indicators)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[ObservableType, str], Observable | None] = {}

    def __call__(self, otype: ObservableType, raw: str) -> Observable | None:
        key = (otype, raw)
        if key not in self.seen:
            self.seen[key] = url_value(raw) if otype is T.URL else valid(otype, raw)
        return self.seen[key]


def _positions(patterns: Iterable[re.Pattern[str]], text: str) -> list[int]:
    """Start offsets of every match of the anchor patterns, in order."""
    found = [m.start() for p in patterns for m in p.finditer(text)]
    found.sort()
    return found


class Scanner:
    """One extraction run over `text`; `run()` returns every hit, derived ones included."""

    def __init__(self, text: str, url_hosts: bool, url_paths: bool, url_queries: bool,
                 email_domains: bool) -> None:
        self.text = text
        self.derive_flags = (url_hosts, url_paths, url_queries, email_domains)
        self.hits: list[Hit] = []
        self.spans = {kind: _Spans() for kind in (URL, BARE, MAIL, AGENT, FUZZY, FILE)}
        self.urls: list[Hit] = []
        self.mails: list[Hit] = []
        self.handles: list[Hit] = []
        self.valid = _Memo()
        self.indexes: dict[tuple[str, ...], _Spans] = {}
        self.bytes_form: tuple[bytes, bool] | None = None

    def inside(self, start: int, end: int, kinds: tuple[str, ...]) -> bool:
        """True if (start, end) lies inside a container of one of `kinds`."""
        return self.merged(kinds).covers(start, end)

    def encoded(self) -> tuple[bytes, bool]:
        """The text as bytes (made once) for the byte-wise scans."""
        if self.bytes_form is None:
            self.bytes_form = S.encoded(self.text)
        return self.bytes_form

    def freeze(self, kind: str) -> None:
        """Index the spans of `kind` once its pass is done (merged indexes are rebuilt)."""
        self.spans[kind].freeze()
        self.indexes.clear()

    def merged(self, kinds: tuple[str, ...]) -> _Spans:
        """One index over several (frozen) container kinds, built on first use."""
        found = self.indexes.get(kinds)
        if found is None:
            found = _Spans()
            found.pairs = [pair for kind in kinds for pair in self.spans[kind].pairs]
            found.freeze()
            self.indexes[kinds] = found
        return found

    def contain(self, kind: str, hit: Hit) -> None:
        """Keep a container hit and claim its span."""
        self.hits.append(hit)
        self.spans[kind].add(hit.start, hit.end)

    def run(self) -> list[Hit]:
        """All passes in dependency order, then the derived values."""
        for kind, scan in ((URL, self.scan_urls), (MAIL, self.scan_at),
                           (AGENT, self.scan_agents), (FUZZY, self.scan_ssdeep)):
            scan()
            self.freeze(kind)
        names, files = self.scan_dots()
        self.freeze(BARE)
        for hit in files:
            if not self.inside(hit.start, hit.end, (URL, BARE, MAIL)):
                self.contain(FILE, hit)
        self.freeze(FILE)
        self.hits.extend(h for h in names if not self.inside(h.start, h.end, (*NET, FILE)))
        self.hits.extend(h for h in self.handles if not self.inside(h.start, h.end, NET))
        for scan in (self.scan_ipv6, self.scan_tokens, self.scan_iban, self.scan_phones,
                     self.scan_asn):
            scan()
        self.derive()
        return self.hits

    # --- containers ---------------------------------------------------------------------

    def scan_urls(self) -> None:
        """URLs with a scheme, anchored on their `//`."""
        text, reached = self.text, -1
        for pos in _positions((P.ANCHOR_SLASHES,), text):
            if pos < reached:
                continue
            for start in range(S.scheme_start(text, pos), pos):
                m = P.URL.match(text, start)
                if m is not None:
                    reached = m.end()
                    self._url(start, m.group())
                    break

    def _url(self, start: int, raw: str, container: str = URL) -> None:
        """A URL hit (with a scheme, or a bare host/path under `BARE`), claiming its span."""
        raw = trim_url(raw)
        obs = self.valid(T.URL, raw)
        if obs is not None:
            hit = Hit(start, start + len(raw), obs)
            self.contain(container, hit)
            self.urls.append(hit)

    def scan_at(self) -> None:
        """E-mail addresses (fanged or defanged `@`) and `@handles`."""
        text = self.text
        for pos in _positions((P.ANCHOR_AT, *P.ANCHORS_AT_DEFANGED), text):
            if self.spans[URL].covers(pos, pos + 1):
                continue
            if text[pos] == "@":
                at_start, at_end = pos, pos + 1
            else:
                m = P.AT_DEFANGED.match(text, pos)
                at_start = pos - 1 if pos and text[pos - 1] == " " else pos
                at_end = m.end() if m else pos + 1
            self._address(at_start, at_end)

    def _address(self, at_start: int, at_end: int) -> None:
        text = self.text
        local = S.local_start(text, at_start)
        if local == at_start:
            if text[at_start] == "@":
                self._handle(at_start)
            return
        if local > 0 and text[local - 1] == "@":
            return
        host = P.HOST_AT.match(text, at_end)
        size = host_length(host.group()) if host else 0
        obs = self.valid(T.EMAIL, text[local : at_end + size]) if size else None
        if obs is not None:
            hit = Hit(local, at_end + size, obs)
            self.contain(MAIL, hit)
            self.mails.append(hit)

    def _handle(self, start: int) -> None:
        m = P.HANDLE.match(self.text, start)
        if m is None:
            return
        name = m.group("name")
        if name.lower() in S.NOT_HANDLES or not any(c.isalpha() for c in name):
            return
        if m.group("instance") is None and "." in name and tld_ok(name):
            return
        obs = self.valid(T.USERNAME, m.group())
        if obs is not None:
            self.handles.append(Hit(start, m.end(), obs))

    def scan_agents(self) -> None:
        """Browser user agents, anchored on `ozilla/` and `pera/`."""
        text, reached = self.text, -1
        for pos in _positions(P.ANCHORS_AGENT, text):
            m = P.USER_AGENT.match(text, pos - 1) if pos > 0 and pos > reached else None
            if m is None:
                continue
            raw = m.group().rstrip(".,;: \t")
            obs = self.valid(T.USER_AGENT, raw)
            if obs is not None:
                reached = m.end()
                self.contain(AGENT, Hit(m.start(), m.start() + len(raw), obs))

    def scan_ssdeep(self) -> None:
        """ssdeep hashes, anchored on their `:chunk:`."""
        text, reached = self.text, -1
        for pos in _positions((P.ANCHOR_SSDEEP,), text):
            start = S.digits_start(text, pos)
            if start == pos or start < reached or self.spans[URL].covers(pos, pos + 1):
                continue
            m = P.SSDEEP.match(text, start)
            if m is None or len(m.group().split(":")[1]) < 6:
                continue
            obs = self.valid(T.SSDEEP, m.group())
            if obs is not None:
                reached = m.end()
                self.contain(FUZZY, Hit(start, m.end(), obs))

    # --- dotted tokens: host names, IPv4, file names ------------------------------------------

    def scan_dots(self) -> tuple[list[Hit], list[Hit]]:
        """Dotted tokens: host names, IPv4 (CIDR, bare URLs) and file names."""
        text, reached = self.text, -1
        names: list[Hit] = []
        files: list[Hit] = []
        anchors = (P.ANCHOR_DOT_LETTER, P.ANCHOR_DOT_QUAD, *P.ANCHORS_DOT_DEFANGED)
        early = self.merged(EARLY)
        for pos in _positions(anchors, text):
            if text[pos] == ".":
                self._file(pos, files)
            if pos < reached or early.covers(pos, pos + 1):
                continue
            start = S.host_start(text, pos)
            if start >= reached:
                reached = max(self._dotted(start, names), pos + 1)
        return names, files

    def _dotted(self, start: int, names: list[Hit]) -> int:
        """Take the host name or IPv4 token at `start`; return where it ends."""
        text = self.text
        if text[start].isdigit():
            m = P.IPV4.match(text, start)
            if m is not None:
                self._ipv4(m, names)
                return m.end()
        m = P.HOSTNAME.match(text, start)
        if m is None:
            return start
        raw_host = m.group("host")
        if m.end() == start + len(raw_host) and P.ORDINAL.fullmatch(raw_host):
            return m.end()
        size = host_length(raw_host)
        if size == len(raw_host) and m.group("path") is not None:
            self._url(start, m.group(), BARE)
        elif size:
            obs = self.valid(T.DOMAIN, raw_host[:size])
            if obs is not None:
                names.append(Hit(start, start + size, obs))
        return m.end()

    def _ipv4(self, m: re.Match[str], names: list[Hit]) -> None:
        start, addr = m.start(), m.group("addr")
        if addr[1:].isdigit() or addr.replace(".", "").isdigit():
            before = self.text[max(0, start - P.VERSION_REACH) : start].lower()
            if any(w in before for w in P.VERSION_WORDS) and P.VERSION_BEFORE.search(before):
                return
        if m.group("path") is not None:
            self._url(start, m.group(), BARE)
            return
        address = self.valid(T.IPV4, addr)
        if address is None:
            return
        prefix = m.group("prefix")
        network = self.valid(T.CIDR, f"{address.value}/{prefix}") if prefix is not None else None
        if network is not None:
            names.append(Hit(start, m.end(), network))
        else:
            names.append(Hit(start, start + len(addr), address))

    def _file(self, dot: int, files: list[Hit]) -> None:
        m = P.FILE_EXT.match(self.text, dot)
        if m is None:
            return
        start = S.name_start(self.text, dot)
        name = self.text[start : m.end()]
        if start < dot and name.lower() not in S.NOT_FILES:
            obs = self.valid(T.FILE_NAME, name)
            if obs is not None:
                files.append(Hit(start, m.end(), obs))

    # --- addresses, tokens, numbers ------------------------------------------------------------

    def scan_ipv6(self) -> None:
        """IPv6 addresses and networks, anchored on `:hex:`."""
        text, reached = self.text, -1
        for pos in _positions((P.ANCHOR_IPV6,), text):
            start = S.hex_start(text, pos)
            if start < reached or self.inside(pos, pos + 1, NET):
                continue
            m = P.IPV6.match(text, start)
            if m is None:
                continue
            reached = m.end()
            addr, prefix = m.group("addr"), m.group("prefix")
            address = self.valid(T.IPV6, addr) if any(c.isalnum() for c in addr) else None
            if address is None:
                continue
            network = self.valid(T.CIDR, f"{address.value}/{prefix}") if prefix else None
            end = m.end() if network else start + len(addr)
            self.hits.append(Hit(start, end, network or address))

    def scan_tokens(self) -> None:
        """Digests, JA3 and wallets among long alphanumeric runs."""
        text = self.text
        for pos in S.long_runs(*self.encoded()):
            m = P.LONG_TOKEN.match(text, pos)
            if m is None or self.spans[FUZZY].covers(pos, m.end()):
                continue
            otype = S.token_type(m.group())
            if otype is T.MD5 and S.says_ja3(text, pos):
                otype = T.JA3
            obs = self.valid(otype, m.group()) if otype is not None else None
            if obs is not None:
                self.hits.append(Hit(pos, m.end(), obs))

    def scan_iban(self) -> None:
        """IBANs, compact or grouped by four."""
        for pos in S.iban_starts(*self.encoded()):
            m = P.IBAN.match(self.text, pos)
            end = S.iban_end(m.group()) if m else 0
            if m is None:
                continue
            if end and not self.inside(m.start(), m.start() + end, (URL, BARE, MAIL)):
                obs = self.valid(T.IBAN, m.group()[:end])
                if obs is not None:
                    self.hits.append(Hit(m.start(), m.start() + end, obs))

    def scan_phones(self) -> None:
        """E.164 phone numbers written with `+`."""
        for m in P.PHONE.finditer(self.text):
            raw = m.group()
            if P.DATE_LIKE.match(raw) or self.inside(m.start(), m.end(), NET):
                continue
            for candidate in S.shorter(raw):
                obs = self.valid(T.PHONE, candidate)
                if obs is not None:
                    self.hits.append(Hit(m.start(), m.start() + len(candidate), obs))
                    break

    def scan_asn(self) -> None:
        """AS numbers."""
        text = self.text
        for pos in _positions(P.ANCHORS_ASN, text):
            m = P.ASN.match(text, pos - 1) if pos > 0 else None
            if m is None or self.inside(m.start(), m.end(), (*NET, FILE)):
                continue
            obs = self.valid(T.ASN, m.group("num"))
            if obs is not None:
                self.hits.append(Hit(m.start(), m.end(), obs))

    # --- derived values --------------------------------------------------------------------

    def derive(self) -> None:
        """Hosts and embedded domains of URLs, domains of e-mail addresses."""
        hosts, paths, queries, email_domains = self.derive_flags
        for url in self.urls:
            host, path, query = url_parts(url.obs.value)
            found = host_observable(host) if hosts else None
            if found is not None:
                self.hits.append(Hit(url.start, url.end, found, derived=True))
            inner = (path if paths else "") + " " + (query if queries else "")
            for obs in _embedded(inner):
                self.hits.append(Hit(url.start, url.end, obs, derived=True))
        if email_domains:
            for mail in self.mails:
                domain = self.valid(T.DOMAIN, mail.obs.value.rpartition("@")[2])
                if domain is not None:
                    self.hits.append(Hit(mail.start, mail.end, domain, derived=True))


def _embedded(text: str) -> Iterator[Observable]:
    """Domains and IPv4 addresses named inside a decoded URL path or query."""
    if not text.strip():
        return
    for m in P.HOST_ONLY.finditer(text):
        raw = m.group()
        size = host_length(raw)
        if not size or P.FILE_EXT.fullmatch(raw[raw.rfind(".") :]):
            continue
        obs = valid(T.DOMAIN, raw[:size])
        if obs is not None:
            yield obs
    for m in P.IPV4.finditer(text):
        obs = valid(T.IPV4, m.group("addr"))
        if obs is not None:
            yield obs
