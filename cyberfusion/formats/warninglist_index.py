"""A prebuilt, memory-mapped index of the warning lists, so a process loads them in milliseconds.

Building `WarningLists` from the JSON lists costs seconds of CPU and ~300 MB of Python
objects in every process. This module writes the same tables once into one file and maps
it read-only, so the pages are shared between processes and only those a lookup touches
become resident:

- exact and suffix tables: keys sorted by a 64-bit hash of their UTF-8 bytes (CRC-32 and
  Adler-32, two C calls), with a parallel array of mask numbers and the keys themselves
  (offsets into one blob), and a table of where each top-16-bit prefix starts. A probe
  binary-searches the hash inside its prefix's range, then compares the stored key bytes,
  so a hash collision can never flag a value: it only costs one more comparison.
- IPv4 ranges as sorted 64-bit starts with their mask numbers; IPv6 ranges, substring and
  regex entries, names and the distinct masks (a few hundred) in the JSON header.

The file is named after the pymispwarninglists version and `FORMAT`, written to a temporary
file in the same folder and renamed into place (atomic: readers see the old file or the
whole new one; two processes building at once both succeed, the last rename wins), and
rebuilt when missing, stale or damaged.
"""

from __future__ import annotations

import mmap
import os
import sys
import tempfile
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

FORMAT = 2
MAGIC = b"CFWLIDX\x01"
_ALIGN = 8


_PREFIX = 48  # a hash's top 16 bits pick its bucket


def key_hash(key: bytes, _crc: Any = zlib.crc32, _adler: Any = zlib.adler32) -> int:
    """64-bit hash of a key; any deterministic function works (hits are verified)."""
    return int(_crc(key) << 32 | _adler(key))


@dataclass
class IndexParts:
    """Everything a matcher needs, in plain values: what the index file stores."""

    names: list[str]
    attributes: list[list[str]]
    exact: Mapping[str, int]
    suffix: Mapping[str, int]
    v4: tuple[Sequence[int], Sequence[int]]  # elementary range starts, masks
    v6: tuple[Sequence[int], Sequence[int]]
    shaped: dict[str, int]
    exact_lists: int
    substrings: list[tuple[str, int]]
    regexes: list[tuple[str, int]]


class MaskView(Sequence[int]):
    """Masks by position, read through an array of mask numbers and the distinct masks."""

    def __init__(self, ids: Sequence[int], table: list[int]) -> None:
        self.ids, self.table = ids, table

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: Any) -> Any:
        return self.table[self.ids[i]]


class HashedTable:
    """A read-only str -> mask table over mapped arrays: sorted hashes, verified keys."""

    def __init__(self, hashes: Sequence[int], buckets: Sequence[int], ids: Sequence[int],
                 offsets: Sequence[int], blob: memoryview, masks: list[int],
                 hasher: Callable[[bytes], int]) -> None:
        self.hashes, self.buckets, self.ids, self.offsets = hashes, buckets, ids, offsets
        self.blob, self.masks, self.hasher, self.size = blob, masks, hasher, len(hashes)

    def __len__(self) -> int:
        return self.size

    def get(self, key: str, default: int = 0) -> int:
        """The mask of `key`, or `default` when it is not in the table."""
        raw = key.encode("utf-8", "surrogatepass")
        wanted = self.hasher(raw)
        hashes, offsets = self.hashes, self.offsets
        bucket = wanted >> _PREFIX
        i = bisect_left(hashes, wanted, self.buckets[bucket], self.buckets[bucket + 1])
        while i < self.size and hashes[i] == wanted:
            if self.blob[offsets[i]: offsets[i + 1]] == raw:
                return self.masks[self.ids[i]]
            i += 1
        return default


