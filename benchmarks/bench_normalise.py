"""Throughput of `cyberfusion.domain.observables.normalise` over a deterministic value mix.

Usage: .venv/bin/python benchmarks/bench_normalise.py [--n N] [--seed S] [--repeat R]

Generates N values spread evenly over every observable type, in the spellings ingest sees
(defanged, upper-case, spaced, `00` phone prefixes, checksummed and lower-case wallets …),
warms up (phonenumbers loads region metadata lazily, so a first pass is not representative
of a long-running ingest process), then prints per type the µs per value for the mix as
generated and for the same values already in canonical form (what STIX ingest and batch
lookups mostly see), the share of those the canonical fast path takes (`fast %`; the rest,
e.g. punycode names, take the full path) and the shuffled mix overall. Every figure is the
best of R timed passes, so that a busy machine skews it less.
For the IP types a baseline column shows plain `ipaddress.ip_address` / `ip_network` on
the canonical text, for scale.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import string
import time
from collections.abc import Callable

import phonenumbers

from cyberfusion.domain import observables
from cyberfusion.domain.checksums import (
    IBAN_LENGTHS,
    b58check_encode,
    eip55_checksum,
    iban_check_digits,
    monero_encode,
    segwit_encode,
)
from cyberfusion.domain.observables import ObservableType, normalise

T = ObservableType
Gen = Callable[[random.Random], str]

_WORDS = ["alpha", "bravo", "cobalt", "delta", "ember", "falcon", "garnet", "harbor", "indigo"]
_TLDS = ["com", "net", "org", "ru", "cn", "io", "xyz", "top", "de", "co.uk"]
_IDN = ["bücher", "münchen", "пример", "例え", "παράδειγμα", "straße-ex"]
_EXTS = ["exe", "dll", "docm", "pdf.exe", "zip", "js", "ps1", "lnk", "iso"]
_B64 = string.ascii_letters + string.digits + "+/"


def _hex(rng: random.Random, nbytes: int) -> str:
    return rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()


def _maybe_upper(rng: random.Random, text: str) -> str:
    return text.upper() if rng.random() < 0.3 else text


def _label(rng: random.Random) -> str:
    return f"{rng.choice(_WORDS)}{rng.randrange(10_000)}"


def _domain(rng: random.Random) -> str:
    first = rng.choice(_IDN) if rng.random() < 0.05 else _label(rng)
    name = f"{first}.{rng.choice(_TLDS)}"
    if rng.random() < 0.3:
        name = f"{_label(rng)}.{name}"
    roll = rng.random()
    if roll < 0.15:
        return name.replace(".", "[.]")
    if roll < 0.3:
        return name.upper() + "."
    return name


def _ipv4(rng: random.Random) -> str:
    text = ".".join(str(rng.randrange(256)) for _ in range(4))
    return text.replace(".", "[.]", 1) if rng.random() < 0.1 else text


def _ipv6(rng: random.Random) -> str:
    address = ipaddress.IPv6Address(rng.getrandbits(128) & ~((1 << rng.randrange(0, 96)) - 1))
    return address.exploded.upper() if rng.random() < 0.3 else str(address)


def _cidr(rng: random.Random) -> str:
    if rng.random() < 0.7:
        prefix = rng.randrange(8, 33)
        return str(ipaddress.ip_network(f"{_ipv4(rng).replace('[.]', '.')}/{prefix}", strict=False))
    prefix = rng.randrange(16, 129)
    return str(ipaddress.ip_network(f"{_ipv6(rng)}/{prefix}", strict=False))


def _url(rng: random.Random) -> str:
    scheme = rng.choice(["http", "https", "hxxp", "hXXps"])
    port = rng.choice(["", "", ":443", ":8080"])
    path = "/".join(_label(rng) for _ in range(rng.randrange(0, 4)))
    query = f"?id={rng.randrange(10**6)}&q=%7e" if rng.random() < 0.4 else ""
    return f"{scheme}://{_domain(rng).rstrip('.')}{port}/{path}{query}"


def _email(rng: random.Random) -> str:
    local = f"{rng.choice(_WORDS)}.{rng.choice(_WORDS)}{rng.randrange(100)}"
    address = f"{local}@{_domain(rng).rstrip('.')}"
    return address.replace("@", " (at) ") if rng.random() < 0.1 else _maybe_upper(rng, address)


def _ssdeep(rng: random.Random) -> str:
    size = 3 * 2 ** rng.randrange(0, 12)
    first = "".join(rng.choice(_B64) for _ in range(rng.randrange(10, 64)))
    second = "".join(rng.choice(_B64) for _ in range(rng.randrange(5, 32)))
    return f"{size}:{first}:{second}"


def _file_name(rng: random.Random) -> str:
    return f"{rng.choice(_WORDS).title()}_{rng.randrange(10**5)}.{rng.choice(_EXTS)}"


def _btc(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return b58check_encode(bytes([rng.choice([0x00, 0x05])]) + rng.randbytes(20))
    if roll < 0.8:
        return _maybe_upper(rng, segwit_encode("bc", 0, rng.randbytes(rng.choice([20, 32]))))
    return segwit_encode("bc", 1, rng.randbytes(32))


def _eth(rng: random.Random) -> str:
    body = _hex(rng, 20)
    return eip55_checksum(body) if rng.random() < 0.5 else "0x" + body


def _xmr(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return monero_encode(bytes([0x13]) + rng.randbytes(72))
    return monero_encode(bytes([rng.choice([0x12, 0x2A])]) + rng.randbytes(64))


_IBAN_COUNTRIES = sorted(IBAN_LENGTHS)


def _iban(rng: random.Random) -> str:
    country = rng.choice(_IBAN_COUNTRIES)
    bban = "".join(rng.choice(string.digits) for _ in range(IBAN_LENGTHS[country] - 4))
    iban = country + iban_check_digits(country, bban) + bban
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if rng.random() < 0.5 else iban


def _phone_pool() -> list[str]:
    pool: list[str] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                pool.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return pool


_PHONES = _phone_pool()


def _phone(rng: random.Random) -> str:
    number = rng.choice(_PHONES)
    roll = rng.random()
    if roll < 0.3:
        return "00" + number[1:]
    if roll < 0.5:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    return number


def _username(rng: random.Random) -> str:
    return f"@{rng.choice(_WORDS).title()}_{rng.randrange(10**6)}"


def _asn(rng: random.Random) -> str:
    return rng.choice(["AS{}", "as{}", "{}", "ASN {}"]).format(rng.randrange(1, 2**32))


def _user_agent(rng: random.Random) -> str:
    version = f"{rng.randrange(90, 130)}.0.{rng.randrange(5000)}.{rng.randrange(200)}"
    return (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64)  AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{version}  Safari/537.36"
    )


GENERATORS: dict[ObservableType, Gen] = {
    T.IPV4: _ipv4,
    T.IPV6: _ipv6,
    T.CIDR: _cidr,
    T.DOMAIN: _domain,
    T.URL: _url,
    T.EMAIL: _email,
    T.MD5: lambda rng: _maybe_upper(rng, _hex(rng, 16)),
    T.SHA1: lambda rng: _maybe_upper(rng, _hex(rng, 20)),
    T.SHA256: lambda rng: _maybe_upper(rng, _hex(rng, 32)),
    T.SHA512: lambda rng: _maybe_upper(rng, _hex(rng, 64)),
    T.SSDEEP: _ssdeep,
    T.FILE_NAME: _file_name,
    T.BTC_WALLET: _btc,
    T.ETH_WALLET: _eth,
    T.XMR_WALLET: _xmr,
    T.IBAN: _iban,
    T.PHONE: _phone,
    T.USERNAME: _username,
    T.ASN: _asn,
    T.JA3: lambda rng: _maybe_upper(rng, _hex(rng, 16)),
    T.USER_AGENT: _user_agent,
}


def generate(n: int, seed: int) -> dict[ObservableType, list[str]]:
    """Return n values split evenly over all types, deterministic for a given seed."""
    rng = random.Random(seed)
    per_type = max(1, n // len(GENERATORS))
    return {t: [gen(rng) for _ in range(per_type)] for t, gen in GENERATORS.items()}


def _micros(count: int, seconds: float) -> float:
    return seconds / count * 1e6 if count else 0.0


def best_of(repeat: int, timed: Callable[..., float], *args: object) -> float:
    """The fastest of `repeat` runs of `timed(*args)`, in seconds."""
    return min(timed(*args) for _ in range(repeat))


def time_normalise(obs_type: ObservableType, values: list[str]) -> float:
    """Seconds to normalise every value (all must be valid)."""
    start = time.perf_counter()
    for value in values:
        normalise(obs_type, value)
    return time.perf_counter() - start


def time_mix(mix: list[tuple[ObservableType, str]]) -> float:
    """Seconds to normalise a list of (type, value) pairs in the given order."""
    start = time.perf_counter()
    for obs_type, value in mix:
        normalise(obs_type, value)
    return time.perf_counter() - start


def time_baseline(parse: Callable[[str], object], canonical: list[str]) -> float:
    """Seconds for plain `ipaddress` parsing of the canonical forms."""
    start = time.perf_counter()
    for value in canonical:
        parse(value)
    return time.perf_counter() - start


_BASELINES: dict[ObservableType, Callable[[str], object]] = {
    T.IPV4: ipaddress.ip_address,
    T.IPV6: ipaddress.ip_address,
    T.CIDR: ipaddress.ip_network,
}


# Absent from trees without the fast path, so that the same script times before and after.
_SHAPES: dict[ObservableType, Callable[[str], object]] = getattr(
    observables, "_CANONICAL_SHAPES", {}
)


def fast_share(obs_type: ObservableType, canonical: list[str]) -> str:
    """Percentage of canonical values the fast path takes, or '-' for types without one."""
    shape = _SHAPES.get(obs_type)
    if shape is None or not canonical:
        return "-"
    return f"{100 * sum(1 for v in canonical if shape(v)) / len(canonical):.1f}"


def type_row(obs_type: ObservableType, values: list[str], repeat: int) -> str:
    """One table line: µs per value as generated, once canonical, and the ipaddress baseline."""
    canonical = [normalise(obs_type, v).value for v in values]
    mixed = _micros(len(values), best_of(repeat, time_normalise, obs_type, values))
    canon = _micros(len(values), best_of(repeat, time_normalise, obs_type, canonical))
    parse = _BASELINES.get(obs_type)
    base = "-"
    if parse is not None:
        base = f"{_micros(len(values), best_of(repeat, time_baseline, parse, canonical)):.2f}"
    fast = fast_share(obs_type, canonical)
    return f"{obs_type.value:<12} {len(values):>7} {mixed:>8.2f} {canon:>9.2f} {fast:>7} {base:>13}"


def main() -> None:
    """Parse arguments, run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="number of values (default 200000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes, best kept (5)")
    args = parser.parse_args()
    data = generate(args.n, args.seed)
    for obs_type, values in data.items():  # warm-up: lazy metadata, compiled patterns
        time_normalise(obs_type, values[:500])
    print(f"{'type':<12} {'n':>7} {'mix µs':>8} {'canon µs':>9} {'fast %':>7} {'ipaddress µs':>13}")
    for obs_type, values in data.items():
        print(type_row(obs_type, values, args.repeat))
    mix = [(t, v) for t, values in data.items() for v in values]
    random.Random(args.seed).shuffle(mix)
    overall = _micros(len(mix), best_of(args.repeat, time_mix, mix))
    print(f"{'overall mix':<12} {len(mix):>7} {overall:>8.2f} {'-':>9} {'-':>7} {'-':>13}")


if __name__ == "__main__":
    main()
