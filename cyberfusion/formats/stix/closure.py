"""A bundle whose every reference resolves inside it (STIX 2.1 sections 3.3 and 8).

Objects come from many sources and each reader sees only part of them, so a report may name
an object the reader may not read, or a relationship point at one nobody kept. Standard TLP
marking definitions that are named are added; an object whose required reference cannot
resolve (a relationship's ends, a sighting's `sighting_of_ref`, the `object_refs` a report,
grouping, note, opinion or observed-data must not leave empty) is left out, and so on until
nothing changes; every other dangling `*_ref` / `*_refs` entry is removed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from typing import Any

from cyberfusion.formats.stix.markings import marking_refs, standard_marking

_ID = re.compile(r"[a-z0-9][a-z0-9-]*--[0-9a-fA-F-]{36}")
_REQUIRED_ONE = {"relationship": ("source_ref", "target_ref"), "sighting": ("sighting_of_ref",)}
_REQUIRED_LIST = frozenset({"report", "grouping", "note", "opinion", "observed-data"})


def closed(objects: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The objects that can stand in one bundle, each with only references that resolve."""
    kept = [*objects, *_standard_markings(objects)]
    while True:
        present = {o["id"] for o in kept}
        standing = [o for o in kept if _stands(o, present)]
        if len(standing) == len(kept):
            break
        kept = standing
    return [_pruned(o, present) if _dangles(o, present) else o for o in kept]


def _standard_markings(objects: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The predefined TLP marking definitions the objects name but do not carry."""
    present = {o["id"] for o in objects}
    named = {ref for o in objects for ref in marking_refs(o)} - present
    found = [standard_marking(ref) for ref in sorted(named)]
    return [m for m in found if m is not None]


def _stands(obj: dict[str, Any], present: set[str]) -> bool:
    """False if a reference the object cannot do without is missing."""
    otype = obj["type"]
    for key in _REQUIRED_ONE.get(otype, ()):
        if obj.get(key) not in present:
            return False
    if otype in _REQUIRED_LIST:
        refs = obj.get("object_refs")
        return isinstance(refs, list) and any(r in present for r in refs)
    return True


def _is_ref(key: str, value: Any) -> bool:
    return key.endswith("_ref") and isinstance(value, str) and _ID.fullmatch(value) is not None


def _dangles(value: Any, present: set[str]) -> bool:
    """True if some reference inside `value` names an object that is not present."""
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_ref(key, item) and item not in present:
                return True
            if key.endswith("_refs") and isinstance(item, list):
                if any(isinstance(i, str) and i not in present for i in item):
                    return True
            elif _dangles(item, present):
                return True
    elif isinstance(value, list):
        return any(_dangles(item, present) for item in value)
    return False


def _pruned(obj: dict[str, Any], present: set[str]) -> dict[str, Any]:
    """A copy of the object without its dangling references."""
    found: dict[str, Any] = _without(copy.deepcopy(obj), present)
    markings = found.get("granular_markings")
    if isinstance(markings, list):
        kept = [m for m in markings if (isinstance(m, dict) and "marking_ref" in m)
                or (isinstance(m, dict) and "lang" in m)]
        if kept:
            found["granular_markings"] = kept
        else:
            del found["granular_markings"]
    parts = found.get("body_multipart")
    if isinstance(parts, list):  # a MIME part must keep a body or a body_raw_ref (6.6)
        kept = [p for p in parts if isinstance(p, dict) and ("body" in p or "body_raw_ref" in p)]
        if kept:
            found["body_multipart"] = kept
        else:
            del found["body_multipart"]
    return found


def _without(value: Any, present: set[str]) -> Any:
    """`value` with dangling refs dropped, in place (empty `*_refs` lists go too)."""
    if isinstance(value, list):
        return [_without(item, present) for item in value]
    if not isinstance(value, dict):
        return value
    for key in list(value):
        item = value[key]
        if _is_ref(key, item) and item not in present:
            del value[key]
        elif key.endswith("_refs") and isinstance(item, list):
            kept = [i for i in item if not isinstance(i, str) or i in present]
            if kept:
                value[key] = kept
            else:
                del value[key]
        else:
            value[key] = _without(item, present)
    return value


def named_refs(objects: Iterable[dict[str, Any]]) -> set[str]:
    """Every STIX id the objects name in a `*_ref` or `*_refs` property, nested ones too."""
    found: set[str] = set()
    for obj in objects:
        _collect(obj, found)
    return found


def _collect(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_ref(key, item):
                found.add(item)
            elif key.endswith("_refs") and isinstance(item, list):
                found.update(i for i in item if isinstance(i, str) and _ID.fullmatch(i))
            else:
                _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)
