"""Reading JSON bodies ourselves, so a syntax error says line and column."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from cyberfusion.errors import Issue, MalformedDocument


async def read_json(request: Request) -> Any:
    """Parse the body as JSON or raise MalformedDocument naming where it broke."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedDocument("the body is not UTF-8",
                                [Issue(f"body byte {exc.start}", "invalid UTF-8")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"body line {exc.lineno} column {exc.colno}"
        raise MalformedDocument(f"the body is not valid JSON: {exc.msg}",
                                [Issue(where, exc.msg)]) from None
    except ValueError as exc:  # a number past Python's 4,300-digit conversion limit
        raise MalformedDocument("the body is not usable JSON",
                                [Issue("body", str(exc).split(";")[0])]) from None
