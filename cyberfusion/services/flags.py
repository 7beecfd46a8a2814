"""Warning-list flags for observable values: matches are kept and shown, never dropped."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from cyberfusion.domain.model import Occurrence
from cyberfusion.services.context import Context


class WarningMatcher(Protocol):
    """Anything that names the warning lists a value is on."""

    def match(self, obs_type: str, value: str) -> list[str]:
        """Names of the lists that hold `value`."""
        ...


_LOADED: dict[Path | None, WarningMatcher] = {}
_LOADING = threading.Lock()


def default_matcher(data_dir: Path | None = None) -> WarningMatcher:
    """All lists of pymispwarninglists, mapped from the index in `<data_dir>/cache`, built
    once per process: callers that come while it is built wait for that one build (each
    building its own, as `functools.cache` let them, took 40 threads of a loaded server to
    6 GB and minutes)."""
    found = _LOADED.get(data_dir)
    if found is not None:
        return found
    with _LOADING:
        if data_dir not in _LOADED:
            from cyberfusion.formats.warninglists import WarningLists

            _LOADED[data_dir] = WarningLists.load(data_dir)
        return _LOADED[data_dir]


def matcher_for(ctx: Context) -> WarningMatcher | None:
    """The context's matcher, or None when warning lists are switched off in settings."""
    return default_matcher(ctx.settings.data_dir) if ctx.settings.warninglists else None


def flags_for(matcher: WarningMatcher | None, values: Iterable[Occurrence]) -> dict[str, str]:
    """key -> '; '-joined list names, for each value on a warning list."""
    if matcher is None:
        return {}
    flags: dict[str, str] = {}
    for occ in values:
        if occ.key not in flags:
            names = matcher.match(occ.type, occ.value)
            if names:
                flags[occ.key] = "; ".join(sorted(names))
    return flags
