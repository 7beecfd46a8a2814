"""The account security page: enrol an authenticator app (otpauth URI and a QR code drawn
here as SVG), confirm it with a code, and turn it off with a code."""

from __future__ import annotations

from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput
from cyberfusion.services import second_factor
from cyberfusion.services.context import Context
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
PATH = "/settings/security"


def qr_svg(uri: str) -> Markup:
    """`uri` as an inline SVG QR code (no image request, nothing for the CSP to allow)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff",
                                               title="QR code for your authenticator app")
    return Markup(svg)  # segno's own SVG markup, built from our URI: nothing to escape


def _render(request: Request, ctx: Context, principal: Principal, status: int = 200,
            secret: str | None = None, **values: Any) -> Response:
    """The page: the disable form when enrolled, otherwise a proposal to scan and confirm."""
    on = second_factor.enrolled(ctx, principal)
    proposal = None if on else second_factor.propose(principal, secret)
    return page(request, "settings/security.html", TLP.RED, principal, status=status,
                enrolled=on, proposal=proposal,
                qr=qr_svg(proposal.uri) if proposal else None,
                **{"issues": [], "done": "", **values})


@router.get(PATH)
@needs(Permission.ACCOUNT)
def security_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                  done: str = "") -> Response:
    """Two-step sign-in of one's own account: its state and what can be done with it."""
    return _render(request, ctx, principal,
                   done=done if done in ("enabled", "disabled") else "")


@router.post(f"{PATH}/totp")
@needs(Permission.ACCOUNT)
def confirm_totp(request: Request, ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
                 secret: Annotated[str, Form()] = "",
                 code: Annotated[str, Form()] = "") -> Response:
    """Enrol the proposed secret once the code from the app matches it."""
    try:
        second_factor.confirm(ctx, principal, secret, code)
    except InvalidInput as exc:
        return _render(request, ctx, principal, status=422, secret=secret, issues=exc.issues)
    return RedirectResponse(f"{PATH}?done=enabled", status_code=303)


@router.post(f"{PATH}/totp/off")
@needs(Permission.ACCOUNT)
def disable_totp(request: Request, ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
                 code: Annotated[str, Form()] = "") -> Response:
    """Turn two-step sign-in off with a current code."""
    try:
        second_factor.disable(ctx, principal, code)
    except InvalidInput as exc:
        return _render(request, ctx, principal, status=422, issues=exc.issues)
    return RedirectResponse(f"{PATH}?done=disabled", status_code=303)
