"""Reference data of the demo world: member countries, partners, hub and people's names."""

from __future__ import annotations

from dataclasses import dataclass

from cyberfusion.domain.model import Region


@dataclass(frozen=True, slots=True)
class Country:
    """A member country: where its NCB sits, its unit's name, its time zone and names."""

    code: str
    name: str
    region: Region
    ncb_city: str
    unit_name: str
    timezone: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


_E, _AM, _AS, _AF, _ME = Region.EUROPE, Region.AMERICAS, Region.ASIA, Region.AFRICA, Region.MENA

COUNTRIES: tuple[Country, ...] = (
    Country("FR", "France", _E, "Paris", "OFAC Cybercrime Unit", "Europe/Paris",
            ("Camille", "Julien", "Élodie", "Mathieu"), ("Laurent", "Moreau", "Girard", "Roux")),
    Country("DE", "Germany", _E, "Wiesbaden", "BKA Cybercrime Unit", "Europe/Berlin",
            ("Anna", "Jonas", "Katrin", "Felix"), ("Schneider", "Weber", "Hoffmann", "Wagner")),
    Country("GB", "United Kingdom", _E, "Manchester", "National Cyber Crime Unit",
            "Europe/London", ("Oliver", "Amelia", "Harry", "Priya"),
            ("Hughes", "Patel", "Clarke", "Evans")),
    Country("NL", "Netherlands", _E, "Zoetermeer", "High Tech Crime Unit", "Europe/Amsterdam",
            ("Sanne", "Daan", "Lotte", "Bram"), ("de Vries", "Jansen", "Bakker", "Visser")),
    Country("ES", "Spain", _E, "Madrid", "Cybercrime Unit (UCC)", "Europe/Madrid",
            ("Lucía", "Javier", "Marta", "Pablo"), ("García", "Fernández", "López", "Ruiz")),
    Country("PL", "Poland", _E, "Warsaw", "Central Cybercrime Bureau", "Europe/Warsaw",
            ("Katarzyna", "Piotr", "Agnieszka", "Tomasz"),
            ("Nowak", "Kowalski", "Wiśniewska", "Zieliński")),
    Country("US", "United States", _AM, "Washington", "Cyber Crime Unit", "America/New_York",
            ("Emily", "Michael", "Jessica", "David"), ("Johnson", "Miller", "Garcia", "Brooks")),
    Country("BR", "Brazil", _AM, "Brasília", "Cybercrime Repression Unit", "America/Sao_Paulo",
            ("Ana", "Rafael", "Beatriz", "Lucas"), ("Silva", "Souza", "Oliveira", "Costa")),
    Country("CA", "Canada", _AM, "Ottawa", "National Cybercrime Coordination Unit",
            "America/Toronto", ("Sarah", "Liam", "Chloé", "Ethan"),
            ("Tremblay", "Martin", "Roy", "MacDonald")),
    Country("MX", "Mexico", _AM, "Mexico City", "Cyber Police Unit", "America/Mexico_City",
            ("Mariana", "Diego", "Valeria", "Alejandro"),
            ("Hernández", "Martínez", "Ramírez", "Torres")),
    Country("JP", "Japan", _AS, "Tokyo", "National Cyber Unit", "Asia/Tokyo",
            ("Yuki", "Haruto", "Aiko", "Kenji"), ("Sato", "Suzuki", "Takahashi", "Tanaka")),
    Country("SG", "Singapore", _AS, "Singapore", "Cybercrime Command", "Asia/Singapore",
            ("Wei Ling", "Rajesh", "Mei", "Daniel"), ("Tan", "Lim", "Ng", "Nair")),
    Country("IN", "India", _AS, "New Delhi", "Cyber Crime Coordination Unit", "Asia/Kolkata",
            ("Ananya", "Arjun", "Kavya", "Vikram"), ("Sharma", "Iyer", "Reddy", "Singh")),
    Country("AU", "Australia", _AS, "Canberra", "Cybercrime Operations Unit", "Australia/Sydney",
            ("Charlotte", "Jack", "Isla", "Noah"), ("Smith", "Nguyen", "Wilson", "Taylor")),
    Country("NG", "Nigeria", _AF, "Abuja", "Cybercrime Centre", "Africa/Lagos",
            ("Chiamaka", "Emeka", "Aisha", "Tunde"), ("Okafor", "Adeyemi", "Bello", "Eze")),
    Country("KE", "Kenya", _AF, "Nairobi", "Cyber Crime Unit", "Africa/Nairobi",
            ("Wanjiru", "Kamau", "Achieng", "Otieno"), ("Mwangi", "Odhiambo", "Kiprop", "Njoroge")),
    Country("ZA", "South Africa", _AF, "Pretoria", "Cybercrime Unit (DPCI)",
            "Africa/Johannesburg", ("Thandi", "Sipho", "Lerato", "Pieter"),
            ("Nkosi", "van der Merwe", "Dlamini", "Botha")),
    Country("AE", "United Arab Emirates", _ME, "Abu Dhabi", "Cybercrime Department",
            "Asia/Dubai", ("Fatima", "Omar", "Mariam", "Khalid"),
            ("Al Mansoori", "Al Hashimi", "Al Nuaimi", "Al Dhaheri")),
    Country("EG", "Egypt", _ME, "Cairo", "Cybercrime Directorate", "Africa/Cairo",
            ("Nour", "Ahmed", "Yasmin", "Karim"), ("Hassan", "Mahmoud", "Farouk", "Said")),
    Country("JO", "Jordan", _ME, "Amman", "Cybercrime Unit", "Asia/Amman",
            ("Rania", "Zaid", "Lina", "Tariq"), ("Haddad", "Khoury", "Nasser", "Qasem")),
)

COUNTRY_BY_CODE: dict[str, Country] = {c.code: c for c in COUNTRIES}


@dataclass(frozen=True, slots=True)
class PartnerInfo:
    """A fictional private-sector partner under a data-sharing agreement."""

    id: str
    name: str
    timezone: str


PARTNERS: tuple[PartnerInfo, ...] = (
    PartnerInfo("sentinelridge", "Sentinel Ridge Security", "Europe/London"),
    PartnerInfo("bluelantern", "Blue Lantern Threat Intelligence", "America/Chicago"),
    PartnerInfo("corvidlabs", "Corvid Labs Incident Response", "Asia/Singapore"),
)

HUB_ID = "hub"
HUB_NAME = "Cyber Fusion Hub"
HUB_TIMEZONE = "Asia/Singapore"

AGENCY_ID = "afr-ccc"
AGENCY_NAME = "African Regional Cybercrime Coordination Centre"
AGENCY_TIMEZONE = "Africa/Nairobi"

#: Countries that are not members but appear as countries concerned (source or victim).
OTHER_COUNTRIES = ("RU", "UA", "VN", "CN", "KP", "RO", "TR", "ID", "PH", "GH", "CI", "BG")


def ncb_id(code: str) -> str:
    """Organisation id of a country's NCB (`fr-ncb`)."""
    return f"{code.lower()}-ncb"


def unit_id(code: str) -> str:
    """Organisation id of a country's cybercrime unit (`fr-cyber`)."""
    return f"{code.lower()}-cyber"
