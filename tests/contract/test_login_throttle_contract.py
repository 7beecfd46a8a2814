"""Login throttling on both backends: spraying refused per address, no lock-out, no enumeration."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from conftest import NOW

from cyberfusion.domain.model import Organisation, OrgKind, Region, Role
from cyberfusion.errors import AuthenticationFailed, TooManyRequests
from cyberfusion.services import auth, orgs
from cyberfusion.services.context import Context

PASSWORD = "right-password-1"
ATTACKER, OFFICE, HOTEL = "203.0.113.66", "198.51.100.7", "192.0.2.44"


class Clock:
    """A test clock the throttled client advances."""

    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at


def _users(ctx: Context, count: int) -> list[str]:
    orgs.create_org(ctx, None, Organisation("fr-ncb", "FR", OrgKind.NCB, "FR", Region.EUROPE))
    names = [f"user{i:02d}" for i in range(count)]
    for name in names:
        orgs.create_user(ctx, None, name, "fr-ncb", frozenset({Role.ANALYST}), PASSWORD)
    return names


def _try(ctx: Context, name: str, password: str, address: str, totp: str = "") -> str:
    """'ok', 'wrong' or 'throttled' for one login attempt."""
    try:
        auth.login(ctx, name, password, totp, address)
    except AuthenticationFailed:
        return "wrong"
    except TooManyRequests as exc:
        assert exc.retry_after > 0
        return "throttled"
    return "ok"


def test_spraying_twenty_accounts_is_refused_for_that_address_only(ctx: Context) -> None:
    clock = Clock()
    ctx.clock = clock
    names = _users(ctx, 20)
    outcomes = []
    for i in range(80):  # 4 guesses per account, one a second, as the tester sprayed
        outcomes.append(_try(ctx, names[i % 20], f"guess-{i}", ATTACKER))
        clock.at += timedelta(seconds=1)
    guesses = outcomes.count("wrong")
    assert outcomes.count("ok") == 0
    assert ctx.settings.login_address_delay_after < guesses < 25
    assert outcomes[-1] == "throttled"
    assert _try(ctx, names[0], PASSWORD, ATTACKER) == "throttled"  # the address, whoever
    assert _try(ctx, names[0], PASSWORD, OFFICE) == "ok"  # other addresses are not slowed


def test_an_address_honouring_retry_after_gets_at_most_the_maximum_per_window(
    ctx: Context,
) -> None:
    clock = Clock()
    ctx.clock = clock
    names = _users(ctx, 20)
    guesses = 0
    while clock.at < NOW + timedelta(minutes=ctx.settings.login_window_minutes):
        try:
            auth.login(ctx, names[guesses % 20], f"guess-{guesses}", "", ATTACKER)
        except AuthenticationFailed:
            guesses += 1
        except TooManyRequests as exc:
            clock.at += timedelta(seconds=exc.retry_after)
    assert guesses == ctx.settings.login_address_max_failures


def test_a_stranger_cannot_lock_a_user_out_of_a_known_address(ctx: Context) -> None:
    clock = Clock()
    ctx.clock = clock
    [name] = _users(ctx, 1)
    assert _try(ctx, name, PASSWORD, OFFICE) == "ok"
    for i in range(ctx.settings.login_max_failures):
        assert _try(ctx, name, f"guess-{i}", ATTACKER) == "wrong"
        clock.at += timedelta(seconds=1)
    assert _try(ctx, name, PASSWORD, ATTACKER) == "throttled"  # guessing stops here
    assert _try(ctx, name, PASSWORD, HOTEL) == "throttled"  # unrecognised address
    assert _try(ctx, name, PASSWORD, OFFICE) == "ok"  # the user's own address still works
    clock.at += timedelta(minutes=ctx.settings.login_window_minutes)
    assert _try(ctx, name, PASSWORD, HOTEL) == "ok"  # the window slid


def test_a_valid_one_time_code_gets_past_the_user_limit(ctx: Context) -> None:
    clock = Clock()
    ctx.clock = clock
    [name] = _users(ctx, 1)
    with ctx.db.read() as tx:
        user = tx.users.by_username(name)
        assert user is not None
        who = auth.principal_for(tx, user)
    secret = pyotp.parse_uri(auth.enable_totp(ctx, who)).secret
    for i in range(ctx.settings.login_max_failures):
        assert _try(ctx, name, f"guess-{i}", ATTACKER) == "wrong"
    assert _try(ctx, name, PASSWORD, HOTEL, "000000") == "throttled"
    assert _try(ctx, name, PASSWORD, HOTEL, pyotp.TOTP(secret).at(clock.at)) == "ok"


class CountingHasher(PasswordHasher):
    """A PasswordHasher that counts its argon2 calls."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.calls: list[str] = []

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.calls.append("hash")
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.calls.append("verify")
        return super().verify(hash, password)


@pytest.mark.parametrize("name", ["user00", "nobody-here"])
def test_unknown_and_known_users_cost_the_same_single_verification(
    ctx: Context, name: str
) -> None:
    _users(ctx, 1)
    hasher = CountingHasher()
    ctx.hasher = hasher
    _try(ctx, "warm-up", "wrong-password", OFFICE)  # the dummy hash is made once per hasher
    hasher.calls.clear()
    assert _try(ctx, name, "wrong-password", OFFICE) == "wrong"
    assert hasher.calls == ["verify"]
