"""Observable values (one row per key) and their occurrences in cases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import String, bindparam, delete, select
from sqlalchemy.orm import Session

from cyberfusion.domain.model import Occurrence
from cyberfusion.store.bulk import insert_rows, table_of
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.correlation import in_pages, json_table
from cyberfusion.store.tables import ObservableRow, OccurrenceRow

_CHUNK = 500
_OBSERVABLES = table_of(ObservableRow)
_OCCURRENCES = table_of(OccurrenceRow)
_ID_QUERIES: dict[bool, Any] = {}


def _ids_query(is_sqlite: bool) -> Any:
    """key, id of the observables whose keys are in the JSON array parameter `keys`."""
    if is_sqlite not in _ID_QUERIES:
        asked = json_table(is_sqlite, bindparam("keys", type_=String()), "asked")
        _ID_QUERIES[is_sqlite] = (select(ObservableRow.key, ObservableRow.id).select_from(asked)
                                  .join(ObservableRow, ObservableRow.key == asked.c.value))
    return _ID_QUERIES[is_sqlite]


class ObservableRepo(Repo):
    """Reads and writes observables and occurrences."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        #: Warning-list names per key, set by the service before a write (see services.flags).
        self.flags: dict[str, str] = {}

    def ensure(self, values: Iterable[Occurrence]) -> dict[str, int]:
        """Insert the values not yet known (by key) and return key -> observable id."""
        unique = {v.key: v for v in values}
        if not unique:
            return {}
        known = self.ids_for(list(unique))
        flags = self.flags
        insert_rows(self.session, _OBSERVABLES, ("type", "value", "key", "warninglists"),
                    [(v.type, v.value, k, flags.get(k, "")) for k, v in unique.items()
                     if k not in known], conflict=("key",))
        if len(known) < len(unique):
            known.update(self.ids_for([k for k in unique if k not in known]))
        return known

    def ids_for(self, keys: Sequence[str]) -> dict[str, int]:
        """key -> id for the known keys among `keys` (one statement per page of keys)."""
        found: dict[str, int] = {}
        query = _ids_query(self._dialect() == "sqlite")
        for page in in_pages(self.session, query, "keys", keys):
            found.update((str(k), int(i)) for k, i in page)
        return found

    def set_case_occurrences(self, case_id: int, occurrences: Sequence[Occurrence]) -> None:
        """Replace the occurrences of a case (one per value; the first role wins)."""
        self.session.execute(delete(OccurrenceRow).where(OccurrenceRow.case_id == case_id))
        self.add_occurrences([(case_id, occ) for occ in occurrences])

    def add_occurrences(self, pairs: Sequence[tuple[int, Occurrence]]) -> int:
        """Insert (case id, occurrence) pairs in bulk; duplicates within a case are dropped."""
        ids = self.ensure(occ for _, occ in pairs)
        rows: dict[tuple[int, int], tuple[int, int, str, str]] = {}
        for case_id, occ in pairs:
            ident = (case_id, ids[occ.key])
            if ident not in rows:
                rows[ident] = (case_id, ident[1], occ.role, occ.comment)
        return insert_rows(self.session, _OCCURRENCES,
                           ("case_id", "observable_id", "role", "comment"), rows.values())

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
