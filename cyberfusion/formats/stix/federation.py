"""Handling checked on STIX objects that cross between instances (federation, TAXII sources).

What leaves and what arrives is checked again here, object by object: TLP:RED (by our
extension or the TLP 2.0 / 1.0 marking) never crosses; an object whose stated handling
does not let the receiving organisation read it in full is refused on arrival.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose
from cyberfusion.domain.model import Organisation
from cyberfusion.formats.stix.extension import EXTENSION_ID, read_extension
from cyberfusion.formats.stix.markings import TLP_BY_ID, marking_refs

#: Owner id of a remote item when deciding on arrival (never a local organisation's id).
REMOTE_OWNER = "remote:"


def stated_handling(obj: dict[str, Any], today: date) -> Handling | None:
    """The handling our extension states on the object (None: absent or unreadable)."""
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict) or EXTENSION_ID not in extensions:
        return None
    source, problems = read_extension(extensions[EXTENSION_ID])
    if source is None or problems or source.tlp is None:
        return None
    grading = source.grading
    return Handling(
        tlp=source.tlp, release=source.release or frozenset({"members"}),
        review_by=source.review_by or today + timedelta(days=365 * 5),
        exclude=source.exclude, partners=source.partners,
        hit_policy=source.hit_policy or HitPolicy.HIT,
        purpose=source.purpose or Purpose.INVESTIGATION,
        reliability=grading[0] if grading else None,
        credibility=int(grading[1]) if grading else None,
        personal_data=source.personal_data)


def is_red(obj: dict[str, Any], today: date) -> bool:
    """True if the extension or a marking says TLP:RED."""
    stated = stated_handling(obj, today)
    if stated is not None and stated.tlp is TLP.RED:
        return True
    return any(TLP_BY_ID.get(ref) is TLP.RED for ref in marking_refs(obj))


def refusal(obj: dict[str, Any], receiver: Organisation, now: datetime) -> str:
    """Why the object may not land at `receiver` ("" if it may): the handling it carries is
    enforced again on arrival."""
    if is_red(obj, now.date()):
        return "TLP:RED is never federated"
    stated = stated_handling(obj, now.date())
    if stated is None:
        return ""
    item = GovernedItem(0, REMOTE_OWNER, stated)
    if decide(receiver, item, now) is not Access.FULL:
        return f"its handling does not release it to {receiver.id}"
    return ""


def created_by(obj: dict[str, Any]) -> str:
    """The object's `created_by_ref`, or ""."""
    found = obj.get("created_by_ref")
    return found if isinstance(found, str) else ""
