"""Compiled patterns for free-text extraction, in two kinds.

Anchors start with a literal character (`.`, `//`, `@`, `:`, `+`, `ozilla/`), so the
regex engine skips ordinary prose at hundreds of MB/s; the scanner then applies the full
pattern of the family with `match()` at the start of the token around each anchor.
Full patterns use possessive quantifiers and look-behinds, so a token is tried once.
Defanged separators (`[.]`, `(.)`, `{.}`, `[dot]`, `\\.`, `[@]`, `(at)`, `hxxp[:]//` …)
are part of the patterns, so spans point at the text exactly as written.
"""

from __future__ import annotations

import re

# --- building blocks -------------------------------------------------------------------------

#: A dot as written in reports: plain, bracketed, spelled out, or backslash-escaped.
DOT = r"(?:\.|\s?[\[({]\s?(?:\.|(?i:dot))\s?[\])}]\s?|\\\.)"
_LABEL = r"[\w-]{1,63}+"
_TLD = r"(?:[^\W\d_]{2,63}+|(?i:xn--)[a-zA-Z0-9-]{1,59}+)"
#: Host name: labels then a final all-letter label (checked against the IANA list later).
HOST = rf"(?:{_LABEL}{DOT})+{_TLD}"
#: A character of a URL body; backslash only as `\.` or `\/` (defanged, JSON-escaped).
URL_CHAR = "(?:[^\\s<>\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\\\\]|\\\\[./])"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"{_OCTET}(?:{DOT}{_OCTET}){{3}}"

# --- passes ----------------------------------------------------------------------------------

#: URLs with a scheme, fanged or defanged (`hxxps[:]//`, `h**p://`, `http:\/\/`).
URL = re.compile(
    r"(?<![\w])(?P<scheme>(?i:h(?:tt|xx|\*\*)ps?|f[tx]ps?|sftp|tcp|udp|wss?|smb|rdp|ssh|irc"
    r"|ldaps?|telnet))"
    r"(?P<sep>(?:\[:\]|\(:\)|:)(?://|\\/\\/)|\[://\]|\(://\)|:\[//\])"
    rf"{URL_CHAR}{{1,4096}}+"
)

#: Host names, optionally with a port and a path (then a URL without a scheme).
HOSTNAME = re.compile(
    rf"(?<![\w.@-])(?P<host>{HOST})(?![\w-])(?::(?P<port>\d{{1,5}}+))?"
    rf"(?P<path>/{URL_CHAR}{{0,4096}}+)?"
)

# --- anchors --------------------------------------------------------------------------------

#: A dot before a letter (host names, file names), or inside a dotted quad.
ANCHOR_DOT_LETTER = re.compile(r"\.(?=[^\W\d_])")
ANCHOR_DOT_QUAD = re.compile(r"\.\d{1,3}(?=[.\[({\\])")
#: Defanged dots (`[.]`, `(dot)`, `{.}`, `\.`) before a word character, one literal each.
ANCHORS_DOT_DEFANGED = (
    *(re.compile(rf"\{o} ?(?:\.|(?i:dot)) ?\{c} ?(?=\w)") for o, c in ("[]", "()", "{}")),
    re.compile(r"\\\.(?=\w)"),
)
#: The `//` of a scheme separator (or JSON-escaped `\/\/`).
ANCHOR_SLASHES = re.compile(r"//|\\/\\/")
ANCHOR_AT = re.compile("@")
ANCHORS_AT_DEFANGED = tuple(
    re.compile(rf"\{o} ?(?:@|(?i:at)) ?\{c}") for o, c in ("[]", "()", "{}")
)
AT_DEFANGED = re.compile(r"[\[({] ?(?:@|(?i:at)) ?[\])}] ?")
ANCHOR_IPV6 = re.compile(r":[0-9A-Fa-f]{0,4}:")
ANCHOR_SSDEEP = re.compile(r":[0-9A-Za-z/+]{3,64}+:")
ANCHORS_AGENT = (re.compile("ozilla/"), re.compile("pera/"))
ANCHORS_ASN = (re.compile(r"S(?:N ?| ?)\d"), re.compile(r"s(?:n ?)?\d"))

# --- full patterns ----------------------------------------------------------------------------

#: Host names alone (inside decoded URL paths and queries).
HOST_ONLY = re.compile(rf"(?<![\w.@-]){HOST}(?![\w-])")

#: Host name at a given offset (after an `@`).
HOST_AT = re.compile(rf"{HOST}(?![\w-])")

#: Dotted-quad IPv4 with an optional CIDR prefix, or port and path.
IPV4 = re.compile(
    rf"(?<![\w.])(?P<addr>{_IPV4})(?![\d]|{DOT}\d)"
    rf"(?:/(?P<prefix>\d{{1,2}})(?![\w/]|\.\w)|(?::(?P<port>\d{{1,5}}+))?"
    rf"(?P<path>/{URL_CHAR}{{0,4096}}+)?)"
)

#: IPv6 candidates (at least two colons), validated by `ipaddress` afterwards.
IPV6 = re.compile(
    r"(?<![\w:.])(?P<addr>(?:[0-9A-Fa-f]{1,4}|(?=::))(?::[0-9A-Fa-f]{0,4}){2,7}"
    r"(?:\.\d{1,3}){0,3})(?:/(?P<prefix>\d{1,3}))?(?![\w:])"
)

