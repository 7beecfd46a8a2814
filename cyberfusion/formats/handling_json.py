"""The one reader of a handling object (case JSON, channel JSON, our STIX extension).

`read_handling(data, prefix)` checks every field and locates each problem by its JSON
path under `prefix` (`handling.tlp`, `handling.release[2]`, `handling.grading`), so the
same bad handling gets the same issues on every entry point. Fields the object does not
state are None; each caller applies its own defaults. Its field readers (`read_text`,
`read_choice`, `read_day`) are the ones the case, channel and directory readers use too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cyberfusion.domain.handling import (
    TLP,
    HitPolicy,
    Purpose,
    exclude_token_issue,
    parse_tlp,
    release_token_issue,
)
from cyberfusion.errors import InvalidInput, Issue

GRADING_HELP = "Admiralty code: reliability A-F then credibility 1-6, such as B2"


@dataclass(frozen=True, slots=True)
class HandlingFields:
    """What a handling object states; None where it is silent (or the value was bad)."""

    tlp: TLP | None = None
    release: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    partners: tuple[str, ...] | None = None
    hit_policy: HitPolicy | None = None
    purpose: Purpose | None = None
    review_by: date | None = None
    reliability: str | None = None
    credibility: int | None = None
    personal_data: bool | None = None

    @property
    def grading(self) -> str:
        """The Admiralty code, such as `B2`, or empty."""
        return f"{self.reliability}{self.credibility}" if self.reliability else ""


def at(prefix: str, field: str) -> str:
    """The JSON path of `field` under `prefix` (no prefix: the field alone)."""
    return f"{prefix}.{field}" if prefix else field


def read_handling(data: Any, prefix: str = "handling") -> tuple[HandlingFields | None,
                                                                  list[Issue]]:
    """Every field of a handling object, with each problem located under `prefix`."""
    if data is None:
        return HandlingFields(), []
    if not isinstance(data, dict):
        return None, [Issue(prefix or "$", "must be an object")]
    issues: list[Issue] = []
    reliability, credibility = _grading(data.get("grading"), at(prefix, "grading"), issues)
    fields = HandlingFields(
        tlp=_tlp(data.get("tlp"), at(prefix, "tlp"), issues),
        release=_tokens(data.get("release"), at(prefix, "release"), release_token_issue, issues),
        exclude=_tokens(data.get("exclude"), at(prefix, "exclude"), exclude_token_issue, issues),
        partners=_partners(data.get("partners"), at(prefix, "partners"), issues),
        hit_policy=read_choice(HitPolicy, data.get("hit_policy"), at(prefix, "hit_policy"), issues),
        purpose=read_choice(Purpose, data.get("purpose"), at(prefix, "purpose"), issues),
        review_by=read_day(data.get("review_by"), at(prefix, "review_by"), issues),
        reliability=reliability, credibility=credibility,
        personal_data=_flag(data.get("personal_data"), at(prefix, "personal_data"), issues),
    )
    return fields, issues


def _tlp(value: Any, loc: str, issues: list[Issue]) -> TLP | None:
    if value in (None, ""):
        return None
    try:
        return parse_tlp(str(value))
    except InvalidInput:
        issues.append(Issue(loc, f"{value!r} is not a TLP 2.0 label"))
        return None


def _strings(value: Any, loc: str, issues: list[Issue]) -> list[tuple[int, str]] | None:
    """(index, stripped text) of a list of strings; each non-string item is an issue."""
    if value is None:
        return None
    if not isinstance(value, list):
        issues.append(Issue(loc, "must be a list of strings"))
        return None
    found = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            issues.append(Issue(f"{loc}[{i}]", "must be a string"))
        elif item.strip():
            found.append((i, item.strip()))
    return found


def _tokens(value: Any, loc: str, check: Callable[[str], str | None],
            issues: list[Issue]) -> tuple[str, ...] | None:
    """Release or exclude tokens; each bad one is an issue at its index."""
    items = _strings(value, loc, issues)
    if items is None:
        return None
    good = []
    for i, token in items:
        problem = check(token)
        if problem:
            issues.append(Issue(f"{loc}[{i}]", f"{token!r}: {problem}"))
        else:
            good.append(token)
    return tuple(good)


def _partners(value: Any, loc: str, issues: list[Issue]) -> tuple[str, ...] | None:
    """Partner organisation ids (`org:` optional); `none` means no partner."""
    items = _strings(value, loc, issues)
    if items is None:
        return None
    return tuple(p.removeprefix("org:") for _, p in items if p != "none")


def read_text(value: Any, loc: str, issues: list[Issue]) -> str:
    """A string field, stripped: empty when absent or null, an issue when not a string."""
    if value is None:
        return ""
    if not isinstance(value, str):
        issues.append(Issue(loc, "must be a string"))
        return ""
    return value.strip()


def read_choice(enum: Any, value: Any, loc: str, issues: list[Issue]) -> Any:
    """A member of `enum` by its value (any case); None when absent, an issue when unknown."""
    if value in (None, ""):
        return None
    try:
        return enum(str(value).lower())
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        issues.append(Issue(loc, f"{value!r} is not one of: {allowed}"))
        return None


def read_day(value: Any, loc: str, issues: list[Issue]) -> date | None:
    """An ISO date (YYYY-MM-DD); None when absent, an issue when it is not one."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        issues.append(Issue(loc, "must be a date YYYY-MM-DD"))
        return None


def _grading(value: Any, loc: str, issues: list[Issue]) -> tuple[str | None, int | None]:
    text = str(value or "").strip().upper()
    if not text:
        return None, None
    if len(text) != 2 or text[0] not in "ABCDEF" or text[1] not in "123456":
        issues.append(Issue(loc, GRADING_HELP))
        return None, None
    return text[0], int(text[1])


def _flag(value: Any, loc: str, issues: list[Issue]) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    issues.append(Issue(loc, "must be true or false"))
    return None
