"""Registered domains by the ICANN section of the Public Suffix List, looked up in sets.

The rules are the snapshot shipped with tldextract (never fetched). The matching follows
the list's own algorithm (publicsuffix.org/list/, "Algorithm"): the longest matching rule
wins, an exception rule (`!www.ck`) beats the wildcard (`*.ck`) it carves out of, and a
name under no rule has no registered domain (as tldextract answers). Rules are compared in
their ASCII (punycode) form because canonical domains are stored that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

_PRIVATE_MARK = "===BEGIN PRIVATE DOMAINS==="


@dataclass(frozen=True, slots=True)
class SuffixRules:
    """Plain rules, the parents of wildcard rules, and exception rules, all lower-case ASCII."""

    plain: frozenset[str]
    wildcard_parents: frozenset[str]
    exceptions: frozenset[str]


def _ascii(rule: str) -> str | None:
    """The rule with each label in punycode; None if a label cannot be encoded."""
    try:
        return ".".join(label if label.isascii() else label.encode("idna").decode()
                        for label in rule.split("."))
    except UnicodeError:
        return None


def parse_rules(text: str) -> SuffixRules:
    """Rules of the ICANN section of a public suffix list text."""
    plain: set[str] = set()
    wildcards: set[str] = set()
    exceptions: set[str] = set()
    for line in text.partition(_PRIVATE_MARK)[0].splitlines():
        rule = line.strip().split(" ")[0].lower()
        if not rule or rule.startswith("//"):
            continue
        if rule.startswith("!"):
            target, name = exceptions, rule[1:]
        elif rule.startswith("*."):
            target, name = wildcards, rule[2:]
        else:
            target, name = plain, rule
        encoded = _ascii(name)
        if encoded:
            target.add(encoded)
    return SuffixRules(frozenset(plain), frozenset(wildcards), frozenset(exceptions))


@cache
def shipped_rules() -> SuffixRules:
    """The rules of the list snapshot inside the tldextract package."""
    text = (resources.files("tldextract") / ".tld_set_snapshot").read_text(encoding="utf-8")
    return parse_rules(text)


def suffix_start(labels: list[str], rules: SuffixRules) -> int | None:
    """Index of the first label of the public suffix, or None when no rule matches."""
    for start in range(len(labels)):
        name = ".".join(labels[start:])
        if name in rules.exceptions:
            return start + 1
        if name in rules.plain:
            return start
        if start + 1 < len(labels) and ".".join(labels[start + 1:]) in rules.wildcard_parents:
            return start
    return None


def registered_domain(host: str, rules: SuffixRules | None = None) -> str:
    """`a.b.example.co.uk` -> `example.co.uk`; '' for a bare suffix or an unlisted TLD."""
    labels = host.lower().rstrip(".").split(".")
    start = suffix_start(labels, rules or shipped_rules())
    if start is None or start == 0 or start >= len(labels) or not labels[start - 1]:
        return ""
    return ".".join(labels[start - 1:])
