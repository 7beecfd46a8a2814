"""Landing decoded batches: idempotent by source ref, newest version wins, flags kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from conftest import NOW
from worlds import build_world

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.imports import (
    Batch,
    ImportDefaults,
    ImportedCase,
    ImportedEntity,
    ImportIssue,
    Severity,
    SourceObject,
    handling_for,
)
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import CaseDraft, CaseFilter, CrimeType, Occurrence
from cyberfusion.domain.observables import normalise
from cyberfusion.services.context import Context
from cyberfusion.services.landing import Lander

T1 = datetime(2026, 1, 1, tzinfo=UTC)


class TwoValueLists:
    """A warning-list matcher that knows two values (a test double of the real lists)."""

    def match(self, obs_type: str, value: str) -> list[str]:
        return {"8.8.8.8": ["Public DNS resolvers"], "10.0.0.1": ["RFC 1918"]}.get(value, [])


def _occ(obs_type: str, value: str) -> Occurrence:
    obs = normalise(obs_type, value)
    return Occurrence(obs.type.value, obs.value, obs.key, "C2 server")


def _batch(defaults: ImportDefaults, modified: datetime, title: str = "Report A",
           revoked: bool = False) -> Batch:
    handling = handling_for(defaults, TLP.GREEN)
    draft = CaseDraft(title, CrimeType.RANSOMWARE, "", handling,
                      occurrences=(_occ("ipv4", "8.8.8.8"), _occ("domain", "evil.example")))
    objects = [SourceObject("indicator--1", "indicator", modified, False,
                            {"id": "indicator--1", "type": "indicator", "x_custom": [1, 2]},
                            TLP.RED),
               SourceObject("report--1", "report", modified, revoked,
                            {"id": "report--1", "type": "report"})]
    case = ImportedCase("report--1", modified, revoked, draft, members=("indicator--1",
                                                                       "report--1"))
    entity = ImportedEntity("intrusion-set--9", EntityKind.INTRUSION_SET, "Ember Bear",
                            aliases=("UAC-0056",), modified=modified)
    issue = ImportIssue(Severity.ERROR, "f.json:objects[9]", "bad object")
    return Batch([case], [entity], objects, [issue])


def _land(ctx: Context, defaults: ImportDefaults, batch: Batch) -> dict[str, int]:
    with ctx.db.write() as tx:
        return Lander(tx, defaults, None, None, ctx.now(), TwoValueLists()).land(batch).as_dict()


def test_landing_is_idempotent_and_newest_wins(ctx: Context) -> None:
    world = build_world(ctx)
    defaults = ImportDefaults("fr-cyber", NOW.date() + timedelta(days=365))
    first = _land(ctx, defaults, _batch(defaults, T1))
    assert first == {"created": 4, "updated": 0, "unchanged": 0, "flagged": 1, "rejected": 1}
    again = _land(ctx, defaults, _batch(defaults, T1))
    assert again["created"] == 0 and again["unchanged"] == 4
    older = _land(ctx, defaults, _batch(defaults, T1 - timedelta(days=1), "Older"))
    assert older["updated"] == 0
    newer = _land(ctx, defaults, _batch(defaults, T1 + timedelta(days=1), "Newer"))
    assert newer["updated"] == 4
    fr = world.principals["fr-cyber"]
    with ctx.db.read() as tx:
        page, total = tx.cases.page(fr.org, ctx.now(), CaseFilter(), 0, 10)
        assert total == 1 and page[0].title == "Newer" and page[0].version == 2
        objects = tx.source_objects.of_cases([page[0].id], fr.org, ctx.now())[page[0].id]
        assert {o["id"] for o in objects} == {"indicator--1", "report--1"}
        assert objects[0]["x_custom"] == [1, 2]
        keys = [o.key for o in tx.cases.get(page[0].id).occurrences]  # type: ignore[union-attr]
        assert list(tx.observables.warninglists_of(keys).values()) == ["Public DNS resolvers"]
        assert tx.entities.find("ember")[0].aliases == ("UAC-0056",)
        assert tx.entities.find("%") == tx.entities.find("e_ber") == []


def test_revoked_source_revokes_the_case(ctx: Context) -> None:
    world = build_world(ctx)
    defaults = ImportDefaults("fr-cyber", NOW.date() + timedelta(days=365))
    _land(ctx, defaults, _batch(defaults, T1))
    _land(ctx, defaults, _batch(defaults, T1 + timedelta(hours=1), revoked=True))
    with ctx.db.read() as tx:
        _, total = tx.cases.page(world.principals["fr-cyber"].org, ctx.now(), CaseFilter(), 0, 1)
    assert total == 0


def test_a_case_whose_source_review_date_is_due_is_rejected_located(ctx: Context) -> None:
    world = build_world(ctx)
    defaults = ImportDefaults("fr-cyber", NOW.date() + timedelta(days=365))
    _land(ctx, defaults, _batch(defaults, T1))
    due = replace(defaults, review_by=NOW.date() - timedelta(days=1))
    newer = _batch(due, T1 + timedelta(days=1), "Newer but due")
    fresh = _batch(due, T1, "Fresh but due")
    fresh.cases[0] = replace(fresh.cases[0], ref="report--2")
    for batch in (newer, fresh):
        with ctx.db.write() as tx:
            counts = Lander(tx, due, None, None, ctx.now(), None, "feed.json").land(batch)
        assert counts.rejected == 2 and counts.case_ids == []
        stale = batch.issues[-1]
        assert stale.severity is Severity.ERROR
        assert stale.location == f"feed.json:{batch.cases[0].ref}"
        assert stale.message.startswith("handling.review_by: ")
        assert "not after today" in stale.message
    with ctx.db.read() as tx:
        page, total = tx.cases.page(world.principals["fr-cyber"].org, ctx.now(), CaseFilter(),
                                    0, 10)
    assert total == 1 and page[0].title == "Report A" and page[0].version == 1


def test_source_objects_keep_their_own_handling(ctx: Context) -> None:
    world = build_world(ctx)
    defaults = ImportDefaults("fr-cyber", NOW.date() + timedelta(days=365))
    _land(ctx, defaults, _batch(defaults, T1))
    de = world.principals["de-cyber"].org
    with ctx.db.read() as tx:
        page, _ = tx.cases.page(de, ctx.now(), CaseFilter(), 0, 1)
        objects = tx.source_objects.of_cases([page[0].id], de, ctx.now())[page[0].id]
    assert [o["id"] for o in objects] == ["report--1"]
