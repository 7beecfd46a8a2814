"""Presenter of the dashboard: the same figures for the page's data, the API and the CLI."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.dashboard import Dashboard, ResponseTimes, SeriesPoint


class SeriesPointDoc(TypedDict):
    """A monthly count."""

    month: str
    key: str
    count: int


class ResponseTimesDoc(TypedDict):
    """How many answers, and the median and p90 seconds to answer."""

    count: int
    median_seconds: float | None
    p90_seconds: float | None


class DashboardDoc(TypedDict):
    """The dashboard figures, each over what the caller may read."""

    cases: int
    own_cases: int
    by_crime_type: dict[str, int]
    occurrences: int
    since: str
    months: list[str]
    cases_by_crime_type: list[SeriesPointDoc]
    cases_by_region: list[SeriesPointDoc]
    hits: list[SeriesPointDoc]
    disclosure_response: ResponseTimesDoc
    request_response: ResponseTimesDoc


def _series(points: list[SeriesPoint]) -> list[SeriesPointDoc]:
    """Monthly counts as {month, key, count}."""
    return [{"month": p.month, "key": p.key, "count": p.count} for p in points]


def _times(times: ResponseTimes) -> ResponseTimesDoc:
    """How many answers, and the median and p90 seconds to answer."""
    return {"count": times.count, "median_seconds": times.median_seconds,
            "p90_seconds": times.p90_seconds}


def dashboard_json(board: Dashboard) -> DashboardDoc:
    """The dashboard figures, each over what the caller may read."""
    return {
        "cases": board.cases, "own_cases": board.own_cases,
        "by_crime_type": board.by_crime_type, "occurrences": board.occurrences,
        "since": board.since.isoformat(), "months": board.months,
        "cases_by_crime_type": _series(board.cases_by_crime_type),
        "cases_by_region": _series(board.cases_by_region),
        "hits": _series(board.hits),
        "disclosure_response": _times(board.disclosure_times),
        "request_response": _times(board.request_times),
    }
