"""Operator commands: organisations, users and API tokens."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from cyberfusion.cli.output import line, table, warn
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.model import Organisation, OrgKind, Region, Role
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.services import auth, orgs

AsUser = Annotated[str, typer.Option("--as", metavar="USERNAME",
                                     help="Act as this user; their organisation's access "
                                          "applies.", show_default=False)]


class Scope(StrEnum):
    """API token scopes (the service checks them against `auth.SCOPES`)."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


org_app = typer.Typer(help="Add and list the member organisations.", no_args_is_help=True)
user_app = typer.Typer(help="Add and list users of an organisation.", no_args_is_help=True)
token_app = typer.Typer(help="Create, list and revoke API tokens of a user.",
                        no_args_is_help=True)


@org_app.command("add")
def org_add(
    cli: typer.Context,
    org_id: Annotated[str, typer.Argument(metavar="ID", help="Short id, e.g. fr.ncb.",
                                          show_default=False)],
    name: Annotated[str, typer.Argument(metavar="NAME", help="Display name.",
                                        show_default=False)],
    kind: Annotated[OrgKind, typer.Option(help="What the organisation is.",
                                          show_default=False)],
    country: Annotated[str | None, typer.Option(metavar="CC",
                                                help="ISO 3166 alpha-2 code, e.g. FR.",
                                                show_default=False)] = None,
    region: Annotated[Region | None, typer.Option(help="Region for region: release.",
                                                  show_default=False)] = None,
    parent: Annotated[str | None, typer.Option(metavar="ID", help="Parent organisation "
                                               "(a unit's NCB).", show_default=False)] = None,
    timezone: Annotated[str, typer.Option(metavar="TZ",
                                          help="IANA time zone of its 24/7 desk.")] = "UTC",
) -> None:
    """Add an organisation to the network."""
    org = Organisation(id=org_id, name=name, kind=kind,
                       country=country.upper() if country else None, region=region,
                       parent_id=parent, timezone=timezone)
    orgs.create_org(context_of(cli), None, org)
    line(f"organisation {org.id} added ({org.kind.value})")


@org_app.command("list")
def org_list(cli: typer.Context) -> None:
    """List every organisation."""
    rows = [(o.id, o.name, o.kind.value, o.country, o.region, o.parent_id, o.timezone)
            for o in orgs.list_orgs(context_of(cli))]
    table("Organisations", ["id", "name", "kind", "country", "region", "parent", "timezone"],
          rows)


@user_app.command("add")
def user_add(
    cli: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Login name.",
                                            show_default=False)],
    org: Annotated[str, typer.Option("--org", metavar="ID", help="Organisation of the user.",
                                     show_default=False)],
    role: Annotated[list[Role], typer.Option("--role", help="Role to grant (repeat for "
                                             "several).", show_default=False)],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the "
                                                 "password from the first line of stdin "
                                                 "instead of prompting.")] = False,
    display_name: Annotated[str, typer.Option(help="Full name shown in the UI.")] = "",
) -> None:
    """Add a user; the password is prompted for (twice) unless --password-stdin."""
    password = _read_password(password_stdin)
    user = orgs.create_user(context_of(cli), None, username, org, frozenset(role), password,
                            display_name)
    line(f"user {user.username} added to {user.org_id} "
         f"({', '.join(sorted(r.value for r in user.roles))})")


def _read_password(from_stdin: bool) -> str:
    """The new password, from stdin or an interactive prompt with confirmation."""
    if not from_stdin:
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    text = typer.get_text_stream("stdin").readline().rstrip("\r\n")
    if not text:
        raise InvalidInput("no password on stdin", [Issue("--password-stdin", "empty input")])
    return text


@user_app.command("list")
def user_list(
    cli: typer.Context,
    org: Annotated[str, typer.Option("--org", metavar="ID", help="Organisation to list.",
                                     show_default=False)],
) -> None:
    """List the users of one organisation."""
    ctx = context_of(cli)
    orgs.get_org(ctx, org)
    rows = [(u.id, u.username, u.display_name, [r.value for r in u.roles], u.active,
             u.totp_enabled) for u in orgs.list_users(ctx, None, org)]
    table(f"Users of {org}", ["id", "username", "name", "roles", "active", "2FA"], rows)


@token_app.command("create")
@needs(Permission.TOKEN_MANAGE)
def token_create(
    cli: typer.Context,
    as_user: AsUser,
    name: Annotated[str, typer.Option(help="What the token is for.", show_default=False)],
    scope: Annotated[list[Scope] | None, typer.Option(help="Scope to grant (repeat for "
                                                      "several; default read).",
                                                      show_default=False)] = None,
    days: Annotated[int, typer.Option(help="Days until it expires (1-366).")] = 90,
) -> None:
    """Create an API token; its secret is printed once and never again."""
    ctx = context_of(cli)
    scopes = frozenset(s.value for s in scope) if scope else frozenset({"read"})
    issued = auth.issue_token(ctx, acting_as(ctx, as_user), name, scopes, days)
    token = issued.token
    line(issued.secret)
    warn(f"token {token.id} ({', '.join(sorted(token.scopes))}) expires "
         f"{token.expires_at:%Y-%m-%d}; store the secret above now, it is not shown again")


@token_app.command("list")
@needs(Permission.TOKEN_MANAGE)
def token_list(cli: typer.Context, as_user: AsUser) -> None:
    """List a user's API tokens (never their secrets)."""
    ctx = context_of(cli)
    now = ctx.now()
    rows = []
    for t in auth.list_tokens(ctx, acting_as(ctx, as_user)):
        status = "revoked" if t.revoked_at else "expired" if t.expires_at <= now else "active"
        rows.append((t.id, t.name, f"{t.prefix}…", t.scopes, t.created_at, t.expires_at,
                     t.last_used_at, status))
    table(f"Tokens of {as_user}", ["id", "name", "prefix", "scopes", "created", "expires",
                                   "last used", "status"], rows)


@token_app.command("revoke")
@needs(Permission.TOKEN_MANAGE)
def token_revoke(
    cli: typer.Context,
    token_id: Annotated[int, typer.Argument(metavar="ID", help="Token id (see token list).",
                                            show_default=False)],
    as_user: AsUser,
) -> None:
    """Revoke one of a user's API tokens."""
    ctx = context_of(cli)
    auth.revoke_token(ctx, acting_as(ctx, as_user), token_id)
    line(f"token {token_id} revoked")
