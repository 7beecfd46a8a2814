"""Realistic observable values drawn from one seeded `random.Random` (no global state)."""

from __future__ import annotations

import hashlib
import ipaddress
import random
import string

import phonenumbers

from cyberfusion.demo import vocabulary as vocab
from cyberfusion.domain.checksums import (
    b58check_encode,
    eip55_checksum,
    iban_check_digits,
    monero_encode,
    segwit_encode,
)
from cyberfusion.domain.model import Occurrence
from cyberfusion.domain.observables import ObservableType, normalise

_B64 = string.ascii_letters + string.digits + "+/"
_UPPER = string.ascii_uppercase
_ALNUM_UPPER = string.ascii_uppercase + string.digits

#: BBAN layouts per country: (kind, length) parts; `b` is a bank code from `_BANK_CODES`.
_BBAN: dict[str, tuple[tuple[str, int], ...]] = {
    "DE": (("n", 18),), "GB": (("b", 4), ("n", 14)), "NL": (("b", 4), ("n", 10)),
    "PL": (("n", 24),), "LT": (("n", 16),), "BR": (("n", 23), ("a", 1), ("c", 1)),
    "AE": (("n", 19),), "EG": (("n", 25),), "JO": (("b", 4), ("n", 4), ("c", 18)),
    "IE": (("b", 4), ("n", 14)), "PT": (("n", 21),), "CY": (("n", 8), ("c", 16)),
}  # fmt: skip
_BANK_CODES = {
    "GB": ("NWBK", "BARC", "LOYD", "HBUK", "MIDL", "MONZ", "SRLG"),
    "NL": ("ABNA", "INGB", "RABO", "SNSB", "TRIO", "BUNQ", "KNAB"),
    "JO": ("ARAB", "HBHO", "CAAB", "JONB"),
    "IE": ("AIBK", "BOFI", "IPBS", "REVO"),
}
IBAN_COUNTRIES = ("FR", "ES", *_BBAN)
_ES_WEIGHTS = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)


def occurrence(obs_type: ObservableType, raw: str, role: str, comment: str = "") -> Occurrence:
    """Normalise `raw` and wrap it as an occurrence with its role."""
    obs = normalise(obs_type, raw)
    return Occurrence(obs.type.value, obs.value, obs.key, role, comment)


