"""Our observables written as STIX 2.1: patterns where STIX can state them, else a custom SCO.

Patterns follow STIX 2.1 section 9 (docs.oasis-open.org/cti/stix/v2.1/os). Values with no
STIX cyber-observable (wallets, IBAN, phone numbers, JA3) travel as `x-cyberfusion-value`
objects, a new SCO type defined by an extension definition (section 7.3); their ids are
UUIDv5 in the STIX SCO namespace over the id-contributing properties (section 6).
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson

from cyberfusion.formats.stix.extension import PROJECT_IDENTITY_ID

#: The extension definition of the `x-cyberfusion-value` SCO type.
VALUE_EXTENSION_ID = "extension-definition--3c1f6a52-9d4e-4f0b-8e27-5b6a1d9c0e73"
VALUE_TYPE = "x-cyberfusion-value"
#: Namespace STIX 2.1 section 6 gives for deterministic SCO ids.
SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

_PATHS = {
    "ipv4": "ipv4-addr:value",
    "ipv6": "ipv6-addr:value",
    "domain": "domain-name:value",
    "url": "url:value",
    "email": "email-addr:value",
    "md5": "file:hashes.MD5",
    "sha1": "file:hashes.'SHA-1'",
    "sha256": "file:hashes.'SHA-256'",
    "sha512": "file:hashes.'SHA-512'",
    "ssdeep": "file:hashes.SSDEEP",
    "file_name": "file:name",
    "username": "user-account:account_login",
    "user_agent": "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'",
}


def _quoted(value: str) -> str:
    """A STIX pattern string literal: quote and backslash escaped (section 9.2)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def pattern_for(obs_type: str, value: str) -> str | None:
    """A pattern `[path = 'value']` for an observable, or None if STIX has no such SCO."""
    if obs_type == "cidr":
        path = "ipv6-addr:value" if ":" in value else "ipv4-addr:value"
        return f"[{path} = {_quoted(value)}]"
    if obs_type == "asn":
        return f"[autonomous-system:number = {int(value.removeprefix('AS'))}]"
    found = _PATHS.get(obs_type)
    return f"[{found} = {_quoted(value)}]" if found else None


def value_sco(obs_type: str, value: str) -> dict[str, Any]:
    """The custom SCO for a value (`kind` is our observable type name)."""
    seed = orjson.dumps({"kind": obs_type, "value": value}, option=orjson.OPT_SORT_KEYS)
    return {
        "type": VALUE_TYPE, "spec_version": "2.1",
        "id": f"{VALUE_TYPE}--{uuid.uuid5(SCO_NAMESPACE, seed.decode())}",
        "kind": obs_type, "value": value,
        "extensions": {VALUE_EXTENSION_ID: {"extension_type": "new-sco"}},
    }


def value_extension_definition() -> dict[str, Any]:
    """The extension definition (section 7.3) of the `x-cyberfusion-value` SCO."""
    return {
        "type": "extension-definition", "spec_version": "2.1", "id": VALUE_EXTENSION_ID,
        "created_by_ref": PROJECT_IDENTITY_ID,
        "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
        "name": "cyberfusion value",
        "description": "An observable value that has no STIX 2.1 cyber-observable object.",
        "schema": "SCO type x-cyberfusion-value with two required string properties: kind "
                  "(one of btc_wallet, eth_wallet, xmr_wallet, iban, phone, ja3, or any other "
                  "cyberfusion observable type) and value (the canonical value). Id "
                  "contributing properties: kind, value.",
        "version": "1.0.0", "extension_types": ["new-sco"],
    }
