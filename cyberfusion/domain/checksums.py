"""Checksum codecs for wallet addresses and bank accounts, written from the specs.

Covers Bitcoin base58check, bech32/bech32m (BIP-173, BIP-350) with the segwit rules,
Monero's block-wise base58 with its Keccak-256 checksum, Ethereum's EIP-55 mixed-case
checksum and the ISO 13616 IBAN (ISO 7064 MOD 97-10). Pure functions, no I/O; every
failure raises `ChecksumError` with a short human reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Literal

from Crypto.Hash import keccak

Bech32Variant = Literal["bech32", "bech32m"]


class ChecksumError(ValueError):
    """A value whose encoding or checksum does not verify; `str()` is the reason."""


def keccak256(data: bytes) -> bytes:
    """Return the original Keccak-256 digest (not SHA3-256), as Ethereum and Monero use."""
    return keccak.new(digest_bits=256, data=data).digest()


# --- Bitcoin base58check -------------------------------------------------------------------

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {ch: i for i, ch in enumerate(BASE58_ALPHABET)}


def _b58_to_int(text: str) -> int:
    """Read `text` as a big-endian base58 number."""
    num = 0
    index = _B58_INDEX
    for ch in text:
        digit = index.get(ch)
        if digit is None:
            raise ChecksumError(f"invalid base58 character {ch!r}")
        num = num * 58 + digit
    return num


def b58decode(text: str) -> bytes:
    """Decode Bitcoin base58; each leading '1' is one leading zero byte."""
    num = _b58_to_int(text)
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + num.to_bytes((num.bit_length() + 7) // 8, "big")


def b58encode(data: bytes) -> str:
    """Encode bytes as Bitcoin base58; each leading zero byte becomes '1'."""
    num = int.from_bytes(data, "big")
    digits: list[str] = []
    while num:
        num, rem = divmod(num, 58)
        digits.append(BASE58_ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(digits))


def _double_sha256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _unchecked(data: bytes, digest: Callable[[bytes], bytes], short: str, bad: str) -> bytes:
    """`data` without its trailing 4-byte checksum, which must open `digest` of the rest;
    ChecksumError(`short`) or ChecksumError(`bad`) otherwise."""
    if len(data) < 5:
        raise ChecksumError(short)
    payload, check = data[:-4], data[-4:]
    if digest(payload)[:4] != check:
        raise ChecksumError(bad)
    return payload


def _checked(payload: bytes, digest: Callable[[bytes], bytes]) -> bytes:
    """`payload` followed by the first 4 bytes of its `digest` (base58check, Monero)."""
    return payload + digest(payload)[:4]


def b58check_decode(text: str) -> bytes:
    """Decode base58check and return the payload (version byte included) without checksum."""
    return _unchecked(b58decode(text), _double_sha256, "too short for base58check",
                      "bad base58check checksum")


def b58check_encode(payload: bytes) -> str:
    """Encode `payload` with its 4-byte double-SHA-256 checksum as base58."""
    return b58encode(_checked(payload, _double_sha256))


# --- bech32 / bech32m (BIP-173, BIP-350) ---------------------------------------------------

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {ch: i for i, ch in enumerate(BECH32_CHARSET)}
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32_CONST: dict[Bech32Variant, int] = {"bech32": 1, "bech32m": 0x2BC830A3}


def _bech32_table() -> tuple[int, ...]:
    """XOR of the BIP-173 generators selected by each possible 5-bit top of the checksum."""
    table: list[int] = []
    for top in range(32):
        acc = 0
        for i, gen in enumerate(_BECH32_GEN):
            if (top >> i) & 1:
                acc ^= gen
        table.append(acc)
    return tuple(table)


_BECH32_TABLE = _bech32_table()


def _polymod(values: list[int]) -> int:
    """BCH checksum over GF(32) as defined in BIP-173 (generator XORs precomputed per top)."""
    chk = 1
    table = _BECH32_TABLE
    for value in values:
        chk = ((chk & 0x1FFFFFF) << 5) ^ value ^ table[chk >> 25]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(ch) >> 5 for ch in hrp] + [0] + [ord(ch) & 31 for ch in hrp]


def bech32_decode(text: str) -> tuple[str, list[int], Bech32Variant]:
    """Decode a bech32 or bech32m string (BIP-173/BIP-350): (hrp, 5-bit data, variant)."""
    if any(ord(ch) < 33 or ord(ch) > 126 for ch in text):
        raise ChecksumError("bech32 character out of range")
    if text.lower() != text and text.upper() != text:
        raise ChecksumError("bech32 must not mix upper and lower case")
    if len(text) > 90:
        raise ChecksumError("bech32 string longer than 90 characters")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text):
        raise ChecksumError("bech32 separator '1' missing or misplaced")
    hrp = text[:pos]
    data: list[int] = []
    for ch in text[pos + 1 :]:
        digit = _BECH32_INDEX.get(ch)
        if digit is None:
            raise ChecksumError(f"invalid bech32 character {ch!r}")
        data.append(digit)
    const = _polymod(_hrp_expand(hrp) + data)
    for variant, expected in _BECH32_CONST.items():
        if const == expected:
            return hrp, data[:-6], variant
    raise ChecksumError("bad bech32 checksum")


def bech32_encode(hrp: str, data: list[int], variant: Bech32Variant) -> str:
    """Encode 5-bit `data` under `hrp` with a bech32 or bech32m checksum."""
    values = _hrp_expand(hrp) + data
    poly = _polymod([*values, 0, 0, 0, 0, 0, 0]) ^ _BECH32_CONST[variant]
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def convertbits(data: list[int] | bytes, frombits: int, tobits: int, pad: bool) -> list[int]:
    """Regroup a bit stream from `frombits` to `tobits` wide words (BIP-173 reference rules)."""
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value >> frombits:
            raise ChecksumError("value out of range for bit conversion")
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or (acc << (tobits - bits)) & maxv:
        raise ChecksumError("invalid padding in segwit program")
    return out


def segwit_decode(hrp: str, address: str) -> tuple[int, bytes]:
    """Decode a segwit address (BIP-173 v0, BIP-350 v1+) and return (version, program)."""
    got_hrp, data, variant = bech32_decode(address)
    if got_hrp != hrp:
        raise ChecksumError(f"human-readable part is {got_hrp!r}, expected {hrp!r}")
    if not data:
        raise ChecksumError("segwit address has no witness version")
    version = data[0]
    if version > 16:
        raise ChecksumError(f"segwit version {version} is above 16")
    program = bytes(convertbits(data[1:], 5, 8, False))
    if not 2 <= len(program) <= 40:
        raise ChecksumError(f"segwit program is {len(program)} bytes, must be 2-40")
    if version == 0 and len(program) not in (20, 32):
        raise ChecksumError("segwit v0 program must be 20 or 32 bytes")
    if version == 0 and variant != "bech32":
        raise ChecksumError("segwit v0 must use bech32, not bech32m (BIP-350)")
    if version != 0 and variant != "bech32m":
        raise ChecksumError(f"segwit v{version} must use bech32m, not bech32 (BIP-350)")
    return version, program


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """Encode a segwit address: bech32 for v0, bech32m for v1+ (BIP-350)."""
    variant: Bech32Variant = "bech32" if version == 0 else "bech32m"
    return bech32_encode(hrp, [version, *convertbits(program, 8, 5, True)], variant)


# --- Monero base58 (block-wise) -------------------------------------------------------------

_XMR_BLOCK = 8
_XMR_ENCODED_BLOCK = 11
_XMR_ENCODED_SIZES = (0, 2, 3, 5, 6, 7, 9, 10, 11)  # index = bytes in block
_XMR_DECODED_SIZES = {enc: dec for dec, enc in enumerate(_XMR_ENCODED_SIZES) if dec}


def monero_b58decode(text: str) -> bytes:
    """Decode Monero base58: 11-character blocks of 8 bytes, shorter last block."""
    out = bytearray()
    for start in range(0, len(text), _XMR_ENCODED_BLOCK):
        chunk = text[start : start + _XMR_ENCODED_BLOCK]
        size = _XMR_DECODED_SIZES.get(len(chunk))
        if size is None:
            raise ChecksumError(f"invalid Monero base58 length {len(text)}")
        num = _b58_to_int(chunk)
        if num >> (8 * size):
            raise ChecksumError("Monero base58 block overflows its size")
        out += num.to_bytes(size, "big")
    return bytes(out)


def monero_b58encode(data: bytes) -> str:
    """Encode bytes as Monero base58, each 8-byte block padded to 11 characters."""
    parts: list[str] = []
    for start in range(0, len(data), _XMR_BLOCK):
        block = data[start : start + _XMR_BLOCK]
        width = _XMR_ENCODED_SIZES[len(block)]
        num = int.from_bytes(block, "big")
        digits = ["1"] * width
        for i in range(width - 1, -1, -1):
            num, rem = divmod(num, 58)
            digits[i] = BASE58_ALPHABET[rem]
        parts.append("".join(digits))
    return "".join(parts)


def monero_check(data: bytes) -> bytes:
    """Verify the trailing 4-byte Keccak-256 checksum of decoded Monero data; return the rest."""
    return _unchecked(data, keccak256, "too short for a Monero checksum",
                      "bad Monero checksum (Keccak-256)")


def monero_encode(payload: bytes) -> str:
    """Append the Keccak-256 checksum to `payload` and encode as Monero base58."""
    return monero_b58encode(_checked(payload, keccak256))


# --- Ethereum EIP-55 ---------------------------------------------------------------------------


def eip55_checksum(hex40: str) -> str:
    """Return `0x` + the EIP-55 mixed-case form of a 40-hex-digit address body."""
    lower = hex40.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(
        ch.upper() if ch >= "a" and nib >= "8" else ch
        for ch, nib in zip(lower, digest[:40], strict=True)
    )


# --- IBAN (ISO 13616, ISO 7064 MOD 97-10) ------------------------------------------------------

# Total IBAN length per country code, from the SWIFT IBAN registry (ISO 13616 registrar).
# Dependent territories (AX, GF, GP, IM, JE, GG …) use their parent's prefix (FI, FR, GB).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip

_IBAN_DIGITS = str.maketrans({chr(ord("A") + i): str(10 + i) for i in range(26)})


def iban_mod97(iban: str) -> int:
    """ISO 7064 MOD 97-10 of a compact upper-case alphanumeric IBAN; 1 means valid."""
    return int((iban[4:] + iban[:4]).translate(_IBAN_DIGITS)) % 97


def iban_check_digits(country: str, bban: str) -> str:
    """Compute the two ISO 13616 check digits for `country` + `bban`."""
    return f"{98 - iban_mod97(country + '00' + bban):02d}"
