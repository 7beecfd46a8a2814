"""The attribute type table agrees with MISP's own type and category lists (pymisp)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pymisp

from cyberfusion.domain.observables import ObservableType
from cyberfusion.formats.misp import attributes as types

DESCRIBE = json.loads(
    (Path(pymisp.__file__).parent / "data" / "describeTypes.json").read_text())["result"]


def test_import_types_are_misp_types() -> None:
    known = set(DESCRIBE["types"])
    assert set(types.SIMPLE) <= known
    assert set(types.COMPOSITE) <= known


def test_export_types_and_categories_are_valid() -> None:
    allowed = DESCRIBE["category_type_mappings"]
    for otype, (misp_type, categories) in types.EXPORT_TYPES.items():
        assert misp_type in DESCRIBE["types"], otype
        for category in categories:
            assert misp_type in allowed[category], (otype, category)
    assert set(types.EXPORT_TYPES) | set(types.EXPORT_OBJECTS) == set(ObservableType)


def test_export_uses_the_role_when_it_fits() -> None:
    assert types.misp_type_for(ObservableType.IPV4, "Payload delivery / ip-src") == (
        "ip-src", "Payload delivery")
    assert types.misp_type_for(ObservableType.IPV4, "C2 server") == (
        "ip-dst", "Network activity")
    assert types.misp_type_for(ObservableType.DOMAIN, "Network activity / hostname") == (
        "hostname", "Network activity")
    assert types.misp_type_for(ObservableType.MD5, "Financial fraud / md5") == (
        "md5", "Payload delivery")
    assert types.misp_type_for(ObservableType.USERNAME, "x") is None


def test_parts() -> None:
    def parts(attribute: dict[str, Any]) -> list[tuple[str, str]]:
        return [(p.type.value, p.raw) for p in types.observable_parts(attribute)]

    assert parts({"type": "ip-src", "value": "2001:db8::/128"}) == [("ipv6", "2001:db8::")]
    assert parts({"type": "filename|md5", "value": "C:\\x\\a.exe|" + "0" * 32}) == [
        ("file_name", "a.exe"), ("md5", "0" * 32)]
    assert parts({"type": "filename|imphash", "value": "a.dll|abc"}) == [("file_name", "a.dll")]
    assert parts({"type": "hostname|port", "value": "a.example|8443"}) == [
        ("domain", "a.example")]
    assert parts({"type": "text", "value": "x"}) == []
    assert parts({"type": "domain", "value": 7}) == []
    assert not types.observable_parts({"type": "uri", "value": "/a"})[0].strict
