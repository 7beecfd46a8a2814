"""Incidents: report an attack under way, check it against the pool, ask for urgent help,
follow the playbook checklist.

On `report()` the incident's observables (and its ransom wallet) are matched at once through
`hits.answer_values`, so hits are recorded and owners told exactly as for a lookup; an urgent
incident-assistance request then goes over the secure channel (`channel.send`, which
schedules the usual escalation) to the hub and to the national central bureaux (the
countries' 24/7 gateways) of the countries where hits or infrastructure are. Every read asks
`decide()` (one incident) or its SQL form (lists); hits are shown to the reporting
organisation only, since they answered its own search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.channel import Draft, MessageKind, PartyStatus, Priority, RequestType
from cyberfusion.domain.handling import TLP, check_review_by, strictest_tlp
from cyberfusion.domain.hits import HitSource, ValueAnswer, lookup_item
from cyberfusion.domain.incidents import (
    AnswerRef,
    ChecklistStep,
    FamilyRow,
    Incident,
    IncidentDraft,
    IncidentFilter,
    PaymentStop,
    WalletRow,
    assistance_countries,
    draft_issues,
    fold_wallets,
    step_position_issue,
)
from cyberfusion.domain.model import Organisation, OrgKind, Principal
from cyberfusion.domain.observables import Observable, normalise
from cyberfusion.domain.paging import Page
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.domain.ransomware import Clues, Identification
from cyberfusion.errors import InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.formats.playbooks import playbook
from cyberfusion.services import audit, channel, hits, ransomware
from cyberfusion.services.cases import access_to, check_references
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx

MAX_PAGE = 200
IncidentPage = Page[Incident]


@dataclass(frozen=True, slots=True)
class IncidentView:
    """An incident as one reader sees it: the family candidates are computed for that
    reader; `answers` (the hits) and the payment stops only for the reporting organisation
    (they are its own search and its own requests)."""

    incident: Incident
    identification: Identification
    answers: tuple[AnswerRef, ...]
    is_owner: bool
    payment_stops: tuple[PaymentStop, ...] = field(default_factory=tuple)


def clues_of(draft: IncidentDraft) -> Clues:
    """What the identifier reads of an incident: note, its file name, extension, addresses."""
    addresses = tuple(o.value for o in draft.observables) + ((draft.wallet,) if draft.wallet
                                                            else ())
    return Clues(draft.note_text, draft.note_file_name, draft.extension, addresses)


def report(ctx: Context, principal: Principal, draft: IncidentDraft) -> IncidentView:
    """Store the incident with its playbook, match its values, ask for urgent assistance."""
    require(principal, Permission.INCIDENT_REPORT)
    issues = draft_issues(draft)
    if issues:
        raise InvalidInput(f"the incident has {len(issues)} problem(s)", issues)
    check_review_by(draft.handling, ctx.now().date())
    with ctx.db.write() as tx:
        check_references(tx, draft.handling)
        found = ransomware.identify_in(tx, ctx, principal, clues_of(draft))
        family = found.candidates[0].family if found.identified else ""
        user_id = principal.user.id if principal.user else None
        incident_id = tx.incidents.add(principal.org_id, draft, family,
                                       playbook(draft.incident_type).steps, user_id, ctx.now())
        answers = _answers(hits.answer_values(tx, ctx, principal, HitSource.LOOKUP,
                                              _values(draft), "investigation"))
        to = _addressees(tx, principal, draft, answers)
        audit.record(tx, ctx, principal, AuditAction.INCIDENT_CREATE, "incident", incident_id,
                     principal.org_id, {"title": draft.title, "type": draft.incident_type.value,
                                        "tlp": draft.handling.tlp.value, "family": family,
                                        "values": len(draft.observables), "to": to})
    thread_id = _ask_for_help(ctx, principal, incident_id, draft, answers, to)
    with ctx.db.write() as tx:
        tx.incidents.set_response(incident_id, answers, thread_id)
        incident = tx.incidents.get(incident_id)
    assert incident is not None
    return IncidentView(incident, found, answers, True)


def _values(draft: IncidentDraft) -> list[Observable]:
    """The incident's observables, and its wallet when it reads as one."""
    values = [normalise(o.type, o.value) for o in draft.observables]
    if draft.wallet:
        item = lookup_item(draft.wallet, None)
        if item.observable is not None:
            values.append(item.observable)
    return list({o.key: o for o in values}.values())


def _answers(found: Sequence[ValueAnswer]) -> tuple[AnswerRef, ...]:
    refs: list[AnswerRef] = []
    for answer in found:
        obs = answer.observable
        refs += [AnswerRef(obs.value, obs.type.value, f.case_id, f.owner_org_id, "", f.title)
                 for f in answer.full]
        refs += [AnswerRef(obs.value, obs.type.value, None, h.owner_org_id, h.reference)
                 for h in answer.hits]
    return tuple(refs)


