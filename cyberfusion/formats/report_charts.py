"""Charts of a cyber activity report, drawn with matplotlib (Agg) as PNG bytes: the trend of
cases per crime type by month, and cases per victim country."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

_FONT: dict[Any, Any] = {"font.family": "DejaVu Sans", "font.size": 8}


@dataclass(frozen=True, slots=True)
class Series:
    """One plotted line or bar set: its label, x labels and values (what a chart shows)."""

    label: str
    x: tuple[str, ...]
    y: tuple[int, ...]


def trend_series(doc: dict[str, Any]) -> list[Series]:
    """Cases per month for each crime type, over every month of the trend."""
    months = sorted({t["month"] for t in doc["trend"]})
    by_type: dict[str, dict[str, int]] = defaultdict(dict)
    for point in doc["trend"]:
        by_type[point["crime_type"]][point["month"]] = point["cases"]
    return [Series(ct, tuple(months), tuple(by_type[ct].get(m, 0) for m in months))
            for ct in sorted(by_type)]


def country_series(doc: dict[str, Any], limit: int = 15) -> list[Series]:
    """Cases per victim country, largest first."""
    rows = doc["victim_countries"][:limit]
    if not rows:
        return []
    return [Series("cases", tuple(r["name"] for r in rows), tuple(r["cases"] for r in rows))]


def trend_png(doc: dict[str, Any]) -> bytes | None:
    """The trend chart, or None when there is nothing to plot."""
    series = trend_series(doc)
    if not series:
        return None
    with plt.rc_context(_FONT):
        fig, ax = plt.subplots(figsize=(7, 3), dpi=110)
        for s in series:
            ax.plot(range(len(s.x)), s.y, marker="o", linewidth=1.5, label=s.label)
        labels = series[0].x
        step = max(1, len(labels) // 12)
        ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, ha="right")
        ax.set_ylabel("cases")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper left", fontsize=7, ncols=3)
        return _png(fig)


def country_png(doc: dict[str, Any]) -> bytes | None:
    """The victim-country bar chart, or None when there is nothing to plot."""
    series = country_series(doc)
    if not series:
        return None
    with plt.rc_context(_FONT):
        fig, ax = plt.subplots(figsize=(7, 2.6), dpi=110)
        ax.bar(series[0].x, series[0].y, color="#1f5f8b",
               width=min(0.8, 0.1 * len(series[0].x)))
        ax.set_ylabel("cases")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        return _png(fig)


def _png(fig: Any) -> bytes:
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()
