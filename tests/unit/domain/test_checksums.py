"""Checksum codecs against the published test vectors (BIP-173, BIP-350, EIP-55, IBAN registry)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberfusion.domain.checksums import (
    IBAN_LENGTHS,
    ChecksumError,
    b58check_decode,
    b58check_encode,
    b58decode,
    b58encode,
    bech32_decode,
    bech32_encode,
    eip55_checksum,
    iban_check_digits,
    iban_mod97,
    keccak256,
    monero_b58decode,
    monero_b58encode,
    monero_check,
    monero_encode,
    segwit_decode,
    segwit_encode,
)

# --- base58 / base58check ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoded"),
    [
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (
            b"The quick brown fox jumps over the lazy dog.",
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        ),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),
        (b"\x00\x00\x00", "111"),
        (b"", ""),
    ],
)
def test_base58_vectors(data: bytes, encoded: str) -> None:
    assert b58encode(data) == encoded
    assert b58decode(encoded) == data


def test_base58check_bitcoin_wiki_vector() -> None:
    payload = bytes.fromhex("00010966776006953d5567439e5e39f86a0d273bee")
    assert b58check_encode(payload) == "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM"
    assert b58check_decode("16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM") == payload


def test_base58check_genesis_address() -> None:
    payload = b58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert payload.hex() == "0062e907b15cbf27d5425399ebf6f0fb50ebb88f18"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "bad base58check checksum"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na", "invalid base58 character '0'"),
        ("1l", "invalid base58 character 'l'"),
        ("11", "too short"),
    ],
)
def test_base58check_rejects(text: str, reason: str) -> None:
    with pytest.raises(ChecksumError, match=reason):
        b58check_decode(text)


@given(st.binary(min_size=1, max_size=64))
def test_base58check_roundtrip(payload: bytes) -> None:
    assert b58check_decode(b58check_encode(payload)) == payload


# --- bech32 / bech32m ------------------------------------------------------------------------

BIP173_VALID = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]
BIP173_INVALID = [
    "\x201nwldj5",
    "\x7f1axkwrx",
    "\x801eym55h",
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
    "pzry9x0s0muk",
    "1pzry9x0s0muk",
    "x1b4n0q5v",
    "li1dgmt3",
    "de1lg7wt\xff",
    "A1G7SGD8",
    "10a06t8",
    "1qzzfhee",
]
BIP350_VALID = [
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
]
BIP350_INVALID = [
    "\x201xj0phk",
    "\x7f1g6xzxy",
    "\x801vctc34",
    "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
    "qyrz8wqd2c9m",
    "1qyrz8wqd2c9m",
    "y1b0jsk6g",
    "lt1igcx5c0",
    "in1muywd",
    "mm1crxm3i",
    "au1s5cgom",
    "M1VUXWEZ",
    "16plkw9",
    "1p2gdwpf",
]


@pytest.mark.parametrize("text", BIP173_VALID)
def test_bip173_valid_strings(text: str) -> None:
    assert bech32_decode(text)[2] == "bech32"


@pytest.mark.parametrize("text", BIP350_VALID)
def test_bip350_valid_strings(text: str) -> None:
    assert bech32_decode(text)[2] == "bech32m"


@pytest.mark.parametrize("text", BIP173_INVALID + BIP350_INVALID)
def test_bip173_bip350_invalid_strings(text: str) -> None:
    with pytest.raises(ChecksumError):
        bech32_decode(text)


BIP350_VALID_ADDRESSES = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
    ),
    (
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
    ),
    ("BC1SW50QGDZ25J", "6002751e"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"),
    (
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    ),
]


def _script_pubkey(version: int, program: bytes) -> str:
    return (bytes([version + 0x50 if version else 0, len(program)]) + program).hex()


@pytest.mark.parametrize(("address", "script"), BIP350_VALID_ADDRESSES)
def test_bip350_valid_segwit_addresses(address: str, script: str) -> None:
    hrp = address[:2].lower()
    version, program = segwit_decode(hrp, address)
    assert _script_pubkey(version, program) == script
    assert segwit_encode(hrp, version, program) == address.lower()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "human-readable"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "must use bech32m"),
        ("tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", "must use bech32m"),
        ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", "must use bech32m"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "must use bech32, not bech32m"),
        ("tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", "must use bech32,"),
        ("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "invalid bech32 char"),
        ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "version 17"),
        ("bc1pw5dgrnzv", "1 bytes"),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
            "41 bytes",
        ),
        ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "v0 program must be 20 or 32"),
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "mix"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "padding"),
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "padding"),
        ("bc1gmk9yu", "no witness version"),
    ],
)
def test_bip350_invalid_segwit_addresses(address: str, reason: str) -> None:
    hrp = "tb" if address.lower().startswith("tb") else "bc"
    with pytest.raises(ChecksumError, match=reason):
        segwit_decode(hrp, address)


@given(st.integers(0, 16), st.binary(min_size=2, max_size=40))
def test_segwit_roundtrip(version: int, program: bytes) -> None:
    if version == 0 and len(program) not in (20, 32):
        program = program.ljust(20, b"\x00")[:20]
    assert segwit_decode("bc", segwit_encode("bc", version, program)) == (version, program)


@given(st.lists(st.integers(0, 31), max_size=40), st.sampled_from(["bech32", "bech32m"]))
def test_bech32_roundtrip(data: list[int], variant: str) -> None:
    assert variant in ("bech32", "bech32m")
    encoded = bech32_encode("xy", data, "bech32" if variant == "bech32" else "bech32m")
    assert bech32_decode(encoded) == ("xy", data, variant)


# --- Monero ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hex_block", "encoded"),
    [
        ("00", "11"),
        ("39", "1z"),
        ("ff", "5Q"),
        ("0000", "111"),
        ("0039", "11z"),
        ("0100", "15R"),
        ("ffff", "LUv"),
        ("000000", "11111"),
        ("000039", "1111z"),
        ("ffffff", "2UzHL"),
        ("0000000000000000", "11111111111"),
        ("06156013762879f7", "22222222222"),
        ("ffffffffffffffff", "jpXCZedGfVQ"),
    ],
)
def test_monero_base58_blocks(hex_block: str, encoded: str) -> None:
    assert monero_b58encode(bytes.fromhex(hex_block)) == encoded
    assert monero_b58decode(encoded) == bytes.fromhex(hex_block)


# Published donation addresses: Monero general fund (subaddress) and the older standard one.
MONERO_GENERAL_FUND = (
    "888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3"
    "iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3H"
)
MONERO_OLD_DONATION = (
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3Xjrp"
    "DtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
)


@pytest.mark.parametrize(
    ("address", "prefix"), [(MONERO_GENERAL_FUND, 42), (MONERO_OLD_DONATION, 18)]
)
def test_monero_published_donation_addresses(address: str, prefix: int) -> None:
    payload = monero_check(monero_b58decode(address))
    assert payload[0] == prefix
    assert len(payload) == 65
    assert monero_encode(payload) == address


def test_monero_rejects_bad_checksum_and_overflow() -> None:
    with pytest.raises(ChecksumError, match="Keccak"):
        monero_check(monero_b58decode(MONERO_OLD_DONATION[:-1] + "B"))
    with pytest.raises(ChecksumError, match="overflows"):
        monero_b58decode("zzzzzzzzzzz")
    with pytest.raises(ChecksumError, match="length"):
        monero_b58decode("1111")


# --- Keccak / EIP-55 -----------------------------------------------------------------------------


def test_keccak256_is_not_sha3() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


EIP55_EXAMPLES = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_EXAMPLES)
def test_eip55_spec_examples(address: str) -> None:
    assert eip55_checksum(address[2:].lower()) == address
    assert eip55_checksum(address[2:].upper()) == address


# --- IBAN --------------------------------------------------------------------------------------

# The electronic-format example of every country in the SWIFT IBAN registry (ISO 13616).
_REGISTRY_TEXT = """
AD1200012030200359100100 AE070331234567890123456 AL47212110090000000235698741
AT611904300234573201 AZ21NABZ00000000137010001944 BA391290079401028494 BE68539007547034
BG80BNBG96611020345678 BH67BMAG00001299123456 BI4210000100010000332045181
BR1800360305000010009795493C1 BY13NBRB3600900000002Z00AB00 CH9300762011623852957
CR05015202001026284066 CY17002001280000001200527600 CZ6508000000192000145399
DE89370400440532013000 DJ2100010000000154000100186 DK5000400440116243
DO28BAGR00000001212453611324 EE382200221020145685 EG380019000500000000263180002
ES9121000418450200051332 FI2112345600000785 FK88SC123456789012 FO6264600001631634
FR1420041010050500013M02606 GB29NWBK60161331926819 GE29NB0000000101904917
GI75NWBK000000007099453 GL8964710001000206 GR1601101250000000012300695
GT82TRAJ01020000001210029690 HN88CABF00000000000250005469 HR1210010051863000160
HU42117730161111101800000000 IE29AIBK93115212345678 IL620108000000099999999
IQ98NBIQ850123456789012 IS140159260076545510730339 IT60X0542811101000000123456
JO94CBJO0010000000000131000302 KW81CBKU0000000000001234560101 KZ86125KZT5004100100
LB62099900000001001901229114 LC55HEMM000100010012001200023015 LI21088100002324013AA
LT121000011101001000 LU280019400644750000 LV80BANK0000435195001
LY83002048000020100120361 MC5811222000010123456789030 MD24AG000225100013104168
ME25505000012345678951 MK07250120000058984 MN121234123456789123
MR1300020001010000123456753 MT84MALT011000012345MTLCAST001S
MU17BOMM0101101030300200000MUR NI45BAPR00000013000003558124 NL91ABNA0417164300
NO9386011117947 OM810180000001299123456 PK36SCBL0000001123456702
PL61109010140000071219812874 PS92PALS000000000400123456702 PT50000201231234567890154
QA58DOHB00001234567890ABCDEFG RO49AAAA1B31007593840000 RS35260005601001611379
RU0304452522540817810538091310419 SA0380000000608010167519
SC18SSCB11010000000000001497USD SD2129010501234001 SE4550000000058398257466
SI56263300012039086 SK3112000000198742637541 SM86U0322509800000000270100
SO211000001001000100141 ST23000100010051845310146 SV62CENR00000000000000700025
TL380080012345678910157 TN5910006035183598478831 TR330006100519786457841326
UA213223130000026007233566001 VA59001123000012345678 VG96VPVG0000012345678901
XK051212012345678906 YE15CBYE0001018861234567891234
"""
IBAN_REGISTRY_EXAMPLES = _REGISTRY_TEXT.split()


def test_iban_table_covers_exactly_the_registry_countries() -> None:
    assert {iban[:2] for iban in IBAN_REGISTRY_EXAMPLES} == set(IBAN_LENGTHS)


@pytest.mark.parametrize("iban", IBAN_REGISTRY_EXAMPLES)
def test_iban_registry_examples(iban: str) -> None:
    assert len(iban) == IBAN_LENGTHS[iban[:2]]
    assert iban_mod97(iban) == 1
    assert iban_check_digits(iban[:2], iban[4:]) == iban[2:4]


def test_iban_mod97_detects_a_changed_digit() -> None:
    assert iban_mod97("GB82WEST12345698765432") == 1
    assert iban_mod97("GB82WEST12345698765433") != 1
