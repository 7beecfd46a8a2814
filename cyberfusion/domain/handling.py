"""The handling record that travels with every piece of data (DESIGN.md, "Handling")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from cyberfusion.errors import InvalidHandling, Issue


class TLP(StrEnum):
    """FIRST Traffic Light Protocol 2.0 labels."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"

    @property
    def label(self) -> str:
        """The label as FIRST writes it: `TLP:AMBER+STRICT`."""
        return f"TLP:{self.value.upper()}"

    @property
    def strict(self) -> bool:
        """RED and AMBER+STRICT admit only organisations named as `org:`."""
        return self in (TLP.RED, TLP.AMBER_STRICT)


_TLP_RANK = {tlp: rank for rank, tlp in enumerate(TLP)}  # declared least to most restrictive


def strictest_tlp(levels: Iterable[TLP], default: TLP = TLP.CLEAR) -> TLP:
    """The most restrictive TLP among `levels`, `default` when there are none (the banner of
    a page, a thread or a bundle that shows them all)."""
    return max(levels, key=_TLP_RANK.__getitem__, default=default)


class HitPolicy(StrEnum):
    """What someone outside `release` learns when a search or submission matches."""

    VISIBLE = "visible"
    HIT = "hit"
    SILENT = "silent"


class Purpose(StrEnum):
    """Why the data is held; queries state a purpose too."""

    INVESTIGATION = "investigation"
    PREVENTION = "prevention"
    ANALYSIS = "analysis"
    OPERATION = "operation"


RELIABILITY = ("A", "B", "C", "D", "E", "F")
CREDIBILITY = (1, 2, 3, 4, 5, 6)
REGIONS = ("africa", "americas", "asia", "europe", "mena")

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ORG_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Handling:
    """Rules the owner set: who may read, who never may, what a hit reveals, for how long."""

    tlp: TLP
    release: frozenset[str]
    review_by: date
    exclude: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()
    hit_policy: HitPolicy = HitPolicy.HIT
    purpose: Purpose = Purpose.INVESTIGATION
    reliability: str | None = None
    credibility: int | None = None
    personal_data: bool = False

    @property
    def grading(self) -> str:
        """Admiralty code such as `B2`, or empty when not graded."""
        if self.reliability is None or self.credibility is None:
            return ""
        return f"{self.reliability}{self.credibility}"

    def with_review_by(self, review_by: date) -> Handling:
        """A copy confirmed until `review_by`."""
        return replace(self, review_by=review_by)


def release_token_issue(token: str) -> str | None:
    """Why `token` is not a valid release token, or None if it is."""
    if token == "members":
        return None
    kind, _, rest = token.partition(":")
    if kind == "region":
        return None if rest in REGIONS else f"unknown region {rest!r}"
    if kind == "country":
        return None if _COUNTRY.match(rest) else "country must be an ISO 3166 alpha-2 code"
    if kind == "org":
        return None if _ORG_ID.match(rest) else "malformed organisation id"
    return "expected members, region:<R>, country:<CC> or org:<id>"


def exclude_token_issue(token: str) -> str | None:
    """Why `token` is not a valid exclude token (`country:` or `org:`), or None."""
    if not token.startswith(("country:", "org:")):
        return "exclude takes country:<CC> or org:<id>"
    return release_token_issue(token)


def validate_handling(handling: Handling, location: str = "handling") -> Handling:
    """Check every field of `handling`; raise InvalidHandling naming each bad member."""
    issues = list(_token_issues(handling.release, f"{location}.release", release_token_issue))
    issues += _token_issues(handling.exclude, f"{location}.exclude", exclude_token_issue)
    for org_id in sorted(handling.partners):
        if not _ORG_ID.match(org_id):
            issues.append(Issue(f"{location}.partners", f"malformed organisation id {org_id!r}"))
    if handling.reliability is not None and handling.reliability not in RELIABILITY:
        issues.append(Issue(f"{location}.reliability", "source reliability must be A-F"))
    if handling.credibility is not None and handling.credibility not in CREDIBILITY:
        issues.append(Issue(f"{location}.credibility", "information credibility must be 1-6"))
    if handling.personal_data and handling.partners:
        issues.append(Issue(f"{location}.partners", "personal data is never released to partners"))
    if issues:
        raise InvalidHandling("the handling record is not valid", issues)
    return handling


def review_by_issue(review_by: date, today: date) -> str | None:
    """Why a `review_by` set `today` is refused, or None: a date not after today would leave
    the record to its owner alone at once (`decide()`), before anyone could read it."""
    if review_by > today:
        return None
    return (f"{review_by.isoformat()} is not after today ({today.isoformat()}); a record past "
            "its review date is hidden from everyone but its owner, so choose a later date "
            "or leave review_by out for the default term")


def check_review_by(handling: Handling, today: date, location: str = "handling") -> None:
    """Raise InvalidHandling at `<location>.review_by` when the owner sets a date not after
    `today` (creation, update, a message: anywhere an owner chooses the date)."""
    problem = review_by_issue(handling.review_by, today)
    if problem:
        raise InvalidHandling("the review date is not in the future",
                              [Issue(f"{location}.review_by", problem)])


def _token_issues(
    tokens: Iterable[str], location: str, check: Callable[[str], str | None]
) -> list[Issue]:
    """Located issues for each bad token."""
    issues = []
    for token in sorted(tokens):
        problem = check(token)
        if problem:
            issues.append(Issue(location, f"{token!r}: {problem}"))
    return issues


def parse_tlp(value: str) -> TLP:
    """Accept `amber+strict`, `TLP:AMBER+STRICT`, `tlp:white` (TLP 1.0 WHITE is CLEAR)."""
    text = value.strip().lower().removeprefix("tlp:")
    if text == "white":
        return TLP.CLEAR
    try:
        return TLP(text)
    except ValueError:
        raise InvalidHandling(
            "unknown TLP label", [Issue("handling.tlp", f"{value!r} is not a TLP 2.0 label")]
        ) from None
