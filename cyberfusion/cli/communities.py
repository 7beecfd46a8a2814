"""Communities from the command line: `cyberfusion community list|show|post|meeting`."""

from __future__ import annotations

from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, json_or_line, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.communities import (
    community_detail_json,
    meeting_json,
    my_community_json,
    post_json,
    thread_detail_json,
)
from cyberfusion.services import communities, community_library

community_app = typer.Typer(help="Communities (the expert group, the ransomware forum): "
                                 "list yours, show one, post in a thread, plan a meeting.",
                            no_args_is_help=True)

CommunityId = Annotated[int, typer.Argument(metavar="ID", help="Community id.",
                                            show_default=False)]
TlpOpt = Annotated[TLP, typer.Option("--tlp", help="TLP of a new thread or meeting.")]
PartnersOpt = Annotated[list[str] | None, typer.Option(
    "--partner", metavar="ORG", show_default=False,
    help="Also release to this partner member (repeat for more).")]


@community_app.command("list")
@needs(Permission.COMMUNITY_READ)
def list_communities(cli: typer.Context, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """The communities your organisation belongs to, with what you may read there."""
    ctx = context_of(cli)
    mine = communities.my_communities(ctx, acting_as(ctx, as_user))
    if as_json:
        print_json({"items": [my_community_json(m) for m in mine]})
        return
    table("Communities", ["id", "name", "role", "threads", "library", "meetings"],
          [(m.community.id, m.community.name, m.role.value, m.counts["threads"],
            m.counts["library"], m.counts["meetings"]) for m in mine], keep=("id",))


@community_app.command("show")
@needs(Permission.COMMUNITY_READ)
def show(cli: typer.Context, community_id: CommunityId, as_user: AsUser,
         thread: Annotated[int | None, typer.Option(
             "--thread", metavar="THREAD", show_default=False,
             help="Show this thread with its signed posts instead.")] = None,
         as_json: JsonOpt = False) -> None:
    """A community: threads, library, meetings, members (or one thread with --thread)."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    if thread is not None:
        view = communities.get_thread(ctx, principal, thread)
        if as_json:
            print_json(thread_detail_json(view))
            return
        table(f"{view.thread.title} ({view.thread.handling.tlp.label})",
              ["post", "from", "at", "signature", "text"],
              [(p.id, f"{p.author} ({p.org_id})", p.created_at,
                "verified" if view.verdicts[p.id].ok else view.verdicts[p.id].reason, p.body)
               for p in view.posts], keep=("post",))
        return
    v = communities.get_community(ctx, principal, community_id)
    if as_json:
        print_json(community_detail_json(v))
        return
    line(f"{v.community.name} ({v.tlp.label}); you are a {v.role.value}")
    table("Threads", ["id", "title", "by", "posts", "TLP"],
          [(t.id, t.title, t.owner_org_id, t.posts, t.handling.tlp.value) for t in v.threads])
    table("Library", ["id", "kind", "title", "ref", "TLP"],
          [(i.id, i.kind.value, i.title, i.ref or i.filename, i.handling.tlp.value)
           for i in v.library])
    table("Meetings", ["id", "starts (UTC)", "title", "minutes"],
          [(m.id, m.starts_at, m.title, "yes" if m.minutes else "no") for m in v.meetings])
    table("Members", ["organisation", "kind", "role"],
          [(m.org_id, m.org_kind, m.role.value) for m in v.members])


@community_app.command("post")
@needs(Permission.COMMUNITY_POST)
def post(cli: typer.Context, community_id: CommunityId, as_user: AsUser,
         body: Annotated[str, typer.Option("--body", help="The text of the post.",
                                           show_default=False)],
         thread: Annotated[int | None, typer.Option(
             "--thread", metavar="THREAD", show_default=False,
             help="Reply in this thread (else --title starts a new one).")] = None,
         title: Annotated[str, typer.Option(help="Title of a new thread.",
                                            show_default=False)] = "",
         tlp: TlpOpt = TLP.AMBER, partners: PartnersOpt = None,
         as_json: JsonOpt = False) -> None:
    """Post a signed message: a reply in --thread, or a new thread with --title."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    if thread is None:
        handling = communities.default_handling(ctx, tlp, frozenset(partners or ()))
        view = communities.start_thread(ctx, principal, community_id, title, body, handling)
        json_or_line(as_json, thread_detail_json(view),
                     f"thread {view.thread.id} started: {view.thread.title}")
        return
    made = communities.post(ctx, principal, thread, body)
    view = communities.get_thread(ctx, principal, thread)
    if view.community.id != community_id:
        line(f"note: thread {thread} belongs to community {view.community.id}")
    json_or_line(as_json, post_json(made, view), f"post {made.id} signed and added to "
                                                 f"thread {thread}")


@community_app.command("meeting")
@needs(Permission.COMMUNITY_MODERATE)
def meeting(cli: typer.Context, community_id: CommunityId, as_user: AsUser,
            title: Annotated[str, typer.Option(help="The meeting's title.",
                                               show_default=False)],
            starts: Annotated[str, typer.Option(
                metavar="TIME", help="Start, ISO 8601 with a time zone (2026-06-10T14:00Z).",
                show_default=False)],
            agenda: Annotated[str, typer.Option(help="The agenda.")] = "",
            tlp: TlpOpt = TLP.AMBER, partners: PartnersOpt = None,
            as_json: JsonOpt = False) -> None:
    """Plan a meeting with its agenda (moderators)."""
    ctx = context_of(cli)
    made = community_library.add_meeting(
        ctx, acting_as(ctx, as_user), community_id, title, communities.meeting_time(starts),
        agenda, communities.default_handling(ctx, tlp, frozenset(partners or ())))
    json_or_line(as_json, meeting_json(made),
                 f"meeting {made.id} planned for {made.starts_at:%Y-%m-%d %H:%M} UTC: "
                 f"{made.title}")
