"""The case submission form: the same case document as the API, built from form fields."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from cyberfusion.domain.access import Access
from cyberfusion.domain.gateway import OutsideAgreement
from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose
from cyberfusion.domain.model import CrimeType, Organisation, Principal
from cyberfusion.domain.observables import ObservableType, guess_type, normalise, refang
from cyberfusion.domain.permissions import Permission, needs, require
from cyberfusion.errors import InvalidInput, InvalidObservable, Issue
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, orgs
from cyberfusion.services.context import Context
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import whole_number
from cyberfusion.web.ui.audience import choices, picked, tokens
from cyberfusion.web.ui.pages import UiPrincipal, check_csrf
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
BLANK = {"title": "", "crime_type": "other", "countries": "", "first_seen": "", "last_seen": "",
         "victim_count": 0, "summary": "", "observables": "", "tlp": "amber",
         "release": "members", "exclude": "", "partners": "", "hit_policy": "hit",
         "purpose": "investigation", "grading": "", "personal_data": False}


def form_page(request: Request, principal: Any, form: dict[str, Any],
              issues: list[Issue], status: int = 200, **extra: Any) -> Response:
    """The case form (new, or an edit when `extra` names its `case`), issues located by line,
    with the pickers' options and what each has chosen."""
    directory = orgs.list_orgs(request.app.state.ctx)
    return page(request, "case_new.html", TLP(form.get("tlp") or "amber")
                if form.get("tlp") in {t.value for t in TLP} else TLP.AMBER, principal,
                status=status, form=form, issues=[by_line(i) for i in issues],
                crime_types=list(CrimeType), tlps=list(TLP), policies=list(HitPolicy),
                purposes=list(Purpose), pickers=choices(directory),
                chosen={n: tokens(form.get(n, "")) for n in ("release", "exclude", "partners")},
                **extra)


def read_form(data: FormData, start: dict[str, Any]) -> dict[str, Any]:
    """The posted case form over `start`: pickers' several values joined, the box a flag."""
    form = {**start, **{k: str(v) for k, v in data.items()}, **picked(data)}
    form["personal_data"] = data.get("personal_data") == "1"
    return form


def previewed(request: Request, ctx: Context, principal: Principal, form: dict[str, Any],
              **extra: Any) -> Response:
    """The form again with the 'who will see this' list for its handling (the no-script
    preview button), or with what is wrong in the handling."""
    try:
        found = audience(ctx, principal, form)
    except InvalidInput as exc:
        return form_page(request, principal, form, exc.issues, 422, **extra)
    return form_page(request, principal, form, [], audience=found, **extra)


_OBSERVABLE_PATH = re.compile(r"^observables\[(\d+)\](?:\.(\w+))?")


def by_line(issue: Issue) -> Issue:
    """An issue on `observables[5].value` said as the form's reader counts: `line 6 (value)`."""
    found = _OBSERVABLE_PATH.match(issue.location)
    if found is None:
        return issue
    field = f" ({found.group(2)})" if found.group(2) else ""
    return Issue(f"observables, line {int(found.group(1)) + 1}{field}", issue.message)


@router.get("/cases/new")
@needs(Permission.CASE_WRITE)
def new_case(request: Request, principal: UiPrincipal) -> Response:
    """An empty submission form (only for those who may file a case)."""
    require(principal, Permission.CASE_WRITE)
    return form_page(request, principal, dict(BLANK), [])


