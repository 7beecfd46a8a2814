"""STIX objects written out as STIX 2.1, whatever version they came in.

STIX 2.0 objects (docs.oasis-open.org/cti/stix/v2.0) are kept as given; on the way out they
gain what STIX 2.1 requires (section 3.2 `spec_version`, 4.7 `pattern_type`, 4.11
`is_family`, 4.5 an `identity_class`), and an
observed-data's embedded `objects` (deprecated, section 4.14) become top-level SCOs with the
deterministic ids of section 2.9, named by `object_refs`. Bodies that are no STIX object at
all (a MISP event kept as given) are recognised so that no bundle ever carries them.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import stix2  # type: ignore[import-untyped]
from stix2.exceptions import STIXError  # type: ignore[import-untyped]

from cyberfusion.formats.stix.values import SCO_NAMESPACE

_TYPE = re.compile(r"[a-z0-9][a-z0-9-]{1,248}[a-z0-9]")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def is_stix(body: object) -> bool:
    """True if `body` is a STIX object: a `type` and an `id` of the form `<type>--<UUID>`."""
    if not isinstance(body, dict):
        return False
    otype, ident = body.get("type"), body.get("id")
    if not isinstance(otype, str) or not isinstance(ident, str) or "--" in otype:
        return False
    cut = len(otype) + 2
    return bool(_TYPE.fullmatch(otype)) and ident[:cut] == f"{otype}--" and \
        _UUID.fullmatch(ident, cut) is not None


def is_v20(body: dict[str, Any]) -> bool:
    """True for an object written to STIX 2.0: no `spec_version`, or `2.0`."""
    return body.get("spec_version") != "2.1"


def upgraded(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The object as STIX 2.1, preceded by the SCOs its embedded observed `objects` became."""
    if not is_v20(body) and not isinstance(body.get("objects"), dict):
        return [body]
    obj = copy.deepcopy(body)
    obj["spec_version"] = "2.1"
    otype = obj["type"]
    if otype == "indicator":
        obj.setdefault("pattern_type", "stix")
    elif otype == "malware":
        obj.setdefault("is_family", True)
    elif otype == "identity" and not isinstance(obj.get("identity_class"), str):
        obj["identity_class"] = "unknown"
    scos: list[dict[str, Any]] = []
    if otype == "observed-data" and isinstance(obj.get("objects"), dict):
        scos = list(_lifted(obj.pop("objects")))
        named = [s["id"] for s in scos]
        refs = obj.get("object_refs")
        obj["object_refs"] = list(dict.fromkeys([*(refs if isinstance(refs, list) else []),
                                                 *named]))
    return [*scos, obj]


def repaired(body: dict[str, Any]) -> dict[str, Any] | None:
    """The object as a STIX 2.1 reader accepts it, or None when it cannot be: an artifact
    whose `payload_bin` is not base64 loses it, and is kept only if a `url` (with `hashes`,
    section 6.1) still says where its content is."""
    if body.get("type") != "artifact":
        return body
    payload = body.get("payload_bin")
    if payload is None or (isinstance(payload, str) and _BASE64.fullmatch(payload)):
        return body
    fixed = {k: v for k, v in body.items() if k != "payload_bin"}
    return fixed if isinstance(fixed.get("url"), str) and "hashes" in fixed else None


def _lifted(embedded: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Embedded SCOs as top-level 2.1 SCOs; local keys in their refs become the new ids."""
    pending = {key: sco for key, sco in embedded.items() if isinstance(sco, dict)}
    ids: dict[str, str] = {}
    while pending:
        ready = [k for k, sco in pending.items() if _local_refs(sco) <= set(ids) | {k}]
        if not ready:  # a loop or a key that names nothing: refs to them are dropped
            ready = list(pending)
        for key in ready:
            sco = _with_refs(pending.pop(key), ids)
            sco["spec_version"] = "2.1"
            sco["id"] = sco_id(sco)
            ids[key] = sco["id"]
            yield sco


def _local_refs(value: Any) -> set[str]:
    """The local keys an embedded SCO's `*_ref(s)` properties name, nested ones included."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_ref") and isinstance(item, str):
                found.add(item)
            elif key.endswith("_refs") and isinstance(item, list):
                found.update(i for i in item if isinstance(i, str))
            else:
                found |= _local_refs(item)
    elif isinstance(value, list):
        for item in value:
            found |= _local_refs(item)
    return found


def _with_refs(value: Any, ids: dict[str, str]) -> Any:
    """A copy with local keys replaced by ids; a key with no SCO is dropped."""
    if isinstance(value, list):
        return [_with_refs(item, ids) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key.endswith("_ref") and isinstance(item, str):
            if item in ids:
                out[key] = ids[item]
        elif key.endswith("_refs") and isinstance(item, list):
            kept = [ids[i] for i in item if isinstance(i, str) and i in ids]
            if kept:
                out[key] = kept
        else:
            out[key] = _with_refs(item, ids)
    return out


def sco_id(sco: dict[str, Any]) -> str:
    """The deterministic id STIX 2.1 section 2.9 gives an SCO (via the stix2 library)."""
    try:
        parsed = stix2.parse({k: v for k, v in sco.items() if k != "id"}, allow_custom=True,
                             version="2.1")
    except (STIXError, ValueError, TypeError, KeyError):
        parsed = None
    if parsed is not None and not isinstance(parsed, dict) and "id" in parsed:
        return str(parsed["id"])
    seed = orjson.dumps({k: v for k, v in sco.items() if k not in ("id", "spec_version")},
                        option=orjson.OPT_SORT_KEYS)
    return f"{sco['type']}--{uuid.uuid5(SCO_NAMESPACE, seed.decode())}"
