"""MISP feed out: the feed folder writer and the feed URL over loopback HTTP (manifest.json,
hashes.csv, then every <uuid>.json as MISP's feed fetcher asks for them) for a reader who
may read every case and a partner who may read 10%, with PyMISP loading the same events
from the folder (the floor: what a consumer spends on parsing alone) in the same run.

Run: .venv/bin/python benchmarks/bench_misp_feed.py [--cases N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import requests
from pymisp import MISPEvent

sys.path.insert(0, str(Path(__file__).parent))
from bench_taxii import NOW, ORGS, partner_agreement, serving

from cyberfusion.config import Settings
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.model import CaseDraft, CaseFilter, CrimeType, Occurrence, Role
from cyberfusion.domain.observables import normalise
from cyberfusion.services import auth, misp_feed, orgs
from cyberfusion.services.context import Context, build_context
from cyberfusion.store import schema
from cyberfusion.web.app import create_app


def world(folder: Path, count: int) -> tuple[Context, dict[str, str]]:
    """`count` cases of fr-cyber with three observables each, 10% released to the partner."""
    settings = Settings(database_url=f"sqlite:///{folder / 'bench.db'}", data_dir=folder,
                        warninglists=False, import_workers=0)
    ctx = build_context(settings, fast_hashing=True)
    schema.upgrade(ctx.db)
    tokens = {}
    for org in ORGS:
        orgs.create_org(ctx, None, org)
        user = orgs.create_user(ctx, None, f"{org.id}.reader", org.id,
                                frozenset({Role.READER}), "bench-password-1")
        with ctx.db.read() as tx:
            tokens[org.id] = auth.issue_token(ctx, auth.principal_for(tx, user), "bench",
                                              frozenset({"read"})).secret
    review = NOW.date() + timedelta(days=365)
    with ctx.db.write() as tx:
        tx.agreements.add(partner_agreement("acme", NOW.date()), NOW)
        for start in range(0, count, 2000):
            for i in range(start, min(count, start + 2000)):
                handling = Handling(TLP.GREEN, frozenset({"members"}), review,
                                    partners=frozenset({"acme"}) if i % 10 == 0
                                    else frozenset())
                values = [normalise("ipv4", f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"),
                          normalise("domain", f"host{i}.example.com"),
                          normalise("md5", f"{i:032x}")]
                occ = tuple(Occurrence(v.type.value, v.value, v.key, "seen") for v in values)
                tx.cases.add("fr-cyber", CaseDraft(f"Case {i}", CrimeType.PHISHING, "summary",
                                                   handling, occurrences=occ), None, NOW)
    return ctx, tokens


def fetch(base: str, token: str) -> tuple[int, float]:
    """Events fetched and seconds: manifest, hashes, then every event."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    manifest = session.get(f"{base}/api/v1/export/misp-feed/manifest.json", timeout=600).json()
    session.get(f"{base}/api/v1/export/misp-feed/hashes.csv", timeout=600).raise_for_status()
    for uid in manifest:
        session.get(f"{base}/api/v1/export/misp-feed/{uid}.json",
                    timeout=600).raise_for_status()
    return len(manifest), time.perf_counter() - started


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ctx, tokens = world(Path(tmp), args.cases)
        with ctx.db.read() as tx:
            reader = auth.principal_for(tx, tx.users.by_username("de-cyber.reader"))
        out = Path(tmp) / "feed"
        started = time.perf_counter()
        written = misp_feed.write_folder(ctx, reader, CaseFilter(), out)
        rows.append(("folder writer", "reads all", written, time.perf_counter() - started))
        with serving(create_app(ctx), 18_777) as base:
            for who, label in (("de-cyber", "reads all"), ("acme", "reads 10%")):
                seen, took = fetch(base, tokens[who])
                rows.append(("feed URL, every file", label, seen, took))
        started = time.perf_counter()
        files = [p for p in out.glob("*.json") if p.name != "manifest.json"]
        for path in files:
            MISPEvent().load_file(str(path))
        rows.append(("PyMISP load (floor)", "reads all", len(files),
                     time.perf_counter() - started))
        ctx.db.dispose()
    print(f"{'what':<22} {'reader':<10} {'events':>7} {'seconds':>8} {'events/s':>9}")
    for what, label, seen, took in rows:
        print(f"{what:<22} {label:<10} {seen:>7} {took:>8.2f} {seen / took:>9.0f}")


if __name__ == "__main__":
    main()
