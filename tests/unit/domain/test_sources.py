"""TAXII source rules: the bookmark never passes what has not landed; drafts and
credentials are checked with located errors."""

from __future__ import annotations

import pytest

from cyberfusion.domain.sources import (
    AuthKind,
    Bookmark,
    Direction,
    SourceDraft,
    credentials,
    draft_from_json,
)
from cyberfusion.errors import InvalidInput

T1, T2, T3 = ("2026-03-01T00:00:01.000000Z", "2026-03-01T00:00:02.000000Z",
              "2026-03-01T00:00:03.000000Z")


def test_added_after_moves_only_when_a_walk_ends() -> None:
    start = Bookmark(T1)
    mid = start.after_page(True, "page-2", T3)
    assert mid == Bookmark(T1, "page-2", T3)  # a killed walk resumes at next, from T1
    later = mid.after_page(True, "page-3", T2)
    assert later.walk_last == T3 and later.added_after == T1
    done = later.after_page(False, "", "")
    assert done == Bookmark(T3)  # the newest date_added the finished walk saw


def test_added_after_never_moves_backwards() -> None:
    assert Bookmark(T3).after_page(False, "", T1) == Bookmark(T3)


def test_drafts_name_each_bad_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        draft_from_json({"name": "x", "direction": "sideways", "api_root": "http://h/api",
                         "collection": "c", "interval_seconds": 5})
    assert {i.location for i in caught.value.issues} == {"direction", "api_root", "interval"}
    good = draft_from_json({"name": "hub-in", "api_root": "https://hub.example/taxii2/pool/",
                            "collection": "abc", "auth": "bearer", "secret_env": "HUB_TOKEN"})
    assert good == SourceDraft("hub-in", Direction.PULL, "https://hub.example/taxii2/pool/",
                               "abc", AuthKind.BEARER, "HUB_TOKEN")


def test_credentials_come_from_the_variable() -> None:
    assert credentials(AuthKind.BASIC, "user:pa:ss", "V") == ("user", "pa:ss")
    assert credentials(AuthKind.BEARER, "tok", "V") == ("", "tok")
    with pytest.raises(InvalidInput, match="no credentials"):
        credentials(AuthKind.BEARER, None, "V")
    with pytest.raises(InvalidInput, match="bad credentials"):
        credentials(AuthKind.BASIC, "no-colon", "V")
