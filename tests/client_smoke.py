"""Smoke test of the generated API client, run by the tools venv's Python (it cannot import
cyberfusion): health, log in for a token, create and read a case, search, a Problem parsed.

Reads {"base", "username", "password", "case"} as JSON on stdin; prints what it saw as JSON.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from cyberfusion_client import AuthenticatedClient, Client
from cyberfusion_client.api.default import (
    create_case_api_v1_cases_post as create_case,
)
from cyberfusion_client.api.default import (
    get_case_api_v1_cases_case_id_get as get_case,
)
from cyberfusion_client.api.default import (
    health_api_v1_health_get as health,
)
from cyberfusion_client.api.default import (
    login_for_token_api_v1_auth_token_post as login,
)
from cyberfusion_client.api.default import (
    search_value_api_v1_search_get as search,
)
from cyberfusion_client.models import (
    CaseDoc,
    CreateCaseApiV1CasesPostBody,
    HealthDoc,
    IssuedTokenDoc,
    LoginIn,
    Problem,
    SearchAnswerDoc,
)


def main() -> int:
    """Walk the API as a client would; every answer must parse into its documented model."""
    given: dict[str, Any] = json.load(sys.stdin)
    anonymous = Client(base_url=given["base"], raise_on_unexpected_status=True)
    up = health.sync(client=anonymous)
    assert isinstance(up, HealthDoc) and up.status == "ok", up
    refused = login.sync(client=anonymous, body=LoginIn(username=given["username"],
                                                         password="wrong password"))
    assert isinstance(refused, Problem) and refused.status == 401, refused
    issued = login.sync(client=anonymous, body=LoginIn(username=given["username"],
                                                        password=given["password"]))
    assert isinstance(issued, IssuedTokenDoc), issued
    client = AuthenticatedClient(base_url=given["base"], token=issued.secret,
                                 raise_on_unexpected_status=True)
    made = create_case.sync(client=client,
                            body=CreateCaseApiV1CasesPostBody.from_dict(given["case"]))
    assert isinstance(made, CaseDoc), made
    read = get_case.sync(client=client, case_id=made.id)
    assert isinstance(read, CaseDoc) and read.title == given["case"]["title"], read
    value = given["case"]["observables"][0]["value"]
    found = search.sync(client=client, value=value)
    assert isinstance(found, SearchAnswerDoc), found
    missing = get_case.sync(client=client, case_id=made.id + 10_000)
    assert isinstance(missing, Problem) and missing.status == 404, missing
    json.dump({"health": up.to_dict(), "scopes": issued.scopes, "case": read.to_dict(),
               "search": found.to_dict(), "problem": missing.to_dict(),
               "refused": refused.to_dict()}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
