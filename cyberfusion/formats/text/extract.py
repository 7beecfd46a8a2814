"""Free-text IOC extraction: every observable type, fanged or defanged, with its sentence.

`extract(text)` finds candidates family by family (see `scanner`), validates each with the
domain normaliser (so checksums decide wallets, and a 64-hex digest is a sha256, never a
wallet) and resolves overlaps: a value inside a URL, e-mail address, user agent, ssdeep
hash or file name belongs to that container. URL and e-mail containers then yield derived
values: the URL's host, domains named in its path and query (redirect targets), the
e-mail's domain; `ExtractOptions` switches each derivation off.

Decisions for free text: phone numbers need a `+` (E.164); 32 hex digits are md5 unless
"ja3" is written just before them; `a.b.c.d` after "version"/"v"/"build" is not an IP;
a name ending in a common file extension (`invoice.zip`) is a file name, not a domain;
an IPv4 CIDR with host bits set (`10.1.2.3/24`) is read as the address; a host name
counts only with an IANA top-level domain.

Arabic, French and Spanish text: the patterns read a folded copy (see `fold`), so an
address in Arabic-Indic or full-width digits, a right-to-left mark inside an address,
`+33\u202f6\u202f12…` and an IBAN in groups separated by no-break spaces are found; the
span, the sentence and, for file names, user agents, handles and URL paths, the value
keep what is written. After `versión` or the Arabic version words, `a.b.c.d` is no IP.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyberfusion.domain.observable_fold import fold_value
from cyberfusion.domain.observables import Observable, ObservableType
from cyberfusion.formats.text import patterns as P
from cyberfusion.formats.text.fold import MARKS, Folded, fold
from cyberfusion.formats.text.hosts import url_value
from cyberfusion.formats.text.scanner import Scanner, valid

#: Longest context kept per hit, in characters.
CONTEXT_MAX = 300


@dataclass(frozen=True, slots=True)
class Extracted:
    """One observable found in text: canonical value, key, span and the sentence around it."""

    type: ObservableType
    value: str
    key: str
    start: int
    end: int
    context: str
    derived: bool = False


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Which derived values to add, and which types to return (None: all)."""

    url_hosts: bool = True
    url_paths: bool = True
    url_queries: bool = True
    email_domains: bool = True
    types: frozenset[ObservableType] | None = None


DEFAULT_OPTIONS = ExtractOptions()


def context_of(text: str, start: int, end: int, limit: int = CONTEXT_MAX) -> str:
    """The sentence (or line) around `text[start:end]`, whitespace collapsed, at most ~limit."""
    begin, finish = sentence_span(text, start, end, limit)
    return " ".join(text[begin:finish].split())


def sentence_span(text: str, start: int, end: int, limit: int = CONTEXT_MAX) -> tuple[int, int]:
    """Where the sentence (or line) around `text[start:end]` begins and ends, at most ~limit."""
    low = max(0, start - P.CONTEXT_REACH)
    left = text[low:start]
    cut = max(left.rfind("\n"), left.rfind(". "), left.rfind("! "), left.rfind("? "))
    begin = low + cut + 1 if cut >= 0 else low
    right = text[end : end + P.CONTEXT_REACH]
    stops = [i for i in (right.find("\n"), right.find(". "), right.find("! "),
                         right.find("? ")) if i >= 0]
    finish = end + (min(stops) + 1 if stops else len(right))
    if finish - begin > limit:
        spare = max(limit - (end - start), 0) // 2
        begin, finish = max(begin, start - spare), min(finish, end + spare)
    return begin, finish


#: Types whose value is taken as written (an override control inside a file name is the
#: trick, not noise); only direction marks are dropped from them.
AS_WRITTEN = frozenset({ObservableType.FILE_NAME, ObservableType.USERNAME,
                        ObservableType.USER_AGENT})


def extract(text: str, options: ExtractOptions = DEFAULT_OPTIONS) -> list[Extracted]:
    """Every observable in `text`, in order of position, each with its sentence.

    The patterns read a folded copy (see `fold`): Arabic-Indic and full-width digits,
    Arabic punctuation, no-break spaces and direction marks are read as their ASCII
    spelling; spans and sentences are those of `text`.
    """
    folded = fold(text)
    scanner = Scanner(folded.text, options.url_hosts, options.url_paths, options.url_queries,
                      options.email_domains)
    wanted = options.types
    seen: set[tuple[ObservableType, str, int]] = set()
    found: list[Extracted] = []
    for hit in sorted(scanner.run(), key=lambda h: (h.start, h.derived, h.end)):
        obs = hit.obs
        mark = (obs.type, obs.value, hit.start)
        if mark in seen or (wanted is not None and obs.type not in wanted):
            continue
        seen.add(mark)
        if folded.text is text:
            found.append(Extracted(obs.type, obs.value, obs.key, hit.start, hit.end,
                                   context_of(text, hit.start, hit.end), hit.derived))
        else:
            found.append(_unfolded(text, folded, hit.start, hit.end, obs, hit.derived))
    return found


def _unfolded(text: str, folded: Folded, start: int, end: int, obs: Observable,
              derived: bool) -> Extracted:
    """A hit of the folded copy, with the span, value and sentence of the text as written.

    The sentence ends where the folded copy has a full stop, `?` or `!` (so at the Arabic
    question mark and full stop too); its words are those of the text.
    """
    begin, finish = folded.span(*sentence_span(folded.text, start, end))
    start, end = folded.span(start, end)
    if obs.type in AS_WRITTEN:
        obs = _as_written(text, start, end, obs)
    elif obs.type is ObservableType.URL and not derived:
        obs = _url_as_written(text[start:end], obs)
    context = " ".join(text[begin:finish].split())
    return Extracted(obs.type, obs.value, obs.key, start, end, context, derived)


def _as_written(text: str, start: int, end: int, obs: Observable) -> Observable:
    """The observable of the original span (controls inside kept), else the folded one."""
    raw = text[start:end].translate(MARKS)
    return valid(obs.type, raw) or obs if raw != obs.value else obs


def _url_as_written(raw: str, obs: Observable) -> Observable:
    """A URL whose path has Arabic-Indic digits keeps them (they are another path)."""
    if not any("\u0660" <= c <= "\u0669" or "\u06f0" <= c <= "\u06f9" for c in raw):
        return obs
    return url_value(fold_value(raw, digits=False)) or obs

