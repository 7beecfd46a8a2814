"""Template rendering with the TLP banner every page must carry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from cyberfusion import __version__
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, allowed
from cyberfusion.services import hits, inbox, orgs


def _environment() -> jinja2.Environment:
    """The page environment, with `_()` for every text a person reads (catalogues follow)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


TEMPLATES = Jinja2Templates(env=_environment())
TLP_NOTES = {
    "clear": "may be shared without restriction",
    "green": "for the community; not for public channels",
    "amber": "for the recipient organisations and their clients on a need-to-know basis",
    "amber+strict": "for the recipient organisations only",
    "red": "for the named recipients only",
}


def nav_counts(request: Request, principal: Principal | None) -> dict[str, int]:
    """Unread hit notices and inbox notifications for the header (0 where not allowed): the
    same counts the hit inbox and the inbox show, addressed to the organisation (or user)."""
    ctx = getattr(request.app.state, "ctx", None)
    if principal is None or ctx is None:
        return {"unread_hits": 0, "unread_inbox": 0}
    return {
        "unread_hits": hits.unread_count(ctx, principal)
        if allowed(principal, Permission.HIT_READ) else 0,
        "unread_inbox": inbox.notifications(ctx, principal, 0, 1)[1]
        if allowed(principal, Permission.CHANNEL_READ) else 0,
    }


def org_namer(request: Request) -> Callable[[str], str]:
    """`org_name(id)` for templates: an organisation's name (the directory is not secret to
    members), read once per page on first use; the id itself for an unknown one."""
    names: dict[str, str] = {}

    def name(org_id: str) -> str:
        ctx = getattr(request.app.state, "ctx", None)
        if not names and ctx is not None:
            names.update((o.id, o.name) for o in orgs.list_orgs(ctx))
        return names.get(org_id, org_id)
    return name


def page(
    request: Request, template: str, tlp: TLP, principal: Principal | None,
    status: int = 200, **values: Any,
) -> Response:
    """Render `template` with the banner for `tlp` and the session's CSRF token."""
    session = getattr(request.state, "session", None)
    context = {
        "tlp": tlp,
        "tlp_notes": TLP_NOTES,
        "principal": principal,
        "csrf_token": session[1] if session else "",
        "can_audit": bool(principal and allowed(principal, Permission.AUDIT_READ)),
        "can_bulletins": bool(principal and allowed(principal, Permission.BULLETIN_READ)),
        "can_agreements": bool(principal and allowed(principal, Permission.AGREEMENT_READ)),
        "version": __version__,
        **nav_counts(request, principal),
        "org_name": org_namer(request),
        **values,
    }
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)
