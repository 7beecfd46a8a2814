"""The language switcher: a plain link per language that remembers the choice in a cookie (for
the login page) and, for a signed-in person, in their account; then goes back to where the
person was."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion import i18n
from cyberfusion.services import orgs
from cyberfusion.web.deps import secure_cookie, session_principal
from cyberfusion.web.ui.render import LANGUAGE_COOKIE

router = APIRouter(include_in_schema=False)
YEAR = 365 * 24 * 3600


@router.get("/language/{language}")
def choose_language(request: Request, language: str, next: str = "/") -> Response:
    """Remember `language` (one of ar, en, fr, es) and go back to `next` on this site."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if language in i18n.LANGUAGES:
        ctx = request.app.state.ctx
        found = session_principal(request, ctx)
        if found is not None and found[0].user is not None:
            orgs.set_language(ctx, found[0], language)
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=YEAR, httponly=True,
                            samesite="lax",
                            secure=secure_cookie(request, ctx.settings))
    return response
