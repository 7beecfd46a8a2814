"""A cheap nesting guard for streamed JSON: refuse a document nested deeper than a limit
before any parser builds it (a 20 KB file of 10,000 `[` would otherwise cost hundreds of
MB and end in a recursion error). Strings are skipped whole, so brackets in them do not
count; the state carries over from one chunk to the next."""

from __future__ import annotations

import re

#: Deepest nesting accepted: STIX and MISP documents stay far below it.
MAX_DEPTH = 100
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]|"', re.S)
_STRING_END = re.compile(rb'(?:[^"\\]|\\.)*"', re.S)
_STRING_PART = re.compile(rb'(?:[^"\\]|\\.)*', re.S)


class NestingTooDeep(ValueError):
    """The document nests deeper than the limit: where (byte offset) and how deep."""

    def __init__(self, offset: int, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit} levels at byte {offset}; "
                         "refused before reading further")
        self.offset = offset


class DepthGuard:
    """Follows the nesting depth of JSON bytes fed in order; NestingTooDeep past `limit`."""

    def __init__(self, limit: int = MAX_DEPTH) -> None:
        self.limit = limit
        self.depth = 0
        self.offset = 0
        self._in_string = False
        self._escaped = False

    def feed(self, data: bytes) -> None:
        """Account for the next bytes of the document."""
        pos = self._string_rest(data, 0) if self._in_string else 0
        while pos is not None and pos < len(data):
            match = _TOKEN.search(data, pos)
            if match is None:
                break
            char = data[match.start()]
            if char == 0x22:  # a string, or the start of one that goes on in the next chunk
                pos = match.end() if match.end() - match.start() > 1 else \
                    self._string_rest(data, match.end())
                continue
            pos = match.end()
            self.depth += 1 if char in (0x5B, 0x7B) else -1
            if self.depth > self.limit:
                raise NestingTooDeep(self.offset + match.start(), self.limit)
        self.offset += len(data)

    def _string_rest(self, data: bytes, pos: int) -> int | None:
        """Skip the rest of an open string; its end, or None if it goes on past `data`."""
        if self._escaped:
            pos, self._escaped = pos + 1, False
        end = _STRING_END.match(data, pos)
        if end is not None:
            self._in_string = False
            return end.end()
        part = _STRING_PART.match(data, pos)
        self._in_string = True
        self._escaped = part is not None and part.end() < len(data)  # a trailing backslash
        return None
