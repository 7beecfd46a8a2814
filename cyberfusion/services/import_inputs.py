"""Opening an import's bytes: plain, gzip or zip, with a size and ratio guard, and counted.

A compressed upload is read through its decompressor; the expanded bytes are counted as
they are read, and reading stops with a located error once they pass the size limit or
the ratio limit (a decompression bomb), whatever the archive claims in its headers.
"""

from __future__ import annotations

import gzip
import hashlib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol, cast

from cyberfusion.errors import InvalidInput, Issue

_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"
_CHUNK = 1 << 20
#: Suffixes of compressed files; the name without them says the inner format.
COMPRESSED = (".gz", ".gzip", ".zip")


class Readable(Protocol):
    """Anything with `read(size)` returning bytes."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to `size` bytes; b"" at the end."""
        ...


#: How much a line-by-line reader takes from the stream at a time.
_LINE_CHUNK = 1024 * 1024


class Counted:
    """A read-only stream that counts and hashes what was read (the resume checkpoint)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.count = 0
        self._digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        """Read from the wrapped stream, counting and hashing."""
        data = self._stream.read(size)
        self.count += len(data)
        self._digest.update(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        """Lines, as a binary file gives them (JSON lines are read this way)."""
        rest = b""
        while chunk := self.read(_LINE_CHUNK):
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            yield from (line + b"\n" for line in lines)
        if rest:
            yield rest

    def hexdigest(self) -> str:
        """sha256 of every byte read so far."""
        return self._digest.hexdigest()

    def seekable(self) -> bool:
        """Seekable back to the start if the wrapped stream is (a CSV is read twice)."""
        return bool(getattr(self._stream, "seekable", lambda: False)())

    def tell(self) -> int:
        """Bytes read since the start."""
        return self.count

    def seek(self, offset: int, whence: int = 0) -> int:
        """Back to the start only: count and digest start again."""
        if offset != 0 or whence != 0:
            raise ValueError("an import stream seeks back to its start only")
        self._stream.seek(0)
        self.count, self._digest = 0, hashlib.sha256()
        return 0


class _Guarded:
    """Expanded bytes of an archive member, refused past `limit` bytes or `ratio` times
    the compressed size."""

    def __init__(self, stream: Readable, name: str, packed: int, limit: int,
                 ratio: int) -> None:
        self._stream = stream
        self._name = name
        self._cap = min(limit, max(packed, 1) * ratio)
        self._ratio = ratio
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        """Read expanded bytes; InvalidInput once past the cap."""
        data = self._stream.read(_CHUNK if size is None or size < 0 else size)
        self.count += len(data)
        if self.count > self._cap:
            raise InvalidInput("compressed file expands too far", [Issue(
                self._name, f"expands beyond {self._cap} bytes (limit: {self._ratio} times "
                f"its compressed size, at most the configured maximum); refused as a "
                f"possible decompression bomb after {self.count} bytes")])
        return data

    def seekable(self) -> bool:
        """Not seekable (read once, in order)."""
        return False


def kind_of(path: Path) -> str:
    """`gzip`, `zip` or `plain`, by the file's first bytes."""
    if path.is_dir():
        return "plain"
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic.startswith(_GZIP):
        return "gzip"
    return "zip" if magic == _ZIP else "plain"


def inner_name(filename: str) -> str:
    """The file name without its compression suffix (`iocs.json.gz` -> `iocs.json`)."""
    lower = filename.lower()
    for suffix in COMPRESSED:
        if lower.endswith(suffix):
            return filename[: -len(suffix)]
    return filename


@contextmanager
def open_input(path: Path, limit: int, ratio: int) -> Iterator[BinaryIO]:
    """The file's bytes: as stored, or expanded from gzip or a one-file zip (guarded)."""
    kind = kind_of(path)
    packed = path.stat().st_size
    if kind == "gzip":
        with gzip.open(path, "rb") as expanded:
            yield cast(BinaryIO, _Guarded(expanded, path.name, packed, limit, ratio))
    elif kind == "zip":
        with zipfile.ZipFile(path) as archive, _member(archive, path.name, limit, ratio) as raw:
            yield cast(BinaryIO, _Guarded(raw, path.name, packed, limit, ratio))
    else:
        with path.open("rb") as stream:
            yield stream


@contextmanager
def _member(archive: zipfile.ZipFile, name: str, limit: int,
            ratio: int) -> Iterator[Readable]:
    """The one file of a zip archive; refused if it holds several or claims too much."""
    files = [i for i in archive.infolist() if not i.is_dir()]
    if len(files) != 1:
        raise InvalidInput("a zip upload holds exactly one file",
                           [Issue(name, f"holds {len(files)} files; zip each file alone")])
    info = files[0]
    if info.file_size > min(limit, max(info.compress_size, 1) * ratio):
        raise InvalidInput("compressed file expands too far", [Issue(
            f"{name}:{info.filename}", f"declares {info.file_size} bytes from "
            f"{info.compress_size} (limit {ratio} times, at most {limit} bytes); refused as a "
            "possible decompression bomb")])
    with archive.open(info) as raw:
        yield raw


def head_of(path: Path, limit: int, ratio: int, size: int = 64 * 1024) -> bytes:
    """The first `size` expanded bytes (to recognise the format)."""
    with open_input(path, limit, ratio) as stream:
        return stream.read(size)


def prefix_digest(path: Path, length: int, limit: int, ratio: int) -> str:
    """sha256 of the first `length` expanded bytes (to check a checkpoint still applies)."""
    digest, left = hashlib.sha256(), length
    with open_input(path, limit, ratio) as stream:
        while left > 0:
            chunk = stream.read(min(_CHUNK, left))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()
