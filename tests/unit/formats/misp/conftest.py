"""Fixtures for the MISP codec tests: import defaults and a decode helper."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cyberfusion.domain.imports import Batch, ImportDefaults
from cyberfusion.formats.misp import MispCodec

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "misp"


def merge(batches: list[Batch]) -> Batch:
    """All batches of one decode as one."""
    whole = Batch()
    for batch in batches:
        whole.cases += batch.cases
        whole.objects += batch.objects
        whole.entities += batch.entities
        whole.issues += batch.issues
        whole.bytes_read = batch.bytes_read
    return whole


@pytest.fixture
def defaults() -> ImportDefaults:
    """The importer's defaults: AMBER, released to members."""
    return ImportDefaults(importer_org_id="fr-ncb", review_by=date(2031, 1, 1))


@pytest.fixture
def fixtures() -> Path:
    """tests/fixtures/misp: small upstream MISP files, with their licences."""
    return FIXTURES


@pytest.fixture
def merged() -> Callable[[list[Batch]], Batch]:
    """The function that merges the batches of one decode."""
    return merge


@pytest.fixture
def decode(defaults: ImportDefaults) -> Callable[..., Batch]:
    """Decode a dict, bytes or a file with the MISP codec; all batches merged."""

    def run(data: Any, source: str = "in.json", with_defaults: ImportDefaults = defaults
            ) -> Batch:
        if isinstance(data, Path):
            data = data.read_bytes()
        raw = data if isinstance(data, bytes) else json.dumps(data).encode()
        return merge(list(MispCodec().decode(io.BytesIO(raw), source, with_defaults)))

    return run
