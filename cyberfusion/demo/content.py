"""What demo cases of each crime type say: titles, summaries, victims and observable recipes."""

from __future__ import annotations

from dataclasses import dataclass

from cyberfusion.domain.model import CrimeType
from cyberfusion.domain.observables import ObservableType as T


@dataclass(frozen=True, slots=True)
class Slot:
    """One kind of observable a case of a crime type holds: type, role, weight, generator hint."""

    type: T
    role: str
    weight: float
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Profile:
    """How cases of one crime type read and what they contain.

    `stories` pairs a title with the summary's first sentence; `details` are later sentences.
    """

    weight: float
    stories: tuple[tuple[str, str], ...]
    details: tuple[str, ...]
    slots: tuple[Slot, ...]
    victims: tuple[int, int]
    sectors: tuple[str, ...]
    families: tuple[str, ...] = ("unattributed",)


SECTORS = (
    "healthcare", "finance", "manufacturing", "education", "government", "retail", "logistics",
    "energy", "telecoms", "legal", "hospitality", "construction", "agriculture", "individuals",
)  # fmt: skip

RANSOMWARE_FAMILIES = ("LockBit", "Akira", "Black Basta", "Play", "Medusa", "Rhysida",
                       "BianLian", "8Base", "Cactus", "Qilin", "RansomHub", "Hunters International")
MALWARE_FAMILIES = ("Lumma Stealer", "RedLine", "Agent Tesla", "QakBot", "IcedID", "AsyncRAT",
                    "Remcos", "DarkGate", "SocGholish", "Vidar", "Formbook", "NjRAT")
KIT_FAMILIES = ("16Shop", "EvilProxy", "Tycoon 2FA", "Caffeine", "W3LL", "Greatness")

#: Sentences any summary may continue with (the 2nd and 3rd sentence of 1-3).
DETAILS = (
    "The victim reported the incident to the national unit on the same day.",
    "Server logs were obtained from the hosting provider under a domestic order.",
    "The same infrastructure was reported by a private partner two weeks earlier.",
    "A preservation request has been sent to the provider.",
    "Part of the infrastructure was taken offline after an abuse notice.",
    "The case is linked to an ongoing domestic investigation.",
)
_MONEY = (
    "Funds were moved through at least two intermediary accounts within hours.",
    "The bank froze part of the transfer after a recall request.",
)
_CHAIN = ("Blockchain analysis links the wallets to an exchange account under enquiry.",
          "Part of the proceeds was swapped to Monero through an instant exchanger.")
_FORUM = ("The suspects communicate in English and Russian on the forum.",
          "Several victims have come forward since the first report.")
_FILES = ("Indicators were extracted from the victim's EDR telemetry.",
          "Analysis of the payload is ongoing.")

_R, _B, _P, _M = CrimeType.RANSOMWARE, CrimeType.BEC, CrimeType.PHISHING, CrimeType.MALWARE

