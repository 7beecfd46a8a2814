"""Incidents and their checklists; lists filter with the SQL form of `decide()`.

`get()` returns an incident whatever the reader (the service asks `decide()`); `page()` and
`wallets()` only ever see rows where `full_clause` holds. `pool_families()` reads what the
pool knows of ransomware families for one reader: member-made family entities with their
aliases, and the observables of readable cases linked to a readable family.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select, update

from cyberfusion.domain.handling import Handling
from cyberfusion.domain.incidents import (
    AnswerRef,
    ChecklistStep,
    Incident,
    IncidentDraft,
    IncidentFilter,
    IncidentObservable,
    TimelineEntry,
    VictimSize,
)
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import CrimeType, Organisation
from cyberfusion.domain.ransomware import FamilyClues
from cyberfusion.store.access_sql import full_clause
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.handlings import HandlingRepo
from cyberfusion.store.repositories.knowledge import canon, case_end, readable
from cyberfusion.store.tables import (
    CaseRow,
    EntityRow,
    HandlingRow,
    ObservableRow,
    OccurrenceRow,
    UserRow,
)
from cyberfusion.store.tables_incidents import IncidentRequestRow, IncidentRow, IncidentStepRow
from cyberfusion.store.tables_knowledge import RelationshipRow as R

#: Observable types that name a family's contact or payment channel.
ADDRESS_TYPES = ("email", "domain", "url", "btc_wallet", "eth_wallet", "xmr_wallet", "username")


class IncidentRepo(Repo):
    """Reads and writes incidents and their checklist steps."""

    def __init__(self, session: Any, handlings: HandlingRepo) -> None:
        super().__init__(session)
        self.handlings = handlings

    def add(self, owner_org_id: str, draft: IncidentDraft, family: str, steps: Sequence[str],
            user_id: int | None, now: datetime) -> int:
        """Store an incident under a new handling record with its checklist; return its id."""
        handling_id = self.handlings.add(owner_org_id, draft.handling)
        row = self._added(IncidentRow(
            handling_id=handling_id, title=draft.title, incident_type=draft.incident_type.value,
            country=draft.country, victim_sector=draft.victim_sector,
            victim_size=draft.victim_size.value if draft.victim_size else "",
            summary=draft.summary, note_text=draft.note_text,
            note_file_name=draft.note_file_name, extension=draft.extension,
            ransom_amount="" if draft.ransom_amount is None else str(draft.ransom_amount),
            currency=draft.currency, wallet=draft.wallet, family=family,
            infrastructure_countries=",".join(draft.infrastructure_countries),
            assistance=draft.assistance,
            timeline=[{"at": t.at.isoformat(), "text": t.text} for t in draft.timeline],
            observables=[{"type": o.type, "value": o.value, "key": o.key, "role": o.role}
                         for o in draft.observables],
            answers=[], created_at=now, created_by=user_id))
        for position, text in enumerate(steps, start=1):
            self.session.add(IncidentStepRow(incident_id=row.id, position=position, text=text,
                                             done_by_name="", done_by_org=""))
        self.session.flush()
        return int(row.id)

    def set_response(self, incident_id: int, answers: Sequence[AnswerRef],
                     thread_id: int | None) -> None:
        """Keep the hits answered at creation and the assistance thread."""
        self.session.execute(update(IncidentRow).where(IncidentRow.id == incident_id).values(
            answers=[_answer_json(a) for a in answers],
            thread_id=thread_id))

    def tick(self, incident_id: int, position: int, user_id: int | None, name: str,
             org_id: str, now: datetime) -> bool:
        """Tick one step if it is not ticked yet; False when it was."""
        result = self.session.execute(update(IncidentStepRow).where(
            IncidentStepRow.incident_id == incident_id, IncidentStepRow.position == position,
            IncidentStepRow.done_at.is_(None)).values(
            done_at=now, done_by=user_id, done_by_name=name, done_by_org=org_id))
        return bool(getattr(result, "rowcount", 0))

    def add_request(self, incident_id: int, thread_id: int, kind: str, target: str,
                    deadline: datetime | None) -> None:
        """Remember a channel request made from the incident."""
        self.session.add(IncidentRequestRow(incident_id=incident_id, thread_id=thread_id,
                                            kind=kind, target=target, deadline=deadline))
        self.session.flush()

    def requests(self, incident_id: int) -> list[tuple[int, str, str, datetime | None]]:
        """(thread, kind, target, deadline) of the requests made from the incident."""
        query = (select(IncidentRequestRow.thread_id, IncidentRequestRow.kind,
                        IncidentRequestRow.target, IncidentRequestRow.deadline)
                 .where(IncidentRequestRow.incident_id == incident_id)
                 .order_by(IncidentRequestRow.thread_id))
        return [(int(t), k, g, d) for t, k, g, d in self.session.execute(query)]

    def get(self, incident_id: int) -> Incident | None:
        """The incident, whatever the caller may see (services decide)."""
        row = self.session.get(IncidentRow, incident_id)
        return self._incidents([row])[0] if row is not None else None

    def visible(self, org: Organisation, now: datetime, flt: IncidentFilter) -> Select[Any]:
        """The incidents `org` may read in full, narrowed by `flt`."""
        query = (select(IncidentRow).join(HandlingRow, HandlingRow.id == IncidentRow.handling_id)
                 .where(full_clause(org, now)))
        if flt.incident_type is not None:
            query = query.where(IncidentRow.incident_type == flt.incident_type.value)
        if flt.country:
            query = query.where(IncidentRow.country == flt.country.upper())
        if flt.wallet:
            query = query.where(IncidentRow.wallet == flt.wallet)
        if flt.family:
            query = query.where(func.lower(IncidentRow.family) == flt.family.casefold())
        return query

    def page(self, org: Organisation, now: datetime, flt: IncidentFilter, offset: int,
             limit: int) -> tuple[list[Incident], int]:
        """A page of readable incidents, newest first, and their total."""
        query = self.visible(org, now, flt)
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = list(self.session.scalars(query.order_by(IncidentRow.id.desc())
                                         .offset(offset).limit(limit)))
        return self._incidents(rows), total

    def wallets(self, org: Organisation, now: datetime
                ) -> tuple[list[tuple[str, str, str, str, int]], set[str]]:
        """(wallet, currency, family, country, incident id) of every readable incident that
        names a wallet or a family, and the TLP levels of those incidents."""
        query = (self.visible(org, now, IncidentFilter())
                 .where(or_(IncidentRow.wallet != "", IncidentRow.family != ""))
                 .with_only_columns(IncidentRow.wallet, IncidentRow.currency,
                                    IncidentRow.family, IncidentRow.country, IncidentRow.id,
                                    HandlingRow.tlp)
                 .order_by(IncidentRow.id))
        rows = list(self.session.execute(query))
        return ([(w, c, f, k, int(i)) for w, c, f, k, i, _ in rows], {r[5] for r in rows})

    def pool_families(self, org: Organisation, now: datetime) -> list[FamilyClues]:
        """Ransomware families as `org` may read them in the pool: names, aliases, and the
        contact and payment addresses of readable cases linked to them."""
        rows = list(self.session.scalars(select(EntityRow).where(
            EntityRow.kind == EntityKind.RANSOMWARE.value, EntityRow.revoked.is_(False),
            EntityRow.source != "misp-galaxy", readable(EntityRow.handling_id, org, now))))
        found = {canon_of(r): FamilyClues(r.name, _split(r.aliases), source="pool")
                 for r in rows}
        query = (select(canon(), EntityRow.name, ObservableRow.value)
                 .join(R, or_(R.source_entity_id == EntityRow.id,
                              R.target_entity_id == EntityRow.id))
                 .join(CaseRow, CaseRow.id == case_end())
                 .join(OccurrenceRow, OccurrenceRow.case_id == CaseRow.id)
                 .join(ObservableRow, ObservableRow.id == OccurrenceRow.observable_id)
                 .where(EntityRow.kind == EntityKind.RANSOMWARE.value,
                        EntityRow.revoked.is_(False), R.revoked.is_(False),
                        CaseRow.revoked.is_(False), ObservableRow.type.in_(ADDRESS_TYPES),
                        readable(EntityRow.handling_id, org, now),
                        readable(R.handling_id, org, now),
                        readable(CaseRow.handling_id, org, now)).distinct().limit(50_000))
        values: dict[int, tuple[str, list[str]]] = {}
        for group, name, value in self.session.execute(query):
            values.setdefault(int(group), (name, []))[1].append(value)
        for group, (name, addresses) in values.items():
            known = found.get(group, FamilyClues(name, source="pool"))
            found[group] = FamilyClues(known.family, known.aliases,
                                       addresses=tuple(sorted(addresses)), source="pool")
        return list(found.values())

    def _incidents(self, rows: Sequence[IncidentRow]) -> list[Incident]:
        governed = self.handlings.get_many(r.handling_id for r in rows)
        steps = self._steps([r.id for r in rows])
        users = self._user_names({r.created_by for r in rows if r.created_by})
        return [_incident(r, governed[r.handling_id].handling, governed[r.handling_id]
                          .owner_org_id, steps.get(r.id, ()), users.get(r.created_by or 0, ""))
                for r in rows]

    def _steps(self, ids: Sequence[int]) -> dict[int, tuple[ChecklistStep, ...]]:
        found: dict[int, list[ChecklistStep]] = {}
        query = (select(IncidentStepRow).where(IncidentStepRow.incident_id.in_(list(ids)))
                 .order_by(IncidentStepRow.incident_id, IncidentStepRow.position))
        for s in self.session.scalars(query):
            found.setdefault(s.incident_id, []).append(ChecklistStep(
                s.position, s.text, s.done_at, s.done_by_name, s.done_by_org))
        return {k: tuple(v) for k, v in found.items()}

    def _user_names(self, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        query = select(UserRow.id, UserRow.username).where(UserRow.id.in_(sorted(ids)))
        return {int(i): str(n) for i, n in self.session.execute(query)}


def canon_of(row: EntityRow) -> int:
    """An entity row's group."""
    return int(row.canonical_id or row.id)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(s for s in (text or "").split("\n") if s.strip())


