"""Streaming the objects out of a STIX 2.1 document with bounded memory.

Accepts a bundle (STIX 2.1 section 8, docs.oasis-open.org/cti/stix/v2.1/os), a TAXII 2.1
envelope (`{"objects": [...], "more": …}`), a bare JSON list of objects, or one object.
Objects are parsed one at a time with ijson (yajl2_c); a syntax error stops the stream and
is reported with the index of the object being read and the byte offset reached.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped]
import orjson

from cyberfusion.domain.imports import ImportIssue, Severity
from cyberfusion.formats.json_depth import DepthGuard, NestingTooDeep

_SMALL = 1 << 20  # documents up to 1 MiB are kept whole, to read a lone object
_BUFFER = 1 << 16
_WHITESPACE = b" \t\r\n"
_EXPECTED = "expected a STIX bundle, a TAXII envelope, a list of objects or one object"
_BOM = b"\xef\xbb\xbf"


class _Tee:
    """A read-only stream that counts bytes and keeps the first `_SMALL` of them."""

    def __init__(self, stream: BinaryIO, first: bytes) -> None:
        self._stream = stream
        self._pending = first
        self.count = len(first)
        self.head = bytearray(first[:_SMALL])
        self.guard = DepthGuard()

    def read(self, size: int = -1) -> bytes:
        """Read like the wrapped stream, counting and keeping the head."""
        if size == 0:
            return b""
        if self._pending:
            data, self._pending = self._pending, b""
            self.guard.feed(data)
            return data
        data = self._stream.read(size)
        self.count += len(data)
        self.guard.feed(data)
        if len(self.head) < _SMALL and data:
            self.head += data[: _SMALL - len(self.head)]
        return data


class ObjectReader:
    """Iterates `(index, item)` over the objects of one document; `problem` holds an error."""

    def __init__(self, stream: BinaryIO, source_name: str) -> None:
        self.source_name = source_name
        self.problem: ImportIssue | None = None
        self.container = "objects"
        first = stream.read(_BUFFER)
        if first.startswith(_BOM):
            first = first[len(_BOM):]
        self._tee = _Tee(stream, first)
        self._opening = first.lstrip(_WHITESPACE)[:1]

    @property
    def bytes_read(self) -> int:
        """Bytes consumed from the stream so far."""
        return self._tee.count

    def location(self, index: int, suffix: str = "") -> str:
        """`source:objects[3].pattern` (`source:[3]…` for a bare list, `source:$…` for one)."""
        if self.container == "$":
            where = "$"
        else:
            where = f"[{index}]" if self.container == "" else f"objects[{index}]"
        return f"{self.source_name}:{where}{suffix}"

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        if self._opening == b"[":
            self.container = ""
            yield from self._stream("item")
        elif self._opening == b"{":
            count = yield from self._stream("objects.item")
            if count == 0 and self.problem is None:
                yield from self._lone_object()
        else:
            self._fail(0, f"not a JSON object or list; {_EXPECTED}", None, whole=True)

    def _stream(self, prefix: str) -> Generator[tuple[int, Any], None, int]:
        """Items under `prefix`, numbered; return how many (a syntax error stops it)."""
        index = 0
        try:
            for item in ijson.items(self._tee, prefix, use_float=True, buf_size=_BUFFER):
                yield index, item
                index += 1
        except ijson.JSONError as exc:
            self._fail(index, _yajl_reason(exc), self._tee.count)
        except NestingTooDeep as exc:
            self._fail(index, str(exc), None)
        return index

    def _lone_object(self) -> Iterator[tuple[int, Any]]:
        """A document with no objects: one STIX object, an empty bundle, or not STIX at all."""
        if self._tee.count > _SMALL:
            self._fail(0, f"no 'objects' list found; {_EXPECTED}", None, whole=True)
            return
        try:
            doc = orjson.loads(bytes(self._tee.head))
        except orjson.JSONDecodeError as exc:
            self._fail(0, f"invalid JSON: {exc}", exc.pos, whole=True)
            return
        objects = doc.get("objects") if isinstance(doc, dict) else None
        if objects is not None:
            if not isinstance(objects, list):
                self._fail(0, "'objects' must be a list of STIX objects", None, whole=True)
        elif isinstance(doc, dict) and doc.get("type") not in (None, "bundle") and "id" in doc:
            self.container = "$"
            yield 0, doc
        elif not (isinstance(doc, dict) and doc.get("type") == "bundle"):
            self._fail(0, f"not STIX: {_EXPECTED}", None, whole=True)

    def _fail(self, index: int, reason: str, offset: int | None, whole: bool = False) -> None:
        """Record the one ERROR that stopped the reading."""
        where = f"{self.source_name}:$" if whole else self.location(index)
        if offset is not None:
            reason = f"{reason} (near byte {offset}); reading stopped here"
        self.problem = ImportIssue(Severity.ERROR, where, reason)


_SPACES = re.compile(r"\s+")


def _yajl_reason(exc: Exception) -> str:
    """yajl's message on one line: the reason and the text around the error."""
    text = str(exc)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1].replace("\\n", "\n")
    lines = [line for line in text.splitlines() if line.strip()]
    reason = lines[0].strip() if lines else "invalid JSON"
    context = _SPACES.sub(" ", lines[1]).strip() if len(lines) > 2 else ""
    return f"invalid JSON: {reason}" + (f" at: {context[:80]}" if context else "")
