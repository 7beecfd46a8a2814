"""CSV export: one row per observable occurrence, cells guarded against spreadsheet formulas.

A cell a spreadsheet would evaluate (starting with =, +, -, @, tab or carriage return) gets
a leading apostrophe (OWASP "CSV injection"); the import side strips it again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from cyberfusion.domain.model import Case
from cyberfusion.formats.base import ExportContext, Exporter, register_exporter
from cyberfusion.formats.csv_codec import FORMULA_STARTS

EXPORT_COLUMNS = ("case_id", "owner", "title", "crime_type", "tlp", "countries", "type",
                  "value", "role", "comment")
_CHUNK = 64 * 1024


def guard(cell: str) -> str:
    """Prefix `'` to text a spreadsheet would evaluate as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


@register_exporter
class CsvExporter(Exporter):
    """One row per observable occurrence (a case without observables gets one row)."""

    name = "csv"
    media_type = "text/csv"
    extension = "csv"

    def export(self, cases: Iterable[Case], context: ExportContext) -> Iterator[bytes]:
        """Yield the CSV document in chunks of about 64 kB."""
        del context
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        for case in cases:
            head = [str(case.id), case.owner_org_id, case.title, case.crime_type.value,
                    case.handling.tlp.label, ";".join(case.countries)]
            for occ in case.occurrences or (None,):
                tail = [occ.type, occ.value, occ.role, occ.comment] if occ else ["", "", "", ""]
                writer.writerow([guard(cell) for cell in head + tail])
            if buffer.tell() >= _CHUNK:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")
