"""The words pages show for coded values (crime types, priorities, statuses, request types):
one marked literal per value, translated by the `term` filter; unknown values show as they are."""

from __future__ import annotations

from cyberfusion import i18n
from cyberfusion.i18n import mark

TERMS = {
    "ransomware": mark("ransomware"), "bec": mark("business e-mail compromise"),
    "phishing": mark("phishing"), "malware": mark("malware"),
    "online_fraud": mark("online fraud"), "ddos": mark("denial of service"),
    "intrusion": mark("intrusion"), "csam": mark("child sexual abuse material"),
    "sextortion": mark("sextortion"), "crypto_fraud": mark("cryptocurrency fraud"),
    "data_theft": mark("data theft"), "other": mark("other"),
    "flash": mark("flash"), "urgent": mark("urgent"), "routine": mark("routine"),
    "sender": mark("sender"), "sent": mark("sent"), "delivered": mark("delivered"),
    "acknowledged": mark("acknowledged"), "answered": mark("answered"),
    "closed": mark("closed"), "declined": mark("declined"),
    "request": mark("request"), "reply": mark("reply"), "answer": mark("answer"),
    "ack": mark("acknowledgement"), "decline": mark("refusal"), "close": mark("closure"),
    "extend": mark("extension"),
    "visible": mark("visible"), "hit": mark("hit"), "silent": mark("silent"),
    "investigation": mark("investigation"), "prevention": mark("prevention"),
    "analysis": mark("analysis"), "operation": mark("operation"),
    "search": mark("search"), "submission": mark("submission"), "lookup": mark("lookup"),
    "requested": mark("requested"), "approved": mark("approved"),
    "Message": mark("Message"), "Information request": mark("Information request"),
    "Expedited preservation request (Budapest Art. 29)":
        mark("Expedited preservation request (Budapest Art. 29)"),
    "Expedited disclosure of traffic data (Budapest Art. 30)":
        mark("Expedited disclosure of traffic data (Budapest Art. 30)"),
    "Disclosure request after a hit": mark("Disclosure request after a hit"),
    "Assistance during an incident": mark("Assistance during an incident"),
    "Payment stop (freeze a wallet or a transfer)":
        mark("Payment stop (freeze a wallet or a transfer)"),
}


def term(value: object) -> str:
    """The reader's word for a coded value (an enum member or its value)."""
    code = str(getattr(value, "value", value))
    return i18n.gettext(TERMS[code]) if code in TERMS else code.replace("_", " ")
