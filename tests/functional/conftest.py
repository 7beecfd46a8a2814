"""In-process HTTP fixtures over a SQLite world."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import Demo
from fastapi.testclient import TestClient
from worlds import World, build_world

from cyberfusion.config import Settings
from cyberfusion.demo import generate_world
from cyberfusion.demo.networks import PLANTED_CASES
from cyberfusion.services.context import Context, build_context
from cyberfusion.services.seed import seed_demo
from cyberfusion.store import schema
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



@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """The demo world with its planted networks (and 20 more cases) seeded on SQLite."""
    ctx = build_context(Settings(data_dir=tmp_path, warninglists=False, import_workers=0,
                                 sweep_interval_seconds=0), fast_hashing=True)
    schema.upgrade(ctx.db)
    world = generate_world(cases=PLANTED_CASES + 20, today=ctx.now().date())
    seeded = seed_demo(ctx, world)
    yield Demo(ctx, world, seeded.truth)
    ctx.db.dispose()