def source_tag() -> str:
    """What the index is built from: the pymispwarninglists version and our format."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("pymispwarninglists")
    except PackageNotFoundError:
        package = "unknown"
    return f"pymispwarninglists-{package}-f{FORMAT}"


def index_folder(data_dir: Path | None) -> Path:
    """Where the index lives: `<data_dir>/cache`, else a private per-user temp folder."""
    if data_dir is not None:
        folder = data_dir / "cache"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            pass
    return _private_temp()


def _private_temp() -> Path:
    """`$TMPDIR/cyberfusion-<uid>` (mode 0700, ours, not a link), else a fresh temp folder."""
    folder = Path(tempfile.gettempdir()) / f"cyberfusion-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        if not folder.is_symlink() and info.st_uid == os.getuid() and info.st_mode & 0o077 == 0:
            return folder
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="cyberfusion-"))


def _int_array(code: str, values: Sequence[int]) -> bytes:
    return array(code, values).tobytes()


def _table_sections(prefix: str, table: Mapping[str, int], mask_no: dict[int, int],
                    hasher: Callable[[bytes], int]) -> dict[str, tuple[str, bytes]]:
    """The four arrays of one hashed table: hashes, mask numbers, key offsets, key bytes."""
    raws = [key.encode("utf-8", "surrogatepass") for key in table]
    ids = [mask_no[mask] for mask in table.values()]
    hashes = list(map(hasher, raws))
    order = sorted(range(len(raws)), key=hashes.__getitem__)
    offsets = [0]
    total = 0
    for i in order:
        total += len(raws[i])
        offsets.append(total)
    code = "I" if total < 1 << 32 else "Q"
    ordered = array("Q", [hashes[i] for i in order])
    buckets = [bisect_left(ordered, b << _PREFIX) for b in range(1 << (64 - _PREFIX))]
    return {f"{prefix}_hash": ("Q", ordered.tobytes()),
            f"{prefix}_bucket": ("Q", array("Q", [*buckets, len(ordered)]).tobytes()),
            f"{prefix}_mask": ("I", array("I", [ids[i] for i in order]).tobytes()),
            f"{prefix}_off": (code, array(code, offsets).tobytes()),
            f"{prefix}_blob": ("B", b"".join([raws[i] for i in order]))}


def write_index(parts: IndexParts, path: Path, tag: str,
                hasher: Callable[[bytes], int] = key_hash) -> None:
    """Write `parts` to `path` atomically (temporary file in the same folder, then rename)."""
    masks = sorted({*parts.exact.values(), *parts.suffix.values(), *parts.v4[1], *parts.v6[1]})
    mask_no = {mask: i for i, mask in enumerate(masks)}
    sections = {**_table_sections("exact", parts.exact, mask_no, hasher),
                **_table_sections("suffix", parts.suffix, mask_no, hasher),
                "v4_start": ("Q", _int_array("Q", parts.v4[0])),
                "v4_mask": ("I", _int_array("I", [mask_no[m] for m in parts.v4[1]]))}
    header: dict[str, Any] = {
        "tag": tag, "byteorder": sys.byteorder, "names": parts.names,
        "attributes": parts.attributes, "shaped": {k: hex(v) for k, v in parts.shaped.items()},
        "exact_lists": hex(parts.exact_lists), "substrings": parts.substrings,
        "regexes": parts.regexes, "masks": [hex(m) for m in masks],
        "v6": [[hex(s) for s in parts.v6[0]], [mask_no[m] for m in parts.v6[1]]],
        "sections": {}}
    offset = 0
    for name, (code, data) in sections.items():
        header["sections"][name] = [offset, len(data), code]
        offset += _padded(len(data))
    _atomic_write(path, _encode(header), sections)


def _padded(size: int) -> int:
    return (size + _ALIGN - 1) // _ALIGN * _ALIGN


def _encode(header: dict[str, Any]) -> bytes:
    raw = orjson.dumps(header)
    return MAGIC + _padded(len(raw)).to_bytes(8, "little") + raw.ljust(_padded(len(raw)))


def _atomic_write(path: Path, head: bytes, sections: dict[str, tuple[str, bytes]]) -> None:
    fd, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(head)
            for _, data in sections.values():
                out.write(data)
                out.write(b"\0" * (_padded(len(data)) - len(data)))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_index(path: Path, tag: str,
               hasher: Callable[[bytes], int] = key_hash) -> IndexParts | None:
    """The parts mapped from `path`, or None when it is missing, stale or damaged."""
    try:
        with path.open("rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        return _parse(memoryview(mapped), tag, hasher)
    except (ValueError, KeyError, IndexError, TypeError, orjson.JSONDecodeError):
        return None


def _parse(view: memoryview, tag: str, hasher: Callable[[bytes], int]) -> IndexParts | None:
    if view[: len(MAGIC)] != MAGIC:
        return None
    size = int.from_bytes(view[8:16], "little")
    header = orjson.loads(bytes(view[16: 16 + size]))
    if header["tag"] != tag or header["byteorder"] != sys.byteorder:
        return None
    base = 16 + size
    arrays: dict[str, memoryview] = {}
    for name, (offset, length, code) in header["sections"].items():
        if base + offset + length > len(view):
            return None
        arrays[name] = view[base + offset: base + offset + length].cast(code)
    masks = [int(m, 16) for m in header["masks"]]

    def table(prefix: str) -> HashedTable:
        return HashedTable(arrays[f"{prefix}_hash"], arrays[f"{prefix}_bucket"],
                           arrays[f"{prefix}_mask"], arrays[f"{prefix}_off"],
                           arrays[f"{prefix}_blob"], masks, hasher)

    v6_starts, v6_ids = header["v6"]
    return IndexParts(
        names=header["names"], attributes=header["attributes"],
        exact=table("exact"), suffix=table("suffix"),  # type: ignore[arg-type]
        v4=(arrays["v4_start"], MaskView(arrays["v4_mask"], masks)),
        v6=([int(s, 16) for s in v6_starts], MaskView(v6_ids, masks)),
        shaped={k: int(v, 16) for k, v in header["shaped"].items()},
        exact_lists=int(header["exact_lists"], 16),
        substrings=[(e, b) for e, b in header["substrings"]],
        regexes=[(e, b) for e, b in header["regexes"]])
