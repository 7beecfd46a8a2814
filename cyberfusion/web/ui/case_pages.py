"""The case page and what an owner does there, as the API does it: edit (imported cases too),
withdraw, grant and revoke disclosure, and export the case in every export format."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.datastructures import FormData

from cyberfusion.domain.gateway import OutsideAgreement
from cyberfusion.domain.handling import strictest_tlp
from cyberfusion.domain.model import Case, CaseFilter, Principal
from cyberfusion.domain.permissions import Permission, allowed, needs, require
from cyberfusion.errors import Conflict, InvalidInput, Issue, PermissionDenied
from cyberfusion.formats import base
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, exports, grants, hits, knowledge, orgs
from cyberfusion.services.context import Context
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import Id
from cyberfusion.web.ui.case_form import BLANK, document, form_page, previewed, read_form
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal, check_csrf
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)


@router.get("/cases/{case_id}")
@needs(Permission.CASE_READ)
def case_page(request: Request, ctx: CtxDep, principal: UiPrincipal, case_id: Id,
              stored: bool = False) -> Response:
    """One case with its TLP banner and the 'who can see this' panel."""
    case = cases.get_case(ctx, principal, case_id)
    audience = cases.who_can_see(ctx, principal, case_id)
    history = cases.case_history(ctx, principal, case_id)
    owner = next((o for o, _ in audience if o.id == case.owner_org_id), None)
    linked = (knowledge.case_entities(ctx, principal, case_id)
              if allowed(principal, Permission.ENTITY_READ) else None)
    tlp = strictest_tlp([case.handling.tlp, *(v.handling.tlp for v in history.versions),
                         *(e.tlp for e in linked or ())])
    return page(request, "case.html", tlp, principal, case=case, h=case.handling,
                audience=audience, owner=owner, history=history, entities=linked,
                names={o.id: o.name for o in orgs.list_orgs(ctx)},
                **case_actions(ctx, principal, case), **feedback(ctx, principal, case, stored))


def form_of(case: Case) -> dict[str, Any]:
    """The case form's fields holding what the case says now (the edit form's start)."""
    h = case.handling
    lines = [" ".join(p for p in (o.type, o.value, o.role) if p) for o in case.occurrences]
    return {
        **BLANK, "title": case.title, "crime_type": case.crime_type.value,
        "countries": ", ".join(case.countries), "summary": case.summary,
        "first_seen": case.first_seen.isoformat() if case.first_seen else "",
        "last_seen": case.last_seen.isoformat() if case.last_seen else "",
        "victim_count": case.victim_count, "victim_sectors": ", ".join(case.victim_sectors),
        "observables": "\n".join(lines), "tlp": h.tlp.value,
        "release": ", ".join(sorted(h.release)), "exclude": ", ".join(sorted(h.exclude)),
        "partners": ", ".join(sorted(h.partners)), "hit_policy": h.hit_policy.value,
        "purpose": h.purpose.value, "grading": h.grading, "personal_data": h.personal_data,
        "review_by": h.review_by.isoformat(),
    }


def own_case(ctx: Context, principal: Principal, case_id: int) -> Case:
    """The case if the principal's organisation owns it and may change it (else refused)."""
    require(principal, Permission.CASE_WRITE)
    case = cases.get_case(ctx, principal, case_id)
    if case.owner_org_id != principal.org_id:
        raise PermissionDenied("only the owner organisation changes a case")
    return case


def _edit_page(request: Request, principal: Principal, case: Case, form: dict[str, Any],
               issues: list[Issue], status: int = 200) -> Response:
    return form_page(request, principal, form, issues, status, case=case,
                     version=form.get("version") or case.version)


@router.get("/cases/{case_id}/edit")
@needs(Permission.CASE_WRITE)
def edit_case(request: Request, ctx: CtxDep, principal: UiPrincipal, case_id: Id) -> Response:
    """The case form filled with the case as it stands (crime type, countries, dates …)."""
    case = own_case(ctx, principal, case_id)
    return _edit_page(request, principal, case, form_of(case), [])


@router.post("/cases/{case_id}/edit")
@needs(Permission.CASE_WRITE)
async def save_case(request: Request, ctx: CtxDep, principal: UiPrincipal,
                    case_id: Id) -> Response:
    """Store the edit as a new version, or show the form again with what is wrong."""
    return await run_blocking(_save, request, ctx, principal, case_id, await request.form())


