"""The memory-mapped warning list index answers exactly as the lists built in memory."""

from __future__ import annotations

import ipaddress
import json
import os
import random
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from cyberfusion.formats import warninglist_index as index
from cyberfusion.formats import warninglists as wls
from cyberfusion.formats.warninglists import WarningLists, lists_dir

ROOT = Path(__file__).resolve().parents[3]
HOST = ["hostname", "domain", "url", "domain|ip"]
IP = ["ip-src", "ip-dst", "domain|ip"]


def wl(name: str, kind: str, entries: list[str], attrs: list[str]) -> dict[str, Any]:
    return {"name": name, "type": kind, "list": entries, "matching_attributes": attrs}


def write_lists(root: Path, lists: list[dict[str, Any]]) -> Path:
    for number, data in enumerate(lists):
        (root / f"list{number}").mkdir(parents=True)
        (root / f"list{number}" / "list.json").write_text(json.dumps(data))
    return root

SMALL = [
    wl("Top sites", "hostname", ["Example.COM", ".cdn.example.net", "bücher.example"], HOST),
    wl("Exact names", "string", ["exact.example.org", ".suffix.example.org"], HOST),
    wl("Private v4", "cidr", ["10.0.0.0/8", "192.168.1.7", "not-a-net"], IP),
    wl("Inner v4", "cidr", ["10.1.0.0/16", "255.255.255.0/24"], IP),
    wl("Docs v6", "cidr", ["2001:DB8::/32", "::/0"], IP),
    wl("Throwaway mail", "substring", ["mailinator", "tempmail.test"], ["email-src"]),
    wl("Contacts", "regex", [r"/^(abuse|noc)\@.*$/i"], ["email-src"]),
    wl("Known hashes", "string", ["D41D8CD98F00B204E9800998ECF8427E"], ["md5"]),
    wl("Mail hosts", "string", ["a@example.com", "https://x.example/"], ["email", "url"]),
]
PROBES = [("domain", "example.com"), ("domain", "www.example.com"), ("domain", "notexample.com"),
          ("domain", "x.cdn.example.net"), ("domain", "a.suffix.example.org"),
          ("domain", "bücher.example"), ("domain", "exact.example.org"),
          ("ipv4", "10.1.2.3"), ("ipv4", "10.200.0.1"), ("ipv4", "192.168.1.7"),
          ("ipv4", "255.255.255.255"), ("ipv4", "11.0.0.1"), ("ipv6", "2001:db8::1"),
          ("ipv6", "2a00::1"), ("cidr", "10.1.0.0/24"), ("cidr", "10.0.0.0/7"),
          ("email", "noc@mailinator.com"), ("email", "a@example.com"),
          ("url", "https://x.example/"), ("url", "https://www.example.com/a"),
          ("md5", "d41d8cd98f00b204e9800998ecf8427e"), ("md5", "0" * 32),
          ("domain", "not-a-net"), ("cidr", "not-a-net")]


def built(root: Path) -> index.IndexParts:
    builder = wls._Builder()
    for data in wls._iter_documents(root):
        builder.add(data)
    return builder.parts()


@pytest.fixture
def small_root(tmp_path: Path) -> Path:
    return write_lists(tmp_path / "lists", SMALL)


def weak_hash(raw: bytes) -> int:
    """A hash colliding constantly: only the key check keeps answers right."""
    return len(raw) % 3


@pytest.mark.parametrize("hasher", [index.key_hash, weak_hash])
def test_index_answers_as_memory(small_root: Path, tmp_path: Path,
                                 hasher: Callable[[bytes], int]) -> None:
    parts = built(small_root)
    index.write_index(parts, tmp_path / "w.idx", "t", hasher)
    mapped = index.read_index(tmp_path / "w.idx", "t", hasher)
    assert mapped is not None
    old, new = WarningLists.from_parts(parts), WarningLists.from_parts(mapped)
    assert new.names == old.names
    for otype, value in PROBES:
        assert new.match(otype, value) == old.match(otype, value), (otype, value)
    assert old.match("domain", "www.example.com") == ["Top sites"]
    for key, mask in {**parts.exact, **parts.suffix}.items():
        table = mapped.exact if key in parts.exact else mapped.suffix
        assert table.get(key, 0) == mask
    for key in ("example.co", "example.comm", "", "zz", "a@example.co"):
        assert mapped.exact.get(key, 0) == parts.exact.get(key, 0)
        assert mapped.suffix.get(key, 0) == parts.suffix.get(key, 0)


def test_stale_or_damaged_index_is_rebuilt(small_root: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wls, "lists_dir", lambda: small_root)
    monkeypatch.setattr(wls, "source_tag", lambda: "v2")
    folder = tmp_path / "cache"
    folder.mkdir()
    index.write_index(built(small_root), folder / "warninglists-v1.idx", "v1")
    fresh = WarningLists.from_index(folder)
    assert [p.name for p in folder.iterdir()] == ["warninglists-v2.idx"]  # old version gone
    assert fresh.match("ipv4", "10.1.2.3") == ["Inner v4", "Private v4"]
    assert index.read_index(folder / "warninglists-v2.idx", "v1") is None  # tag checked
    path = folder / "warninglists-v2.idx"
    damaged = folder / "damaged"
    damaged.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # truncated copy
    damaged.replace(path)  # as our writer does: a mapped file is never changed in place
    assert index.read_index(path, "v2") is None
    assert WarningLists.from_index(folder).match("ipv4", "10.1.2.3") == fresh.match(
        "ipv4", "10.1.2.3")
    assert index.read_index(path, "v2") is not None


