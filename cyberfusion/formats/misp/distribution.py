"""MISP distribution levels and `tlp:` tags <-> our handling; never more open than the source.

Import (`Scope` of an event, an object or an attribute, then `handling_for`):

| MISP distribution            | handling                                              |
|------------------------------|-------------------------------------------------------|
| 0 your organisation only     | release `org:<importer>`, TLP at least AMBER+STRICT   |
| 1 this community only        | the importer's defaults                               |
| 2 connected communities      | the importer's defaults                               |
| 3 all communities            | the importer's defaults                               |
| 4 sharing group              | as 0, plus a WARNING naming the group (we cannot map  |
|                              | a MISP sharing group's remote organisations)          |
| 5 inherit (attribute/object) | the parent's scope                                    |
| absent                       | events: the importer's defaults; others: inherit      |
| anything else                | as 0, plus a WARNING                                  |

The TLP is the strictest `tlp:` tag found (`tlp:white` is TLP:CLEAR; `tlp:ex:chr` and
`tlp:unclear` set nothing), and never more open than the importer's default TLP. An
attribute or object narrower than its event (distribution 0 or 4, or a stricter `tlp:`
tag) cannot share the case's handling; the event reader puts it in a second, restricted
case. Wider settings on an attribute never widen it: the most restrictive setting wins.

Export (`distribution_for`, `tlp_tag`): TLP RED or AMBER+STRICT, or a release that does
not include `members`, gives 0 (your organisation only); otherwise 1 (this community
only). We never export 2, 3 or 4. TLP tags use the MISP `tlp` taxonomy names of TLP 2.0:
`tlp:clear`, `tlp:green`, `tlp:amber`, `tlp:amber+strict`, `tlp:red`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import stricter

OWN_ORG, COMMUNITY, CONNECTED, ALL, SHARING_GROUP, INHERIT = range(6)
LEVEL_NAMES = {
    OWN_ORG: "your organisation only", COMMUNITY: "this community only",
    CONNECTED: "connected communities", ALL: "all communities",
    SHARING_GROUP: "sharing group", INHERIT: "inherit event",
}  # fmt: skip

_TLP_TAGS = {
    "tlp:white": TLP.CLEAR, "tlp:clear": TLP.CLEAR, "tlp:green": TLP.GREEN,
    "tlp:amber": TLP.AMBER, "tlp:amber+strict": TLP.AMBER_STRICT, "tlp:red": TLP.RED,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Scope:
    """How far one MISP element may travel: own organisation only or not, and its TLP."""

    own_org_only: bool = False
    tlp: TLP | None = None

    def narrowed(self, own_org_only: bool, tlp: TLP | None) -> Scope:
        """This scope, narrowed (never widened) by an inner element's settings."""
        joined = tlp if self.tlp is None else (stricter(self.tlp, tlp) if tlp else self.tlp)
        return Scope(self.own_org_only or own_org_only, joined)


def parse_level(value: Any) -> int | None:
    """The distribution level as an int, None when absent; -1 when not a level at all."""
    if value is None or value == "":
        return None
    try:
        level = int(str(value).strip())
    except ValueError:
        return -1
    return level if 0 <= level <= 5 else -1


def tag_names(element: dict[str, Any]) -> list[str]:
    """Names of the tags on an event, object or attribute (`Tag` or `EventTag` lists)."""
    names: list[str] = []
    for item in element.get("Tag") or ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
    for item in element.get("EventTag") or ():
        tag = item.get("Tag") if isinstance(item, dict) else None
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            names.append(tag["name"])
    return names


def tlp_of(tags: Iterable[str]) -> TLP | None:
    """The strictest TLP among `tlp:` tags, or None when there is none."""
    found: TLP | None = None
    for name in tags:
        tlp = _TLP_TAGS.get(name.strip().lower().replace('"', ""))
        if tlp is not None:
            found = tlp if found is None else stricter(found, tlp)
    return found


def sharing_group_name(element: dict[str, Any]) -> str:
    """A readable name for the sharing group of an element (its name, else its id)."""
    group = element.get("SharingGroup")
    if isinstance(group, dict) and group.get("name"):
        return str(group["name"])
    return f"id {element.get('sharing_group_id') or '?'}"


def level_problem(level: int | None, element: dict[str, Any], is_event: bool) -> str | None:
    """Why this level makes the element own-organisation-only with a warning, if it does."""
    if level == SHARING_GROUP:
        return (f"sharing group {sharing_group_name(element)!r} cannot be mapped to our "
                "organisations: kept for the importing organisation only")
    if level == -1 or (is_event and level == INHERIT):
        return (f"unknown distribution {element.get('distribution')!r}: kept for the "
                "importing organisation only")
    return None


def element_own_org(level: int | None) -> bool:
    """True when a level restricts an element to the importing organisation."""
    return level in (OWN_ORG, SHARING_GROUP, -1)


# --- export -----------------------------------------------------------------------------------

_RESTRICTIVENESS = [OWN_ORG, SHARING_GROUP, COMMUNITY, CONNECTED, ALL]


def distribution_for(handling: Handling) -> int:
    """The MISP distribution that says no more than the handling allows."""
    if handling.tlp.strict or "members" not in handling.release:
        return OWN_ORG
    return COMMUNITY


def narrower_level(a: int, b: int) -> int:
    """The more restrictive of two event distribution levels (0 < 4 < 1 < 2 < 3)."""
    rank = {level: i for i, level in enumerate(_RESTRICTIVENESS)}
    return a if rank.get(a, 0) <= rank.get(b, 0) else b


def tlp_tag(tlp: TLP) -> str:
    """The MISP taxonomy tag for a TLP 2.0 label: `tlp:amber+strict`, `tlp:clear`."""
    return f"tlp:{tlp.value}"


def is_tlp_tag(name: str) -> bool:
    """True for the `tlp:` level tags (not `tlp:ex:chr`)."""
    return name.strip().lower() in _TLP_TAGS