def _save(request: Request, ctx: Context, principal: Principal, case_id: int,
          data: FormData) -> Response:
    check_csrf(request, ctx, str(data.get("csrf_token", "")))
    case = own_case(ctx, principal, case_id)
    kept = {"victim_sectors": ", ".join(case.victim_sectors),
            "review_by": case.handling.review_by.isoformat()}
    form = read_form(data, {**BLANK, **kept})
    if data.get("preview"):
        return previewed(request, ctx, principal, form, case=case,
                         version=form.get("version") or case.version)
    version = str(form.get("version", ""))
    try:
        draft = parse_case(document(form), ctx.now().date(), ctx.settings.review_years)
        cases.update_case(ctx, principal, case_id, draft, int(version) if version.isdigit()
                          else -1)
    except (InvalidInput, OutsideAgreement) as exc:
        return _edit_page(request, principal, case, form, exc.issues, 422)
    except Conflict as exc:
        return _edit_page(request, principal, case, form, [Issue("version", exc.detail)], 409)
    return RedirectResponse(f"/cases/{case_id}?saved=1", status_code=303)


@router.post("/cases/{case_id}/withdraw")
@needs(Permission.CASE_WRITE)
def withdraw_case(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, case_id: Id,
                  reason: Annotated[str, Form()] = "") -> Response:
    """Withdraw an own case (kept for the record; gone from lists, searches and hits)."""
    cases.revoke_case(ctx, principal, case_id, reason.strip())
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/grants")
@needs(Permission.GRANT_MANAGE)
def add_grant(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, case_id: Id,
              org_id: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
              days: Annotated[int, Form()] = 90) -> Response:
    """Open an own case to one organisation until the grant expires or is revoked."""
    grants.grant_case(ctx, principal, case_id, org_id, reason, days)
    return RedirectResponse(f"/cases/{case_id}#grants", status_code=303)


@router.post("/cases/{case_id}/grants/{grant_id}/revoke")
@needs(Permission.GRANT_MANAGE)
def end_grant(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, case_id: Id,
              grant_id: Id) -> Response:
    """End a grant at once."""
    grants.revoke_grant(ctx, principal, case_id, grant_id)
    return RedirectResponse(f"/cases/{case_id}#grants", status_code=303)


@router.get("/cases/{case_id}/export")
@needs(Permission.EXPORT)
def export_case(ctx: CtxDep, principal: UiPrincipal, case_id: Id,
                format: str = "stix21") -> StreamingResponse:
    """The case in one export format, as a download (audited; nothing if it is not readable)."""
    found = exports.export_cases(ctx, principal, CaseFilter(case_ids=(case_id,)), format, 1)
    if not found.cases:
        cases.get_case(ctx, principal, case_id)  # NotFound for a case the caller cannot read
        raise Conflict(f"case {case_id} is withdrawn: it is no longer exported")
    exporter = base.EXPORTERS[format]()
    name = f"case-{case_id}.{exporter.extension}"
    return StreamingResponse(exporter.export(found.cases, found.context),
                             media_type=exporter.media_type,
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


def case_actions(ctx: Context, principal: Principal, case: Case) -> dict[str, Any]:
    """What the case page offers this reader: edit, withdraw, grants, export formats, and the
    grant it reads the case under (with its end)."""
    owner = case.owner_org_id == principal.org_id
    can_grant = owner and not case.revoked and allowed(principal, Permission.GRANT_MANAGE)
    return {
        "can_edit": owner and not case.revoked and allowed(principal, Permission.CASE_WRITE),
        "can_grant": can_grant,
        "grants": grants.list_grants(ctx, principal, case.id) if owner else [],
        "export_formats": exports.formats() if allowed(principal, Permission.EXPORT)
        and not case.revoked else [],
        "under_grant": grants.reading_grant(ctx, principal, case),
        "now": ctx.now(),
    }


def feedback(ctx: Context, principal: Principal, case: Case, stored: bool) -> dict[str, Any]:
    """Right after a submission: 'stored', the cases it matched that the submitter reads,
    and the organisations holding matches it may ask to disclose (no count of hidden cases)."""
    if not stored or case.owner_org_id != principal.org_id \
            or not allowed(principal, Permission.HIT_READ):
        return {"stored": False}
    views = hits.from_case(ctx, principal, case.id)
    matched = sorted({(v.case_id, v.case_title) for v in views if v.case_id is not None})
    held_by = sorted({v.owner_org_id for v in views if v.case_id is None})
    refs = {v.owner_org_id: v.id for v in views if v.case_id is None}
    return {"stored": True, "matched": matched, "held_by": held_by, "hit_refs": refs}
