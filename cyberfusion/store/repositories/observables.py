"""Observable values (one row per key) and their occurrences in cases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cyberfusion.domain.model import Occurrence
from cyberfusion.store.tables import ObservableRow, OccurrenceRow

_CHUNK = 500


class ObservableRepo:
    """Reads and writes observables and occurrences."""

    def __init__(self, session: Session) -> None:
        self.session = session
        #: Warning-list names per key, set by the service before a write (see services.flags).
        self.flags: dict[str, str] = {}

    def ensure(self, values: Iterable[Occurrence]) -> dict[str, int]:
        """Insert the values not yet known (by key) and return key -> observable id."""
        unique = {v.key: v for v in values}
        if not unique:
            return {}
        rows = [{"type": v.type, "value": v.value, "key": k, "warninglists": self.flags.get(k, "")}
                for k, v in unique.items()]
        insert_fn = sqlite_insert if self._dialect() == "sqlite" else pg_insert
        for start in range(0, len(rows), _CHUNK):
            stmt = (insert_fn(ObservableRow).on_conflict_do_nothing(index_elements=["key"])
                    .returning(ObservableRow.id))
            self.session.execute(stmt, rows[start : start + _CHUNK]).all()
        return self.ids_for(list(unique))

    def ids_for(self, keys: Sequence[str]) -> dict[str, int]:
        """key -> id for the known keys among `keys`."""
        found: dict[str, int] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            query = select(ObservableRow.key, ObservableRow.id).where(ObservableRow.key.in_(chunk))
            found.update(dict(self.session.execute(query).all()))
        return found

    def set_case_occurrences(self, case_id: int, occurrences: Sequence[Occurrence]) -> None:
        """Replace the occurrences of a case (one per value; the first role wins)."""
        self.session.execute(delete(OccurrenceRow).where(OccurrenceRow.case_id == case_id))
        self.add_occurrences([(case_id, occ) for occ in occurrences])

    def add_occurrences(self, pairs: Sequence[tuple[int, Occurrence]]) -> int:
        """Insert (case id, occurrence) pairs in bulk; duplicates within a case are dropped."""
        ids = self.ensure(occ for _, occ in pairs)
        seen: set[tuple[int, int]] = set()
        rows = []
        for case_id, occ in pairs:
            ident = (case_id, ids[occ.key])
            if ident in seen:
                continue
            seen.add(ident)
            rows.append(
                {"case_id": case_id, "observable_id": ident[1], "role": occ.role,
                 "comment": occ.comment}
            )
        stmt = insert(OccurrenceRow).returning(OccurrenceRow.id)
        for start in range(0, len(rows), _CHUNK * 4):
            self.session.execute(stmt, rows[start : start + _CHUNK * 4]).all()
        return len(rows)

    def warninglists_of(self, keys: Sequence[str]) -> dict[str, str]:
        """Warning-list names stored for each flagged key among `keys`."""
        found: dict[str, str] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            query = select(ObservableRow.key, ObservableRow.warninglists).where(
                ObservableRow.key.in_(chunk), ObservableRow.warninglists != "")
            found.update(dict(self.session.execute(query).all()))
        return found

    def of_cases(self, case_ids: Sequence[int]) -> dict[int, list[Occurrence]]:
        """Occurrences per case, in insertion order."""
        result: dict[int, list[Occurrence]] = {c: [] for c in case_ids}
        if not case_ids:
            return result
        query = (
            select(OccurrenceRow, ObservableRow)
            .join(ObservableRow, ObservableRow.id == OccurrenceRow.observable_id)
            .where(OccurrenceRow.case_id.in_(list(case_ids)))
            .order_by(OccurrenceRow.id)
        )
        for occ, obs in self.session.execute(query):
            result[occ.case_id].append(
                Occurrence(obs.type, obs.value, obs.key, occ.role, occ.comment, obs.warninglists)
            )
        return result

    def _dialect(self) -> str:
        bind = self.session.get_bind()
        return bind.dialect.name
