"""Presenter of an observable: a normalised value and its type."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.observables import Observable


def observable_json(obs: Observable) -> dict[str, Any]:
    """A normalised value as the answers that name it show it."""
    return {"type": obs.type.value, "value": obs.value}