def _answer_json(answer: AnswerRef) -> dict[str, Any]:
    return {"value": answer.value, "type": answer.type, "case_id": answer.case_id,
            "owner_org_id": answer.owner_org_id, "reference": answer.reference,
            "title": answer.title}


def _incident(row: IncidentRow, handling: Handling, owner: str,
              steps: tuple[ChecklistStep, ...], created_by: str) -> Incident:
    draft = IncidentDraft(
        title=row.title, incident_type=CrimeType(row.incident_type), country=row.country,
        handling=handling, victim_sector=row.victim_sector,
        victim_size=VictimSize(row.victim_size) if row.victim_size else None,
        summary=row.summary,
        timeline=tuple(TimelineEntry(datetime.fromisoformat(t["at"]), t["text"])
                       for t in row.timeline or []),
        observables=tuple(IncidentObservable(o["type"], o["value"], o["key"], o.get("role", ""))
                          for o in row.observables or []),
        note_text=row.note_text, note_file_name=row.note_file_name, extension=row.extension,
        ransom_amount=Decimal(row.ransom_amount) if row.ransom_amount else None,
        currency=row.currency, wallet=row.wallet,
        infrastructure_countries=tuple(c for c in row.infrastructure_countries.split(",") if c),
        assistance=row.assistance)
    answers = tuple(AnswerRef(str(a["value"]), str(a["type"]),
                              int(a["case_id"]) if a.get("case_id") is not None else None,
                              str(a.get("owner_org_id") or ""), str(a.get("reference") or ""),
                              str(a.get("title") or "")) for a in row.answers or [])
    return Incident(row.id, owner, row.handling_id, handling, draft, row.family,
                    row.created_at, created_by, row.thread_id, steps, answers)
