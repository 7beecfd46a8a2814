"""API: case export in every export format, filtered by the access decision and audited."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.formats import base
from cyberfusion.services import exports
from cyberfusion.web.api.cases import filters_from
from cyberfusion.web.deps import CtxDep, PrincipalDep

router = APIRouter()


@router.get("/export/cases")
@needs(Permission.EXPORT)
def export_cases(
    ctx: CtxDep, principal: PrincipalDep, format: str = "jsonl", q: str = "",
    crime_type: str = "", country: str = "", owner: str = "", tlp: str = "",
) -> StreamingResponse:
    """Every readable case matching the filters, in any export format (audited)."""
    f = filters_from(q, crime_type, country, owner, tlp)
    found = exports.export_cases(ctx, principal, f, format)
    exporter = base.EXPORTERS[format]()
    return StreamingResponse(exporter.export(found.cases, found.context),
                             media_type=exporter.media_type,
                             headers=_attach(exporter.extension))


def _attach(ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="cases.{ext}"'}
