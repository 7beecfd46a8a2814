"""Landing knowledge: entities with their source's handling, merged per batch, and the
relationships between them and to cases, resolved set-based with located issues."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cyberfusion.domain.entity_merge import id_claims
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import (
    ImportDefaults,
    ImportedEntity,
    ImportedRelationship,
    ImportIssue,
    Severity,
    handling_for,
    reference_handling,
)
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.store.repositories.imports import UpsertResult, owner_ref
from cyberfusion.store.repositories.knowledge import NewRelationship
from cyberfusion.store.tx import Tx

#: Located issues of one kind listed per batch; a summary tells the rest.
ISSUE_CAP = 100
_ENTITY_TYPES = frozenset(k.stix_type for k in EntityKind)
CaseRefs = tuple[int, tuple[str, ...]]
#: How a case landed from our JSON lines is named by a relationship end.
CASE_REF = "case:"


@dataclass
class KnowledgeLander:
    """Lands one batch's entities and relationships for one owner."""

    tx: Tx
    defaults: ImportDefaults
    now: datetime
    handling_id: Callable[[Handling], int]
    source_name: str = ""
    issues: list[ImportIssue] = field(default_factory=list)
    _counts: Counter[str] = field(default_factory=Counter)

    @property
    def owner(self) -> str:
        """The importing organisation."""
        return self.defaults.importer_org_id

    def entities(self, items: Sequence[ImportedEntity]) -> UpsertResult:
        """Upsert the entities (each under its source's handling) and merge them."""
        rows = [(e, self.handling_id(self._handling(e.tlp, e.reference))) for e in items]
        result, touched = self.tx.entities.upsert_many(self.owner, rows)
        if touched:
            self.tx.entities.merge(sorted(set(touched)))
        for external_id, refs in id_claims((e.ref, e.kind, e.name, e.external_id)
                                           for e in items):
            self._issue(Severity.WARNING, "id-claim", refs[0],
                        f"{len(refs)} entities claim {external_id} ({', '.join(refs[:5])}): "
                        "those of one kind group are merged as one, others are kept apart")
        return result

    def relationships(self, links: Sequence[ImportedRelationship]) -> tuple[int, int, int, int]:
        """Land the relationships whose ends resolve: (created, updated, unchanged, rejected)."""
        ends = sorted({r for link in links for r in (link.source_ref, link.target_ref)})
        entity_ids = self._entity_ids(ends)
        case_ids = self.tx.knowledge.cases_of(f"{self.owner}|", ends)
        case_ids.update(self._landed_cases(ends))
        rows: list[NewRelationship] = []
        for link in links:
            source = self._end(link, link.source_ref, entity_ids, case_ids)
            target = self._end(link, link.target_ref, entity_ids, case_ids)
            if source is None or target is None:
                continue
            rows.append(NewRelationship(
                owner_ref(self.owner, link.ref), link.type,
                self.handling_id(self._handling(link.tlp, link.reference)),
                source[0], source[1], link.source_ref, target[0], target[1], link.target_ref,
                link.ref, description=link.description, first_seen=link.first_seen,
                last_seen=link.last_seen, modified=link.modified, revoked=link.revoked))
        created, updated, unchanged = self.tx.knowledge.upsert_relationships(rows, self.now)
        return created, updated, unchanged, len(links) - len(rows)

    def case_links(self, pairs: Sequence[CaseRefs]) -> int:
        """Link cases to the entities they name (report object_refs, MISP galaxies)."""
        refs = sorted({r for _, named in pairs for r in named})
        if not refs:
            return 0
        entity_ids = self._entity_ids(refs)
        handlings = self.tx.knowledge.case_handlings([case_id for case_id, _ in pairs])
        rows = []
        for case_id, named in pairs:
            for ref in named:
                entity_id = entity_ids.get(ref)
                if entity_id is None:
                    self._issue(Severity.WARNING, "case-entity", ref,
                                f"case {case_id} names {ref}, which is no known entity; "
                                "not linked")
                    continue
                rows.append(NewRelationship(
                    owner_ref(self.owner, f"link:{case_id}:{entity_id}:related-to"),
                    "related-to", handlings[case_id], source_case_id=case_id,
                    target_entity_id=entity_id, target_stix=ref if "--" in ref else ""))
        return self.tx.knowledge.upsert_relationships(rows, self.now)[0]

    def summary(self) -> list[ImportIssue]:
        """One INFO per capped kind of issue: how many were not listed."""
        return [ImportIssue(Severity.INFO, self.source_name,
                            f"{count - ISSUE_CAP} more issue(s) of kind {kind!r} not listed")
                for kind, count in sorted(self._counts.items()) if count > ISSUE_CAP]

    def _handling(self, tlp: TLP | None, reference: bool) -> Handling:
        """Public reference data is TLP:CLEAR; anything else the import's handling."""
        if reference:
            return reference_handling(self.defaults, tlp)
        return handling_for(self.defaults, tlp)

    def _entity_ids(self, refs: Sequence[str]) -> dict[str, int]:
        """Entity rows by ref: this owner's rows first, else any row with that STIX id."""
        own = self.tx.entities.ids_of([owner_ref(self.owner, r) for r in refs])
        found = {key.partition("|")[2]: ident for key, ident in own.items()}
        missing = [r for r in refs if r not in found and "--" in r]
        found.update(self.tx.entities.by_stix_ids(missing, self.owner))
        return found

    def _landed_cases(self, refs: Sequence[str]) -> dict[str, int]:
        """Cases landed under these refs (our JSON lines' `case:<owner>:<id>`), by ref."""
        wanted = [owner_ref(self.owner, r) for r in refs if r.startswith(CASE_REF)]
        found = self.tx.cases.by_source_refs(wanted) if wanted else {}
        return {key.partition("|")[2]: case.case_id for key, case in found.items()}

    def _end(self, link: ImportedRelationship, ref: str, entity_ids: dict[str, int],
             case_ids: dict[str, int]) -> tuple[int | None, int | None] | None:
        """(entity id, case id) of one end, or None (with a located issue) if unresolved."""
        kind = ref.partition("--")[0]
        if kind in _ENTITY_TYPES and ref in entity_ids:
            return entity_ids[ref], None
        if ref in case_ids:
            return None, case_ids[ref]
        where = link.location or link.ref
        if kind in _ENTITY_TYPES or kind in _CASE_TYPES or ref.startswith(CASE_REF):
            self._issue(Severity.WARNING, "relationship-missing", where,
                        f"{link.type} relationship {link.ref}: {ref} is not in this import "
                        "nor stored; the relationship is kept as given but links nothing")
        else:
            self._issue(Severity.WARNING, "relationship-type", where,
                        f"{link.type} relationship {link.ref}: an end of type {kind!r} is "
                        "neither an entity nor part of a case; kept as given, links nothing")
        return None

    def _issue(self, severity: Severity, kind: str, where: str, message: str) -> None:
        self._counts[kind] += 1
        if self._counts[kind] <= ISSUE_CAP:
            located = where if ":" in where or not self.source_name else \
                f"{self.source_name}:{where}"
            self.issues.append(ImportIssue(severity, located, message))


#: Source object types that land in cases (so a relationship to one links to its case).
_CASE_TYPES = frozenset({"indicator", "observed-data", "report", "grouping"})
