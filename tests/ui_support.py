"""Log in to the web UI in-process through the form, as a browser would (CSRF included)."""

from __future__ import annotations

import re
from typing import Any

from worlds import PASSWORD


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on the page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: Any, username: str, password: str = PASSWORD, next: str = "/cases") -> None:
    """Log in and check the redirect goes where `next` says."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token, "next": next},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == next
