"""The dashboard's monthly series as tables for the page: one row per key, one column per
month, zeros where nothing was counted."""

from __future__ import annotations

from dataclasses import dataclass

from cyberfusion.domain.dashboard import Dashboard, SeriesPoint


@dataclass(frozen=True, slots=True)
class FigureTable:
    """A pivoted series: keys down, months across, totals at the end of each row."""

    months: list[str]
    rows: list[tuple[str, list[int], int]]


def pivot(points: list[SeriesPoint], months: list[str]) -> FigureTable:
    """Rows of counts per key across `months` (keys in name order)."""
    cells: dict[str, dict[str, int]] = {}
    for p in points:
        cells.setdefault(p.key, {})[p.month] = p.count
    rows = [(key, [cells[key].get(m, 0) for m in months], sum(cells[key].values()))
            for key in sorted(cells)]
    return FigureTable(months, rows)


def figure_tables(board: Dashboard) -> dict[str, FigureTable]:
    """The three monthly series of the dashboard as tables."""
    return {"crime": pivot(board.cases_by_crime_type, board.months),
            "region": pivot(board.cases_by_region, board.months),
            "hits": pivot(board.hits, board.months)}
