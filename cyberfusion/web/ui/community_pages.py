"""Pages for communities: my communities, a community (threads, library, meetings,
members), a thread with its signed posts, and the forms members and moderators use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from cyberfusion.domain.communities import MAX_DOCUMENT_BYTES, LibraryKind, can_moderate
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.model import CrimeType, OrgKind, Principal
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.playbooks import known_types, playbook
from cyberfusion.services import communities, community_library, orgs
from cyberfusion.services.context import Context
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import Id
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal, check_csrf
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def _handling(ctx: Context, tlp: str, partners: list[str]) -> Handling:
    """A form's TLP and partner choices as a community item's handling."""
    chosen = TLP(tlp) if tlp in {t.value for t in TLP} else TLP.AMBER
    return communities.default_handling(ctx, chosen, frozenset(p for p in partners if p))


def _back(community_id: int, anchor: str = "") -> Response:
    return RedirectResponse(f"/communities/{community_id}{anchor}", status_code=303)


@router.get("/communities")
@needs(Permission.COMMUNITY_READ)
def communities_page(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """The communities your organisation belongs to."""
    mine = communities.my_communities(ctx, principal)
    return page(request, "communities/list.html", TLP.CLEAR, principal, mine=mine)


@router.get("/communities/playbooks/{incident_type}")
@needs(Permission.COMMUNITY_READ)
def playbook_page(request: Request, principal: UiPrincipal, incident_type: str) -> Response:
    """A playbook from a library (reference data, TLP:CLEAR)."""
    if incident_type not in known_types():
        raise InvalidInput("unknown playbook", [Issue("incident_type", incident_type)])
    return page(request, "communities/playbook.html", TLP.CLEAR, principal,
                book=playbook(CrimeType(incident_type)))


def _community_page(request: Request, ctx: Context, principal: Principal, community_id: int,
                    issues: list[Issue] | None = None, status: int = 200) -> Response:
    view = communities.get_community(ctx, principal, community_id)
    moderator = can_moderate(view.role)
    partners = [m for m in view.members if m.org_kind == OrgKind.PARTNER.value]
    others = [o for o in orgs.list_orgs(ctx) if o.id not in {m.org_id for m in view.members}
              ] if moderator else []
    return page(request, "communities/community.html", view.tlp, principal, status=status,
                v=view,
                moderator=moderator and allowed(principal, Permission.COMMUNITY_MODERATE),
                can_post=allowed(principal, Permission.COMMUNITY_POST), partners=partners,
                others=others, tlps=list(TLP), kinds=list(LibraryKind),
                playbooks=known_types(), issues=issues or [])


@router.get("/communities/{community_id}")
@needs(Permission.COMMUNITY_READ)
def community_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                   community_id: Id) -> Response:
    """A community: threads, library, meetings and members (members only)."""
    return _community_page(request, ctx, principal, community_id)


@router.post("/communities/{community_id}/threads")
@needs(Permission.COMMUNITY_POST)
def start_thread(request: Request, ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
                 community_id: Id, title: Text = "", body: Text = "", tlp: Text = "amber",
                 partners: Annotated[list[str] | None, Form()] = None) -> Response:
    """Open a thread, then go to it (or show the community with the problems)."""
    try:
        view = communities.start_thread(ctx, principal, community_id, title, body,
                                        _handling(ctx, tlp, partners or []))
    except InvalidInput as exc:
        return _community_page(request, ctx, principal, community_id, exc.issues, 422)
    return RedirectResponse(f"/communities/threads/{view.thread.id}", status_code=303)


@router.get("/communities/threads/{thread_id}")
@needs(Permission.COMMUNITY_READ)
def thread_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                thread_id: Id) -> Response:
    """A thread with its signed posts and the reply form."""
    view = communities.get_thread(ctx, principal, thread_id)
    moderator = can_moderate(view.role) and allowed(principal, Permission.COMMUNITY_MODERATE)
    return page(request, "communities/thread.html", view.thread.handling.tlp, principal,
                view=view, moderator=moderator,
                can_post=allowed(principal, Permission.COMMUNITY_POST)
                and (moderator or not view.thread.locked))


@router.post("/communities/threads/{thread_id}/posts")
@needs(Permission.COMMUNITY_POST)
def post(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, thread_id: Id,
         body: Text = "") -> Response:
    """Add a signed post, then back to the thread."""
    made = communities.post(ctx, principal, thread_id, body)
    return RedirectResponse(f"/communities/threads/{thread_id}#post-{made.id}",
                            status_code=303)


@router.post("/communities/threads/{thread_id}/moderation")
@needs(Permission.COMMUNITY_MODERATE)
def moderate(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, thread_id: Id,
             action: Text = "") -> Response:
    """Pin, unpin, lock or unlock a thread."""
    flags = {"pin": (True, None), "unpin": (False, None), "lock": (None, True),
             "unlock": (None, False)}
    if action not in flags:
        raise InvalidInput("unknown action", [Issue("action", "pin, unpin, lock or unlock")])
    communities.moderate_thread(ctx, principal, thread_id, *flags[action])
    return RedirectResponse(f"/communities/threads/{thread_id}", status_code=303)


@router.post("/communities/{community_id}/members")
@needs(Permission.COMMUNITY_MODERATE)
def add_member(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, community_id: Id,
               org_id: Text = "", role: Text = "member") -> Response:
    """Add a member organisation (moderators)."""
    communities.set_member(ctx, principal, community_id, org_id, role)
    return _back(community_id, "#members")


@router.post("/communities/{community_id}/members/{org_id}/remove")
@needs(Permission.COMMUNITY_MODERATE)
def remove_member(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, community_id: Id,
                  org_id: str) -> Response:
    """Remove a member organisation (moderators)."""
    communities.remove_member(ctx, principal, community_id, org_id)
    return _back(community_id, "#members")


@router.post("/communities/{community_id}/library")
@needs(Permission.COMMUNITY_POST)
async def add_to_library(request: Request, ctx: CtxDep, principal: UiPrincipal,
                         community_id: Id) -> Response:
    """Share a product or upload a document, then back to the library."""
    async with request.form(max_part_size=MAX_DOCUMENT_BYTES + 1) as data:
        upload = data.get("document")
        raw = await upload.read(MAX_DOCUMENT_BYTES + 1) if isinstance(upload, UploadFile) else b""
        name = (upload.filename or "") if isinstance(upload, UploadFile) else ""
        media = (upload.content_type or "") if isinstance(upload, UploadFile) else ""
        fields = {k: v for k, v in data.items() if isinstance(v, str)}
        partners = [v for v in data.getlist("partners") if isinstance(v, str)]
    return await run_blocking(_store_library, request, ctx, principal, community_id, fields,
                              partners, (name, media, raw))


def _store_library(request: Request, ctx: Context, principal: Principal, community_id: int,
                   fields: dict[str, str], partners: list[str],
                   document: tuple[str, str, bytes]) -> Response:
    check_csrf(request, ctx, fields.get("csrf_token", ""))
    try:
        kind = LibraryKind(fields.get("kind", ""))
        community_library.add_to_library(
            ctx, principal, community_id, kind, fields.get("title", ""),
            _handling(ctx, fields.get("tlp", "amber"), partners), fields.get("ref", ""),
            document if kind is LibraryKind.DOCUMENT else None)
    except ValueError:
        return _community_page(request, ctx, principal, community_id,
                               [Issue("kind", "report, bulletin, playbook or document")], 422)
    except InvalidInput as exc:
        return _community_page(request, ctx, principal, community_id, exc.issues, 422)
    return _back(community_id, "#library")


@router.post("/communities/{community_id}/meetings")
@needs(Permission.COMMUNITY_MODERATE)
def add_meeting(request: Request, ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
                community_id: Id, title: Text = "", starts_at: Text = "", agenda: Text = "",
                tlp: Text = "amber",
                partners: Annotated[list[str] | None, Form()] = None) -> Response:
    """Plan a meeting (moderators)."""
    try:
        community_library.add_meeting(ctx, principal, community_id, title,
                                      communities.meeting_time(starts_at), agenda,
                                      _handling(ctx, tlp, partners or []))
    except InvalidInput as exc:
        return _community_page(request, ctx, principal, community_id, exc.issues, 422)
    return _back(community_id, "#meetings")


@router.post("/communities/meetings/{meeting_id}/minutes")
@needs(Permission.COMMUNITY_MODERATE)
def write_minutes(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, meeting_id: Id,
                  minutes: Text = "") -> Response:
    """Write a meeting's minutes, then back to the community."""
    meeting = community_library.write_minutes(ctx, principal, meeting_id, minutes)
    return _back(meeting.community_id, f"#meeting-{meeting.id}")

