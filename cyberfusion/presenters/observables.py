"""Presenter of an observable: a normalised value and its type."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.observables import Observable


class ObservableDoc(TypedDict):
    """A normalised value and its type."""

    type: str
    value: str


def observable_json(obs: Observable) -> ObservableDoc:
    """A normalised value as the answers that name it show it."""
    return {"type": obs.type.value, "value": obs.value}
