"""The duty rota: shifts in local time, overnight shifts, daylight saving, who is on duty,
and whose contacts a reader sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cyberfusion.domain.duty import (
    Contact,
    Shift,
    ShiftRole,
    can_read_contacts,
    contact_issues,
    on_duty,
    parse_days,
    parse_hhmm,
)
from cyberfusion.domain.model import Organisation, OrgKind

DAY = Contact("day", "Day Officer", email="day@x.example")
NIGHT = Contact("night", "Night Officer", phone="+33140000000")
BACKUP = Contact("backup", "Backup", email="b@x.example")
DESK = Contact("desk", "Desk", email="desk@x.example", desk=True)
WEEKDAYS = frozenset(range(5))
SHIFTS = [Shift("day", ShiftRole.PRIMARY, WEEKDAYS, 8 * 60, 20 * 60),
          Shift("night", ShiftRole.PRIMARY, frozenset(range(7)), 20 * 60, 8 * 60),
          Shift("night", ShiftRole.PRIMARY, frozenset({5, 6}), 8 * 60, 20 * 60),
          Shift("backup", ShiftRole.BACKUP, frozenset(range(7)), 0, 1440)]


def who(utc: datetime, tz: str = "Europe/Paris") -> tuple[list[str], list[str]]:
    duty = on_duty("fr", tz, [DAY, NIGHT, BACKUP, DESK], SHIFTS, utc)
    return [c.ref for c in duty.primary], [c.ref for c in duty.backup]


def test_day_night_and_weekend_in_local_time() -> None:
    assert who(datetime(2026, 6, 1, 7, 0, tzinfo=UTC)) == (["day"], ["backup"])  # Mon 09:00
    assert who(datetime(2026, 6, 1, 5, 59, tzinfo=UTC)) == (["night"], ["backup"])  # 07:59
    assert who(datetime(2026, 6, 5, 19, 0, tzinfo=UTC)) == (["night"], ["backup"])  # Fri 21:00
    assert who(datetime(2026, 6, 6, 10, 0, tzinfo=UTC)) == (["night"], ["backup"])  # Sat noon


def test_daylight_saving_moves_the_utc_hour() -> None:
    winter = datetime(2026, 1, 5, 7, 30, tzinfo=UTC)   # Mon 08:30 in Paris (UTC+1)
    summer = datetime(2026, 7, 6, 6, 30, tzinfo=UTC)   # Mon 08:30 in Paris (UTC+2)
    assert who(winter)[0] == ["day"] and who(summer)[0] == ["day"]
    assert who(datetime(2026, 1, 5, 6, 30, tzinfo=UTC))[0] == ["night"]  # 07:30 in winter


def test_every_minute_of_the_week_has_someone_on_duty() -> None:
    start = datetime(2026, 6, 1, tzinfo=UTC)
    for minute in range(0, 7 * 24 * 60, 17):
        moment = start + timedelta(minutes=minute)
        assert who(moment, "Asia/Singapore")[0], moment


def test_unknown_zone_falls_back_to_utc_and_desk_is_listed() -> None:
    duty = on_duty("x", "Mars/Olympus", [DAY, DESK], SHIFTS[:1],
                   datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    assert duty.timezone == "Mars/Olympus" and [c.ref for c in duty.primary] == ["day"]
    assert [c.ref for c in duty.desk] == ["desk"]


def test_parsing_and_contact_checks() -> None:
    assert parse_hhmm("24:00", "end") == (1440, [])
    assert parse_hhmm("25:00", "end")[1][0].location == "end"
    assert parse_days(["Mon", "daily"], "days")[0] == frozenset(range(7))
    assert parse_days(["someday"], "days")[1][0].message.startswith("'someday'")
    bad = Contact("Bad Ref", "", email="nope", phone="0123", languages=("english",))
    assert {i.location for i in contact_issues(bad, "c")} == \
        {"c.ref", "c.name", "c.email", "c.phone", "c.languages"}


def test_partners_read_their_own_the_hubs_and_opened_contacts_members_read_all() -> None:
    hub = Organisation("hub", "Hub", OrgKind.HUB)
    ncb = Organisation("fr-ncb", "NCB", OrgKind.NCB, "FR")
    opened = Organisation("de-ncb", "NCB", OrgKind.NCB, "DE", contacts_open_to_partners=True)
    partner = Organisation("acme", "Acme", OrgKind.PARTNER)
    other = Organisation("beta", "Beta", OrgKind.PARTNER)
    agency = Organisation("agency", "Agency", OrgKind.AGENCY)
    owners = [hub, ncb, opened, partner, other, agency]
    assert [o.id for o in owners if can_read_contacts(partner, o)] == ["hub", "de-ncb", "acme"]
    for reader in (hub, ncb, agency):
        assert all(can_read_contacts(reader, o) for o in owners)