def test_write_is_atomic(small_root: Path, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "w.idx"
    index.write_index(built(small_root), path, "t")
    before = path.read_bytes()

    def failing(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(index.os, "fsync", failing)
    with pytest.raises(OSError, match="disk full"):
        index.write_index(built(small_root), path, "other")
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["w.idx"]  # no temporary file left


def test_two_processes_building_at_once(small_root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    script = textwrap.dedent(f"""
        from pathlib import Path
        from cyberfusion.formats import warninglists as wls
        wls.lists_dir = lambda: Path({str(small_root)!r})
        lists = wls.WarningLists.from_index(Path({str(folder)!r}))
        print(lists.match("domain", "www.example.com"), lists.match("ipv4", "10.1.0.9"))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(2)]
    outs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outs
    assert {out for out, _ in outs} == {b"['Top sites'] ['Inner v4', 'Private v4']\n"}
    names = [p.name for p in folder.iterdir()]
    assert len(names) == 1 and names[0].endswith(".idx")
    assert index.read_index(folder / names[0], index.source_tag()) is not None


def test_index_folder(tmp_path: Path) -> None:
    assert index.index_folder(tmp_path / "data") == tmp_path / "data" / "cache"
    private = index.index_folder(None)
    assert private.stat().st_uid == os.getuid() and private.stat().st_mode & 0o077 == 0


# --- the bundled lists: the mapped index against the lists built in memory ----------------


def documents() -> list[dict[str, object]]:
    return [orjson.loads(p.read_bytes()) for p in sorted(lists_dir().glob("*/list.json"))]


def types_of(data: dict[str, object]) -> list[str]:
    attrs = set(data.get("matching_attributes") or ())  # type: ignore[call-overload]
    return [t.value for t, wanted in wls._ATTRIBUTES.items() if wanted & attrs] or ["domain"]


def non_members(rng: random.Random, n: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i in range(n):
        out.append(("ipv4", str(ipaddress.IPv4Address(rng.getrandbits(32)))))
        out.append(("ipv6", str(ipaddress.IPv6Address(rng.getrandbits(128)))))
        out.append(("domain", f"h{rng.getrandbits(40):x}.example{i % 50}.com"))
        out.append(("url", f"https://u{rng.getrandbits(32):x}.test/p?{i}"))
        out.append(("email", f"m{i}@n{rng.getrandbits(32):x}.org"))
        out.append(("sha256", f"{rng.getrandbits(256):064x}"))
        out.append(("cidr", f"{ipaddress.IPv4Address(rng.getrandbits(32))}/{rng.randint(8, 32)}"))
    return out


@pytest.mark.skipif(not lists_dir().exists(), reason="pymispwarninglists data absent")
def test_bundled_index_equals_memory(tmp_path: Path) -> None:
    """Every entry of every list, and random non-members, get the same answer either way.

    Matching code is shared; only the tables differ, so each table is compared key by key
    (every exact and suffix key, every range): that covers every entry of every list. `match`
    itself is compared on the first 1,500 entries of each list (every entry, ~2.5 million
    values, takes minutes: set CYBERFUSION_FULL_WARNINGLIST_CHECK=1).
    """
    builder = wls._Builder()
    docs = documents()
    for data in docs:
        builder.add(data)
    parts = builder.parts()
    index.write_index(parts, tmp_path / "all.idx", "t")
    mapped = index.read_index(tmp_path / "all.idx", "t")
    assert mapped is not None
    assert list(mapped.v4[0]) == list(parts.v4[0]) and list(mapped.v4[1]) == list(parts.v4[1])
    assert list(mapped.v6[0]) == list(parts.v6[0]) and list(mapped.v6[1]) == list(parts.v6[1])
    for mine, theirs in ((mapped.exact, parts.exact), (mapped.suffix, parts.suffix)):
        get = mine.get
        assert all(get(key, 0) == mask for key, mask in theirs.items())
    old, new = WarningLists.from_parts(parts), WarningLists.from_parts(mapped)
    checked = 0
    per_list = None if os.environ.get("CYBERFUSION_FULL_WARNINGLIST_CHECK") else 1500
    for data in docs:
        for entry in data.get("list", [])[:per_list]:  # type: ignore[index]
            for otype in types_of(data):
                value = str(entry).strip().lstrip(".")
                assert new.match(otype, value) == old.match(otype, value), (otype, value)
                checked += 1
    for otype, value in non_members(random.Random(17), 3000):
        assert new.match(otype, value) == old.match(otype, value), (otype, value)
    assert checked > (1_000_000 if per_list is None else 100_000)
