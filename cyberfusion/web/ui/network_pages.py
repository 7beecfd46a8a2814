"""Pages for networks: the list, and one network with its graph, timeline and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.handling import TLP, strictest_tlp
from cyberfusion.domain.networks import CaseFacts
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.services import networks
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import Offset
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
PAGE = 50
WIDTH, ROW = 760, 18
#: Weak links shown per page of a network page.
WEAK_PAGE = 20


@router.get("/networks")
@needs(Permission.NETWORK_READ)
def networks_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                  offset: Offset = 0) -> Response:
    """Networks with a case you read: size, countries, crime types, time span."""
    items, total = networks.list_networks(ctx, principal, offset, PAGE)
    state, run = networks.status(ctx, principal)
    return page(request, "networks/list.html", strictest_tlp((s.tlp for s in items), TLP.AMBER),
                principal, items=items, total=total, offset=max(0, offset), limit=PAGE,
                state=state, run=run, hub_admin=allowed(principal, Permission.NETWORK_MANAGE),
                prev_url="/networks?" + urlencode({"offset": max(0, offset - PAGE)}),
                next_url="/networks?" + urlencode({"offset": offset + PAGE}))


@router.post("/networks/recompute")
@needs(Permission.NETWORK_MANAGE)
def recompute(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
              full: Annotated[str, Form()] = "") -> Response:
    """Recompute now (hub administrators)."""
    networks.recompute(ctx, bool(full), principal)
    return RedirectResponse("/networks", status_code=303)


@dataclass(frozen=True, slots=True)
class Bar:
    """One case on the timeline: where its bar starts, how wide it is, which row."""

    case: CaseFacts
    x: float
    width: float
    y: int


def timeline(cases: list[CaseFacts]) -> tuple[list[Bar], date | None, date | None]:
    """Bars from first to last seen (filing date when unknown), one row per case."""
    spans = []
    for case in cases:
        start = case.first_seen or case.created_at.date()
        spans.append((start, case.last_seen or start, case))
    if not spans:
        return [], None, None
    spans.sort(key=lambda s: (s[0], s[2].id))
    low, high = min(s[0] for s in spans), max(s[1] for s in spans)
    days = max(1, (high - low).days)
    bars = [Bar(case, round((start - low).days / days * WIDTH, 1),
                max(3.0, round((end - start).days / days * WIDTH, 1)), row * ROW)
            for row, (start, end, case) in enumerate(spans)]
    return bars, low, high


@router.get("/networks/{ref}")
@needs(Permission.NETWORK_READ)
def network_page(request: Request, ctx: CtxDep, principal: UiPrincipal, ref: str,
                 weak: Offset = 0) -> Response:
    """One network: readable cases, what holds it together, graph, timeline, exports; the
    weak links a page at a time."""
    detail = networks.network_detail(ctx, principal, ref)
    if detail.summary.ref != ref:
        return RedirectResponse(f"/networks/{detail.summary.ref}", status_code=303)
    bars, low, high = timeline(detail.cases)
    shown = detail.weak[weak: weak + WEAK_PAGE]
    more = weak + WEAK_PAGE < len(detail.weak)
    return page(request, "networks/network.html", detail.summary.tlp, principal, d=detail,
                s=detail.summary, bars=bars, low=low, high=high, width=WIDTH, row=ROW,
                height=max(ROW, len(bars) * ROW), weak=shown, weak_offset=weak,
                weak_prev=f"/networks/{ref}?weak={max(0, weak - WEAK_PAGE)}#weak-links"
                if weak > 0 else "",
                weak_next=f"/networks/{ref}?weak={weak + WEAK_PAGE}#weak-links" if more else "",
                can_operate=allowed(principal, Permission.OPERATION_WRITE))
