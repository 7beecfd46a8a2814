"""Normalisers for the non-network observables: digests, files, wallets, IBAN, phone, handles.

Each `normalise_*` takes the raw text and returns the canonical form, or raises `Rejected`
(or `ChecksumError`) whose message is the human reason shown to the user.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import phonenumbers

from cyberfusion.domain.checksums import (
    IBAN_LENGTHS,
    b58check_decode,
    eip55_checksum,
    iban_mod97,
    monero_b58decode,
    monero_check,
    segwit_decode,
)


class Rejected(ValueError):
    """A raw value that is not valid for its observable type; `str()` is the reason."""


def sized(text: str, what: str, maximum: int) -> str:
    """`text` when it has 1 to `maximum` characters; else Rejected saying so about `what`."""
    if not text:
        raise Rejected(f"empty {what}")
    if len(text) > maximum:
        raise Rejected(f"{what} is {len(text)} characters long, the maximum is {maximum}")
    return text


# --- digests ----------------------------------------------------------------------------------

_HEX = re.compile(r"[0-9a-fA-F]+")


def hex_normaliser(name: str, length: int) -> Callable[[str], str]:
    """Build a normaliser for a `length`-hex-digit digest called `name` (lower-cased)."""

    def normalise(raw: str) -> str:
        text = raw.strip()
        if len(text) != length:
            raise Rejected(f"{name} must be {length} hex characters, got {len(text)}")
        if not _HEX.fullmatch(text):
            raise Rejected(f"{name} must contain only hex characters 0-9 and a-f")
        return text.lower()

    normalise.__doc__ = f"Lower-case {length}-hex-digit {name}."
    return normalise


_SSDEEP = re.compile(r"([0-9]{1,10}):([0-9A-Za-z/+]{1,64}):([0-9A-Za-z/+]{0,64})")


def normalise_ssdeep(raw: str) -> str:
    """`blocksize:hash:hash` with a block size of 3·2^n; the hashes are kept as given."""
    match = _SSDEEP.fullmatch(raw.strip())
    if match is None:
        raise Rejected("expected blocksize:hash:hash with base64 characters in the hashes")
    size = int(match.group(1))
    unit = size // 3
    if size < 3 or size % 3 or unit & (unit - 1):
        raise Rejected(f"block size {size} is not 3 times a power of two")
    return f"{size}:{match.group(2)}:{match.group(3)}"


# --- file names -------------------------------------------------------------------------------

_FILE_BAD = re.compile(r"[/\\\x00-\x1f\x7f-\x9f]")


def normalise_file_name(raw: str) -> str:
    """Stripped name kept as given (case too); no path separators or control characters."""
    text = sized(raw.strip(), "file name", 255)
    bad = _FILE_BAD.search(text)
    if bad is not None:
        if bad.group(0) in "/\\":
            raise Rejected("file name contains a path separator")
        raise Rejected("file name contains a control character")
    if text in (".", ".."):
        raise Rejected("'.' and '..' are not file names")
    return text


def file_name_key_form(value: str) -> str:
    """Key material for file names: NFC then casefold, so `Invoice.EXE` meets `invoice.exe`."""
    return unicodedata.normalize("NFC", value).casefold()


# --- wallets ----------------------------------------------------------------------------------

_BTC_MAINNET_VERSIONS = {0x00: "P2PKH", 0x05: "P2SH"}
_BTC_TESTNET_VERSIONS = {0x6F, 0xC4}
_BTC_TESTNET_HRPS = ("tb1", "bcrt1")


def normalise_btc_wallet(raw: str) -> str:
    """Mainnet base58check P2PKH/P2SH kept as given, or bech32/bech32m segwit lower-cased."""
    text = raw.strip()
    lower = text.lower()
    if lower.startswith("bc1"):
        segwit_decode("bc", text)
        return lower
    if lower.startswith(_BTC_TESTNET_HRPS):
        raise Rejected("testnet address; only mainnet addresses are accepted")
    if not 25 <= len(text) <= 35:
        raise Rejected(f"base58 address must be 25-35 characters, got {len(text)}")
    payload = b58check_decode(text)
    if len(payload) != 21:
        raise Rejected(f"address decodes to {len(payload)} bytes, expected 21")
    version = payload[0]
    if version in _BTC_TESTNET_VERSIONS:
        raise Rejected("testnet address; only mainnet addresses are accepted")
    if version not in _BTC_MAINNET_VERSIONS:
        raise Rejected(f"unknown address version byte 0x{version:02x}")
    return text


_ETH = re.compile(r"(?:0[xX])?([0-9a-fA-F]{40})")


def normalise_eth_wallet(raw: str) -> str:
    """`0x` + EIP-55 checksummed form; a mixed-case input must carry a valid EIP-55 checksum."""
    text = raw.strip()
    match = _ETH.fullmatch(text)
    if match is None:
        body = text[2:] if text[:2] in ("0x", "0X") else text
        if len(body) != 40:
            raise Rejected(f"expected 0x and 40 hex characters, got {len(body)} after 0x")
        raise Rejected("address must contain only hex characters 0-9 and a-f")
    body = match.group(1)
    checksummed = eip55_checksum(body)
    if checksummed[2:] != body and body.lower() != body and body.upper() != body:
        raise Rejected("bad EIP-55 checksum (mixed-case address does not match)")
    return checksummed


def eth_key_form(value: str) -> str:
    """Key material for Ethereum addresses: the lower-case hex form."""
    return value.lower()


# Mainnet network byte (single-byte varint) -> (kind, address length in characters).
_XMR_MAINNET = {0x12: ("standard", 95), 0x13: ("integrated", 106), 0x2A: ("subaddress", 95)}
_XMR_OTHER_NETS = {0x35, 0x36, 0x3F, 0x18, 0x19, 0x24}  # testnet, stagenet


def normalise_xmr_wallet(raw: str) -> str:
    """Monero standard/integrated/subaddress: Monero base58 + Keccak-256 checksum, as given."""
    text = raw.strip()
    if len(text) not in (95, 106):
        raise Rejected(f"Monero address must be 95 or 106 characters, got {len(text)}")
    payload = monero_check(monero_b58decode(text))
    prefix = payload[0]
    kind = _XMR_MAINNET.get(prefix)
    if kind is None:
        if prefix in _XMR_OTHER_NETS:
            raise Rejected("testnet or stagenet address; only mainnet addresses are accepted")
        raise Rejected(f"unknown Monero network prefix {prefix}")
    if len(text) != kind[1]:
        raise Rejected(f"a Monero {kind[0]} address must be {kind[1]} characters")
    return text


# --- IBAN (ISO 13616) ---------------------------------------------------------------------------

_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")


def normalise_iban(raw: str) -> str:
    """Compact upper-case IBAN: registry length for the country and MOD 97-10 == 1."""
    text = "".join(raw.split()).upper()
    if text.startswith("IBAN"):
        text = text[4:]
    if not _IBAN.fullmatch(text):
        raise Rejected("expected a country code, two check digits, then letters and digits")
    country = text[:2]
    length = IBAN_LENGTHS.get(country)
    if length is None:
        raise Rejected(f"{country!r} is not an IBAN country (ISO 13616 registry)")
    if len(text) != length:
        raise Rejected(f"IBAN for {country} must be {length} characters, got {len(text)}")
    if text[2:4] in ("00", "01", "99"):
        raise Rejected(f"check digits {text[2:4]} are never valid (ISO 13616)")
    if iban_mod97(text) != 1:
        raise Rejected("IBAN check digits fail (mod 97)")
    return text


# --- phone (E.164) ------------------------------------------------------------------------------

_E164 = phonenumbers.PhoneNumberFormat.E164

# phonenumbers re-compiles metadata patterns through `re`'s 512-entry cache, which thrashes
# when numbers come from many regions (python-phonenumbers issue #108: ~20x slower). Newer
# releases can keep the compiled patterns (bounded by the metadata); older ones lack the hook.
_enable_pattern_cache = getattr(phonenumbers, "enable_pattern_cache", None)
if _enable_pattern_cache is not None:
    _enable_pattern_cache()


def normalise_phone(raw: str) -> str:
    """E.164 via `phonenumbers`; the number must be valid; `00` counts as the `+` prefix."""
    text = raw.strip()
    if text[:4].lower() == "tel:":
        text = text[4:].lstrip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+"):
        raise Rejected("not a valid E.164 number: start with + (or 00) and the country code")
    if len(text) > 64:
        raise Rejected("not a valid E.164 number: too long")
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        raise Rejected("not a valid E.164 number") from None
    if number.extension:
        raise Rejected("extensions are not part of an E.164 number")
    if not phonenumbers.is_valid_number(number):
        raise Rejected("not a valid E.164 number")
    return phonenumbers.format_number(number, _E164)


# --- handles, ASN, text -------------------------------------------------------------------------

_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def normalise_username(raw: str) -> str:
    """Stripped, one leading `@` removed, lower-cased; no whitespace or `@@`; 1-256 characters."""
    text = raw.strip()
    if text.startswith("@"):
        text = text[1:]
    if text.startswith("@"):
        raise Rejected("username starts with more than one '@'")
    sized(text, "username", 256)
    if _SPACE_OR_CONTROL.search(text):
        raise Rejected("username contains whitespace or control characters")
    return text.lower()


_ASN = re.compile(r"(?:ASN?)?\s*([0-9]{1,10})(?:\.([0-9]{1,5}))?", re.IGNORECASE)


def normalise_asn(raw: str) -> str:
    """`AS<n>` (asplain); accepts AS123, as123, 123, ASN 123 and asdot 1.10 (RFC 5396)."""
    match = _ASN.fullmatch(raw.strip())
    if match is None:
        raise Rejected("expected an AS number such as AS64500")
    if match.group(2) is None:
        number = int(match.group(1))
    else:
        high, low = int(match.group(1)), int(match.group(2))
        if high > 0xFFFF or low > 0xFFFF:
            raise Rejected("asdot parts must each be at most 65535")
        number = (high << 16) | low
    if not 0 < number < 2**32:
        raise Rejected("AS number must be between 1 and 4294967295")
    return f"AS{number}"


def normalise_user_agent(raw: str) -> str:
    """Internal whitespace runs collapsed to one space, stripped, case kept; 1-1024 characters."""
    text = sized(" ".join(raw.split()), "user agent", 1024)
    if _CONTROL.search(text):
        raise Rejected("user agent contains control characters")
    return text
