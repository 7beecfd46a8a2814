"""Warning lists: semantics on small hand-made lists, then the real bundled lists."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cyberfusion.formats.warninglists import WarningLists, flag_names, iana_tlds, lists_dir


def write_lists(root: Path, lists: list[dict[str, Any]]) -> Path:
    for number, data in enumerate(lists):
        folder = root / f"list{number}"
        folder.mkdir(parents=True)
        (folder / "list.json").write_text(json.dumps(data))
    return root


def wl(name: str, kind: str, entries: list[str], attrs: list[str]) -> dict[str, Any]:
    return {"name": name, "type": kind, "list": entries, "matching_attributes": attrs,
            "description": name, "version": 1}


HOST = ["hostname", "domain", "url", "domain|ip"]
IP = ["ip-src", "ip-dst", "domain|ip"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> WarningLists:
    root = tmp_path_factory.mktemp("lists")
    return WarningLists.from_dir(write_lists(root, [
        wl("Top sites", "hostname", ["Example.COM", ".cdn.example.net"], HOST),
        wl("Exact names", "string", ["exact.example.org", ".suffix.example.org"], HOST),
        wl("Private v4", "cidr", ["10.0.0.0/8", "192.168.1.7"], IP),
        wl("Inner v4", "cidr", ["10.1.0.0/16"], IP),
        wl("Docs v6", "cidr", ["2001:DB8::/32"], IP),
        wl("Throwaway mail", "substring", ["mailinator", "tempmail.test"],
           ["email-src", "email-dst"]),
        wl("Contacts", "regex", [r"/^(abuse|noc)\@.*$/i"], ["email-src"]),
        wl("Known hashes", "string", ["D41D8CD98F00B204E9800998ECF8427E"], ["md5"]),
        wl("Bad regex", "regex", ["/(/"], ["email-src"]),
    ]))


@pytest.mark.parametrize(
    ("otype", "value", "names"),
    [
        ("domain", "example.com", ["Top sites"]),
        ("domain", "www.example.com", ["Top sites"]),
        ("domain", "notexample.com", []),
        ("domain", "img.cdn.example.net", ["Top sites"]),
        ("domain", "cdn.example.net", ["Top sites"]),
        ("domain", "exact.example.org", ["Exact names"]),
        ("domain", "www.exact.example.org", []),
        ("domain", "a.suffix.example.org", ["Exact names"]),
        ("url", "https://www.example.com/login", ["Top sites"]),
        ("email", "bob@www.example.com", ["Top sites"]),
        ("ipv4", "10.2.3.4", ["Private v4"]),
        ("ipv4", "10.1.3.4", ["Inner v4", "Private v4"]),
        ("ipv4", "192.168.1.7", ["Private v4"]),
        ("ipv4", "192.168.1.8", []),
        ("ipv4", "11.0.0.0", []),
        ("ipv6", "2001:db8::1", ["Docs v6"]),
        ("cidr", "10.1.0.0/24", ["Inner v4", "Private v4"]),
        ("cidr", "10.0.0.0/7", []),
        ("url", "http://10.9.9.9:8080/x", ["Private v4"]),
        ("email", "someone@mailinator.example", ["Throwaway mail"]),
        ("email", "abuse@corp.example", ["Contacts"]),
        ("email", "ABUSE@corp.example", ["Contacts"]),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e", ["Known hashes"]),
        ("sha1", "d41d8cd98f00b204e9800998ecf8427e", []),
        ("domain", "mailinator.example", []),
        ("btc_wallet", "example.com", []),
        ("not-a-type", "example.com", []),
    ],
)
def test_semantics(small: WarningLists, otype: str, value: str, names: list[str]) -> None:
    assert small.match(otype, value) == names


def test_flag_names() -> None:
    assert flag_names(["b list", "a list", "b list"]) == "a list; b list"
    assert flag_names([]) == ""


def test_tlds() -> None:
    tlds = iana_tlds()
    assert {"com", "zip", "py", "xn--p1ai"} <= tlds and "tld" not in tlds


# --- the bundled lists (loaded once per process; ~3-7 s) ------------------------------------


@pytest.fixture(scope="module")
def bundled() -> Iterator[WarningLists]:
    if not lists_dir().exists():
        pytest.skip("pymispwarninglists data absent")
    yield WarningLists.load()


def test_loads_every_bundled_list(bundled: WarningLists) -> None:
    assert len(bundled) == len(list(lists_dir().glob("*/list.json"))) >= 100
    assert WarningLists.load() is bundled


@pytest.mark.parametrize(
    ("otype", "value", "name"),
    [
        ("ipv4", "8.8.8.8", "List of known IPv4 public DNS resolvers"),
        ("ipv4", "10.0.0.1", "List of RFC 1918 CIDR blocks"),
        ("ipv4", "192.168.20.1", "List of RFC 1918 CIDR blocks"),
        ("ipv6", "2001:4860:4860::8888", "List of known IPv6 public DNS resolvers"),
        ("domain", "mail.google.com", "Top 1,000,000 most-used sites from Tranco"),
        ("domain", "docs.google.com", "List of known google domains"),
        ("url", "https://accounts.google.com/signin", "Top 1,000,000 most-used sites from Tranco"),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e", "List of known hashes for empty files"),
        ("cidr", "10.20.0.0/16", "List of RFC 1918 CIDR blocks"),
    ],
)
def test_bundled_matches(bundled: WarningLists, otype: str, value: str, name: str) -> None:
    assert name in bundled.match(otype, value)


def test_bundled_misses(bundled: WarningLists) -> None:
    assert bundled.match("domain", "qzx7-unlisted-host-4471.com") == []
    assert bundled.match("ipv4", "91.234.56.78") == []
    assert bundled.match("ipv4", "203.0.113.77") == ["List of RFC 5735 CIDR blocks"]
    assert bundled.match("sha256", "1" * 64) == []
