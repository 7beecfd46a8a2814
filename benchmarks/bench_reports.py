"""Building a cyber activity report over 100,000 cases for 20 recipients, to HTML and to PDF.

Run: .venv/bin/python benchmarks/bench_reports.py [--cases 100000] [--recipients 20]
     [--data-dir DIR]

The demo world (seed 2026) is seeded once into DIR (default: a folder under /tmp named by
the case count; a later run reuses it). The report covers the whole demo period and every
region, for the first `--recipients` public-sector organisations (NCBs first), written by
`hub.analyst`: every case is checked against the author's and each recipient's access in
one SQL statement.

Measured in the same run:
* floor: counting the cases in scope with no access decision at all (one scan);
* one recipient: the same report for the first recipient only, to HTML;
* the report for all recipients: the document (SQL and assembly), HTML, and PDF (the hub's
  copy with every country's annex, and one recipient's copy as it is sent).
The machine's load average is printed with the table: other work on the cores slows all
rows alike.
Goals (issue 13): under 10 s to HTML, under 20 s to PDF, on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from cyberfusion.config import Settings
from cyberfusion.demo import generate_world
from cyberfusion.domain.model import OrgKind, Principal
from cyberfusion.domain.reports import ReportFormat, ReportSpec, Scope
from cyberfusion.formats import report_doc, report_html, report_pdf
from cyberfusion.services import auth, reports
from cyberfusion.services.context import Context, build_context
from cyberfusion.services.seed import seed_demo
from cyberfusion.store import schema
from cyberfusion.store.tables import CaseRow


def context(data_dir: Path, cases: int) -> Context:
    """The seeded demo world in `data_dir` (seeded now if it is empty)."""
    ctx = build_context(Settings(data_dir=data_dir, warninglists=False, import_workers=0),
                        fast_hashing=True)
    schema.upgrade(ctx.db)
    with ctx.db.read() as tx:
        seeded = bool(tx.orgs.all())
    if not seeded:
        started = time.perf_counter()
        print(f"seeding {cases:,} demo cases into {data_dir} (once) ...", flush=True)
        seed_demo(ctx, generate_world(cases=cases, today=ctx.now().date()))
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return ctx


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    """What `work` returns and how long it took, in seconds."""
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--recipients", type=int, default=20)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    default = Path(tempfile.gettempdir()) / f"cyberfusion-bench-reports-{args.cases}"
    data_dir = args.data_dir or default
    ctx = context(data_dir, args.cases)
    with ctx.db.read() as tx:
        user = tx.users.by_username("hub.analyst")
        assert user is not None
        author: Principal = auth.principal_for(tx, user)
        members = [o for o in tx.orgs.all() if o.kind is not OrgKind.HUB
                   and o.kind is not OrgKind.PARTNER]
        total = int(tx.session.scalar(select(func.count(CaseRow.id))) or 0)
    members.sort(key=lambda o: (o.kind is not OrgKind.NCB, o.id))
    recipients = tuple(o.id for o in members[:args.recipients])
    today = ctx.now().date()
    spec = ReportSpec("Cyber activity, all regions", Scope(today - timedelta(days=3 * 365),
                                                           today), recipients, today,
                      "Benchmark assessment.", "Patch exposed services.")
    _, floor = timed(lambda: _floor(ctx))
    one = ReportSpec(spec.title, spec.scope, recipients[:1], today)
    _, single = timed(lambda: report_html.page(reports.preview(ctx, author, one)))
    doc, build = timed(lambda: reports.preview(ctx, author, spec))
    _, html = timed(lambda: report_html.page(doc))
    _, pdf = timed(lambda: report_pdf.render(doc))
    copy = report_doc.for_recipient(doc, recipients[0])
    _, copy_pdf = timed(lambda: report_pdf.render(copy))
    _, cli_html = timed(lambda: reports.build(ctx, author, spec, ReportFormat.HTML))
    figures = doc["key_figures"]
    print(f"\n{total:,} cases; report for {len(recipients)} recipients: {figures['cases']:,} "
          f"included, {figures['withheld']:,} withheld, {figures['networks']} networks, "
          f"TLP {doc['tlp']}\n")
    rows = [("floor: count cases in scope, no access decision", floor, ""),
            ("1 recipient: document + HTML", single, ""),
            (f"{len(recipients)} recipients: document (SQL + assembly)", build, ""),
            (f"{len(recipients)} recipients: to HTML (document + page)", build + html, "< 10 s"),
            (f"{len(recipients)} recipients: to PDF, hub copy (all annexes)", build + pdf,
             "< 20 s"),
            (f"{len(recipients)} recipients: to PDF, one recipient's copy", build + copy_pdf,
             "< 20 s"),
            (f"{len(recipients)} recipients: `report build --format html` path", cli_html,
             "< 10 s")]
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'measure':<60} {'seconds':>8}  goal")
    for name, seconds, goal in rows:
        print(f"{name:<60} {seconds:>8.2f}  {goal}")
    ctx.db.dispose()


def _floor(ctx: Context) -> int:
    with ctx.db.read() as tx:
        return int(tx.session.scalar(select(func.count(CaseRow.id)).where(
            CaseRow.revoked.is_(False))) or 0)


if __name__ == "__main__":
    main()
