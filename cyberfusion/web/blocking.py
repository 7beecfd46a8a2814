"""The one way an `async def` handler runs blocking work: in the server's thread pool.

Handlers that must await the request body are `async def`; everything they then call that
touches the database or the disk (services, session checks) goes through `run_blocking`, so
the event loop keeps serving other requests. Plain `def` handlers need none of this: FastAPI
runs them in the same thread pool. tests/unit/test_layers.py keeps the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

P = ParamSpec("P")
T = TypeVar("T")


async def run_blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call `fn(*args, **kwargs)` in a worker thread and await its result."""
    return await run_in_threadpool(fn, *args, **kwargs)