class Values:
    """Generators for every observable type; the same seed gives the same values."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # --- network ----------------------------------------------------------------------------

    def ipv4(self) -> str:
        """A public address, half of the time inside a well-known hosting prefix."""
        rng = self.rng
        if rng.random() < 0.5:
            net = ipaddress.IPv4Network(rng.choice(vocab.HOSTING_V4)[0])
            return str(net[rng.randrange(2, net.num_addresses - 2)])
        while True:
            address = ipaddress.IPv4Address(rng.getrandbits(32))
            if address.is_global and not address.is_multicast and address.packed[3] not in (0, 255):
                return str(address)

    def ipv6(self) -> str:
        """An address inside a hosting provider's IPv6 allocation."""
        net = ipaddress.IPv6Network(self.rng.choice(vocab.HOSTING_V6)[0])
        return str(net[self.rng.getrandbits(64) | (self.rng.getrandbits(16) << 64)])

    def cidr(self) -> str:
        """A /24 (or /22) network inside a hosting prefix."""
        net = ipaddress.IPv4Network(self.rng.choice(vocab.HOSTING_V4)[0])
        prefix = self.rng.choice((24, 24, 24, 22))
        subnets = list(net.subnets(new_prefix=prefix))
        return str(self.rng.choice(subnets))

    def asn(self) -> str:
        """An autonomous system number of a hosting or transit provider."""
        hosting = [asn for _, asn in vocab.HOSTING_V4]
        return f"AS{self.rng.choice(hosting + list(vocab.EXTRA_ASNS))}"

    def random_name(self, syllables: tuple[int, int] = (3, 5)) -> str:
        """A pronounceable random label such as `kavobelu`."""
        count = self.rng.randint(*syllables)
        return "".join(self.rng.choice(vocab.SYLLABLES) for _ in range(count))

    def domain(self, style: str = "") -> str:
        """A generated domain on a real TLD: `lure` (brand look-alike), `dga`, or mixed."""
        rng, tld = self.rng, self.rng.choice(vocab.TLDS)
        style = style or rng.choice(("lure", "lure", "dga", "words"))
        if style == "lure":
            brand, word, other = rng.choice(vocab.BRANDS), *rng.sample(vocab.WORDS, 2)
            suffix = rng.randint(1, 999)
            name = f"{brand}-{word}-{other}" if rng.random() < 0.6 else f"{word}-{brand}{suffix}"
        elif style == "dga":
            name = self.random_name((4, 7))
        else:
            name = f"{rng.choice(vocab.WORDS)}{rng.choice(vocab.WORDS)}{rng.randint(1, 999)}"
        return f"{name}.{tld}"

    def url(self, domain: str | None = None, kind: str = "phish") -> str:
        """A URL on `domain` (or a new one) with a path typical of `kind`: phish, c2, drop."""
        paths = {"phish": vocab.PHISH_PATHS, "c2": vocab.C2_PATHS, "drop": vocab.DROP_PATHS}[kind]
        path = self.rng.choice(paths).format(
            w=self.rng.choice(vocab.WORDS), h=self.rng.randbytes(6).hex(), f=self.file_name("lure")
        )
        scheme = "http" if kind == "c2" and self.rng.random() < 0.5 else "https"
        style = {"phish": "lure", "c2": "dga"}.get(kind, "")
        return f"{scheme}://{domain or self.domain(style)}{path}"

    def email(self, domain: str | None = None) -> str:
        """An address at `domain`, or at a free-mail provider."""
        rng = self.rng
        local = rng.choice((
            f"{rng.choice(vocab.FIRST)}.{rng.choice(vocab.LAST)}{rng.randint(1, 999)}",
            f"{rng.choice(vocab.FIRST)}{rng.choice(vocab.LAST)[0]}{rng.randint(10, 99999)}",
            f"{rng.choice(vocab.WORDS)}.{rng.choice(vocab.WORDS)}{rng.randint(1, 9999)}",
        ))
        return f"{local}@{domain or rng.choice(vocab.FREE_MAIL)}"

    # --- files ------------------------------------------------------------------------------

    def digest(self, obs_type: ObservableType) -> str:
        """md5, sha1, sha256 or sha512 of random bytes."""
        return hashlib.new(obs_type.value, self.rng.randbytes(64)).hexdigest()

    def ja3(self) -> str:
        """A JA3 TLS client fingerprint (md5 of a ClientHello description)."""
        return hashlib.md5(self.rng.randbytes(32), usedforsecurity=False).hexdigest()

    def ssdeep(self) -> str:
        """A context-triggered piecewise hash: block size 3·2^n and two base64 signatures."""
        size = 3 * 2 ** self.rng.randint(4, 13)
        first = "".join(self.rng.choices(_B64, k=self.rng.randint(30, 64)))
        second = "".join(self.rng.choices(_B64, k=self.rng.randint(15, 40)))
        return f"{size}:{first}:{second}"

    def file_name(self, kind: str = "") -> str:
        """A lure attachment, an attacker tool, or a ransom note."""
        kind = kind or self.rng.choice(("lure", "lure", "tool"))
        if kind == "note":
            return self.rng.choice(vocab.RANSOM_NOTES)
        if kind == "tool":
            return self.rng.choice(vocab.TOOL_FILES)
        return self.rng.choice(vocab.LURE_FILES).format(n=self.rng.randint(1000, 99999))

    def user_agent(self) -> str:
        """A browser or scripting user agent, with a varying version."""
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(vocab.COMMON_USER_AGENTS)
        major = rng.randint(96, 126)
        platform = rng.choice(("Windows NT 10.0; Win64; x64", "X11; Linux x86_64",
                               "Macintosh; Intel Mac OS X 10_15_7"))
        return (f"Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) "
                f"Chrome/{major}.0.{rng.randint(4000, 6500)}.{rng.randint(10, 250)} Safari/537.36")

    # --- money and people -------------------------------------------------------------------

    def btc(self) -> str:
        """A mainnet address: P2PKH or P2SH (base58check), P2WPKH (bech32) or P2TR (bech32m)."""
        kind = self.rng.choices(("p2pkh", "p2sh", "p2wpkh", "p2tr"), (45, 15, 30, 10))[0]
        if kind == "p2pkh":
            return b58check_encode(b"\x00" + self.rng.randbytes(20))
        if kind == "p2sh":
            return b58check_encode(b"\x05" + self.rng.randbytes(20))
        if kind == "p2wpkh":
            return segwit_encode("bc", 0, self.rng.randbytes(20))
        return segwit_encode("bc", 1, self.rng.randbytes(32))

    def eth(self) -> str:
        """An EIP-55 checksummed Ethereum address."""
        return eip55_checksum(self.rng.randbytes(20).hex())

    def xmr(self) -> str:
        """A standard Monero address: network byte 18, spend and view keys, Keccak checksum."""
        return monero_encode(b"\x12" + self.rng.randbytes(64))

    def iban(self, country: str | None = None) -> str:
        """An IBAN with a plausible BBAN and correct MOD 97-10 (and national) check digits."""
        code = country if country in IBAN_COUNTRIES else self.rng.choice(IBAN_COUNTRIES)
        assert code is not None
        bban = self._bban(code)
        return f"{code}{iban_check_digits(code, bban)}{bban}"

    def _digits(self, count: int) -> str:
        return "".join(self.rng.choices(string.digits, k=count))

    def _bban(self, code: str) -> str:
        if code == "FR":
            bank, branch, account = self._digits(5), self._digits(5), self._digits(11)
            key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
            return f"{bank}{branch}{account}{key:02d}"
        if code == "ES":
            bank_branch, account = self._digits(8), self._digits(10)
            return f"{bank_branch}{_es_digit('00' + bank_branch)}{_es_digit(account)}{account}"
        parts = []
        for kind, length in _BBAN[code]:
            if kind == "b":
                parts.append(self.rng.choice(_BANK_CODES[code]))
            else:
                alphabet = {"n": string.digits, "a": _UPPER, "c": _ALNUM_UPPER}[kind]
                parts.append("".join(self.rng.choices(alphabet, k=length)))
        return "".join(parts)

    def phone(self, country: str) -> str:
        """A valid mobile number of `country` in E.164, varied from the library's example."""
        example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
        if example is None:
            example = phonenumbers.example_number(country)
        if example is None:
            raise ValueError(f"no example phone number for {country!r}")
        nsn = phonenumbers.national_significant_number(example)
        keep = max(3, len(nsn) - 7)
        for _ in range(200):
            candidate = nsn[:keep] + self._digits(len(nsn) - keep)
            number = phonenumbers.parse(f"+{example.country_code}{candidate}", None)
            if phonenumbers.is_valid_number(number):
                return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)

    def username(self) -> str:
        """A forum or messenger handle such as `@ghost_vendor77`."""
        rng = self.rng
        first, second = rng.sample(vocab.HANDLE_PARTS, 2)
        sep = rng.choice(("_", "", ".", "_"))
        tail = str(rng.randint(1, 9999)) if rng.random() < 0.9 else ""
        prefix = "@" if rng.random() < 0.5 else ""
        return f"{prefix}{first}{sep}{second}{tail}"


def _es_digit(digits: str) -> int:
    """One Spanish CCC control digit over ten digits (weights 1,2,4,8,5,10,9,7,3,6)."""
    rest = 11 - sum(int(d) * w for d, w in zip(digits, _ES_WEIGHTS, strict=True)) % 11
    return {11: 0, 10: 1}.get(rest, rest)
