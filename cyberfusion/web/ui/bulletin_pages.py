"""Bulletin pages: the public list, page and Atom feed (no log-in), and the hub's desk to
write, approve, publish and withdraw them (TLP:CLEAR everywhere)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.bulletins import (
    MAX_SOURCES,
    Bulletin,
    BulletinStatus,
    BulletinText,
    SourceKind,
    SourceRef,
)
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, allowed, needs, require
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.atom import MEDIA_TYPE, SECTIONS
from cyberfusion.services import bulletins
from cyberfusion.web.deps import CtxDep, session_principal
from cyberfusion.web.params import Id, Offset
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal
from cyberfusion.web.ui.render import page

public_router = APIRouter(include_in_schema=False)
router = APIRouter(prefix="/hub/bulletins", include_in_schema=False)
PAGE = 20
Text = Annotated[str, Form()]


def _visitor(request: Request, ctx: CtxDep) -> Principal | None:
    """The signed-in user, if any (public pages show the menu to them, nothing more)."""
    found = session_principal(request, ctx)
    return found[0] if found else None


@public_router.get("/bulletins/feed.atom")
def feed(ctx: CtxDep) -> Response:
    """The Atom feed of published bulletins, for anyone."""
    return Response(bulletins.feed(ctx), media_type=f"{MEDIA_TYPE}; charset=utf-8")


@public_router.get("/bulletins")
def public_list(request: Request, ctx: CtxDep, offset: Offset = 0) -> Response:
    """Published prevention bulletins, newest first, for anyone."""
    result = bulletins.published(ctx, offset, PAGE)
    return page(request, "bulletins/public_list.html", TLP.CLEAR, _visitor(request, ctx),
                page=result, offset=offset, limit=PAGE)


@public_router.get("/bulletins/{bulletin_id}")
def public_one(request: Request, ctx: CtxDep, bulletin_id: Id) -> Response:
    """One published bulletin, for anyone (404 for drafts and withdrawn ones)."""
    b = bulletins.published_one(ctx, bulletin_id)
    return page(request, "bulletins/public_one.html", TLP.CLEAR, _visitor(request, ctx),
                b=b, sections=SECTIONS)


def parse_sources(lines: str) -> tuple[SourceRef, ...]:
    """`case 12` or `entity 34`, one a line, as source references; located issues else."""
    refs: list[SourceRef] = []
    issues: list[Issue] = []
    for number, raw in enumerate(lines.splitlines(), start=1):
        words = raw.split()
        if not words:
            continue
        kinds = {k.value for k in SourceKind}
        if len(words) != 2 or words[0].lower() not in kinds or not words[1].isdigit():
            issues.append(Issue(f"sources line {number}",
                                f"{raw.strip()!r}: write `case ID` or `entity ID`"))
            continue
        refs.append(SourceRef(SourceKind(words[0].lower()), int(words[1])))
    if issues:
        raise InvalidInput("the sources cannot be read", issues)
    return tuple(refs)


def _form(b: Bulletin | None) -> dict[str, str]:
    """The editor's field values for a bulletin (empty for a new one)."""
    if b is None:
        return {"title": "", "threat": "", "affected": "", "actions": "", "sources": ""}
    t = b.text
    return {"title": t.title, "threat": t.threat, "affected": t.affected,
            "actions": t.actions,
            "sources": "\n".join(f"{s.kind.value} {s.id}" for s in t.sources)}


def _editor(request: Request, principal: Principal, form: dict[str, str],
            action: str, issues: list[Issue], status: int = 200) -> Response:
    """The bulletin editor, with the located problems of the last attempt."""
    return page(request, "bulletins/edit.html", TLP.CLEAR, principal, status=status,
                form=form, action=action, issues=issues, max_sources=MAX_SOURCES)


@router.get("")
@needs(Permission.BULLETIN_READ)
def desk(request: Request, ctx: CtxDep, principal: UiPrincipal, status: str = "",
         offset: Offset = 0) -> Response:
    """Every bulletin by state, for hub users; drafts wait for a second user's approval."""
    chosen = BulletinStatus(status) if status in set(BulletinStatus) else None
    result = bulletins.list_bulletins(ctx, principal, chosen, offset, PAGE)
    return page(request, "bulletins/desk.html", TLP.CLEAR, principal, page=result,
                current=chosen, statuses=list(BulletinStatus), offset=offset, limit=PAGE,
                can_write=allowed(principal, Permission.BULLETIN_WRITE))


