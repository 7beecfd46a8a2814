"""Analyst commands run on a user's behalf: submit, read and list cases; search values."""

from __future__ import annotations

import json
from typing import Annotated, Any, BinaryIO

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, json_or_line, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.handling import TLP, Purpose
from cyberfusion.domain.model import Case, CaseFilter, CrimeType
from cyberfusion.domain.observables import ObservableType
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue, MalformedDocument
from cyberfusion.formats.case_json import parse_case
from cyberfusion.presenters.cases import case_json, case_page_json
from cyberfusion.presenters.search import search_answer_json
from cyberfusion.services import cases, search

case_app = typer.Typer(help="Submit, show and list cases.", no_args_is_help=True)


@case_app.command("add")
@needs(Permission.CASE_WRITE)
def case_add(
    cli: typer.Context,
    file: Annotated[typer.FileBinaryRead, typer.Argument(
        metavar="FILE", help="Case JSON document; - reads stdin.", show_default=False)],
    as_user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Submit a case from a case JSON file; every problem is reported with its location."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    name = str(getattr(file, "name", "-"))
    name = "<stdin>" if name in ("-", "<stdin>") else name
    try:
        draft = parse_case(read_json_file(file), ctx.now().date(), ctx.settings.review_years)
        case = cases.create_case(ctx, principal, draft)
    except InvalidInput as exc:
        raise type(exc)(exc.detail, [Issue(f"{name}: {i.location}", i.message)
                                     for i in exc.issues]) from None
    json_or_line(as_json, case_json(case),
                 f"case {case.id} added: {case.title} ({case.handling.tlp.label}, "
                 f"{len(case.occurrences)} observables)")


def read_json_file(file: BinaryIO) -> Any:
    """Parse the file as UTF-8 JSON, or MalformedDocument naming line and column."""
    raw = file.read()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise MalformedDocument("the file is not UTF-8",
                                [Issue(f"byte {exc.start}", "invalid UTF-8")]) from None
    except json.JSONDecodeError as exc:
        raise MalformedDocument(f"the file is not valid JSON: {exc.msg}",
                                [Issue(f"line {exc.lineno} column {exc.colno}",
                                       exc.msg)]) from None


@case_app.command("show")
@needs(Permission.CASE_READ)
def case_show(
    cli: typer.Context,
    case_id: Annotated[int, typer.Argument(metavar="ID", help="Case id.", show_default=False)],
    as_user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Show one case the user may read in full, with its observables."""
    ctx = context_of(cli)
    case = cases.get_case(ctx, acting_as(ctx, as_user), case_id)
    if as_json:
        print_json(case_json(case))
        return
    _print_case(case)


def _print_case(case: Case) -> None:
    """A case as a field table and an observable table."""
    h = case.handling
    fields = [
        ("title", case.title), ("owner", case.owner_org_id),
        ("crime type", case.crime_type.value), ("countries", case.countries),
        ("seen", f"{case.first_seen or '?'} to {case.last_seen or '?'}"),
        ("victims", f"{case.victim_count} ({', '.join(case.victim_sectors) or 'no sectors'})"),
        ("handling", f"{h.tlp.label}, release {', '.join(sorted(h.release))}, "
                     f"hits {h.hit_policy.value}, purpose {h.purpose.value}"),
        ("exclude", h.exclude), ("grading", h.grading), ("review by", h.review_by),
        ("personal data", h.personal_data), ("version", case.version),
        ("updated", case.updated_at), ("withdrawn", _withdrawn(case)),
        ("summary", case.summary),
    ]
    table(f"Case {case.id}", ["field", "value"], fields)
    table("Observables", ["type", "value", "role", "comment"],
          [(o.type, o.value, o.role, o.comment) for o in case.occurrences])


def _withdrawn(case: Case) -> str:
    """`no`, or when the owner withdrew the case (kept for the record)."""
    if not case.revoked:
        return "no"
    when = f" on {case.revoked_at:%Y-%m-%d %H:%M} UTC" if case.revoked_at else ""
    return f"yes{when}: kept for the record, out of lists, searches, networks and exports"


@case_app.command("revoke")
@needs(Permission.CASE_WRITE)
def case_revoke(
    cli: typer.Context,
    case_id: Annotated[int, typer.Argument(metavar="ID", help="Case id.", show_default=False)],
    as_user: AsUser,
    reason: Annotated[str, typer.Option(help="Why it is withdrawn (kept in the audit trail).",
                                        show_default=False)] = "",
) -> None:
    """Withdraw an own case: kept for the record, it feeds no lists, hits or networks."""
    ctx = context_of(cli)
    cases.revoke_case(ctx, acting_as(ctx, as_user), case_id, reason)
    line(f"case {case_id} withdrawn")


@case_app.command("list")
@needs(Permission.CASE_READ)
def case_list(
    cli: typer.Context,
    as_user: AsUser,
    q: Annotated[str, typer.Option("--q", metavar="TEXT", help="Words in title or summary.",
                                   show_default=False)] = "",
    crime_type: Annotated[CrimeType | None, typer.Option(show_default=False,
                                                         help="Only this crime type.")] = None,
    country: Annotated[str, typer.Option(metavar="CC", help="Only cases concerning this "
                                         "country.", show_default=False)] = "",
    owner: Annotated[str, typer.Option(metavar="ID", help="Only cases of this organisation.",
                                       show_default=False)] = "",
    tlp: Annotated[TLP | None, typer.Option(help="Only this TLP.", show_default=False)] = None,
    include_revoked: Annotated[bool, typer.Option(
        "--include-revoked", help="List withdrawn cases too.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=cases.MAX_PAGE, help="Page size.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Cases to skip.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """List the cases the user may read in full, newest first."""
    ctx = context_of(cli)
    filters = CaseFilter(text=q.strip(), crime_type=crime_type.value if crime_type else "",
                         country=country.upper(), owner_org_id=owner,
                         tlp=tlp.value if tlp else "", include_revoked=include_revoked)
    page = cases.list_cases(ctx, acting_as(ctx, as_user), filters, offset, limit)
    if as_json:
        print_json(case_page_json(page))
        return
    table("Cases", ["id", "owner", "title", "crime type", "TLP", "countries", "updated"],
          [(c.id, c.owner_org_id, f"{c.title} (withdrawn)" if c.revoked else c.title,
            c.crime_type.value, c.handling.tlp.label,
            c.countries, c.updated_at.date() if c.updated_at else None) for c in page.items],
          keep=("id", "owner", "crime type", "TLP", "updated"))
    shown = f"{page.offset + 1}-{page.offset + len(page.items)}" if page.items else "none"
    line(f"showing {shown} of {page.total}")


@needs(Permission.SEARCH)
def search_command(
    cli: typer.Context,
    value: Annotated[str, typer.Argument(metavar="VALUE", show_default=False,
                                         help="The value to look for (defanged is fine).")],
    as_user: AsUser,
    obs_type: Annotated[ObservableType | None, typer.Option(
        "--type", metavar="TYPE", show_default=False,
        help="Observable type, e.g. ipv4, domain, url, email, sha256, btc_wallet, iban, "
             "phone; guessed when omitted.")] = None,
    purpose: Annotated[Purpose, typer.Option(help="Why you are searching (recorded).")] =
    Purpose.INVESTIGATION,
    as_json: JsonOpt = False,
) -> None:
    """Who holds this value: readable cases in full, others as 'held by <owner>'."""
    ctx = context_of(cli)
    answer = search.search_value(ctx, acting_as(ctx, as_user), value,
                                 obs_type.value if obs_type else None, purpose.value)
    if as_json:
        print_json(search_answer_json(answer))
        return
    _print_answer(answer)


def _print_answer(answer: search.SearchAnswer) -> None:
    """FULL matches as a table, HIT answers as one line per owner."""
    obs = answer.observable
    if answer.full:
        table(f"Cases holding {obs.type.value} {obs.value}",
              ["case", "owner", "title", "role", "crime type", "TLP"],
              [(m.case_id, m.owner_org_id, m.title, m.role, m.crime_type, m.tlp.label)
               for m in answer.full], keep=("case", "owner", "crime type", "TLP"))
    for hit in answer.hits:
        line(f"a match is held by {hit.owner_org_id}; request disclosure "
             f"(reference {hit.reference})")
    if not answer.full and not answer.hits:
        line(f"no match for {obs.type.value} {obs.value}")
