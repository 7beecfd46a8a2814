"""Planted cross-border networks whose membership the generator knows (the demo's truth)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from cyberfusion.demo.background import CaseMaker, Story, dedupe
from cyberfusion.demo.content import PROFILES
from cyberfusion.demo.policies import Policy, planted_handling
from cyberfusion.demo.records import DemoCase
from cyberfusion.demo.values import occurrence
from cyberfusion.domain.model import CrimeType, Occurrence, Organisation, OrgKind
from cyberfusion.domain.observables import ObservableType as T

RANSOMWARE = "ransomware-affiliates"
BEC = "bec-ring"
PHISHING = "phishing-kit"

RANSOMWARE_FAMILY = "LockBit"
KIT_NAME = "PanelForge"
_SUPPLIERS = ("halvorsen-shipping", "brightwater-metals", "kestrel-components", "orion-freight")


@dataclass(frozen=True, slots=True)
class NetworkSpec:
    """Shape of one planted network: crime type, size, spread and activity window."""

    name: str
    crime: CrimeType
    members: int
    countries: int
    min_regions: int
    window: tuple[int, int]
    personal_share: float


SPECS = (
    NetworkSpec(RANSOMWARE, CrimeType.RANSOMWARE, 30, 6, 3, (20, 420), 0.1),
    NetworkSpec(BEC, CrimeType.BEC, 16, 4, 1, (30, 300), 0.5),
    NetworkSpec(PHISHING, CrimeType.PHISHING, 24, 8, 3, (10, 540), 0.1),
)
PLANTED_CASES = sum(spec.members for spec in SPECS)

#: (member index) -> the shared values that tie that member to the network.
Linker = Callable[[int], list[Occurrence]]


def _spread(rng: random.Random, units: list[Organisation], count: int,
            min_regions: int) -> list[Organisation]:
    """`count` units of distinct countries covering at least `min_regions` regions."""
    while True:
        chosen = rng.sample(units, count)
        if len({u.region for u in chosen}) >= min_regions:
            return sorted(chosen, key=lambda u: u.id)


class Planter:
    """Builds the member cases of each planted network around pools of shared values."""

    def __init__(self, maker: CaseMaker) -> None:
        self.maker = maker
        self.values = maker.values
        self.rng = maker.rng
        self.units = [o for o in maker.index.public if o.kind is OrgKind.UNIT]

    def plant(self) -> dict[str, list[DemoCase]]:
        """Every planted network's member cases, by network name."""
        linkers: dict[str, tuple[Linker, str]] = {
            RANSOMWARE: (self._ransomware(), RANSOMWARE_FAMILY),
            BEC: (self._bec(), ""),
            PHISHING: (self._phishing(), KIT_NAME),
        }
        return {spec.name: self._members(spec, *linkers[spec.name]) for spec in SPECS}

    def _members(self, spec: NetworkSpec, linker: Linker, family: str) -> list[DemoCase]:
        """The member cases of one network, owned round-robin by units of its countries."""
        rng, maker = self.rng, self.maker
        owners = _spread(rng, self.units, spec.countries, spec.min_regions)
        network_countries = [o.country for o in owners if o.country]
        members = []
        for i in range(spec.members):
            owner = owners[i % len(owners)]
            personal = rng.random() < spec.personal_share
            handling = planted_handling(rng, maker.index, Policy(owner, maker.today, personal))
            others = [c for c in network_countries if c != owner.country]
            countries = (owner.country or "", *rng.sample(others, rng.choice((0, 1, 1, 2))))
            offset = rng.randint(*spec.window)
            story = Story(owner, spec.crime, offset, handling, family, countries)
            extras = maker.observables(PROFILES[spec.crime], owner.country, rng.randint(2, 6))
            draft = maker.draft(story, dedupe([*linker(i), *extras]))
            members.append(DemoCase(owner.id, draft, offset))
        return members

    def _ransomware(self) -> Linker:
        """4 ransom wallets and 3 C2 servers; each member holds at least two of them."""
        wallets = [occurrence(T.BTC_WALLET, self.values.btc(), "ransom wallet") for _ in range(4)]
        c2 = [occurrence(T.IPV4, self.values.ipv4(), "C2 server") for _ in range(3)]

        def link(i: int) -> list[Occurrence]:
            shared = [wallets[i % 4]]
            shared.append(c2[i % 3] if self.rng.random() < 0.6 else wallets[(i + 1) % 4])
            if self.rng.random() < 0.4:
                shared.append(self.rng.choice(c2 + wallets))
            return shared

        return link

    def _bec(self) -> Linker:
        """5 mule IBANs and 3 look-alike sender domains of one impersonated supplier."""
        supplier = self.rng.choice(_SUPPLIERS)
        tld = self.rng.choice(("com", "net", "co"))
        stem = supplier.replace("-", "")
        domains = [f"{_typo(supplier)}.{tld}", f"{stem}-invoices.com",
                   f"{supplier}-payments.net"]
        ibans = [occurrence(T.IBAN, self.values.iban(c), "mule account")
                 for c in ("LT", "GB", "NL", "PL", "ES")]
        senders = [occurrence(T.EMAIL, f"{local}@{d}", "sender address")
                   for local, d in zip(("accounts", "invoices", "finance"), domains, strict=True)]
        lookalikes = [occurrence(T.DOMAIN, d, "look-alike domain") for d in domains]

        def link(i: int) -> list[Occurrence]:
            shared = [ibans[i % 5], senders[i % 3]]
            if self.rng.random() < 0.5:
                shared.append(lookalikes[i % 3])
            if self.rng.random() < 0.3:
                shared.append(ibans[(i + 2) % 5])
            return shared

        return link

    def _phishing(self) -> Linker:
        """Kit hash, TLS fingerprint, drop mailboxes and a panel path on rotating domains."""
        values = self.values
        kit = occurrence(T.SHA256, values.digest(T.SHA256), "kit archive hash",
                         f"{KIT_NAME} kit zip")
        ja3 = occurrence(T.JA3, values.ja3(), "kit TLS fingerprint")
        drops = [occurrence(T.EMAIL, values.email(), "results drop mailbox") for _ in range(2)]
        seller = occurrence(T.USERNAME, values.username(), "kit seller handle")
        panel = f"/{KIT_NAME.lower()}/{values.random_name((2, 3))}/admin/panel.php"

        def link(i: int) -> list[Occurrence]:
            domain = values.domain("lure")
            shared = [occurrence(T.DOMAIN, domain, "phishing domain"),
                      occurrence(T.URL, f"https://{domain}{panel}", "kit admin panel")]
            if i % 5 != 4:
                shared.append(kit)
            if i % 5 == 4 or i % 3 == 0:
                shared.append(drops[i % 2])
            if self.rng.random() < 0.7:
                shared.append(ja3)
            if self.rng.random() < 0.3:
                shared.append(seller)
            return shared

        return link


def _typo(name: str) -> str:
    """A look-alike of `name`: the first `i` becomes `l`, else the first `o` becomes `0`."""
    return name.replace("i", "l", 1) if "i" in name else name.replace("o", "0", 1)


def plant_networks(maker: CaseMaker) -> dict[str, list[DemoCase]]:
    """The member cases of every planted network, by network name."""
    return Planter(maker).plant()
