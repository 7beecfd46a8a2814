"""The demo world's 24/7 network: every organisation is covered around the clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from cyberfusion.demo.duty import directories
from cyberfusion.demo.world import build_orgs, build_users
from cyberfusion.domain.duty import on_duty
from cyberfusion.formats.directory_json import parse_directory


def test_every_demo_organisation_has_someone_on_duty_all_week() -> None:
    orgs = build_orgs()
    docs = directories(orgs, build_users(random.Random(1)))
    assert set(docs) == {o.id for o in orgs}
    start = datetime(2026, 6, 1, tzinfo=UTC)
    for org in orgs:
        contacts, shifts = parse_directory(docs[org.id])
        assert any(c.username.endswith(".duty") for c in contacts), org.id
        for hour in range(0, 7 * 24, 5):
            duty = on_duty(org.id, org.timezone, contacts, shifts, start + timedelta(hours=hour))
            assert duty.primary and duty.backup and duty.desk, (org.id, hour)
