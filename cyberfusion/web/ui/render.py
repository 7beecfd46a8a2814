"""Template rendering with the TLP banner every page must carry."""

from __future__ import annotations

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

MENU = ("/cases", "/search", "/hits", "/networks", "/entities", "/incidents", "/reports",
        "/imports", "/sources", "/inbox", "/duty", "/organisations", "/settings/notifications",
        "/hub/bulletins", "/agreements", "/audit", "/bulletins", "/login")
MENU_ALIASES = {"/threads": "/inbox", "/compose": "/inbox", "/observable": "/search",
                "/disclosures": "/hits", "/ransomware": "/incidents",
                "/settings": "/settings/notifications"}


def menu_entry(path: str) -> str:
    """The main-menu link a page belongs to, so the menu marks it `aria-current="page"`."""
    if path == "/":
        return "/"
    for prefix, entry in MENU_ALIASES.items():
        if path == prefix or path.startswith(prefix + "/"):
            path = entry
    matches = [m for m in MENU if path == m or path.startswith(m + "/")]
    return max(matches, key=len, default="")


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
        "nav_current": menu_entry(request.url.path),
        **values,
    }
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)
