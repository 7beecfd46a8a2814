"""Pages for hits: the inbox, hits sent and received, a hit with its disclosure request, and
the owner's decision on a request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.hits import DISCLOSURE_DAYS, MAX_DISCLOSURE_DAYS
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.services import disclosure, hits
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
        values["notices"] = hits.inbox(ctx, principal, limit=200)
    elif tab == "sent":
        values["views"] = hits.outgoing(ctx, principal, limit=200)
    elif tab == "received":
        values["views"] = hits.incoming(ctx, principal, limit=200)
    else:
        values["to_decide"] = disclosure.list_requests(ctx, principal, "owner")
        values["made"] = disclosure.list_requests(ctx, principal, "requester")
    return page(request, "hits/list.html", TLP.AMBER, principal, **values)


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
                first=views[0], request_=found, can_request=can_request)


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
