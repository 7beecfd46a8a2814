"""Landing one decoded batch in one transaction: entities, source objects, cases, flags.

Idempotent by source ref: running the same import again (after a crash, say) updates
nothing that is already there, so no duplicates and no half case can appear.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from cyberfusion.domain.handling import TLP, Handling, review_by_issue
from cyberfusion.domain.imports import (
    Batch,
    ImportDefaults,
    ImportedCase,
    ImportIssue,
    Severity,
    handling_for,
)
from cyberfusion.services.flags import WarningMatcher, flags_for
from cyberfusion.services.landing_knowledge import CaseRefs, KnowledgeLander
from cyberfusion.store.repositories.cases import NewCase, SourcedCase
from cyberfusion.store.repositories.imports import owner_ref
from cyberfusion.store.tx import Tx


@dataclass
class LandCounts:
    """What a batch did, in the job's terms."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    rejected: int = 0
    case_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        """The counts stored on the job."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "flagged": self.flagged, "rejected": self.rejected}


@dataclass
class Lander:
    """Lands batches for one owner with one set of defaults (handling rows are shared)."""

    tx: Tx
    defaults: ImportDefaults
    user_id: int | None
    job_id: int | None
    now: datetime
    matcher: WarningMatcher | None
    source_name: str = ""
    _handling_ids: dict[Handling, int] = field(default_factory=dict)
    _by_tlp: dict[TLP | None, int] = field(default_factory=dict)
    _case_refs: list[CaseRefs] = field(default_factory=list)

    @property
    def owner(self) -> str:
        """The importing organisation: it owns what lands."""
        return self.defaults.importer_org_id

    def land(self, batch: Batch) -> LandCounts:
        """Write the batch; the caller's transaction makes it whole or nothing."""
        counts = LandCounts(rejected=sum(1 for i in batch.issues if i.severity is Severity.ERROR))
        knowledge = KnowledgeLander(self.tx, self.defaults, self.now, self._handling,
                                    self.source_name)
        if batch.entities:
            done = knowledge.entities(batch.entities)
            counts.created += done.created
            counts.updated += done.updated
            counts.unchanged += done.unchanged
        if batch.objects:
            items = [(o, self._handling_of(o.tlp)) for o in batch.objects]
            done = self.tx.source_objects.upsert_many(self.owner, items, self.job_id, self.now)
            counts.created += done.created
            counts.updated += done.updated
            counts.unchanged += done.unchanged
        if batch.cases and batch.fault is not None:
            # Built from a read that stopped at a fault: kept without a source version, so
            # the complete case replaces it once the fixed file is read.
            batch.cases = [replace(c, modified=None) for c in batch.cases]
        if batch.cases:
            self._case_refs = []
            self._land_cases(self._reviewable(batch, counts), counts)
            counts.created += knowledge.case_links(self._case_refs)
        if batch.relationships:
            created, updated, unchanged, _ = knowledge.relationships(batch.relationships)
            counts.created += created
            counts.updated += updated
            counts.unchanged += unchanged
        batch.issues.extend(knowledge.issues + knowledge.summary())
        return counts

    def _reviewable(self, batch: Batch, counts: LandCounts) -> list[ImportedCase]:
        """The cases whose review date is after today; each other one is rejected, located.

        A source may state `review_by` (our STIX extension); one already due would land
        hidden from all but the importer at once, so it is refused like a bad object.
        """
        kept: list[ImportedCase] = []
        for case in batch.cases:
            problem = review_by_issue(case.draft.handling.review_by, self.now.date())
            if problem is None:
                kept.append(case)
                continue
            where = f"{self.source_name}:{case.ref}" if self.source_name else case.ref
            batch.issues.append(ImportIssue(Severity.ERROR, where, f"handling.review_by: "
                                            f"{problem}; the case is not landed"))
            counts.rejected += 1
        return kept

    def _handling_of(self, tlp: TLP | None) -> int:
        """The handling row for objects marked `tlp` (worked out once per marking)."""
        if tlp not in self._by_tlp:
            self._by_tlp[tlp] = self._handling(handling_for(self.defaults, tlp))
        return self._by_tlp[tlp]

    def _handling(self, handling: Handling) -> int:
        """One shared handling row per distinct record and owner, reused by every batch and
        every later import of the same data (so a re-run leaves no unused rows behind)."""
        if handling not in self._handling_ids:
            self._handling_ids[handling] = self.tx.handlings.shared(self.owner, handling)
        return self._handling_ids[handling]

    def _land_cases(self, cases: list[ImportedCase], counts: LandCounts) -> None:
        latest: dict[str, ImportedCase] = {}
        for case in cases:
            held = latest.get(case.ref)
            if held is None or _newer(case.modified, held.modified):
                latest[case.ref] = case
        known = self.tx.cases.by_source_refs([owner_ref(self.owner, r) for r in latest])
        fresh: list[ImportedCase] = []
        for ref, case in latest.items():
            stored = known.get(owner_ref(self.owner, ref))
            if stored is None:
                fresh.append(case)
            elif _newer(case.modified, stored.source_modified):
                self._update(stored, case, counts)
            else:
                counts.unchanged += 1
        self._insert(fresh, counts)

    def _insert(self, fresh: list[ImportedCase], counts: LandCounts) -> None:
        occurrences = [o for c in fresh for o in c.draft.occurrences]
        self.tx.observables.flags = flags_for(self.matcher, occurrences)
        counts.flagged += sum(1 for o in occurrences if o.key in self.tx.observables.flags)
        items = [NewCase(self.owner, c.draft, self.now, self.user_id,
                         owner_ref(self.owner, c.ref), c.modified) for c in fresh]
        ids = self.tx.cases.add_many(items)
        for case_id, case in zip(ids, fresh, strict=True):
            if case.entities:
                self._case_refs.append((case_id, case.entities))
            if case.members:
                self.tx.source_objects.link(self.owner, case.members, case_id)
            if case.revoked:
                self.tx.cases.set_revoked(case_id, self.now)
        counts.created += len(ids)
        counts.case_ids += ids

    def _update(self, stored: SourcedCase, case: ImportedCase, counts: LandCounts) -> None:
        self.tx.observables.flags = flags_for(self.matcher, case.draft.occurrences)
        counts.flagged += sum(1 for o in case.draft.occurrences
                              if o.key in self.tx.observables.flags)
        self.tx.cases.update(stored.case_id, case.draft, self.user_id, self.now)
        self.tx.cases.set_source_modified(stored.case_id, case.modified)
        if case.entities:
            self._case_refs.append((stored.case_id, case.entities))
        if case.members:
            self.tx.source_objects.link(self.owner, case.members, stored.case_id)
        if case.revoked and not stored.revoked:
            self.tx.cases.set_revoked(stored.case_id, self.now)
        counts.updated += 1
        counts.case_ids.append(stored.case_id)


def _newer(incoming: datetime | None, stored: datetime | None) -> bool:
    """A newer `modified` replaces; an older or equal one is ignored."""
    if incoming is None:
        return False
    return stored is None or incoming > stored
