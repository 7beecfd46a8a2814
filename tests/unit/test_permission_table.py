"""One permission table: every route and command is listed with the permission it needs.

Adding a route or a command without deciding its permission fails `test_every_route_...`
or `test_every_command_...`: put `@needs(Permission.X)` on it and add it to the table here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.routing import APIRoute, iter_route_contexts

from cyberfusion.cli.main import app as cli_app
from cyberfusion.domain.model import Organisation, OrgKind, Principal, Role, User
from cyberfusion.domain.permissions import RULES, Permission, allowed, needed_by, require
from cyberfusion.errors import PermissionDenied
from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app

P = Permission
PACKAGE = Path(__file__).resolve().parents[2] / "cyberfusion"
API = "/api/v1"
TAXII = "/taxii2/pool"

#: (method, path) -> the permission the route's services require (None: public, or open to
#: any signed-in caller: who am I, log out).
ROUTES: dict[tuple[str, str], Permission | None] = {
    ("GET", f"{API}/health"): None,
    ("POST", f"{API}/auth/token"): None,
    ("GET", f"{API}/me"): None,
    ("GET", f"{API}/organisations"): P.ORG_READ,
    ("GET", f"{API}/organisations/{{org_id}}"): P.ORG_READ,
    ("POST", f"{API}/organisations"): P.ORG_MANAGE,
    ("GET", f"{API}/users"): P.USER_READ,
    ("POST", f"{API}/users"): P.USER_MANAGE,
    ("GET", f"{API}/tokens"): P.TOKEN_MANAGE,
    ("POST", f"{API}/tokens"): P.TOKEN_MANAGE,
    ("DELETE", f"{API}/tokens/{{token_id}}"): P.TOKEN_MANAGE,
    ("GET", f"{API}/cases"): P.CASE_READ,
    ("POST", f"{API}/cases"): P.CASE_WRITE,
    ("GET", f"{API}/cases/{{case_id}}"): P.CASE_READ,
    ("PUT", f"{API}/cases/{{case_id}}"): P.CASE_WRITE,
    ("POST", f"{API}/cases/{{case_id}}/revoke"): P.CASE_WRITE,
    ("GET", f"{API}/cases/{{case_id}}/versions"): P.CASE_READ,
    ("GET", f"{API}/cases/{{case_id}}/access"): P.CASE_READ,
    ("GET", f"{API}/cases/{{case_id}}/grants"): P.CASE_READ,
    ("POST", f"{API}/cases/{{case_id}}/grants"): P.GRANT_MANAGE,
    ("DELETE", f"{API}/cases/{{case_id}}/grants/{{grant_id}}"): P.GRANT_MANAGE,
    ("POST", f"{API}/cases/{{case_id}}/review"): P.RETENTION_CONFIRM,
    ("GET", f"{API}/reviews"): P.RETENTION_READ,
    ("GET", f"{API}/search"): P.SEARCH,
    ("GET", f"{API}/autocomplete"): P.SEARCH,
    ("GET", f"{API}/stats"): P.CASE_READ,
    ("GET", f"{API}/export/cases"): P.EXPORT,
    ("GET", f"{API}/export/misp-feed/manifest.json"): P.EXPORT,
    ("GET", f"{API}/export/misp-feed/hashes.csv"): P.EXPORT,
    ("GET", f"{API}/export/misp-feed/{{name}}"): P.EXPORT,
    ("GET", f"{API}/agreements"): P.AGREEMENT_READ,
    ("GET", f"{API}/agreements/{{ident}}"): P.AGREEMENT_READ,
    ("POST", f"{API}/agreements"): P.AGREEMENT_MANAGE,
    ("PUT", f"{API}/agreements/{{agreement_id}}"): P.AGREEMENT_MANAGE,
    ("POST", f"{API}/agreements/{{agreement_id}}/end"): P.AGREEMENT_MANAGE,
    ("POST", f"{API}/lookups"): P.SEARCH,
    ("GET", f"{API}/audit"): P.AUDIT_READ,
    ("GET", f"{API}/audit/use-of-data"): P.AUDIT_READ,
    ("POST", f"{API}/imports"): P.IMPORT,
    ("POST", f"{API}/imports/preview"): P.IMPORT,
    ("GET", f"{API}/imports"): P.IMPORT_READ,
    ("GET", f"{API}/imports/{{job_id}}"): P.IMPORT_READ,
    ("GET", f"{API}/imports/{{job_id}}/issues"): P.IMPORT_READ,
    ("GET", f"{API}/sources"): P.SOURCE_READ,
    ("POST", f"{API}/sources"): P.SOURCE_MANAGE,
    ("GET", f"{API}/sources/{{name}}"): P.SOURCE_READ,
    ("DELETE", f"{API}/sources/{{name}}"): P.SOURCE_MANAGE,
    ("GET", f"{API}/sources/{{name}}/runs"): P.SOURCE_READ,
    ("POST", f"{API}/sources/{{name}}/run"): P.SOURCE_RUN,
    ("GET", f"{API}/threads"): P.CHANNEL_READ,
    ("POST", f"{API}/threads"): P.CHANNEL_SEND,
    ("GET", f"{API}/threads/{{thread_id}}"): P.CHANNEL_READ,
    ("POST", f"{API}/threads/{{thread_id}}/ack"): P.CHANNEL_SEND,
    ("POST", f"{API}/threads/{{thread_id}}/messages"): P.CHANNEL_SEND,
    ("POST", f"{API}/threads/{{thread_id}}/answer"): P.CHANNEL_SEND,
    ("POST", f"{API}/threads/{{thread_id}}/decline"): P.CHANNEL_SEND,
    ("POST", f"{API}/threads/{{thread_id}}/close"): P.CHANNEL_SEND,
    ("POST", f"{API}/threads/{{thread_id}}/extend"): P.CHANNEL_SEND,
    ("GET", f"{API}/attachments/{{attachment_id}}"): P.CHANNEL_READ,
    ("GET", f"{API}/inbox"): P.CHANNEL_READ,
    ("POST", f"{API}/inbox/read"): P.CHANNEL_READ,
    ("GET", f"{API}/events"): P.CHANNEL_READ,
    ("GET", f"{API}/duty"): P.DIRECTORY_READ,
    ("GET", f"{API}/directory/{{org_id}}"): P.DIRECTORY_READ,
    ("PUT", f"{API}/directory/{{org_id}}"): P.DIRECTORY_MANAGE,
    ("PUT", f"{API}/directory/{{org_id}}/partner-access"): P.DIRECTORY_MANAGE,
    ("GET", f"{API}/notification-preferences"): P.SETTINGS_READ,
    ("PUT", f"{API}/notification-preferences"): P.SETTINGS_MANAGE,
    ("GET", f"{API}/webhooks"): P.WEBHOOK_MANAGE,
    ("POST", f"{API}/webhooks"): P.WEBHOOK_MANAGE,
    ("DELETE", f"{API}/webhooks/{{webhook_id}}"): P.WEBHOOK_MANAGE,
    ("GET", f"{API}/hits/inbox"): P.HIT_READ,
    ("POST", f"{API}/hits/inbox/read"): P.HIT_READ,
    ("GET", f"{API}/hits"): P.HIT_READ,
    ("GET", f"{API}/hits/{{ref}}"): P.HIT_READ,
    ("POST", f"{API}/hits/{{ref}}/disclosure"): P.DISCLOSURE_REQUEST,
    ("GET", f"{API}/disclosures"): P.DISCLOSURE_READ,
    ("GET", f"{API}/disclosures/{{request_id}}"): P.DISCLOSURE_READ,
    ("POST", f"{API}/disclosures/{{request_id}}/approve"): P.GRANT_MANAGE,
    ("POST", f"{API}/disclosures/{{request_id}}/decline"): P.GRANT_MANAGE,
    ("GET", f"{API}/networks"): P.NETWORK_READ,
    ("GET", f"{API}/networks/status"): P.NETWORK_READ,
    ("POST", f"{API}/networks/recompute"): P.NETWORK_MANAGE,
    ("GET", f"{API}/networks/{{ref}}"): P.NETWORK_READ,
    ("GET", f"{API}/networks/{{ref}}/graph"): P.NETWORK_READ,
    ("GET", f"{API}/networks/{{ref}}/export"): P.EXPORT,
    ("GET", f"{API}/entities"): P.ENTITY_READ,
    ("GET", f"{API}/entities/{{entity_id}}"): P.ENTITY_READ,
    ("GET", f"{API}/entities/{{entity_id}}/relationships"): P.ENTITY_READ,
    ("GET", f"{API}/entities/{{entity_id}}/cases"): P.ENTITY_READ,
    ("GET", f"{API}/entities/{{entity_id}}/graph"): P.ENTITY_READ,
    ("PATCH", f"{API}/entities/{{entity_id}}"): P.ENTITY_EDIT,
    ("POST", f"{API}/entities/{{entity_id}}/merge"): P.ENTITY_EDIT,
    ("POST", f"{API}/entities/{{entity_id}}/cases"): P.ENTITY_EDIT,
    ("DELETE", f"{API}/entities/{{entity_id}}/cases/{{case_id}}"): P.ENTITY_EDIT,
    ("GET", f"{API}/bulletins"): P.BULLETIN_READ,
    ("POST", f"{API}/bulletins"): P.BULLETIN_WRITE,
    ("GET", f"{API}/bulletins/{{bulletin_id}}"): P.BULLETIN_READ,
    ("PUT", f"{API}/bulletins/{{bulletin_id}}"): P.BULLETIN_WRITE,
    ("POST", f"{API}/bulletins/{{bulletin_id}}/approve"): P.BULLETIN_APPROVE,
    ("POST", f"{API}/bulletins/{{bulletin_id}}/publish"): P.BULLETIN_APPROVE,
    ("POST", f"{API}/bulletins/{{bulletin_id}}/withdraw"): P.BULLETIN_APPROVE,
    ("POST", f"{API}/incidents"): P.INCIDENT_REPORT,
    ("GET", f"{API}/incidents"): P.INCIDENT_READ,
    ("GET", f"{API}/incidents/{{incident_id}}"): P.INCIDENT_READ,
    ("GET", f"{API}/incidents/wallets"): P.INCIDENT_READ,
    ("POST", f"{API}/incidents/{{incident_id}}/payment-stops"): P.INCIDENT_REPORT,
    ("POST", f"{API}/incidents/{{incident_id}}/steps/{{position}}"): P.INCIDENT_REPORT,
    ("POST", f"{API}/operations"): P.OPERATION_WRITE,
    ("GET", f"{API}/operations"): P.OPERATION_READ,
    ("GET", f"{API}/operations/{{operation_id}}"): P.OPERATION_READ,
    ("GET", f"{API}/operations/{{operation_id}}/package"): P.OPERATION_READ,
    ("GET", f"{API}/operations/{{operation_id}}/report"): P.OPERATION_READ,
    ("POST", f"{API}/operations/{{operation_id}}/status"): P.OPERATION_WRITE,
    ("POST", f"{API}/operations/{{operation_id}}/tasks"): P.OPERATION_WRITE,
    ("POST", f"{API}/operations/{{operation_id}}/tasks/{{task_id}}"): P.OPERATION_WRITE,
    ("POST", f"{API}/operations/{{operation_id}}/action-days"): P.OPERATION_WRITE,
    ("POST", f"{API}/operations/{{operation_id}}/results"): P.OPERATION_WRITE,
    ("POST", f"{API}/operations/{{operation_id}}/takedowns"): P.OPERATION_WRITE,
    ("POST", f"{API}/operations/{{operation_id}}/takedowns/{{takedown_id}}"):
        P.OPERATION_WRITE,
    ("GET", f"{API}/incidents/{{incident_id}}/post-incident-report"): P.INCIDENT_READ,
    ("GET", f"{API}/communities"): P.COMMUNITY_READ,
    ("POST", f"{API}/communities"): P.ORG_MANAGE,
    ("GET", f"{API}/communities/{{community_id}}"): P.COMMUNITY_READ,
    ("POST", f"{API}/communities/{{community_id}}/members"): P.COMMUNITY_MODERATE,
    ("DELETE", f"{API}/communities/{{community_id}}/members/{{org_id}}"): P.COMMUNITY_MODERATE,
    ("POST", f"{API}/communities/{{community_id}}/threads"): P.COMMUNITY_POST,
    ("GET", f"{API}/communities/threads/{{thread_id}}"): P.COMMUNITY_READ,
    ("POST", f"{API}/communities/threads/{{thread_id}}/posts"): P.COMMUNITY_POST,
    ("POST", f"{API}/communities/threads/{{thread_id}}/moderation"): P.COMMUNITY_MODERATE,
    ("POST", f"{API}/communities/{{community_id}}/library"): P.COMMUNITY_POST,
    ("GET", f"{API}/communities/library/{{item_id}}/document"): P.COMMUNITY_READ,
    ("POST", f"{API}/communities/{{community_id}}/meetings"): P.COMMUNITY_MODERATE,
    ("GET", f"{API}/communities/meetings/{{meeting_id}}"): P.COMMUNITY_READ,
    ("PUT", f"{API}/communities/meetings/{{meeting_id}}/minutes"): P.COMMUNITY_MODERATE,
    ("POST", f"{API}/ransomware/identify"): P.RANSOMWARE_IDENTIFY,
    # --- web pages
    ("GET", "/login"): None,
    ("GET", "/language/{language}"): None,  # a language preference, anyone, signed in or not
    ("GET", "/reports/report.css"): None,
    ("POST", "/login"): None,
    ("POST", "/logout"): None,
    ("GET", "/"): P.CASE_READ,
    ("GET", "/cases"): P.CASE_READ,
    ("GET", "/cases/new"): P.CASE_WRITE,
    ("POST", "/cases/new"): P.CASE_WRITE,
    ("GET", "/cases/{case_id}"): P.CASE_READ,
    ("GET", "/cases/audience"): P.CASE_WRITE,
    ("GET", "/cases/{case_id}/edit"): P.CASE_WRITE,
    ("POST", "/cases/{case_id}/edit"): P.CASE_WRITE,
    ("POST", "/cases/{case_id}/withdraw"): P.CASE_WRITE,
    ("GET", "/cases/{case_id}/export"): P.EXPORT,
    ("POST", "/cases/{case_id}/grants"): P.GRANT_MANAGE,
    ("POST", "/cases/{case_id}/grants/{grant_id}/revoke"): P.GRANT_MANAGE,
    ("POST", "/cases/{case_id}/review"): P.RETENTION_CONFIRM,
    ("GET", "/search"): P.SEARCH,
    ("GET", "/observable"): P.SEARCH,
    ("GET", "/organisations"): P.ORG_READ,
    ("GET", "/audit"): P.AUDIT_READ,
    ("GET", "/imports"): P.IMPORT_READ,
    ("POST", "/imports"): P.IMPORT,
    ("GET", "/imports/{job_id}"): P.IMPORT_READ,
    ("POST", "/imports/{job_id}/start"): P.IMPORT,
    ("POST", "/imports/{job_id}/discard"): P.IMPORT,
    ("GET", "/sources"): P.SOURCE_READ,
    ("POST", "/sources"): P.SOURCE_MANAGE,
    ("POST", "/sources/{name}/remove"): P.SOURCE_MANAGE,
    ("POST", "/sources/{name}/run"): P.SOURCE_RUN,
    ("GET", "/inbox"): P.CHANNEL_READ,
    ("POST", "/inbox/read"): P.CHANNEL_READ,
    ("GET", "/compose"): P.CHANNEL_SEND,
    ("POST", "/compose"): P.CHANNEL_SEND,
    ("GET", "/threads/{thread_id}"): P.CHANNEL_READ,
    ("POST", "/threads/{thread_id}/{action}"): P.CHANNEL_SEND,
    ("GET", "/duty"): P.DIRECTORY_READ,
    ("GET", "/settings/notifications"): P.SETTINGS_READ,
    ("POST", "/settings/notifications"): P.SETTINGS_MANAGE,
    ("POST", "/settings/webhooks"): P.WEBHOOK_MANAGE,
    ("POST", "/settings/partner-access"): P.DIRECTORY_MANAGE,
    ("POST", "/settings/webhooks/{webhook_id}/off"): P.WEBHOOK_MANAGE,
    ("GET", "/settings/security"): P.ACCOUNT,
    ("POST", "/settings/security/totp"): P.ACCOUNT,
    ("POST", "/settings/security/totp/off"): P.ACCOUNT,
    ("GET", "/hits"): P.HIT_READ,
    ("POST", "/hits/read"): P.HIT_READ,
    ("GET", "/hits/{ref}"): P.HIT_READ,
    ("POST", "/hits/{ref}/disclosure"): P.DISCLOSURE_REQUEST,
    ("GET", "/disclosures/{request_id}"): P.DISCLOSURE_READ,
    ("POST", "/disclosures/{request_id}/decision"): P.GRANT_MANAGE,
    ("GET", "/networks"): P.NETWORK_READ,
    ("POST", "/networks/recompute"): P.NETWORK_MANAGE,
    ("GET", "/networks/{ref}"): P.NETWORK_READ,
    ("GET", "/entities"): P.ENTITY_READ,
    ("GET", "/entities/{entity_id}"): P.ENTITY_READ,
    ("POST", "/entities/{entity_id}/edit"): P.ENTITY_EDIT,
    ("POST", "/entities/{entity_id}/merge"): P.ENTITY_EDIT,
    ("POST", "/entities/{entity_id}/link"): P.ENTITY_EDIT,
    ("POST", "/entities/{entity_id}/unlink"): P.ENTITY_EDIT,
    ("GET", "/bulletins"): None,
    ("GET", "/bulletins/feed.atom"): None,
    ("GET", "/bulletins/{bulletin_id}"): None,
    ("GET", "/hub/bulletins"): P.BULLETIN_READ,
    ("GET", "/hub/bulletins/new"): P.BULLETIN_WRITE,
    ("POST", "/hub/bulletins/new"): P.BULLETIN_WRITE,
    ("GET", "/hub/bulletins/{bulletin_id}"): P.BULLETIN_READ,
    ("POST", "/hub/bulletins/{bulletin_id}/edit"): P.BULLETIN_WRITE,
    ("POST", "/hub/bulletins/{bulletin_id}/approve"): P.BULLETIN_APPROVE,
    ("POST", "/hub/bulletins/{bulletin_id}/publish"): P.BULLETIN_APPROVE,
    ("POST", "/hub/bulletins/{bulletin_id}/withdraw"): P.BULLETIN_APPROVE,
    ("GET", "/incidents"): P.INCIDENT_READ,
    ("GET", "/incidents/new"): P.INCIDENT_REPORT,
    ("POST", "/incidents/new"): P.INCIDENT_REPORT,
    ("GET", "/incidents/{incident_id}"): P.INCIDENT_READ,
    ("GET", "/incidents/wallets"): P.INCIDENT_READ,
    ("POST", "/incidents/{incident_id}/payment-stops"): P.INCIDENT_REPORT,
    ("POST", "/incidents/{incident_id}/steps/{position}"): P.INCIDENT_REPORT,
    ("GET", "/operations"): P.OPERATION_READ,
    ("GET", "/operations/new"): P.OPERATION_WRITE,
    ("POST", "/operations/new"): P.OPERATION_WRITE,
    ("GET", "/operations/{operation_id}"): P.OPERATION_READ,
    ("GET", "/operations/{operation_id}/after-action"): P.OPERATION_READ,
    ("GET", "/operations/{operation_id}/after-action.pdf"): P.OPERATION_READ,
    ("POST", "/operations/{operation_id}/status"): P.OPERATION_WRITE,
    ("POST", "/operations/{operation_id}/tasks"): P.OPERATION_WRITE,
    ("POST", "/operations/{operation_id}/tasks/{task_id}"): P.OPERATION_WRITE,
    ("POST", "/operations/{operation_id}/action-days"): P.OPERATION_WRITE,
    ("POST", "/operations/{operation_id}/results"): P.OPERATION_WRITE,
    ("POST", "/operations/{operation_id}/takedowns"): P.OPERATION_WRITE,
    ("POST", "/operations/{operation_id}/takedowns/{takedown_id}"): P.OPERATION_WRITE,
    ("GET", "/incidents/{incident_id}/post-incident-report"): P.INCIDENT_READ,
    ("GET", "/incidents/{incident_id}/post-incident-report.pdf"): P.INCIDENT_READ,
    ("GET", "/communities"): P.COMMUNITY_READ,
    ("GET", "/communities/playbooks/{incident_type}"): P.COMMUNITY_READ,
    ("GET", "/communities/{community_id}"): P.COMMUNITY_READ,
    ("POST", "/communities/{community_id}/threads"): P.COMMUNITY_POST,
    ("GET", "/communities/threads/{thread_id}"): P.COMMUNITY_READ,
    ("POST", "/communities/threads/{thread_id}/posts"): P.COMMUNITY_POST,
    ("POST", "/communities/threads/{thread_id}/moderation"): P.COMMUNITY_MODERATE,
    ("POST", "/communities/{community_id}/members"): P.COMMUNITY_MODERATE,
    ("POST", "/communities/{community_id}/members/{org_id}/remove"): P.COMMUNITY_MODERATE,
    ("POST", "/communities/{community_id}/library"): P.COMMUNITY_POST,
    ("POST", "/communities/{community_id}/meetings"): P.COMMUNITY_MODERATE,
    ("POST", "/communities/meetings/{meeting_id}/minutes"): P.COMMUNITY_MODERATE,
    ("GET", "/ransomware"): P.RANSOMWARE_IDENTIFY,
    ("POST", "/ransomware"): P.RANSOMWARE_IDENTIFY,
    ("GET", "/reports"): P.REPORT_READ,
    ("GET", "/reports/new"): P.REPORT_WRITE,
    ("POST", "/reports"): P.REPORT_WRITE,
    ("GET", "/reports/{report_id}"): P.REPORT_READ,
    ("GET", "/reports/{report_id}/file/{format}"): P.REPORT_READ,
    ("POST", "/reports/{report_id}/approve"): P.REPORT_APPROVE,
    ("POST", "/reports/{report_id}/send"): P.REPORT_SEND,
    ("GET", f"{API}/reports"): P.REPORT_READ,
    ("POST", f"{API}/reports"): P.REPORT_WRITE,
    ("POST", f"{API}/reports/preview"): P.REPORT_WRITE,
    ("GET", f"{API}/reports/{{report_id}}"): P.REPORT_READ,
    ("GET", f"{API}/reports/{{report_id}}/file"): P.REPORT_READ,
    ("POST", f"{API}/reports/{{report_id}}/approve"): P.REPORT_APPROVE,
    ("POST", f"{API}/reports/{{report_id}}/send"): P.REPORT_SEND,
    ("GET", "/agreements"): P.AGREEMENT_READ,
    ("POST", "/agreements"): P.AGREEMENT_MANAGE,
    ("GET", "/agreements/{agreement_id}"): P.AGREEMENT_READ,
    ("POST", "/agreements/{agreement_id}/edit"): P.AGREEMENT_MANAGE,
    ("POST", "/agreements/{agreement_id}/end"): P.AGREEMENT_MANAGE,
    ("GET", "/taxii2/"): None,
    ("GET", f"{TAXII}/"): None,
    ("GET", f"{TAXII}/collections/"): P.TAXII_READ,
    ("GET", f"{TAXII}/collections/{{collection_id}}/"): P.TAXII_READ,
    ("GET", f"{TAXII}/collections/{{collection_id}}/objects/"): P.TAXII_READ,
    ("POST", f"{TAXII}/collections/{{collection_id}}/objects/"): P.IMPORT,
    ("GET", f"{TAXII}/collections/{{collection_id}}/objects/{{object_id}}/"): P.TAXII_READ,
    ("DELETE", f"{TAXII}/collections/{{collection_id}}/objects/{{object_id}}/"): P.IMPORT,
    ("GET", f"{TAXII}/collections/{{collection_id}}/objects/{{object_id}}/versions/"):
        P.TAXII_READ,
    ("GET", f"{TAXII}/collections/{{collection_id}}/manifest/"): P.TAXII_READ,
    ("GET", f"{TAXII}/status/{{status_id}}/"): P.IMPORT_READ,
}

#: Routes that are not endpoints of ours: the OpenAPI document and the static files.
OTHER_ROUTES = {f"{API}/openapi.json", "/static"}

#: CLI command -> the permission its `--as` user needs (None: operator commands, no `--as`).
COMMANDS: dict[str, Permission | None] = {
    "init": None, "serve": None, "demo": None, "sweep": None, "audit verify": None,
    "retention sweep": None, "org add": None, "org list": None, "user add": None,
    "user list": None, "rota load": None, "network recompute": None,
    "search": P.SEARCH, "lookup": P.SEARCH, "import": P.IMPORT, "export": P.EXPORT,
    "source add": P.SOURCE_MANAGE, "source list": P.SOURCE_READ, "source runs": P.SOURCE_READ,
    "source pull": P.SOURCE_RUN, "source push": P.SOURCE_RUN,
    "source remove": P.SOURCE_MANAGE,
    "send": P.CHANNEL_SEND, "ack": P.CHANNEL_SEND, "inbox": P.CHANNEL_READ,
    "thread": P.CHANNEL_READ,
    "duty": P.DIRECTORY_READ,
    "retention due": P.RETENTION_READ, "retention confirm": P.RETENTION_CONFIRM,
    "token create": P.TOKEN_MANAGE, "token list": P.TOKEN_MANAGE,
    "token revoke": P.TOKEN_MANAGE,
    "case add": P.CASE_WRITE, "case show": P.CASE_READ, "case revoke": P.CASE_WRITE,
    "case list": P.CASE_READ,
    "hits inbox": P.HIT_READ, "hits list": P.HIT_READ, "hits show": P.HIT_READ,
    "disclosure request": P.DISCLOSURE_REQUEST, "disclosure list": P.DISCLOSURE_READ,
    "disclosure show": P.DISCLOSURE_READ, "disclosure approve": P.GRANT_MANAGE,
    "disclosure decline": P.GRANT_MANAGE,
    "network list": P.NETWORK_READ, "network show": P.NETWORK_READ,
    "network export": P.EXPORT,
    "entity list": P.ENTITY_READ, "entity show": P.ENTITY_READ,
    "entity edit": P.ENTITY_EDIT, "entity merge": P.ENTITY_EDIT, "entity link": P.ENTITY_EDIT,
    "entity unlink": P.ENTITY_EDIT,
    "bulletin create": P.BULLETIN_WRITE, "bulletin list": P.BULLETIN_READ,
    "bulletin show": P.BULLETIN_READ, "bulletin approve": P.BULLETIN_APPROVE,
    "bulletin publish": P.BULLETIN_APPROVE, "bulletin withdraw": P.BULLETIN_APPROVE,
    "dashboard": P.CASE_READ,
    "ransomware identify": P.RANSOMWARE_IDENTIFY,
    "incident report": P.INCIDENT_REPORT, "incident list": P.INCIDENT_READ,
    "incident show": P.INCIDENT_READ, "incident step": P.INCIDENT_REPORT,
    "incident wallets": P.INCIDENT_READ, "incident payment-stop": P.INCIDENT_REPORT,
    "operation create": P.OPERATION_WRITE, "operation list": P.OPERATION_READ,
    "operation show": P.OPERATION_READ, "operation task": P.OPERATION_WRITE,
    "operation action-day": P.OPERATION_WRITE, "operation result": P.OPERATION_WRITE,
    "operation takedown": P.OPERATION_WRITE, "operation status": P.OPERATION_WRITE,
    "operation report": P.OPERATION_READ,
    "incident post-report": P.INCIDENT_READ,
    "community list": P.COMMUNITY_READ, "community show": P.COMMUNITY_READ,
    "community post": P.COMMUNITY_POST, "community meeting": P.COMMUNITY_MODERATE,
    "report build": P.REPORT_WRITE, "report list": P.REPORT_READ, "report show": P.REPORT_READ,
    "report approve": P.REPORT_APPROVE, "report send": P.REPORT_SEND,
    "agreement add": P.AGREEMENT_MANAGE, "agreement list": P.AGREEMENT_READ,
    "agreement show": P.AGREEMENT_READ, "agreement end": P.AGREEMENT_MANAGE,
}


def app_routes(ctx: Context) -> Iterator[tuple[str, str, Callable[..., Any] | None]]:
    """(method, path, endpoint) of every route of the app the factory builds."""
    for route in iter_route_contexts(create_app(ctx).routes):
        original = route.original_route
        if not isinstance(original, APIRoute):
            yield "", str(route.path), None
            continue
        for method in sorted(original.methods):
            yield method, str(route.path), original.endpoint


def cli_commands() -> Iterator[tuple[str, Callable[..., Any]]]:
    """(full name, callback) of every Typer command, groups walked."""
    def walk(command: Any, prefix: list[str]) -> Iterator[tuple[str, Callable[..., Any]]]:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, [*prefix, name])
        else:
            yield " ".join(prefix), command.callback
    yield from walk(typer.main.get_command(cli_app), [])


def test_every_route_is_in_the_table_with_the_permission_it_is_marked_with(
        sqlite_ctx: Context) -> None:
    found: dict[tuple[str, str], Permission | None] = {}
    others = set()
    for method, path, endpoint in app_routes(sqlite_ctx):
        if endpoint is None:
            others.add(path)
        else:
            found[(method, path)] = needed_by(endpoint)
    assert others == OTHER_ROUTES
    assert set(found) - set(ROUTES) == set(), "new routes: decide their permission"
    assert set(ROUTES) - set(found) == set(), "routes gone: drop them from the table"
    wrong = {key: (found[key], ROUTES[key]) for key in ROUTES if found[key] != ROUTES[key]}
    assert wrong == {}


def test_every_command_is_in_the_table_with_the_permission_it_is_marked_with() -> None:
    found = {name: needed_by(callback) for name, callback in cli_commands()}
    assert set(found) == set(COMMANDS)
    assert {name: (found[name], COMMANDS[name]) for name in COMMANDS
            if found[name] != COMMANDS[name]} == {}


def test_commands_acting_for_a_user_are_exactly_the_marked_ones() -> None:
    import inspect
    for name, callback in cli_commands():
        acts = "acting_as(" in inspect.getsource(callback)
        assert acts == (COMMANDS[name] is not None), name


def checks_in(folder: str) -> set[str]:
    """Names of the permissions `require()` or `allowed()` is called with under `folder`."""
    text = "\n".join(f.read_text() for f in (PACKAGE / folder).rglob("*.py"))
    return set(re.findall(r"(?:require|allowed)\(principal, Permission\.(\w+)\)", text))


def test_every_permission_is_checked_and_every_mark_is_enforced_by_a_service() -> None:
    assert set(RULES) == set(Permission)
    services = checks_in("services")
    assert {p.name for p in Permission} - services - checks_in("web") == set(), "dead entries"
    marked = {p.name for p in [*ROUTES.values(), *COMMANDS.values()] if p is not None}
    assert marked - services == set(), "marks no service enforces"


def test_no_inline_scope_or_role_checks_outside_the_table() -> None:
    pattern = re.compile(r'in principal\.scopes|\.has\(Role\.|is_hub_admin|is_org_admin|'
                         r'require_(?:read|send|admin|hub_admin)\(')
    offenders = [str(f.relative_to(PACKAGE)) for f in PACKAGE.rglob("*.py")
                 if f.name != "permissions.py" and pattern.search(f.read_text())]
    assert offenders == []


HUB = Organisation("hub", "Hub", OrgKind.HUB)
UNIT = Organisation("fr-cyber", "FR", OrgKind.UNIT, "FR")


def person(org: Organisation, *roles: Role) -> User:
    return User(1, "someone", org.id, frozenset(roles))


def test_the_table_follows_the_design_roles() -> None:
    reader = Principal(UNIT, person(UNIT, Role.READER))
    auditor = Principal(UNIT, person(UNIT, Role.AUDITOR))
    analyst = Principal(UNIT, person(UNIT, Role.ANALYST))
    duty = Principal(UNIT, person(UNIT, Role.DUTY_OFFICER))
    assert allowed(reader, P.CASE_READ) and not allowed(reader, P.CASE_WRITE)
    assert allowed(auditor, P.AUDIT_READ) and not allowed(analyst, P.AUDIT_READ)
    assert allowed(duty, P.CHANNEL_SEND) and not allowed(duty, P.GRANT_MANAGE)
    assert allowed(analyst, P.GRANT_MANAGE) and not allowed(reader, P.CHANNEL_SEND)
    with pytest.raises(PermissionDenied, match="data:case:write"):
        require(reader, P.CASE_WRITE)


def test_only_an_admin_with_a_write_scope_keeps_the_organisations_settings() -> None:
    admin = person(UNIT, Role.ADMIN)
    assert allowed(Principal(UNIT, admin), P.SETTINGS_MANAGE)
    for who in (Principal(UNIT, person(UNIT, Role.ANALYST)),
                Principal(UNIT, admin, frozenset({"read"})), Principal(UNIT, None)):
        for permission in (P.SETTINGS_MANAGE, P.WEBHOOK_MANAGE, P.DIRECTORY_MANAGE):
            assert not allowed(who, permission)
            with pytest.raises(PermissionDenied):
                require(who, permission)


def test_network_management_is_for_hub_admins_whose_token_has_the_admin_scope() -> None:
    hub_admin = person(HUB, Role.ADMIN)
    assert allowed(Principal(HUB, hub_admin, frozenset({"read", "write", "admin"})),
                   P.NETWORK_MANAGE)
    # The old is_hub_admin skipped the token scope: a read/write token of a hub admin
    # passed it (only the service's own check refused). The table refuses it everywhere.
    assert not allowed(Principal(HUB, hub_admin, frozenset({"read", "write"})),
                       P.NETWORK_MANAGE)
    assert not allowed(Principal(UNIT, person(UNIT, Role.ADMIN)), P.NETWORK_MANAGE)
    assert not allowed(Principal(HUB, person(HUB, Role.ANALYST)), P.NETWORK_MANAGE)
    assert allowed(Principal(HUB, person(HUB, Role.READER)), P.NETWORK_RUNS_READ)
    assert not allowed(Principal(UNIT, person(UNIT, Role.ADMIN)), P.NETWORK_RUNS_READ)


def test_asking_for_disclosure_is_a_write_readers_and_read_tokens_cannot_make() -> None:
    analyst = person(UNIT, Role.ANALYST)
    assert allowed(Principal(UNIT, analyst), P.DISCLOSURE_REQUEST)
    assert allowed(Principal(UNIT, person(UNIT, Role.DUTY_OFFICER)), P.DISCLOSURE_REQUEST)
    # It opens a thread with the owner and notifies its officers: not a read.
    assert not allowed(Principal(UNIT, analyst, frozenset({"read"})), P.DISCLOSURE_REQUEST)
    assert not allowed(Principal(UNIT, person(UNIT, Role.READER)), P.DISCLOSURE_REQUEST)
    assert not allowed(Principal(UNIT, person(UNIT, Role.AUDITOR)), P.DISCLOSURE_REQUEST)
    assert allowed(Principal(UNIT, person(UNIT, Role.READER)), P.DISCLOSURE_READ)