def _addressees(tx: Tx, principal: Principal, draft: IncidentDraft,
                answers: Sequence[AnswerRef]) -> list[str]:
    """The hub, then each concerned country's NCB (not the reporter, nobody excluded)."""
    orgs = tx.orgs.all()
    countries = assistance_countries(answers, {o.id: o.country or "" for o in orgs},
                                     draft.infrastructure_countries)
    hubs = [o for o in orgs if o.kind is OrgKind.HUB]
    ncbs = [o for c in countries for o in orgs if o.kind is OrgKind.NCB and o.country == c]
    chosen = [o.id for o in (*hubs, *ncbs) if o.id != principal.org_id
              and not _excluded(o, draft)]
    return list(dict.fromkeys(chosen))[:10]


def _excluded(org: Organisation, draft: IncidentDraft) -> bool:
    tokens = draft.handling.exclude
    return f"org:{org.id}" in tokens or bool(org.country and f"country:{org.country}" in tokens)


def _ask_for_help(ctx: Context, principal: Principal, incident_id: int, draft: IncidentDraft,
                  answers: Sequence[AnswerRef], to: list[str]) -> int | None:
    """Send the urgent incident-assistance request; None when there is nobody to ask."""
    if not to:
        return None
    since = f", since {draft.timeline[0].at:%Y-%m-%d %H:%M} UTC" if draft.timeline else ""
    matched = sorted({f"{a.type} {a.value}" for a in answers})
    body = "\n".join([draft.summary, "", f"Incident #{incident_id}: {draft.title}",
                      f"Values matched in the pool: {', '.join(matched) or 'none'}",
                      f"Infrastructure in: {', '.join(draft.infrastructure_countries) or '-'}"])
    fields = {"incident": f"{draft.incident_type.value} on a {draft.victim_sector or 'victim'}"
                          f" ({draft.victim_size.value if draft.victim_size else 'size unknown'})"
                          f" in {draft.country}{since}: {draft.title}"[:4000],
              "assistance": (draft.assistance or "Urgent assistance: check the matched values "
                             "and the infrastructure in your country, preserve the data, tell "
                             "us what you hold")[:4000]}
    thread = channel.send(ctx, principal, Draft(
        tuple(to), RequestType.INCIDENT, Priority.URGENT, f"Incident #{incident_id}: "
        f"{draft.title}"[:300], body.strip(), draft.handling, fields))
    return thread.id


def _governed(incident: Incident) -> GovernedItem:
    return GovernedItem(incident.handling_id, incident.owner_org_id, incident.handling)


