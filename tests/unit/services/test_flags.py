"""The warning-list matcher is built once per process, however many requests want it first."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from cyberfusion.formats import warninglists
from cyberfusion.services import flags


def test_concurrent_first_callers_share_one_build(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    builds: list[int] = []
    made = object()

    def slow_load(_data_dir: Path | None = None) -> object:
        builds.append(threading.get_ident())
        time.sleep(0.2)
        return made

    monkeypatch.setattr(warninglists.WarningLists, "load", staticmethod(slow_load))
    monkeypatch.setattr(flags, "_LOADED", {})
    got: list[object] = []
    callers = [threading.Thread(target=lambda: got.append(flags.default_matcher(tmp_path)))
               for _ in range(8)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(10)
    assert len(builds) == 1 and got == [made] * 8
    assert flags.default_matcher(tmp_path) is made and len(builds) == 1