PROFILES: dict[CrimeType, Profile] = {
    _R: Profile(
        16,
        (("{family} ransomware attack on {sector} organisation in {country}",
          "A {sector} organisation in {country} had its servers encrypted by {family}."),
         ("{family} intrusion and encryption at a {sector} provider",
          "Attackers exfiltrated data before deploying the {family} encryptor."),
         ("Double-extortion attack on {country} {sector} group attributed to {family}",
          "The victim received a {family} ransom note and a threat to publish stolen data."),
         ("{family} affiliate deploys encryptor after VPN compromise",
          "An affiliate entered through a VPN account without MFA and deployed {family}.")),
        _CHAIN + _FILES,
        (Slot(T.BTC_WALLET, "ransom wallet", 3), Slot(T.XMR_WALLET, "ransom wallet", 1),
         Slot(T.IPV4, "C2 server", 3), Slot(T.IPV4, "exfiltration server", 1),
         Slot(T.URL, "negotiation portal", 1, "c2"), Slot(T.SHA256, "payload hash", 3),
         Slot(T.MD5, "loader hash", 1), Slot(T.SHA1, "payload hash", 1),
         Slot(T.SHA512, "encryptor hash", 0.3), Slot(T.SSDEEP, "payload fuzzy hash", 0.5),
         Slot(T.FILE_NAME, "ransom note", 2, "note"), Slot(T.FILE_NAME, "attacker tool", 1, "tool"),
         Slot(T.EMAIL, "negotiation contact", 1), Slot(T.JA3, "C2 TLS fingerprint", 1),
         Slot(T.ASN, "hosting ASN", 1), Slot(T.IPV6, "C2 server", 0.5),
         Slot(T.USERNAME, "affiliate handle", 0.5), Slot(T.CIDR, "bulletproof hosting range", 0.3),
         Slot(T.USER_AGENT, "beacon user agent", 0.5)),
        (1, 3), ("healthcare", "manufacturing", "education", "government", "logistics", "legal"),
        RANSOMWARE_FAMILIES,
    ),
    _B: Profile(
        14,
        (("CEO fraud against {sector} company in {country}",
          "Fraudsters impersonated the chief executive of a {sector} company in {country}."),
         ("Invoice redirection scam using look-alike supplier domain",
          "A {sector} company paid a supplier invoice whose bank details had been changed."),
         ("Business e-mail compromise: payment diverted to mule account",
          "After a mailbox compromise, a payment was diverted to a mule account."),
         ("Payroll diversion fraud targeting {sector} employees",
          "Salary payments of {sector} employees in {country} were redirected.")),
        _MONEY,
        (Slot(T.IBAN, "mule account", 3), Slot(T.EMAIL, "sender address", 3),
         Slot(T.DOMAIN, "look-alike domain", 2, "lure"), Slot(T.EMAIL, "reply-to address", 1),
         Slot(T.IPV4, "mailbox login IP", 1), Slot(T.PHONE, "fraudster phone", 1),
         Slot(T.USER_AGENT, "mailbox login user agent", 1),
         Slot(T.BTC_WALLET, "cash-out wallet", 0.5),
         Slot(T.USERNAME, "mule recruiter handle", 0.5), Slot(T.ASN, "VPN provider ASN", 0.3)),
        (1, 12), ("finance", "manufacturing", "logistics", "construction", "retail", "legal"),
    ),
    _P: Profile(
        14,
        (("{family} phishing campaign impersonating {brand}",
          "Victims received messages impersonating {brand} and entered their credentials."),
         ("Credential phishing against {country} bank customers",
          "A phishing campaign targeted customers of banks in {country}."),
         ("Smishing wave with fake parcel-delivery notices",
          "Text messages about a missed {brand} parcel led to a card-harvesting page."),
         ("Microsoft 365 credential harvesting via {family} kit",
          "A {family} adversary-in-the-middle kit harvested Microsoft 365 sessions.")),
        _FORUM,
        (Slot(T.DOMAIN, "phishing domain", 3), Slot(T.URL, "phishing URL", 3, "phish"),
         Slot(T.IPV4, "phishing host", 2), Slot(T.EMAIL, "sender address", 2),
         Slot(T.EMAIL, "drop mailbox", 1), Slot(T.SHA256, "kit archive hash", 1),
         Slot(T.JA3, "kit TLS fingerprint", 0.5), Slot(T.FILE_NAME, "lure attachment", 1, "lure"),
         Slot(T.MD5, "attachment hash", 1), Slot(T.USERNAME, "kit seller handle", 0.5),
         Slot(T.PHONE, "smishing sender", 0.5), Slot(T.ASN, "hosting ASN", 0.5),
         Slot(T.IPV6, "phishing host", 0.3), Slot(T.CIDR, "hosting range", 0.3)),
        (10, 4000), ("finance", "individuals", "retail", "telecoms", "government"), KIT_FAMILIES,
    ),
    _M: Profile(
        12,
        (("{family} distribution via malicious e-mail attachments",
          "A wave of e-mails delivered {family} to {sector} organisations."),
         ("{family} infections at {sector} organisations in {country}",
          "Infected hosts in {country} beacon to {family} command-and-control servers."),
         ("Loader campaign dropping {family}",
          "A loader campaign drops {family} through fake software updates."),
         ("New {family} build with rotating C2",
          "A new {family} build rotates its command-and-control domains daily.")),
        _FILES,
        (Slot(T.SHA256, "payload hash", 3), Slot(T.MD5, "payload hash", 1),
         Slot(T.SHA1, "dropper hash", 1), Slot(T.SHA512, "payload hash", 0.3),
         Slot(T.SSDEEP, "payload fuzzy hash", 1), Slot(T.FILE_NAME, "dropper", 2, "lure"),
         Slot(T.URL, "payload download URL", 2, "drop"), Slot(T.DOMAIN, "C2 domain", 2, "dga"),
         Slot(T.IPV4, "C2 server", 2), Slot(T.JA3, "C2 TLS fingerprint", 1),
         Slot(T.USER_AGENT, "beacon user agent", 1), Slot(T.IPV6, "C2 server", 0.3),
         Slot(T.ASN, "hosting ASN", 0.5)),
        (5, 900), SECTORS, MALWARE_FAMILIES,
    ),
    CrimeType.FRAUD: Profile(
        10,
        (("Fake online shop defrauding {country} consumers",
          "Victims in {country} paid a fake online shop for goods that never arrived."),
         ("Tech-support scam call centre targeting elderly victims",
          "Callers posing as support staff took remote control of victims' computers."),
         ("Romance scam network using fake dating profiles",
          "Victims were persuaded to send money to people they met on dating sites."),
         ("Fraudulent rental listings on classified-ads sites",
          "Deposits for holiday rentals that did not exist were paid by victims in {country}.")),
        _MONEY + _FORUM,
        (Slot(T.DOMAIN, "fake shop domain", 2, "words"), Slot(T.URL, "fake shop URL", 1, "phish"),
         Slot(T.IBAN, "mule account", 2), Slot(T.PHONE, "call-centre number", 2),
         Slot(T.EMAIL, "contact address", 1), Slot(T.USERNAME, "seller profile", 1),
         Slot(T.BTC_WALLET, "payment wallet", 0.5), Slot(T.IPV4, "hosting IP", 1)),
        (3, 600), ("individuals", "retail", "hospitality"),
    ),
    CrimeType.DDOS: Profile(
        6,
        (("DDoS attacks against {sector} websites in {country}",
          "Websites of {sector} organisations in {country} were flooded for several hours."),
         ("Booter service used against {country} government portals",
          "A booter service was hired to attack government portals in {country}."),
         ("Extortion by DDoS (RDoS) against online retailer",
          "The attackers demanded payment in bitcoin to stop a volumetric attack.")),
        ("Traffic peaked at 180 Gbps from several thousand sources.",
         "The booter's customer database was obtained by a partner agency."),
        (Slot(T.IPV4, "botnet node", 4), Slot(T.IPV4, "booter panel host", 1),
         Slot(T.DOMAIN, "booter service domain", 1, "words"),
         Slot(T.URL, "booter panel URL", 1, "c2"), Slot(T.CIDR, "attacking range", 1),
         Slot(T.ASN, "source ASN", 1), Slot(T.IPV6, "botnet node", 1),
         Slot(T.USER_AGENT, "flood user agent", 1), Slot(T.BTC_WALLET, "extortion wallet", 0.5),
         Slot(T.USERNAME, "booter operator handle", 0.5), Slot(T.JA3, "bot TLS fingerprint", 0.5)),
        (1, 40), ("government", "finance", "retail", "telecoms", "education"),
    ),
    CrimeType.INTRUSION: Profile(
        9,
        (("Exploitation of edge VPN appliances at {sector} organisations",
          "Attackers exploited an unpatched VPN appliance of a {sector} organisation."),
         ("Unauthorised access to {country} {sector} network",
          "An intruder moved laterally through the network of a {sector} body in {country}."),
         ("Web shell found on public-facing server",
          "A web shell was found on a public-facing server of a {sector} organisation."),
         ("Credential-stuffing attack on citizen portal",
          "Brute-force and credential-stuffing attempts hit a citizen portal in {country}.")),
        _FILES,
        (Slot(T.IPV4, "scanning IP", 2), Slot(T.IPV4, "VPN brute-force source", 1),
         Slot(T.IPV6, "scanning IP", 0.5), Slot(T.USER_AGENT, "exploit user agent", 1),
         Slot(T.SHA256, "web shell hash", 1), Slot(T.FILE_NAME, "attacker tool", 2, "tool"),
         Slot(T.DOMAIN, "staging domain", 1, "dga"), Slot(T.URL, "exploit URL", 1, "drop"),
         Slot(T.JA3, "attacker TLS fingerprint", 1), Slot(T.ASN, "source ASN", 1),
         Slot(T.CIDR, "scanning range", 0.5), Slot(T.USERNAME, "compromised account", 0.5)),
        (1, 5), ("government", "energy", "telecoms", "healthcare", "finance"),
    ),
    CrimeType.CSAM: Profile(
        3,
        (("Hidden-service forum distributing child sexual abuse material",
          "A forum distributing child sexual abuse material was identified."),
         ("Payment flows of a child abuse material site",
          "Payments to an abuse material site were traced on the blockchain."),
         ("Offender accounts on an encrypted messaging channel",
          "Offender accounts sharing abuse material were identified on a messaging channel.")),
        ("Victim identification specialists have been informed.",
         "The hash values were checked against the national hash list."),
        (Slot(T.USERNAME, "offender handle", 3), Slot(T.BTC_WALLET, "payment wallet", 2),
         Slot(T.XMR_WALLET, "payment wallet", 1), Slot(T.DOMAIN, "hosting domain", 1, "dga"),
         Slot(T.URL, "distribution URL", 1, "drop"), Slot(T.EMAIL, "registration address", 1),
         Slot(T.MD5, "known-material hash", 1), Slot(T.IPV4, "hosting IP", 1)),
        (1, 20), ("individuals",),
    ),
    CrimeType.SEXTORTION: Profile(
        5,
        (("Sextortion e-mail campaign demanding bitcoin",
          "Victims received e-mails claiming compromising recordings and demanding bitcoin."),
         ("Sextortion of minors through social media accounts",
          "Young people in {country} were blackmailed after sharing images on social media."),
         ("Webcam blackmail network targeting {country} residents",
          "A group lures victims in {country} into video calls and then extorts them.")),
        (*_CHAIN, "Several victims have come forward since the first report."),
        (Slot(T.EMAIL, "sender address", 3), Slot(T.BTC_WALLET, "extortion wallet", 3),
         Slot(T.USERNAME, "extortion handle", 2), Slot(T.PHONE, "extortion phone", 1),
         Slot(T.IPV4, "sending server", 1), Slot(T.DOMAIN, "sending domain", 0.5, "dga")),
        (2, 300), ("individuals",),
    ),
    CrimeType.CRYPTO_FRAUD: Profile(
        8,
        (("Fake crypto-investment platform targeting {country} investors",
          "Investors in {country} deposited funds on a fake trading platform."),
         ("Pig-butchering scam using fake trading app",
          "Victims were groomed for weeks before investing through a fake trading app."),
         ("Rug pull of a token promoted on messaging channels",
          "Promoters drained the liquidity of a token after a marketing campaign.")),
        _CHAIN,
        (Slot(T.DOMAIN, "fake investment platform", 3, "words"),
         Slot(T.URL, "platform URL", 1, "phish"), Slot(T.ETH_WALLET, "deposit wallet", 3),
         Slot(T.BTC_WALLET, "deposit wallet", 2), Slot(T.XMR_WALLET, "laundering wallet", 0.5),
         Slot(T.USERNAME, "recruiter handle", 1), Slot(T.PHONE, "call-centre number", 1),
         Slot(T.EMAIL, "support address", 1), Slot(T.IPV4, "hosting IP", 1)),
        (5, 900), ("individuals", "finance"),
    ),
    CrimeType.DATA_THEFT: Profile(
        6,
        (("Stolen {sector} customer database offered on forum",
          "A database of a {sector} organisation in {country} is offered for sale."),
         ("Infostealer logs of {country} users sold on marketplace",
          "Infostealer logs with credentials of users in {country} are sold online."),
         ("Data leak of {sector} records after cloud misconfiguration",
          "Records of a {sector} organisation were downloaded from an exposed storage bucket.")),
        _FORUM + _CHAIN[:1],
        (Slot(T.IPV4, "exfiltration server", 2), Slot(T.DOMAIN, "leak forum", 1, "words"),
         Slot(T.URL, "stolen data listing", 1, "drop"), Slot(T.USERNAME, "seller handle", 2),
         Slot(T.BTC_WALLET, "sale wallet", 1), Slot(T.XMR_WALLET, "sale wallet", 0.5),
         Slot(T.SHA256, "stealer hash", 1), Slot(T.EMAIL, "seller contact", 1),
         Slot(T.FILE_NAME, "stealer log archive", 0.5, "tool")),
        (100, 250000), ("healthcare", "retail", "telecoms", "finance", "government", "education"),
    ),
    CrimeType.OTHER: Profile(
        2,
        (("Money-laundering service advertised to cybercriminals",
          "A cash-out service advertised to cybercriminals was identified in {country}."),
         ("Bulletproof hosting provider supporting criminal infrastructure",
          "A hosting provider ignores abuse reports and hosts criminal infrastructure."),
         ("Unclassified cyber-enabled offence in {country}",
          "An offence that fits no other category was reported in {country}.")),
        _FORUM,
        (Slot(T.IPV4, "hosting IP", 2), Slot(T.DOMAIN, "service domain", 1, "words"),
         Slot(T.USERNAME, "operator handle", 1), Slot(T.BTC_WALLET, "service wallet", 1),
         Slot(T.ASN, "hosting ASN", 1), Slot(T.CIDR, "hosting range", 1),
         Slot(T.EMAIL, "contact address", 1)),
        (0, 10), SECTORS,
    ),
}

BRAND_NAMES = ("Nordbank", "PostExpress", "SwiftParcel", "MeridianPay", "Zenith Trust",
               "Atlas Mail", "Prime Cargo", "Coral Bank", "Helios Pay", "Metro Card")
