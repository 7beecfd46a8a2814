"""Pages for hits: the inbox, hits sent and received, a hit with its disclosure request, and
the owner's decision on a request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.hits import DISCLOSURE_DAYS, MAX_DISCLOSURE_DAYS
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.services import disclosure, hits, orgs
from cyberfusion.services.context import Context
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
TABS = ("inbox", "sent", "received", "disclosures")


@router.get("/hits")
@needs(Permission.HIT_READ)
def hits_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
              tab: str = "inbox") -> Response:
    """The hit inbox, hits your searches got, hits on your data, and disclosure requests."""
    tab = tab if tab in TABS else "inbox"
    values: dict[str, Any] = {"tab": tab, "tabs": TABS,
                              "unread": hits.unread_count(ctx, principal)}
    if tab == "inbox":
        notices = hits.inbox(ctx, principal, limit=200)
        values["notices"] = collapse(notices)
        values["requests"] = _requests(ctx, principal, notices)
    elif tab == "sent":
        values["views"] = hits.outgoing(ctx, principal, limit=200)
    elif tab == "received":
        values["views"] = hits.incoming(ctx, principal, limit=200)
    else:
        values["to_decide"] = disclosure.list_requests(ctx, principal, "owner")
        values["made"] = disclosure.list_requests(ctx, principal, "requester")
    values["names"] = {o.id: o.name for o in orgs.list_orgs(ctx)}
    return page(request, "hits/list.html", TLP.AMBER, principal, **values)


def _same(item: hits.InboxItem) -> tuple[object, ...]:
    """What makes two notices say the same thing to their reader."""
    hit = item.hit
    return (item.kind, item.request_id, item.read, hit and (
        hit.source, hit.searcher_org_id, hit.owner_org_id, hit.obs_type, hit.value, hit.case_id))


def collapse(notices: list[hits.InboxItem]) -> list[tuple[hits.InboxItem, int]]:
    """Notices that say the same thing as one line each: (the newest, how many), in the
    order of their newest."""
    lines: dict[tuple[object, ...], tuple[hits.InboxItem, int]] = {}
    for item in notices:
        first, times = lines.get(_same(item), (item, 0))
        lines[_same(item)] = (first, times + 1)
    return list(lines.values())


def _requests(ctx: Context, principal: Principal, notices: list[hits.InboxItem]
              ) -> dict[str, disclosure.RequestView]:
    """The disclosure requests the inbox's notices are about, as the viewer may see them
    (who, which value, the cases it reads), for the Who, Value and Case columns."""
    if not allowed(principal, Permission.DISCLOSURE_READ):
        return {}
    ids = dict.fromkeys(n.request_id for n in notices if n.request_id and n.hit is None)
    return {r: disclosure.get_request(ctx, principal, r) for r in ids if r}


@router.post("/hits/read")
@needs(Permission.HIT_READ)
def read_all(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked) -> Response:
    """Mark every notice read."""
    hits.mark_read(ctx, principal, None)
    return RedirectResponse("/hits", status_code=303)


@router.get("/hits/{ref}")
@needs(Permission.HIT_READ)
def hit_page(request: Request, ctx: CtxDep, principal: UiPrincipal, ref: str) -> Response:
    """A hit: what matched, whose it is, and the disclosure request (or its form)."""
    views = hits.hit_group(ctx, principal, ref)
    found = disclosure.request_for_hit(ctx, principal, ref)
    mine = views[0].searcher_org_id == principal.org_id
    can_request = mine and views[0].answer == "hit" and (found is None
                                                         or found.status.value != "requested")
    return page(request, "hits/hit.html", TLP.AMBER, principal, ref=ref, views=views,
                first=views[0], request_=found, can_request=can_request,
                names={o.id: o.name for o in orgs.list_orgs(ctx)})


@router.post("/hits/{ref}/disclosure")
@needs(Permission.DISCLOSURE_REQUEST)
def request_disclosure(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, ref: str,
                       reason: Annotated[str, Form()] = "") -> Response:
    """Send a disclosure request to the owner."""
    made = disclosure.request_disclosure(ctx, principal, ref, reason)
    return RedirectResponse(f"/disclosures/{made.id}", status_code=303)


@router.get("/disclosures/{request_id}")
@needs(Permission.DISCLOSURE_READ)
def disclosure_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                    request_id: str) -> Response:
    """A request as either side sees it, with the decision form for a pending owner."""
    view = disclosure.get_request(ctx, principal, request_id)
    owner = view.request.owner_org_id == principal.org_id
    return page(request, "hits/disclosure.html", TLP.AMBER, principal, view=view,
                r=view.request, owner=owner, days=DISCLOSURE_DAYS, max_days=MAX_DISCLOSURE_DAYS,
                pending=view.request.status.value == "requested")


@router.post("/disclosures/{request_id}/decision")
@needs(Permission.GRANT_MANAGE)
def decide(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, request_id: str,
           decision: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
           days: Annotated[int, Form()] = DISCLOSURE_DAYS) -> Response:
    """Approve (grants with an expiry) or decline (with a reason)."""
    if decision == "approve":
        disclosure.approve(ctx, principal, request_id, reason, days)
    else:
        disclosure.decline(ctx, principal, request_id, reason)
    return RedirectResponse(f"/disclosures/{request_id}", status_code=303)
