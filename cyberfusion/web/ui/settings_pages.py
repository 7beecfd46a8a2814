"""Organisation settings pages: notification channels per priority, webhooks, and whether
partners may read the organisation's 24/7 contacts.

Everyone in the organisation sees the channels; only its admins change them and see the
webhooks (the services check this; the page only hides what would be refused).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from cyberfusion.domain.channel import Priority
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.errors import InvalidInput
from cyberfusion.services import directory
from cyberfusion.services.context import Context
from cyberfusion.services.directory import OPTIONAL_CHANNELS
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import Id
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal, check_csrf
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
PATH = "/settings/notifications"


def _render(request: Request, ctx: CtxDep, principal: Principal, status: int = 200,
            **values: Any) -> Response:
    admin = allowed(principal, Permission.SETTINGS_MANAGE)
    return page(request, "settings/notifications.html", TLP.AMBER, principal, status=status,
                prefs=directory.get_prefs(ctx, principal), priorities=list(Priority),
                channels=OPTIONAL_CHANNELS, admin=admin,
                hooks=directory.list_webhooks(ctx, principal)
                if allowed(principal, Permission.WEBHOOK_MANAGE) else [],
                **{"issues": [], "secret": None, "saved": False, "url": "", **values})


@router.get(PATH)
@needs(Permission.SETTINGS_READ)
def notifications_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                       saved: bool = False) -> Response:
    """The organisation's channels per priority and, for its admins, its webhooks."""
    return _render(request, ctx, principal, saved=saved)


@router.post(PATH)
@needs(Permission.SETTINGS_MANAGE)
async def save_channels(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Save the ticked channels (one checkbox per priority and channel)."""
    return await run_blocking(_save_channels, request, ctx, principal, await request.form())


def _save_channels(request: Request, ctx: Context, principal: Principal,
                   form: FormData) -> Response:
    check_csrf(request, ctx, str(form.get("csrf_token", "")))
    chosen = {p.value: [c for c in OPTIONAL_CHANNELS if form.get(f"{p.value}.{c}")]
              for p in Priority}
    directory.set_prefs(ctx, principal, chosen)
    return RedirectResponse(f"{PATH}?saved=true", status_code=303)


@router.post("/settings/partner-access")
@needs(Permission.DIRECTORY_MANAGE)
def partner_access(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
                   open_to_partners: Annotated[str, Form()] = "") -> Response:
    """Open or close the organisation's 24/7 contacts and rota to partners."""
    directory.set_partner_access(ctx, principal, principal.org_id, open_to_partners == "on")
    return RedirectResponse(f"{PATH}?saved=true", status_code=303)


@router.post("/settings/webhooks")
@needs(Permission.WEBHOOK_MANAGE)
def add_webhook(request: Request, ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
                url: Annotated[str, Form()] = "") -> Response:
    """Register a webhook and show its signing secret, this once."""
    try:
        hook, secret = directory.add_webhook(ctx, principal, url)
    except InvalidInput as exc:
        return _render(request, ctx, principal, status=422, issues=exc.issues, url=url)
    return _render(request, ctx, principal, status=201,
                   secret={"id": hook.id, "url": hook.url, "value": secret})


@router.post("/settings/webhooks/{webhook_id}/off")
@needs(Permission.WEBHOOK_MANAGE)
def turn_off_webhook(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
                     webhook_id: Id) -> Response:
    """Stop calling a webhook."""
    directory.remove_webhook(ctx, principal, webhook_id)
    return RedirectResponse(PATH, status_code=303)
