"""How much of misp-stix's own MISP -> STIX 2.1 output our MISP importer lands as observables.

Usage: .venv/bin/python benchmarks/misp_stix_coverage.py [--ext DIR] [--no-mapping]

For each misp-stix `tests/test_<kind>_collection_{1,2}.json` (MISP `{"response": …}`
collections), we decode the file with OUR `misp` codec and compare the set of normalised
(type, value) observables we produce with the (type, value) pairs found in misp-stix's
expected `test_<kind>_collection_stix21.json`: indicator patterns (`[type:path = '…']`
comparisons) and SCO fields (`value`, `name`, `hashes`, `number`, `user_id`, `account_login`).
Each expected value is attributed to the input file holding the MISP uuid in its STIX id.
Values of STIX kinds we hold no observable type for (MAC address, directory, e-mail
subject …) are listed but not counted. Coverage = expected values we yield / expected.

A second table reads the expected bundles with our STIX codec (cyberfusion.formats.stix)
when it is importable, as an independent reading of the same files. With `--mapping`
(default on) a third table runs the same comparison over misp-stix's documentation
examples (`documentation/mapping/misp_{attributes,objects}_to_stix21.json`: every MISP
attribute type and object misp-stix maps), and names the MISP types we miss.
"""

from __future__ import annotations

import argparse
import io
import ipaddress
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from cyberfusion.domain.imports import Batch, ImportDefaults
from cyberfusion.domain.observables import ObservableType, normalise
from cyberfusion.errors import InvalidObservable
from cyberfusion.formats.misp import MispCodec

T = ObservableType
Pair = tuple[str, str]
DEFAULTS = ImportDefaults(importer_org_id="bench", review_by=date(2031, 1, 1))
_COMPARISON = re.compile(r"([a-z0-9-]+):((?:[\w*\[\]-]+|'[^']*')(?:\.(?:[\w*\[\]-]+|'[^']*'))*)"
                         r"\s*=\s*'((?:[^'\\]|\\.)*)'")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HASHES = {"MD5": T.MD5, "SHA-1": T.SHA1, "SHA1": T.SHA1, "SHA-256": T.SHA256,
           "SHA256": T.SHA256, "SHA-512": T.SHA512, "SHA512": T.SHA512, "SSDEEP": T.SSDEEP}
_EMAIL_REFS = ("from_ref", "sender_ref", "to_refs", "cc_refs", "bcc_refs")
_FILE_NAME_PATH = re.compile(r"(body_raw_ref|image_ref)\.name$|x_misp_\w*filename$")
_REF_VALUE = re.compile(r"(_ref|_refs\[[^\]]*\])\.value$")


# --- reading the expected STIX -----------------------------------------------------------------

def _ip_type(value: str) -> ObservableType:
    if "/" in value and not value.endswith(("/32", "/128")):
        return T.CIDR
    return T.IPV6 if ":" in value else T.IPV4