#: Long alphanumeric runs: digests, wallets, JA3 (classified by shape and checksum).
LONG_TOKEN = re.compile(r"(?<![\w])[0-9A-Za-z]{25,130}+(?![\w])")
HEX = re.compile(r"[0-9a-fA-F]+")
BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")

#: ssdeep fuzzy hashes `blocksize:chunk:chunk`.
SSDEEP = re.compile(r"(?<![\w/+:])\d{1,10}:[0-9A-Za-z/+]{3,64}+:[0-9A-Za-z/+]{0,64}+(?![\w/+:])")

#: IBANs, compact or in groups of four (the registry length decides where it ends).
IBAN = re.compile(r"[A-Z](?<![\w][A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]{1,4}){3,9}")

#: International phone numbers written with `+` (validated with `phonenumbers`).
PHONE = re.compile(r"\+(?<![\w+]\+)\(?\d[\d \-.()]{6,24}\d(?![\d])")
DATE_LIKE = re.compile(r"\+\d{4}-\d{2}-\d{2}")

#: AS numbers: `AS1234`, `AS 1234`, `ASN 1234`, `asn1234`, `as1234` (never `as 2014`).
ASN = re.compile(r"(?<![\w-])(?:(?:ASN|AS|[Aa]sn) ?|as)(?P<num>\d{1,10})(?![\w]|\.\d)")

#: Browser user agents: `Mozilla/5.0 (…)` then products and comments.
USER_AGENT = re.compile(
    r"(?<![\w])(?i:mozilla|opera)/\d{1,2}\.\d{1,2} ?\([^()\r\n]{1,400}\)"
    r"(?:[ \t]+(?!(?i:mozilla|opera)/)(?:[A-Za-z][\w.-]*[ \t]+){0,2}"
    r"(?:\([^()\r\n]{1,400}\)|(?!(?i:mozilla|opera)/)[A-Za-z][\w.!-]*/[\w.+-]+))*"
)

#: Social-media style handles `@name` (not e-mail: nothing word-like before the `@`).
HANDLE = re.compile(
    r"@(?P<name>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,48}[A-Za-z0-9_])?)"
    rf"(?:@(?P<instance>{HOST}))?(?![\w@-])"
)

# Common file extensions (as in reports: droppers, documents, archives, scripts).
FILE_EXTENSIONS = (
    "exe", "dll", "scr", "sys", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse",
    "wsf", "wsh", "hta", "lnk", "msi", "msp", "cpl", "jar", "apk", "ipa", "elf", "so",
    "dylib", "bin", "dmg", "pkg", "iso", "img", "vhd", "vhdx", "zip", "rar", "7z", "gz",
    "tgz", "tar", "xz", "cab", "doc", "docx", "docm", "dot", "dotm", "xls", "xlsx", "xlsm",
    "xlsb", "ppt", "pptx", "pptm", "rtf", "pdf", "one", "txt", "csv", "svg", "php",
    "asp", "aspx", "jsp", "dat", "tmp", "xll", "wll", "inf", "reg", "chm", "pif",
)  # fmt: skip
#: A file extension at the end of a name (the name is found by scanning back).
FILE_EXT = re.compile(
    r"\.(?i:" + "|".join(sorted(set(FILE_EXTENSIONS), key=len, reverse=True)) + r")"
    r"(?![\w-]|\.\w)"
)

#: What comes before an IPv4-looking version number (English, French, Spanish, Arabic:
#: `versión`, and the Arabic "version"/"copy" words, alone or before one word that is
#: not a preposition: "version of the application", not "a copy to").
VERSION_WORDS = ("v", "build", "release", "firmware", "update", "\u0625\u0635\u062f\u0627\u0631",
                 "\u0627\u0635\u062f\u0627\u0631", "\u0646\u0633\u062e")
VERSION_BEFORE = re.compile(
    r"(?i)(?:\bv|\bversion|\bversi\u00f3n|\bver\.?|\bbuild|\brelease|\bfirmware|\bupdate"
    r"|\brev\.?|(?:\u0625\u0635\u062f\u0627\u0631|\u0627\u0635\u062f\u0627\u0631|\u0646\u0633\u062e[\u0629\u0647])"
    r"(?:\s+(?!(?:\u0645\u0646|\u0625\u0644\u0649|\u0627\u0644\u0649|\u0639\u0644\u0649|\u0639\u0646|\u0641\u064a)\s)\w+)?)\s*$"
)
#: How far before an IPv4-looking number the version words are looked for.
VERSION_REACH = 24

#: Spanish ordinals abbreviated with a dot (`1.er piso`, `2.do`, `3.ro`, `7.mo`): their
#: letters are top-level domains (Eritrea, Dominican Republic …), the ordinal is no host.
ORDINAL = re.compile(r"\d{1,2}\.(?:er|do|ro|to|mo|no|vo)")

#: TLP markings in a document (the strictest found tightens the handling).
TLP_MARK = re.compile(r"\bTLP[: ]?(?P<label>CLEAR|WHITE|GREEN|AMBER\+STRICT|AMBER|RED)\b",
                      re.IGNORECASE)

#: Context windows: how far to look for the sentence around a hit.
CONTEXT_REACH = 300
