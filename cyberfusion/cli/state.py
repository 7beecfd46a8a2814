"""Per-invocation CLI state: settings read once, a service Context built on first use."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError

from cyberfusion.config import Settings
from cyberfusion.domain.model import Principal
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.services import auth
from cyberfusion.services.context import Context, build_context

#: Tests only: set to "1" to build contexts with cheap argon2id parameters.
FAST_HASHING_ENV = "CYBERFUSION_FAST_HASHING"


def make_context(settings: Settings, fast_hashing: bool = False) -> Context:
    """The one place the CLI builds a Context.

    `CYBERFUSION_FAST_HASHING=1` lowers the argon2id cost; it exists for the test suite
    (and the demo seed passes `fast_hashing=True`); never set it on a real instance.
    """
    fast = fast_hashing or os.environ.get(FAST_HASHING_ENV) == "1"
    return build_context(settings, fast_hashing=fast)


def read_settings(data_dir: Path | None, database_url: str | None) -> Settings:
    """Settings from the environment, with the global options taking precedence."""
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url is not None:
        overrides["database_url"] = database_url
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        issues = [Issue("CYBERFUSION_" + "_".join(str(p) for p in e["loc"]).upper(), e["msg"])
                  for e in exc.errors()]
        raise InvalidInput("the settings are not valid", issues) from None


@dataclass
class CliState:
    """What the Typer callback stores on the click context for every command."""

    settings: Settings
    _ctx: Context | None = field(default=None, repr=False)

    def context(self, fast_hashing: bool = False) -> Context:
        """The service Context, built (and its database opened) on first use."""
        if self._ctx is None:
            self._ctx = make_context(self.settings, fast_hashing)
        return self._ctx

    def close(self) -> None:
        """Release pooled database connections at the end of the command."""
        if self._ctx is not None:
            self._ctx.db.dispose()
            self._ctx = None


def state_of(cli: typer.Context) -> CliState:
    """The CliState of the current invocation (set by the root callback)."""
    found = cli.find_object(CliState)
    if found is None:
        raise RuntimeError("the root callback did not run")
    return found


def context_of(cli: typer.Context) -> Context:
    """Shortcut: the service Context of the current invocation."""
    return state_of(cli).context()


def acting_as(ctx: Context, username: str) -> Principal:
    """The principal of user `username`, for commands run on a user's behalf (`--as`)."""
    return auth.acting_as(ctx, username)