def _host_type(value: str) -> ObservableType:
    """An IP type when the value is an address or network, else domain."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return T.DOMAIN
    return _ip_type(value)


def _path_type(stix_type: str, path: str, value: str) -> ObservableType | None:
    """Our type for one pattern comparison, or None when we hold no such observable."""
    path = path.replace("'", "")
    last = path.rsplit(".", 1)[-1]
    if _REF_VALUE.search(path):
        if stix_type == "email-message" and path.split(".")[0].split("[")[0] in _EMAIL_REFS:
            return T.EMAIL
        return _host_type(value)
    if stix_type in ("ipv4-addr", "ipv6-addr"):
        return _ip_type(value) if last == "value" else None
    if ".hashes." in f".{path}" or path.startswith("hashes."):
        return _HASHES.get(last.upper())
    if _FILE_NAME_PATH.search(path):
        return T.FILE_NAME
    return {
        ("domain-name", "value"): T.DOMAIN, ("url", "value"): T.URL,
        ("email-addr", "value"): T.EMAIL, ("file", "name"): T.FILE_NAME,
        ("autonomous-system", "number"): T.ASN, ("user-account", "user_id"): T.USERNAME,
        ("user-account", "account_login"): T.USERNAME,
        ("email-message", "additional_header_fields.reply_to"): T.EMAIL,
        ("network-traffic", "extensions.http-request-ext.request_header.User-Agent"):
            T.USER_AGENT,
    }.get((stix_type, path))


def _sco_values(obj: dict[str, Any]) -> Iterator[tuple[ObservableType | None, str, str]]:
    """(our type or None, raw value, label) for each value field of an SCO."""
    kind = obj.get("type", "")
    simple = {"ipv4-addr": None, "ipv6-addr": None, "domain-name": T.DOMAIN, "url": T.URL,
              "email-addr": T.EMAIL, "mac-addr": None}
    if kind in simple and "value" in obj:
        value = str(obj["value"])
        otype = _ip_type(value) if kind in ("ipv4-addr", "ipv6-addr") else simple[kind]
        yield otype, value, f"{kind}:value"
    for name, value in (obj.get("hashes") or {}).items():
        yield _HASHES.get(name.upper()), str(value), f"{kind}:hashes.{name}"
    fields: dict[str, dict[str, ObservableType | None]] = {
        "file": {"name": T.FILE_NAME}, "autonomous-system": {"number": T.ASN},
        "user-account": {"user_id": T.USERNAME, "account_login": T.USERNAME},
        "directory": {"path": None}, "mutex": {"name": None},
    }
    for field, otype in fields.get(kind, {}).items():
        if field in obj:
            yield otype, str(obj[field]), f"{kind}:{field}"


def expected_pairs(objects: Iterable[dict[str, Any]]) -> tuple[dict[Pair, str], Counter[str]]:
    """Normalised (type, value) -> the MISP uuid it came from; plus what is out of scope."""
    found: dict[Pair, str] = {}
    skipped: Counter[str] = Counter()
    for obj in objects:
        source = obj.get("id", "").partition("--")[2]
        raw: list[tuple[ObservableType | None, str, str]] = []
        if obj.get("type") == "indicator" and obj.get("pattern_type", "stix") == "stix":
            for stix_type, path, value in _COMPARISON.findall(obj.get("pattern", "")):
                raw.append((_path_type(stix_type, path, value), value.replace("\\'", "'"),
                            f"{stix_type}:{path}"))
        elif "spec_version" in obj and obj.get("type") not in _SDO_TYPES:
            raw.extend(_sco_values(obj))
        for otype, value, label in raw:
            if otype is None:
                skipped[label] += 1
                continue
            try:
                obs = normalise(otype, value)
            except InvalidObservable:
                skipped[f"invalid {otype.value}"] += 1
                continue
            found.setdefault((obs.type.value, obs.value), source)
    return found, skipped


_SDO_TYPES = frozenset({
    "indicator", "observed-data", "relationship", "grouping", "report", "identity",
    "marking-definition", "attack-pattern", "malware", "threat-actor", "intrusion-set", "tool",
    "campaign", "course-of-action", "vulnerability", "note", "opinion", "sighting", "location",
    "infrastructure", "x-misp-object", "x-misp-attribute", "x-misp-galaxy-cluster",
})


def stix_codec_pairs(objects: list[dict[str, Any]]) -> set[Pair] | None:
    """What our STIX codec reads from the same objects, or None when it is not there."""
    try:
        from cyberfusion.formats.stix import StixCodec
    except ImportError:
        return None
    bundle = {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000",
              "objects": objects}
    stream = io.BytesIO(json.dumps(bundle).encode())
    batches = list(StixCodec().decode(stream, "expected.json", DEFAULTS))
    return _pairs(batches)


# --- reading the MISP side -------------------------------------------------------------------

def _pairs(batches: Iterable[Batch]) -> set[Pair]:
    return {(o.type, o.value) for b in batches for c in b.cases for o in c.draft.occurrences}


def ours(data: bytes, name: str) -> set[Pair]:
    """The observables our MISP codec lands from one MISP document."""
    return _pairs(MispCodec().decode(io.BytesIO(data), name, DEFAULTS))


def misp_types(doc: Any) -> dict[str, str]:
    """MISP uuid -> `type` (attributes) or `object name` (objects), anywhere in a document."""
    found: dict[str, str] = {}
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            uid = str(item.get("uuid", ""))
            if uid and "type" in item and "value" in item:
                found[uid] = str(item["type"])
            elif uid and "name" in item and "Attribute" in item:
                found[uid] = f"object {item['name']}"
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


# --- tables ------------------------------------------------------------------------------------

def _pct(hit: int, total: int) -> str:
    return f"{100 * hit / total:5.1f}%" if total else "   n/a"


def collection_table(tests: Path) -> tuple[int, int, list[str]]:
    """Per input file: expected values attributed to it, and how many we land."""
    print("\n## misp-stix collections: our MISP import vs misp-stix's expected STIX 2.1\n")
    print(f"| {'input file':36} | expected | ours | covered | coverage |")
    print(f"|{'-' * 38}|----------|------|---------|----------|")
    total = hit = 0
    missed: list[str] = []
    for kind in ("attributes", "events", "objects"):
        bundle = json.loads((tests / f"test_{kind}_collection_stix21.json").read_bytes())
        expected, _ = expected_pairs(bundle["objects"])
        for n in (1, 2):
            path = tests / f"test_{kind}_collection_{n}.json"
            data = path.read_bytes()
            uuids = set(_UUID.findall(data.decode()))
            mine = {p for p, src in expected.items() if src in uuids}
            landed = ours(data, path.name)
            covered = mine & landed
            total, hit = total + len(mine), hit + len(covered)
            kinds = misp_types(json.loads(data))
            missed += [f"{path.name}: {p} (MISP {kinds.get(expected[p], '?')})"
                       for p in sorted(mine - landed)]
            print(f"| {path.name:36} | {len(mine):8} | {len(landed):4} | {len(covered):7} |"
                  f" {_pct(len(covered), len(mine)):>8} |")
    print(f"| {'**all**':36} | {total:8} |      | {hit:7} | {_pct(hit, total):>8} |")
    return total, hit, missed


def codec_table(tests: Path) -> None:
    """Per collection kind: the same comparison, reading the expected STIX with our codec."""
    rows = []
    for kind in ("attributes", "events", "objects"):
        bundle = json.loads((tests / f"test_{kind}_collection_stix21.json").read_bytes())
        theirs = stix_codec_pairs(bundle["objects"])
        if theirs is None:
            print("\n(our STIX codec is not importable: second table skipped)")
            return
        landed: set[Pair] = set()
        for n in (1, 2):
            path = tests / f"test_{kind}_collection_{n}.json"
            landed |= ours(path.read_bytes(), path.name)
        rows.append((kind, len(theirs), len(theirs & landed)))
    print("\n## Same files, expected values read by our STIX codec (cyberfusion.formats.stix)\n")
    print("| collections        | expected | covered | coverage |")
    print("|--------------------|----------|---------|----------|")
    for kind, expected, covered in rows:
        print(f"| {kind + ' 1+2':18} | {expected:8} | {covered:7} | {_pct(covered, expected):>8} |")


def _wrap(misp: Any) -> dict[str, Any]:
    """A mapping example's MISP side as one event."""
    items = misp if isinstance(misp, list) else [misp]
    event: dict[str, Any] = {"uuid": "00000000-0000-4000-8000-000000000001", "info": "example",
                             "Attribute": [], "Object": []}
    for item in items:
        if isinstance(item, dict) and "Attribute" in item and "name" in item:
            event["Object"].append(item)
        elif isinstance(item, dict) and "type" in item:
            event["Attribute"].append(item)
    return {"Event": event}


