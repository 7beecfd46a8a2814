"""Template rendering with the TLP banner every page must carry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from cyberfusion import __version__, i18n
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, allowed
from cyberfusion.services import hits, inbox, orgs
from cyberfusion.terms import term


def _environment() -> jinja2.Environment:
    """The page environment: `_()` in the language of the request, CLDR dates and numbers."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    i18n.install(env)
    env.filters["term"] = term
    return env


TEMPLATES = Jinja2Templates(env=_environment())
TLP_NOTES = {
    "clear": i18n.mark("may be shared without restriction"),
    "green": i18n.mark("for the community; not for public channels"),
    "amber": i18n.mark(
        "for the recipient organisations and their clients on a need-to-know basis"),
    "amber+strict": i18n.mark("for the recipient organisations only"),
    "red": i18n.mark("for the named recipients only"),
}
# Error page titles and the login form's refusals, as the errors and auth service say them;
# the error page and the login form translate them through these msgids.
PAGE_MESSAGES = (
    i18n.mark("Audit chain broken"), i18n.mark("Authentication failed"), i18n.mark("Conflict"),
    i18n.mark("Internal error"), i18n.mark("Invalid handling"), i18n.mark("Invalid input"),
    i18n.mark("Invalid observable"), i18n.mark("Malformed document"),
    i18n.mark("Not acceptable"), i18n.mark("Not found"), i18n.mark("Payload too large"),
    i18n.mark("Permission denied"), i18n.mark("Too many requests"),
    i18n.mark("Unsupported media type"),
    i18n.mark("wrong username, password or one-time code"),
    i18n.mark("the form expired or did not come from this site; reload it"),
)
LANGUAGE_COOKIE = "lang"


def language_of(request: Request, principal: Principal | None = None) -> str:
    """The signed-in person's language, else the one chosen with the switcher on this browser,
    else the browser's `Accept-Language`, else English."""
    if principal is None:
        session = getattr(request.state, "session", None)
        principal = session[0] if session else None
    chosen = principal.user.language if principal and principal.user else ""
    return i18n.choose(chosen or request.cookies.get(LANGUAGE_COOKIE),
                       request.headers.get("accept-language"))


MENU = ("/cases", "/search", "/hits", "/networks", "/entities", "/incidents", "/operations",
        "/communities", "/reports", "/imports", "/sources", "/inbox", "/duty", "/organisations",
        "/settings/notifications", "/settings/security", "/hub/bulletins", "/agreements",
        "/audit", "/bulletins", "/login")
MENU_ALIASES = {"/threads": "/inbox", "/compose": "/inbox", "/observable": "/search",
                "/disclosures": "/hits", "/ransomware": "/incidents",
                "/settings": "/settings/notifications"}


def menu_entry(path: str) -> str:
    """The main-menu link a page belongs to, so the menu marks it `aria-current="page"`."""
    if path == "/":
        return "/"
    matches = [m for m in MENU if path == m or path.startswith(m + "/")]
    if not matches:
        for prefix, entry in MENU_ALIASES.items():
            if path == prefix or path.startswith(prefix + "/"):
                path = entry
        matches = [m for m in MENU if path == m or path.startswith(m + "/")]
    return max(matches, key=len, default="")


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
    language = language_of(request, principal)
    context = {
        "lang": language,
        "dir": i18n.direction(language),
        "languages": i18n.NAMES,
        "tlp": tlp,
        "tlp_notes": TLP_NOTES,
        "principal": principal,
        "csrf_token": session[1] if session else "",
        "can_audit": bool(principal and allowed(principal, Permission.AUDIT_READ)),
        "can_bulletins": bool(principal and allowed(principal, Permission.BULLETIN_READ)),
        "can_agreements": bool(principal and allowed(principal, Permission.AGREEMENT_READ)),
        "version": __version__,
        "nav_current": menu_entry(request.url.path),
        **nav_counts(request, principal),
        "org_name": org_namer(request),
        **values,
    }
    with i18n.using(language):
        response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    response.headers["Content-Language"] = language
    return response
