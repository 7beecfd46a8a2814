"""Background cases: plausible content per crime type, with a little accidental sharing."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cyberfusion.demo.content import BRAND_NAMES, DETAILS, PROFILES, Profile, Slot
from cyberfusion.demo.geography import COUNTRY_BY_CODE, OTHER_COUNTRIES
from cyberfusion.demo.policies import OrgIndex, Policy, background_handling
from cyberfusion.demo.records import DemoCase
from cyberfusion.demo.values import Values, occurrence
from cyberfusion.domain.handling import Handling
from cyberfusion.domain.model import CaseDraft, CrimeType, Occurrence, Organisation
from cyberfusion.domain.observables import ObservableType as T

#: How far back the demo reaches (first and last seen dates, filing dates).
HISTORY_DAYS = 3 * 365
#: Crime types whose cases usually name people (victims, mules, suspects).
PERSONAL_TYPES = frozenset({CrimeType.BEC, CrimeType.FRAUD, CrimeType.SEXTORTION,
                            CrimeType.CSAM, CrimeType.CRYPTO_FRAUD})
_SHARE_IP, _SHARE_JA3 = 0.07, 0.15

Maker = Callable[[Values, Slot, str | None], str]


def _email(values: Values, slot: Slot, _country: str | None) -> str:
    own_domain = values.rng.random() < 0.5
    return values.email(values.domain(slot.kind) if own_domain else None)


_MAKERS: dict[T, Maker] = {
    T.IPV4: lambda v, s, c: v.ipv4(),
    T.IPV6: lambda v, s, c: v.ipv6(),
    T.CIDR: lambda v, s, c: v.cidr(),
    T.DOMAIN: lambda v, s, c: v.domain(s.kind),
    T.URL: lambda v, s, c: v.url(kind=s.kind or "phish"),
    T.EMAIL: _email,
    T.MD5: lambda v, s, c: v.digest(T.MD5),
    T.SHA1: lambda v, s, c: v.digest(T.SHA1),
    T.SHA256: lambda v, s, c: v.digest(T.SHA256),
    T.SHA512: lambda v, s, c: v.digest(T.SHA512),
    T.SSDEEP: lambda v, s, c: v.ssdeep(),
    T.FILE_NAME: lambda v, s, c: v.file_name(s.kind),
    T.BTC_WALLET: lambda v, s, c: v.btc(),
    T.ETH_WALLET: lambda v, s, c: v.eth(),
    T.XMR_WALLET: lambda v, s, c: v.xmr(),
    T.IBAN: lambda v, s, c: v.iban(c if v.rng.random() < 0.5 else None),
    T.PHONE: lambda v, s, c: v.phone(c or v.rng.choice(sorted(COUNTRY_BY_CODE))),
    T.USERNAME: lambda v, s, c: v.username(),
    T.ASN: lambda v, s, c: v.asn(),
    T.JA3: lambda v, s, c: v.ja3(),
    T.USER_AGENT: lambda v, s, c: v.user_agent(),
}


@dataclass(frozen=True, slots=True)
class Story:
    """Who filed a case, when, and under which rules: the frame the content is built in."""

    owner: Organisation
    crime: CrimeType
    offset: int
    handling: Handling
    family: str = ""
    countries: tuple[str, ...] = ()


class CaseMaker:
    """Builds case content from one seeded generator; shared pools make accidental overlaps."""

    def __init__(self, values: Values, index: OrgIndex, today: date) -> None:
        self.values = values
        self.rng = values.rng
        self.index = index
        self.today = today
        self.popular_ips = [values.ipv4() for _ in range(25)]
        self.common_ja3 = [values.ja3() for _ in range(5)]

    def value(self, slot: Slot, country: str | None) -> Occurrence:
        """One normalised observable for `slot`, sometimes from a shared pool."""
        rng = self.rng
        if slot.type is T.IPV4 and rng.random() < _SHARE_IP:
            raw = rng.choice(self.popular_ips)
        elif slot.type is T.JA3 and rng.random() < _SHARE_JA3:
            raw = rng.choice(self.common_ja3)
        else:
            raw = _MAKERS[slot.type](self.values, slot, country)
        return occurrence(slot.type, raw, slot.role)

    def observables(self, profile: Profile, country: str | None, count: int) -> list[Occurrence]:
        """`count` values drawn from the profile's recipe (distinct by key)."""
        weights = [s.weight for s in profile.slots]
        slots = self.rng.choices(profile.slots, weights, k=count)
        found = dedupe(self.value(slot, country) for slot in slots)
        while len(found) < min(2, count):
            found = dedupe([*found, self.value(self.rng.choices(profile.slots, weights)[0],
                                               country)])
        return found

    def draft(self, story: Story, occurrences: list[Occurrence]) -> CaseDraft:
        """The case content around `occurrences`: title, summary, dates, victims."""
        profile = PROFILES[story.crime]
        rng = self.rng
        countries = story.countries or self.countries(story.owner)
        sectors = rng.sample(profile.sectors, min(len(profile.sectors), rng.choice((1, 1, 2))))
        words = {
            "family": story.family or rng.choice(profile.families),
            "sector": sectors[0],
            "country": _country_name(countries[0]),
            "brand": rng.choice(BRAND_NAMES),
        }
        title, opener = rng.choice(profile.stories)
        first_seen, last_seen = self.seen(story.offset)
        extra = rng.sample(profile.details + DETAILS, rng.choice((0, 1, 1, 2)))
        return CaseDraft(
            title=title.format(**words),
            crime_type=story.crime,
            summary=" ".join([opener.format(**words), *extra]),
            handling=story.handling,
            countries=countries,
            first_seen=first_seen,
            last_seen=last_seen,
            victim_count=self.victims(profile),
            victim_sectors=tuple(sectors),
            occurrences=tuple(occurrences),
        )

    def countries(self, owner: Organisation) -> tuple[str, ...]:
        """Countries concerned: the owner's, sometimes with one or two others."""
        pool = sorted(set(self.index.countries) | set(OTHER_COUNTRIES))
        found = [owner.country] if owner.country else [self.rng.choice(self.index.countries)]
        for _ in range(self.rng.choices((0, 1, 2), (65, 25, 10))[0]):
            extra = self.rng.choice(pool)
            if extra not in found:
                found.append(extra)
        return tuple(c for c in found if c)

    def seen(self, offset: int) -> tuple[date, date]:
        """First and last seen, before the filing date and within the demo's history."""
        filed = self.today - timedelta(days=offset)
        last = filed - timedelta(days=self.rng.randint(0, 21))
        first = last - timedelta(days=int(self.rng.expovariate(1 / 30)))
        floor = self.today - timedelta(days=HISTORY_DAYS)
        return max(first, floor), max(last, floor)

    def victims(self, profile: Profile) -> int:
        """A victim count, log-uniform over the profile's range."""
        low, high = profile.victims
        return int(math.exp(self.rng.uniform(math.log(low + 1), math.log(high + 1)))) - 1

    def background(self, owner: Organisation, past_review: bool = False) -> DemoCase:
        """One background case filed by `owner`."""
        rng = self.rng
        crime = rng.choices(list(PROFILES), [p.weight for p in PROFILES.values()])[0]
        personal = rng.random() < (0.45 if crime in PERSONAL_TYPES else 0.1)
        if owner.is_partner:
            personal = False
        policy = Policy(owner, self.today, personal, past_review)
        offset = rng.randint(0, HISTORY_DAYS - 30)
        story = Story(owner, crime, offset, background_handling(rng, self.index, policy))
        count = min(12, max(2, round(rng.triangular(2, 12, 4))))
        occurrences = self.observables(PROFILES[crime], owner.country, count)
        return DemoCase(owner.id, self.draft(story, occurrences), offset)


def dedupe(occurrences: Iterable[Occurrence]) -> list[Occurrence]:
    """Keep the first occurrence of each key, in order."""
    seen: dict[str, Occurrence] = {}
    for occ in occurrences:
        seen.setdefault(occ.key, occ)
    return list(seen.values())


def _country_name(code: str) -> str:
    """A member country's name, else the code itself."""
    country = COUNTRY_BY_CODE.get(code)
    return country.name if country else code
