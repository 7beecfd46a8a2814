"""Observable lines of the case form: IBANs and phone numbers typed in their printed groups."""

from __future__ import annotations

import pytest

from cyberfusion.web.ui.case_form import observable_line


@pytest.mark.parametrize(("line", "entry"), [
    ("FR76 3000 6000 0112 3456 7890 189 mule account",
     ("iban", "FR76 3000 6000 0112 3456 7890 189", "mule account")),
    ("iban FR76 3000 6000 0112 3456 7890 189",
     ("iban", "FR76 3000 6000 0112 3456 7890 189", "")),
    ("iban FR76\u00a03000\u00a06000\u00a00112\u00a03456\u00a07890\u00a0189 mule",
     ("iban", "FR76 3000 6000 0112 3456 7890 189", "mule")),
    ("ES91 2100 0418 4502 0005 1332", ("iban", "ES91 2100 0418 4502 0005 1332", "")),
    ("+33 6 12 34 56 78 caller", ("phone", "+33 6 12 34 56 78", "caller")),
    ("phone +212 6 61 23 45 67 scammer", ("phone", "+212 6 61 23 45 67", "scammer")),
    ("+\u0662\u0661\u0662 \u0666\u0666\u0661 \u0662\u0663 \u0664\u0665 \u0666\u0667 caller",
     ("phone", "+\u0662\u0661\u0662 \u0666\u0666\u0661 \u0662\u0663 \u0664\u0665 \u0666\u0667",
      "caller")),
    # a typo keeps the groups together, so that the error is about the IBAN's check digits
    ("FR76 3000 6000 0112 3456 7890 180 mule", ("iban", "FR76 3000 6000 0112 3456 7890 180",
                                                "mule")),
    ("iban DE89370400440532013001 mule account",
     ("iban", "DE89370400440532013001", "mule account")),
    ("1.2.3.4 c2 server", ("ipv4", "1.2.3.4", "c2 server")),
    ("email extort[@]mailbox.example sender address",
     ("email", "extort[@]mailbox.example", "sender address")),
    ("domain evil.example.com", ("domain", "evil.example.com", "")),
])
def test_observable_lines(line: str, entry: tuple[str, str, str]) -> None:
    kind, value, role = entry
    assert observable_line(line) == {"type": kind, "value": value, "role": role}
