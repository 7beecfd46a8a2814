"""Gateway agreement pages (hub): the register, registering, editing and ending an agreement.

Hub admins and auditors read the register; only hub admins change it (the services check
this; the pages only hide what would be refused).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from cyberfusion.domain.gateway import Agreement, DataCategory, Direction
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.errors import InvalidInput
from cyberfusion.formats.agreement_json import parse_agreement
from cyberfusion.services import gateway
from cyberfusion.services.context import Context
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import Id
from cyberfusion.web.ui.pages import UiPrincipal, check_csrf
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
PATH = "/agreements"


def _render(request: Request, ctx: Context, principal: Principal, status: int = 200,
            **values: Any) -> Response:
    return page(request, "agreements/list.html", TLP.AMBER, principal, status=status,
                agreements=gateway.list_agreements(ctx, principal),
                partners=gateway.partners(ctx, principal), today=ctx.now().date(),
                admin=allowed(principal, Permission.AGREEMENT_MANAGE),
                categories=list(DataCategory), directions=list(Direction),
                **{"issues": [], "form": {}, **values})


@router.get(PATH)
@needs(Permission.AGREEMENT_READ)
def agreements_page(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """The register of agreements with their state today, and (admins) a form for a new one."""
    return _render(request, ctx, principal)


@router.post(PATH)
@needs(Permission.AGREEMENT_MANAGE)
async def create_agreement(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Register an agreement from the form."""
    return await run_blocking(_create, request, ctx, principal, await request.form())


def _create(request: Request, ctx: Context, principal: Principal, form: FormData) -> Response:
    check_csrf(request, ctx, str(form.get("csrf_token", "")))
    try:
        made = gateway.add_agreement(ctx, principal, parse_agreement(_document(form)))
    except InvalidInput as exc:
        return _render(request, ctx, principal, status=422, issues=exc.issues,
                       form=_echo(form))
    return RedirectResponse(f"{PATH}/{made.id}", status_code=303)


@router.get(PATH + "/{agreement_id}")
@needs(Permission.AGREEMENT_READ)
def agreement_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                   agreement_id: Id) -> Response:
    """One agreement, with (admins) its edit and end forms."""
    found = gateway.get_agreement(ctx, principal, str(agreement_id))
    return _detail(request, ctx, principal, found)


def _detail(request: Request, ctx: Context, principal: Principal, found: Agreement,
            status: int = 200, **values: Any) -> Response:
    return page(request, "agreements/detail.html", TLP.AMBER, principal, status=status,
                agreement=found, today=ctx.now().date(),
                admin=allowed(principal, Permission.AGREEMENT_MANAGE),
                categories=list(DataCategory), directions=list(Direction),
                **{"issues": [], **values})


@router.post(PATH + "/{agreement_id}/edit")
@needs(Permission.AGREEMENT_MANAGE)
async def edit_agreement(request: Request, ctx: CtxDep, principal: UiPrincipal,
                         agreement_id: Id) -> Response:
    """Change an agreement's terms from the form."""
    return await run_blocking(_edit, request, ctx, principal, agreement_id,
                              await request.form())


def _edit(request: Request, ctx: Context, principal: Principal, agreement_id: int,
          form: FormData) -> Response:
    check_csrf(request, ctx, str(form.get("csrf_token", "")))
    try:
        gateway.update_agreement(ctx, principal, agreement_id,
                                 parse_agreement(_document(form), edit=True))
    except InvalidInput as exc:
        found = gateway.get_agreement(ctx, principal, str(agreement_id))
        return _detail(request, ctx, principal, found, 422, issues=exc.issues)
    return RedirectResponse(f"{PATH}/{agreement_id}", status_code=303)


@router.post(PATH + "/{agreement_id}/end")
@needs(Permission.AGREEMENT_MANAGE)
async def end_agreement(request: Request, ctx: CtxDep, principal: UiPrincipal,
                        agreement_id: Id) -> Response:
    """End an agreement now."""
    return await run_blocking(_end, request, ctx, principal, agreement_id, await request.form())


def _end(request: Request, ctx: Context, principal: Principal, agreement_id: int,
         form: FormData) -> Response:
    check_csrf(request, ctx, str(form.get("csrf_token", "")))
    try:
        gateway.end_agreement(ctx, principal, agreement_id, str(form.get("reason", "")))
    except InvalidInput as exc:
        found = gateway.get_agreement(ctx, principal, str(agreement_id))
        return _detail(request, ctx, principal, found, 422, issues=exc.issues)
    return RedirectResponse(f"{PATH}/{agreement_id}", status_code=303)


def _document(form: FormData) -> dict[str, Any]:
    """The agreement document the form's fields describe."""
    return {"reference": str(form.get("reference", "")), "partner": str(form.get("partner", "")),
            "valid_from": str(form.get("valid_from", "")),
            "valid_until": str(form.get("valid_until", "")),
            "categories": {c.value: str(form.get(f"category.{c.value}"))
                           for c in DataCategory if form.get(f"category.{c.value}")},
            "onward_sharing": {"terms": str(form.get("onward_terms", "")),
                               "allowed": form.get("onward_allowed") == "on"},
            "contact": str(form.get("contact", ""))}


def _echo(form: FormData) -> dict[str, str]:
    """The submitted fields, to fill the form in again."""
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}
