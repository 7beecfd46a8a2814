"""The language switcher: a plain link per language that remembers the choice in a cookie
(for the login page as for every signed-in page) and goes back to where the person was."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion import i18n
from cyberfusion.web.deps import secure_cookie
from cyberfusion.web.ui.render import LANGUAGE_COOKIE

router = APIRouter(include_in_schema=False)
YEAR = 365 * 24 * 3600


@router.get("/language/{language}")
def choose_language(request: Request, language: str, next: str = "/") -> Response:
    """Remember `language` (one of ar, en, fr, es) and go back to `next` on this site."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if language in i18n.LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=YEAR, httponly=True,
                            samesite="lax",
                            secure=secure_cookie(request, request.app.state.ctx.settings))
    return response