@router.post("/cases/new")
@needs(Permission.CASE_WRITE)
async def submit_case(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Store the case, or show the form again with every located problem."""
    return await run_blocking(_store, request, ctx, principal, await request.form())


def _store(request: Request, ctx: Context, principal: Principal, data: FormData) -> Response:
    form = read_form(data, BLANK)
    check_csrf(request, ctx, str(data.get("csrf_token", "")))
    if data.get("preview"):
        return previewed(request, ctx, principal, form)
    try:
        draft = parse_case(document(form), ctx.now().date(), ctx.settings.review_years)
        case = cases.create_case(ctx, principal, draft)
    except InvalidInput as exc:
        return form_page(request, principal, form, exc.issues, status=422)
    except OutsideAgreement as exc:  # a partner's case its agreement does not let in
        return form_page(request, principal, form, exc.issues, status=exc.status)
    return RedirectResponse(f"/cases/{case.id}?stored=1", status_code=303)


def _list(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]


def document(form: dict[str, Any]) -> dict[str, Any]:
    """The case document (as the API takes it) for the form's fields."""
    count = whole_number(str(form.get("victim_count") or "0"))
    return {
        "title": form["title"], "crime_type": form["crime_type"], "summary": form["summary"],
        "countries": [c.upper() for c in _list(form["countries"])],
        "first_seen": form["first_seen"] or None, "last_seen": form["last_seen"] or None,
        "victims": {"count": -1 if count is None else count,
                    "sectors": _list(str(form.get("victim_sectors") or ""))},
        "handling": {"tlp": form["tlp"], "release": _list(form["release"]),
                     "exclude": _list(form["exclude"]), "partners": _list(form["partners"]),
                     "hit_policy": form["hit_policy"], "purpose": form["purpose"],
                     "grading": form["grading"], "personal_data": bool(form["personal_data"]),
                     **({"review_by": form["review_by"]} if form.get("review_by") else {})},
        "observables": [observable_line(line) for line in form["observables"].splitlines()
                        if line.strip()],
    }


def observable_line(line: str) -> dict[str, str]:
    """`type value role…` or `value role…` (type guessed) as an observable entry.

    An IBAN or phone number typed in its printed groups (`FR76 3000 6000 …`,
    `+33 6 12 34 56 78`) is one value: the longest run of leading words that is one.
    """
    words = line.split()
    if not words:
        return {"type": "", "value": "", "role": ""}
    size, kind = _grouped(words, None)
    if kind is not None:
        return {"type": kind.value, "value": " ".join(words[:size]),
                "role": " ".join(words[size:])}
    guessed = guess_type(refang(words[0]))
    if guessed is None and len(words) > 1:
        size, kind = _grouped(words[1:], _BY_NAME.get(words[0].lower()))
        size = size or 1
        return {"type": words[0], "value": " ".join(words[1 : 1 + size]),
                "role": " ".join(words[1 + size :])}
    return {"type": guessed.value if guessed else "", "value": words[0],
            "role": " ".join(words[1:])}


_IN_GROUPS = (ObservableType.IBAN, ObservableType.PHONE)
_BY_NAME = {t.value: t for t in _IN_GROUPS}
#: Most words an IBAN (34 characters in groups of four) or a phone number spans.
_MOST_GROUPS = 10
_IBAN_START = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{0,30}")
_IBAN_GROUP = re.compile(r"[A-Z0-9]{1,4}")


def _grouped(words: list[str], wanted: ObservableType | None) -> tuple[int, ObservableType | None]:
    """How many leading words (2+) make one IBAN or phone number, and its type; (0, None)."""
    if wanted is None and not any(c.isdigit() for c in words[0]):
        return 0, None
    for size in range(min(len(words), _MOST_GROUPS), 1, -1):
        candidate = " ".join(words[:size])
        kind = wanted or guess_type(candidate)
        if kind in _IN_GROUPS and _valid(kind, candidate):
            return size, kind
    if wanted is None and _IBAN_START.fullmatch(words[0]):
        size = 1  # an IBAN with a typo is one value, so that the error is about the IBAN
        while size < min(len(words), _MOST_GROUPS) and _IBAN_GROUP.fullmatch(words[size]):
            size += 1
        compact = len(words[0]) >= 12
        return (size, ObservableType.IBAN) if size > 1 or compact else (0, None)
    return 0, None


def _valid(kind: ObservableType, raw: str) -> bool:
    try:
        normalise(kind, raw)
    except InvalidObservable:
        return False
    return True


def handling_of(ctx: Context, form: dict[str, Any]) -> Handling:
    """The handling the form states (InvalidInput, located, if it is not valid)."""
    doc = document({**form, "title": "preview", "observables": ""})
    return parse_case(doc, ctx.now().date(), ctx.settings.review_years).handling


def audience(ctx: Context, principal: Principal, form: dict[str, Any]
             ) -> list[tuple[Organisation, Access]]:
    """Who would see a case with the form's handling (FULL first, then HIT, by name)."""
    found = cases.would_see(ctx, principal, handling_of(ctx, form))
    return sorted(found, key=lambda p: (p[1] is not Access.FULL, p[0].name))


@router.get("/cases/audience")
@needs(Permission.CASE_WRITE)
def audience_preview(
    ctx: CtxDep, principal: UiPrincipal, tlp: str = "amber", hit_policy: str = "hit",
    release: Annotated[list[str] | None, Query()] = None,
    exclude: Annotated[list[str] | None, Query()] = None,
    partners: Annotated[list[str] | None, Query()] = None, personal_data: str = "",
) -> JSONResponse:
    """The live preview: organisations that would read the case, and those that would only
    learn of a match, under `decide()` (JSON for the form's script; the form works without)."""
    require(principal, Permission.CASE_WRITE)
    form = {"tlp": tlp, "hit_policy": hit_policy, "purpose": "investigation", "grading": "",
            "release": ", ".join(release or ()), "exclude": ", ".join(exclude or ()),
            "partners": ", ".join(partners or ()), "personal_data": personal_data == "1",
            "crime_type": "other", "summary": "", "countries": "", "first_seen": "",
            "last_seen": "", "victim_count": 0}
    try:
        found = audience(ctx, principal, form)
    except InvalidInput as exc:
        return JSONResponse({"items": [], "issues": [i.as_dict() for i in exc.issues]}, 422)
    return JSONResponse({"items": [{"org": o.id, "name": o.name, "access": a.value}
                                   for o, a in found], "issues": []})