def mapping_table(mapping: Path) -> None:
    """misp-stix's documentation examples: every attribute type and object it maps."""
    print("\n## misp-stix mapping examples (documentation/mapping), by example\n")
    print("| examples          | entries | expected | covered | coverage |")
    print("|-------------------|---------|----------|---------|----------|")
    missed: dict[str, list[str]] = defaultdict(list)
    out_of_scope: Counter[str] = Counter()
    for name in ("attributes", "objects"):
        doc = json.loads((mapping / f"misp_{name}_to_stix21.json").read_bytes())
        total = hit = 0
        for label, entry in doc.items():
            stix = entry["STIX"] if isinstance(entry["STIX"], list) else [entry["STIX"]]
            expected, skipped = expected_pairs(stix)
            out_of_scope.update(skipped)
            landed = ours(json.dumps(_wrap(entry["MISP"])).encode(), label)
            total, hit = total + len(expected), hit + len(set(expected) & landed)
            missed[label] += [f"{p}" for p in sorted(set(expected) - landed)]
        print(f"| misp_{name:12} | {len(doc):7} | {total:8} | {hit:7} | {_pct(hit, total):>8} |")
    print("\nMissed, by MISP attribute type / object:")
    for label, pairs in sorted(missed.items()):
        if pairs:
            print(f"- {label}: {', '.join(pairs)}")
    print("\nLeft out on purpose: numeric account ids (STIX `user_id` from a MISP `id`) are not"
          " usernames;\nmisp-stix writes SHA-512/256 digests as SHA-256, a different hash we keep"
          " apart.")
    print("\nExpected STIX values of kinds we hold no observable type for (not counted):")
    print(", ".join(f"{k} ({v})" for k, v in sorted(out_of_scope.items())))


def main() -> None:
    """Print the coverage tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ext", type=Path, default=Path("/work/shared/data/ext"))
    parser.add_argument("--no-mapping", action="store_true")
    args = parser.parse_args()
    tests = args.ext / "misp-stix" / "tests"
    total, hit, missed = collection_table(tests)
    print(f"\nOverall: {hit}/{total} = {_pct(hit, total).strip()} of misp-stix's values land as "
          "observables." + ("" if not missed else " Missed:"))
    for line in missed:
        print(f"- {line}")
    codec_table(tests)
    if not args.no_mapping:
        mapping_table(args.ext / "misp-stix" / "documentation" / "mapping")


if __name__ == "__main__":
    main()
