"""The words pages and reports show for coded values (crime types, priorities, statuses,
request types and fields): one marked literal per value, translated by the `term` filter;
unknown values show as they are."""

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
    # The fields of each request type (domain.channel.REQUEST_FIELDS), as compose shows them.
    "What do you need to know": mark("What do you need to know"),
    "Your case or file reference": mark("Your case or file reference"),
    "(a) Authority seeking the preservation": mark("(a) Authority seeking the preservation"),
    "(b) Offence under investigation": mark("(b) Offence under investigation"),
    "(b) Brief summary of the facts": mark("(b) Brief summary of the facts"),
    "(c) Stored computer data to be preserved": mark("(c) Stored computer data to be preserved"),
    "(c) Relationship of the data to the offence":
        mark("(c) Relationship of the data to the offence"),
    "(d) Custodian of the data or location of the system":
        mark("(d) Custodian of the data or location of the system"),
    "(e) Why preservation is necessary": mark("(e) Why preservation is necessary"),
    "(f) The mutual-assistance request that will follow":
        mark("(f) The mutual-assistance request that will follow"),
    "Authority seeking the disclosure": mark("Authority seeking the disclosure"),
    "Offence under investigation": mark("Offence under investigation"),
    "Communication whose path is sought (time, addresses, provider)":
        mark("Communication whose path is sought (time, addresses, provider)"),
    "Related preservation request (thread number)":
        mark("Related preservation request (thread number)"),
    "Hit reference or case number": mark("Hit reference or case number"),
    "Why your investigation needs the data": mark("Why your investigation needs the data"),
    "What is happening (victim, sector, since when)":
        mark("What is happening (victim, sector, since when)"),
    "What help is needed": mark("What help is needed"),
    "Wallet address, or the transfer to stop (account, bank, reference)":
        mark("Wallet address, or the transfer to stop (account, bank, reference)"),
    "Amount and currency": mark("Amount and currency"),
    "Freeze needed by (UTC, e.g. 2026-05-20T18:00Z)":
        mark("Freeze needed by (UTC, e.g. 2026-05-20T18:00Z)"),
    "The offence and why the funds are linked to it":
        mark("The offence and why the funds are linked to it"),
    "Incident number": mark("Incident number"),
}


def term(value: object) -> str:
    """The reader's word for a coded value (an enum member or its value)."""
    code = str(getattr(value, "value", value))
    return i18n.gettext(TERMS[code]) if code in TERMS else code.replace("_", " ")