def _readable(tx: Tx, ctx: Context, principal: Principal, incident_id: int) -> Incident:
    incident = tx.incidents.get(incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    grants = tx.handlings.grants_for([incident.handling_id]).get(incident.handling_id, [])
    if decide(principal.org, _governed(incident), ctx.now(), grants) is not Access.FULL:
        raise NotFound(f"no incident {incident_id}")
    return incident


def get_incident(ctx: Context, principal: Principal, incident_id: int) -> IncidentView:
    """One incident the caller may read in full (NotFound otherwise), with candidates."""
    require(principal, Permission.INCIDENT_READ)
    with ctx.db.write() as tx:
        incident = _readable(tx, ctx, principal, incident_id)
        owner = incident.owner_org_id == principal.org_id
        if not owner:
            audit.record(tx, ctx, principal, AuditAction.INCIDENT_READ, "incident", incident_id,
                         incident.owner_org_id, {"tlp": incident.handling.tlp.value})
        found = ransomware.identify_in(tx, ctx, principal, clues_of(incident.draft))
        answers = _visible_answers(tx, ctx, principal, incident.answers) if owner else ()
        stops = tuple(_payment_stops(tx, ctx, principal, incident_id)) if owner else ()
    return IncidentView(incident, found, answers, owner, stops)


def _visible_answers(tx: Tx, ctx: Context, principal: Principal,
                     answers: Sequence[AnswerRef]) -> tuple[AnswerRef, ...]:
    """The hits as answered, less the readable cases that the owner may no longer read."""
    kept = []
    for a in answers:
        case = tx.cases.get(a.case_id, with_occurrences=False) if a.case_id else None
        if a.case_id is None or (case is not None and not case.revoked and access_to(
                tx, ctx, principal.org, case) is Access.FULL):
            kept.append(a)
    return tuple(kept)


def list_incidents(ctx: Context, principal: Principal, flt: IncidentFilter, offset: int = 0,
                   limit: int = 50) -> IncidentPage:
    """A page of the incidents the caller may read in full, newest first."""
    require(principal, Permission.INCIDENT_READ)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    with ctx.db.read() as tx:
        items, total = tx.incidents.page(principal.org, ctx.now(), flt, offset, limit)
    return IncidentPage(items, total, offset, limit)


def tick_step(ctx: Context, principal: Principal, incident_id: int,
              position: int) -> ChecklistStep:
    """Tick one checklist step of an own incident, with who and when (audited)."""
    require(principal, Permission.INCIDENT_REPORT)
    with ctx.db.write() as tx:
        incident = _readable(tx, ctx, principal, incident_id)
        if incident.owner_org_id != principal.org_id:
            raise PermissionDenied("only the reporting organisation ticks its checklist")
        problem = step_position_issue(incident.steps, position)
        if problem:
            raise InvalidInput("cannot tick the step", [Issue("position", problem)])
        name = principal.user.username if principal.user else principal.org_id
        user_id = principal.user.id if principal.user else None
        if not tx.incidents.tick(incident_id, position, user_id, name, principal.org_id,
                                 ctx.now()):
            raise InvalidInput("cannot tick the step", [Issue("position", "already ticked")])
        audit.record(tx, ctx, principal, AuditAction.INCIDENT_STEP, "incident", incident_id,
                     principal.org_id, {"step": position})
        fresh = tx.incidents.get(incident_id)
    assert fresh is not None
    return next(s for s in fresh.steps if s.position == position)


def request_payment_stop(ctx: Context, principal: Principal, incident_id: int, to: str,
                         deadline: datetime, target: str = "", amount: str = "",
                         grounds: str = "") -> PaymentStop:
    """Ask a partner or a country to freeze the incident's wallet (or a transfer) by a
    deadline, over the secure channel; the incident keeps the request and shows its
    outcome (the addressee's answer or refusal)."""
    require(principal, Permission.INCIDENT_REPORT)
    with ctx.db.read() as tx:
        incident = _readable(tx, ctx, principal, incident_id)
    if incident.owner_org_id != principal.org_id:
        raise PermissionDenied("only the reporting organisation asks for a payment stop")
    d = incident.draft
    target = (target or d.wallet).strip()
    if not target:
        raise InvalidInput("what should be frozen?", [Issue("target", "name the wallet or "
                                                                      "the transfer")])
    amount = amount or (f"{d.ransom_amount} {d.currency}" if d.ransom_amount is not None
                        else "")
    fields = {"target": target, "amount": amount.strip(), "grounds": (grounds or (
        f"{d.incident_type.value} incident #{incident.id} in {d.country}: {d.title}; these "
        "funds are the ransom demanded or paid")).strip()[:4000],
        "deadline": deadline.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ"),
        "incident": str(incident.id)}
    thread = channel.send(ctx, principal, Draft(
        (to,), RequestType.PAYMENT_STOP, Priority.URGENT,
        f"Payment stop for incident #{incident.id}: {target}"[:300],
        f"Please freeze {target} before {fields['deadline']} UTC.", incident.handling,
        fields))
    with ctx.db.write() as tx:
        tx.incidents.add_request(incident.id, thread.id, RequestType.PAYMENT_STOP.value,
                                 target[:300], deadline)
        stops = _payment_stops(tx, ctx, principal, incident.id)
    return next(s for s in stops if s.thread_id == thread.id)


def _payment_stops(tx: Tx, ctx: Context, principal: Principal,
                   incident_id: int) -> list[PaymentStop]:
    """The payment stops asked from an incident, as its (sending) organisation sees them."""
    found = []
    for thread_id, _, target, deadline in tx.incidents.requests(incident_id):
        thread = tx.channel.get(thread_id, principal.org_id)
        if thread is None:
            continue
        parties = [p for p in thread.parties if not p.is_sender]
        status = ", ".join(sorted({p.status.value for p in parties})) or "sent"
        last = [m for m in tx.channel.messages(thread_id)
                if m.kind in (MessageKind.ANSWER, MessageKind.DECLINE)]
        settled = any(p.status in (PartyStatus.ANSWERED, PartyStatus.DECLINED,
                                   PartyStatus.CLOSED) for p in parties)
        found.append(PaymentStop(thread_id, target, deadline, thread.addressees, status,
                                 last[-1].body if last else "",
                                 bool(deadline and not settled and ctx.now() > deadline)))
    return found


@dataclass(frozen=True, slots=True)
class WalletBoard:
    """Wallets and families across the incidents a reader may read, and the strictest TLP
    among those incidents (the page's banner)."""

    wallets: list[WalletRow]
    families: list[FamilyRow]
    tlp: TLP


def wallet_board(ctx: Context, principal: Principal) -> WalletBoard:
    """Wallets and families across the incidents the caller may read, with their countries
    and incidents (nothing of an incident the caller may not read)."""
    require(principal, Permission.INCIDENT_READ)
    with ctx.db.read() as tx:
        rows, levels = tx.incidents.wallets(principal.org, ctx.now())
    return WalletBoard(*fold_wallets(rows), strictest_tlp(TLP(t) for t in levels))
