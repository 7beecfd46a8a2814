"""Knowledge from the command line: `cyberfusion entity …` (list, show, edit, merge, link)."""

from __future__ import annotations

from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, json_or_line, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.knowledge import EntityDetail, EntityFilter, EntityKind, RelationshipType
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.entities import (
    entity_detail_json,
    entity_json,
    entity_page_json,
    relationship_json,
)
from cyberfusion.services import knowledge

entity_app = typer.Typer(help="Threat actors, malware and ransomware families, techniques "
                              "and campaigns: list, show, edit, merge, link to cases.",
                         no_args_is_help=True)

EntityId = Annotated[int, typer.Argument(metavar="ID", help="Entity id.", show_default=False)]


@entity_app.command("list")
@needs(Permission.ENTITY_READ)
def list_entities(
    cli: typer.Context, as_user: AsUser,
    q: Annotated[str, typer.Option("--q", help="Name or alias contains this.",
                                   show_default=False)] = "",
    kind: Annotated[EntityKind | None, typer.Option(help="Only this kind.",
                                                    show_default=False)] = None,
    country: Annotated[str, typer.Option(help="Targets this country (ISO code).",
                                         show_default=False)] = "",
    sector: Annotated[str, typer.Option(help="Targets this sector.", show_default=False)] = "",
    offset: Annotated[int, typer.Option(min=0, help="Skip this many.")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Entities you may read, by name or alias, kind, country or sector."""
    ctx = context_of(cli)
    flt = EntityFilter(q.strip(), kind, country.strip().upper(), sector.strip())
    page = knowledge.list_entities(ctx, acting_as(ctx, as_user), flt, offset, limit)
    if as_json:
        print_json(entity_page_json(page))
        return
    table("Entities", ["id", "kind", "name", "aliases", "external id", "TLP"],
          [(e.id, e.kind.value, e.name, e.aliases, e.external_id, e.tlp.value)
           for e in page.items], keep=("id", "kind"))
    line(f"{page.total} entities")


@entity_app.command("show")
@needs(Permission.ENTITY_READ)
def show_entity(
    cli: typer.Context, entity_id: EntityId, as_user: AsUser,
    case_offset: Annotated[int, typer.Option(min=0, help="Skip this many linked cases.")] = 0,
    case_limit: Annotated[int, typer.Option(min=1, max=500,
                                            help="How many linked cases.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """One entity: aliases, references, relationships and the linked cases you may read."""
    ctx = context_of(cli)
    d = knowledge.entity_detail(ctx, acting_as(ctx, as_user), entity_id, case_offset,
                                case_limit)
    if as_json:
        print_json(entity_detail_json(d, case_offset, case_limit))
        return
    _print_detail(d)


def _print_detail(d: EntityDetail) -> None:
    """An entity as a field table, then its relationships and linked cases."""
    e = d.entity
    table(f"Entity {e.id}", ["field", "value"], [
        ("name", e.name), ("kind", e.kind.value), ("aliases", e.aliases),
        ("external id", e.external_id), ("TLP", e.tlp.label),
        ("references", [f"{r.source_name} {r.external_id} {r.url}".strip()
                        for r in d.external_refs]),
        ("countries", d.countries), ("sectors", d.sectors),
        ("seen", f"{d.first_seen or '?'} to {d.last_seen or '?'}"),
        ("withheld", d.withheld), ("description", e.description)])
    table("Relationships", ["type", "direction", "other", "kind"],
          [(r.type, "out" if r.outgoing else "in", r.other_name, r.other_kind)
           for r in d.relationships])
    table(f"Linked cases ({d.cases_total})", ["case", "owner", "title", "crime type"],
          [(c.case_id, c.owner_org_id, c.title, c.crime_type) for c in d.cases],
          keep=("case", "owner"))


@entity_app.command("edit")
@needs(Permission.ENTITY_EDIT)
def edit_entity(
    cli: typer.Context, entity_id: EntityId, as_user: AsUser,
    alias: Annotated[list[str] | None, typer.Option(
        "--alias", help="The aliases, all of them (repeat; replaces the list).",
        show_default=False)] = None,
    description: Annotated[str | None, typer.Option(help="The new description.",
                                                    show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct an entity's aliases or description (analysts of its owner)."""
    ctx = context_of(cli)
    e = knowledge.edit_entity(ctx, acting_as(ctx, as_user), entity_id, alias, description)
    json_or_line(as_json, entity_json(e),
                 f"entity {e.id} {e.name}: aliases {', '.join(e.aliases) or '-'}")


@entity_app.command("merge")
@needs(Permission.ENTITY_EDIT)
def merge_entities(
    cli: typer.Context, entity_id: EntityId,
    other_id: Annotated[int, typer.Argument(metavar="OTHER", help="Entity folded into ID.",
                                            show_default=False)],
    as_user: AsUser, as_json: JsonOpt = False,
) -> None:
    """Merge OTHER into ID: one entity, both names kept as aliases."""
    ctx = context_of(cli)
    e = knowledge.merge_entities(ctx, acting_as(ctx, as_user), entity_id, other_id)
    json_or_line(as_json, entity_json(e),
                 f"entity {other_id} merged into {e.id} {e.name}: aliases {', '.join(e.aliases)}")


#: The case a link joins to the entity.
CaseOfLink = Annotated[int, typer.Argument(metavar="CASE", help="Case id.", show_default=False)]


@entity_app.command("link")
@needs(Permission.ENTITY_EDIT)
def link_case(
    cli: typer.Context, entity_id: EntityId,
    case_id: CaseOfLink,
    as_user: AsUser,
    type: Annotated[RelationshipType, typer.Option(
        "--type", help="How the case relates to the entity.")] = RelationshipType.RELATED_TO,
    as_json: JsonOpt = False,
) -> None:
    """Link a case to an entity."""
    ctx = context_of(cli)
    r = knowledge.link_case(ctx, acting_as(ctx, as_user), entity_id, case_id, type.value)
    json_or_line(as_json, relationship_json(r),
                 f"case {case_id} linked to entity {entity_id} ({r.type}, relationship {r.id})")


@entity_app.command("unlink")
@needs(Permission.ENTITY_EDIT)
def unlink_case(
    cli: typer.Context, entity_id: EntityId,
    case_id: CaseOfLink,
    as_user: AsUser,
) -> None:
    """Withdraw your organisation's links between a case it owns and an entity."""
    ctx = context_of(cli)
    removed = knowledge.unlink_case(ctx, acting_as(ctx, as_user), entity_id, case_id)
    line(f"case {case_id} unlinked from entity {entity_id} ({removed} link(s) withdrawn)")
