"""Every table module, imported once so `Base.metadata` is complete (Alembic, schema checks).

Each feature keeps its tables in its own module (`tables.py` for the core); add a line
here when you add one.
"""

from __future__ import annotations

from cyberfusion.store import (
    tables,
    tables_bulletins,
    tables_channel,
    tables_communities,
    tables_gateway,
    tables_hits,
    tables_imports,
    tables_incidents,
    tables_knowledge,
    tables_operations,
    tables_reports,
    tables_sources,
)
from cyberfusion.store.tables import Base

MODULES = (tables, tables_imports, tables_channel, tables_hits, tables_knowledge,
           tables_bulletins, tables_incidents, tables_sources, tables_reports, tables_gateway,
           tables_operations, tables_communities)

__all__ = ["MODULES", "Base"]
