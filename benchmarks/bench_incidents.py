"""Incident creation to urgent request sent: how long `incidents.report()` takes.

Run: .venv/bin/python benchmarks/bench_incidents.py [--runs 10] [--cases 500]
     [--database-url postgresql+psycopg://…/empty_db]

A demo world (`--cases` cases with the planted networks) is seeded into a fresh SQLite
database (or the empty database `--database-url` names). A unit of a country without
planted ransomware cases then reports `--runs` ransomware incidents carrying the planted
network's wallets and C2 servers and a ransom note: each report stores the incident and its
checklist, identifies the family, matches the values (recording the hits), and sends the
signed urgent request to the hub and the NCBs of the countries hit. The galaxy index is
built before the first run (start-up). The target (issue 15) is under 1 s; this prints the
figures beside the time of one plain `lookup` of the same values, it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from cyberfusion.config import Settings
from cyberfusion.demo import generate_world
from cyberfusion.demo.networks import PLANTED_CASES, RANSOMWARE
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.incidents import IncidentDraft, IncidentObservable
from cyberfusion.domain.model import CrimeType, OrgKind
from cyberfusion.domain.observables import ObservableType
from cyberfusion.services import auth, channel, incidents, lookups, ransomware
from cyberfusion.services.context import build_context
from cyberfusion.services.seed import seed_demo
from cyberfusion.store import schema

TARGET_S = 1.0
NOTE = ("All your important files are encrypted! To get the decryption key contact us: "
        "lockbit_decrypt@onionmail.org. Restore-My-Files.txt")


def main() -> None:
    """Seed, warm, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), warninglists=False, import_workers=0,
                            sweep_interval_seconds=0,
                            **({"database_url": args.database_url} if args.database_url
                               else {}))
        ctx = build_context(settings, fast_hashing=True)
        schema.upgrade(ctx.db)
        world = generate_world(cases=max(args.cases, PLANTED_CASES + 10),
                               today=ctx.now().date())
        seed_demo(ctx, world)
        held = {world.cases[i].owner_org_id for i in world.truth[RANSOMWARE]}
        hit = {o.country for o in world.orgs if o.id in held}
        unit = next(o for o in world.orgs if o.kind is OrgKind.UNIT and o.country not in hit)
        me = auth.acting_as(ctx, next(u.username for u in world.users if u.org_id == unit.id
                                      and u.username.endswith(".analyst")))
        shared = sorted({(o.type, o.value, o.key, o.role) for i in world.truth[RANSOMWARE]
                         for o in world.cases[i].draft.occurrences
                         if o.role in ("ransom wallet", "C2 server")})
        handling = Handling(TLP.AMBER, frozenset({"members"}),
                            ctx.now().date() + timedelta(days=400))
        draft = IncidentDraft("Ransomware at a hospital", CrimeType.RANSOMWARE,
                              unit.country or "", handling, note_text=NOTE,
                              extension=".lockbit",
                              observables=tuple(IncidentObservable(*o) for o in shared))
        start = time.perf_counter()
        ransomware.galaxy_index()
        warm = time.perf_counter() - start
        times, lookup_times, addressees = [], [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            view = incidents.report(ctx, me, draft)
            times.append(time.perf_counter() - start)
            addressees = len(channel.get_thread(ctx, me, view.incident.thread_id or 0)
                             .thread.addressees)
            start = time.perf_counter()
            lookups.lookup(ctx, me, [(ObservableType(o[0]), o[1]) for o in shared])
            lookup_times.append(time.perf_counter() - start)
        ctx.db.dispose()
    print(f"{len(world.cases)} cases, {len(shared)} values per incident, "
          f"{len(view.answers)} hits, urgent request #{view.incident.thread_id} to "
          f"{addressees} organisations; galaxy index built in {warm:.2f} s at start-up\n")
    print(f"{'step':<34} {'median':>8} {'max':>8}")
    print(f"{'report() incl. urgent request':<34} {statistics.median(times):>7.3f}s "
          f"{max(times):>7.3f}s   (target < {TARGET_S:.0f} s: "
          f"{'met' if max(times) < TARGET_S else 'NOT met'})")
    print(f"{'lookup() of the same values':<34} {statistics.median(lookup_times):>7.3f}s "
          f"{max(lookup_times):>7.3f}s")


if __name__ == "__main__":
    main()
