"""The demo world's planted networks are found: each as one cluster, precision and recall
of its case membership at least 0.95 against the generator's truth (SQLite, seeded once)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from cyberfusion.config import Settings
from cyberfusion.demo import generate_world
from cyberfusion.services import auth, networks
from cyberfusion.services.context import Context, build_context
from cyberfusion.services.seed import TRUTH_FILE, seed_demo
from cyberfusion.store import schema

CASES = 5000


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """The 5,000-case demo world (seed 2026), seeded and with networks computed."""
    data = tmp_path_factory.mktemp("planted")
    ctx = build_context(Settings(data_dir=data, warninglists=False, import_workers=0),
                        fast_hashing=True)
    schema.upgrade(ctx.db)
    seed_demo(ctx, generate_world(cases=CASES, today=ctx.now().date()))
    yield ctx
    ctx.db.dispose()


def test_each_planted_network_is_one_cluster(seeded: Context) -> None:
    truth = json.loads((seeded.settings.data_dir / TRUTH_FILE).read_text())
    with seeded.db.read() as tx:
        found = tx.networks.live_clusters()
    assert set(truth) == {"ransomware-affiliates", "bec-ring", "phishing-kit"}
    scores = {}
    for name, members in truth.items():
        planted = set(members)
        best = max(found.values(), key=lambda cluster: len(cluster & planted))
        shared = len(best & planted)
        scores[name] = (shared / len(best), shared / len(planted))
    print("\nplanted network: precision, recall", scores)
    for name, (precision, recall) in scores.items():
        assert precision >= 0.95 and recall >= 0.95, (name, precision, recall)


def test_the_hub_sees_the_planted_networks_among_the_ten_largest(seeded: Context) -> None:
    truth = json.loads((seeded.settings.data_dir / TRUTH_FILE).read_text())
    with seeded.db.read() as tx:
        user = tx.users.by_username("hub.analyst")
        assert user is not None
        principal = auth.principal_for(tx, user)
    items, total = networks.list_networks(seeded, principal, 0, 10)
    assert total >= 3
    seen = [{c.id for c in networks.network_detail(seeded, principal, s.ref).cases}
            for s in items]
    for members in truth.values():
        assert any(len(part & set(members)) >= 0.5 * len(members) for part in seen)