@router.get("/new")
@needs(Permission.BULLETIN_WRITE)
def new_form(request: Request, principal: UiPrincipal) -> Response:
    """An empty editor (only for those who may write bulletins)."""
    require(principal, Permission.BULLETIN_WRITE)
    return _editor(request, principal, _form(None), "/hub/bulletins/new", [])


def _text(title: str, threat: str, affected: str, actions: str,
          sources: str) -> BulletinText:
    """The posted fields as a bulletin text."""
    return BulletinText(title.strip(), threat.strip(), affected.strip(), actions.strip(),
                        parse_sources(sources))


@router.post("/new")
@needs(Permission.BULLETIN_WRITE)
def create(request: Request, ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
           title: Text = "", threat: Text = "", affected: Text = "", actions: Text = "",
           sources: Text = "") -> Response:
    """Save a draft, or show the editor again with what is wrong and where."""
    form = {"title": title, "threat": threat, "affected": affected, "actions": actions,
            "sources": sources}
    try:
        b = bulletins.create_bulletin(ctx, principal,
                                      _text(title, threat, affected, actions, sources))
    except InvalidInput as exc:
        return _editor(request, principal, form, "/hub/bulletins/new", exc.issues, 422)
    return RedirectResponse(f"/hub/bulletins/{b.id}", status_code=303)


@router.get("/{bulletin_id}")
@needs(Permission.BULLETIN_READ)
def review(request: Request, ctx: CtxDep, principal: UiPrincipal, bulletin_id: Id) -> Response:
    """One bulletin with the steps the viewer may take (never approval of their own)."""
    b = bulletins.get_bulletin(ctx, principal, bulletin_id)
    own = principal.user is not None and principal.user.id == b.author_user_id
    return page(request, "bulletins/review.html", TLP.CLEAR, principal, b=b,
                sections=SECTIONS, own=own, form=_form(b),
                can_write=allowed(principal, Permission.BULLETIN_WRITE),
                can_approve=allowed(principal, Permission.BULLETIN_APPROVE))


@router.post("/{bulletin_id}/edit")
@needs(Permission.BULLETIN_WRITE)
def edit(request: Request, ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
         bulletin_id: Id, title: Text = "", threat: Text = "", affected: Text = "",
         actions: Text = "", sources: Text = "") -> Response:
    """Save changes to an unpublished bulletin (it needs approval again)."""
    form = {"title": title, "threat": threat, "affected": affected, "actions": actions,
            "sources": sources}
    try:
        bulletins.update_bulletin(ctx, principal, bulletin_id,
                                  _text(title, threat, affected, actions, sources))
    except InvalidInput as exc:
        return _editor(request, principal, form, f"/hub/bulletins/{bulletin_id}/edit",
                       exc.issues, 422)
    return RedirectResponse(f"/hub/bulletins/{bulletin_id}", status_code=303)


@router.post("/{bulletin_id}/approve")
@needs(Permission.BULLETIN_APPROVE)
def approve(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
            bulletin_id: Id) -> Response:
    """Approve a draft written by someone else."""
    bulletins.approve_bulletin(ctx, principal, bulletin_id)
    return RedirectResponse(f"/hub/bulletins/{bulletin_id}", status_code=303)


@router.post("/{bulletin_id}/publish")
@needs(Permission.BULLETIN_APPROVE)
def publish(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
            bulletin_id: Id) -> Response:
    """Publish an approved bulletin on the public page and feed."""
    bulletins.publish_bulletin(ctx, principal, bulletin_id)
    return RedirectResponse(f"/hub/bulletins/{bulletin_id}", status_code=303)


@router.post("/{bulletin_id}/withdraw")
@needs(Permission.BULLETIN_APPROVE)
def withdraw(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, bulletin_id: Id,
             reason: Text = "") -> Response:
    """Take a published bulletin off the public page and feed."""
    bulletins.withdraw_bulletin(ctx, principal, bulletin_id, reason)
    return RedirectResponse(f"/hub/bulletins/{bulletin_id}", status_code=303)
