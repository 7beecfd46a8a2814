"""Template rendering with the TLP banner every page must carry."""

from __future__ import annotations

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


def _environment() -> jinja2.Environment:
    """The page environment: `_()` in the language of the request, CLDR dates and numbers."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    i18n.install(env)
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
LANGUAGE_COOKIE = "lang"


def language_of(request: Request) -> str:
    """The language chosen with the switcher, else the browser's `Accept-Language`, else
    English."""
    return i18n.choose(request.cookies.get(LANGUAGE_COOKIE),
                       request.headers.get("accept-language"))


def page(
    request: Request, template: str, tlp: TLP, principal: Principal | None,
    status: int = 200, **values: Any,
) -> Response:
    """Render `template` with the banner for `tlp` and the session's CSRF token."""
    session = getattr(request.state, "session", None)
    language = language_of(request)
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
        **values,
    }
    with i18n.using(language):
        response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    response.headers["Content-Language"] = language
    return response
