"""In-process HTTP fixtures over a SQLite world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from worlds import World, build_world

from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app


@pytest.fixture
def world(sqlite_ctx: Context) -> World:
    """The fixed test world on SQLite."""
    return build_world(sqlite_ctx)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    """An in-process client of a fresh app."""
    with TestClient(create_app(world.ctx)) as test_client:
        yield test_client

