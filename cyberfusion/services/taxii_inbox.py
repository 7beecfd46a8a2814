"""TAXII 2.1 writes: add objects (section 5.4) through the normal import, the status of
that request (section 4.3) and delete an object (section 5.7).

An envelope lands as a STIX import job owned by the caller's organisation, with the
default handling an import gets when the source states none; the import worker runs it.
The status resource is that job seen per object: pending while the job waits or runs,
then a success for each object kept at its version (or a newer one already held) and a
failure for the others, so that success, failure and pending counts add up to the total.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.imports import ImportJob
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.domain.taxii import ObjectQuery, job_of_status, same_version, status_id
from cyberfusion.errors import InvalidInput, Issue, MalformedDocument, NotFound
from cyberfusion.services import audit, imports, taxii
from cyberfusion.services.context import Context

STIX_CODEC = "stix21"
FILE_PREFIX = "taxii-"
_RUNNING = frozenset({"pending", "running", "held"})


@dataclass(frozen=True, slots=True)
class Detail:
    """One object of a status resource (section 4.3.1, status-details)."""

    id: str
    version: str
    message: str = ""


@dataclass
class AddStatus:
    """The status of one add-objects request."""

    id: str
    requested_at: datetime
    successes: list[Detail] = field(default_factory=list)
    failures: list[Detail] = field(default_factory=list)
    pendings: list[Detail] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Every object of the envelope."""
        return len(self.successes) + len(self.failures) + len(self.pendings)

    @property
    def complete(self) -> bool:
        """True once no object is pending."""
        return not self.pendings


def envelope_objects(body: bytes) -> list[dict[str, Any]]:
    """The objects of an envelope (section 3.7); located errors for what is not one."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedDocument("the body is not JSON", [Issue("body", str(exc))]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
        raise InvalidInput("not a TAXII envelope",
                           [Issue("objects", "send {\"objects\": [ ...STIX objects ]}")])
    issues = [Issue(f"objects[{i}]", "a STIX object needs a string `type` and `id`")
              for i, obj in enumerate(data["objects"])
              if not isinstance(obj, dict) or not isinstance(obj.get("id"), str)
              or not isinstance(obj.get("type"), str)]
    if issues or not data["objects"]:
        raise InvalidInput("the envelope holds objects that are not STIX objects",
                           issues or [Issue("objects", "send at least one object")])
    objects: list[dict[str, Any]] = data["objects"]
    return objects


def add_objects(ctx: Context, principal: Principal, collection_id: str,
                body: bytes) -> AddStatus:
    """Record an import of the envelope's objects into the caller's inbox; pending status."""
    chosen = taxii.collection(ctx, principal, collection_id)
    taxii.refuse_write(chosen)
    objects = envelope_objects(body)
    bundle = orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                           "objects": objects})
    job = imports.submit(ctx, principal, f"{FILE_PREFIX}{chosen.alias}.json",
                         io.BytesIO(bundle), imports.ImportOptions(codec=STIX_CODEC))
    return _status(ctx, job, objects)


def status(ctx: Context, principal: Principal, ident: str) -> AddStatus:
    """The status of one of the caller organisation's add-objects requests."""
    job_id = job_of_status(ident)
    if job_id is None:
        raise NotFound(f"no status {ident}")
    job = imports.get_job(ctx, principal, job_id)
    if job.codec != STIX_CODEC or not job.filename.startswith(FILE_PREFIX):
        raise NotFound(f"no status {ident}")
    return _status(ctx, job, _kept_envelope(job))


def _kept_envelope(job: ImportJob) -> list[dict[str, Any]]:
    """The objects of the bundle the job keeps."""
    objects: list[dict[str, Any]] = orjson.loads(Path(job.path).read_bytes())["objects"]
    return objects


def _status(ctx: Context, job: ImportJob, objects: list[dict[str, Any]]) -> AddStatus:
    """Each object of the envelope as pending, kept (success) or not kept (failure)."""
    found = AddStatus(status_id(job.id), job.created_at)
    details = [Detail(str(o["id"]), str(o.get("modified") or o.get("created") or ""))
               for o in objects]
    if job.status in _RUNNING:
        found.pendings = details
        return found
    with ctx.db.read() as tx:
        stored = tx.taxii.kept_versions(job.owner_org_id, sorted({d.id for d in details}))
    why = job.error or f"not kept: see the {job.issue_count} issue(s) of import {job.id}"
    for detail in details:
        held = stored.get(detail.id)
        if held is not None and (not detail.version or _at_least(held, detail.version)):
            found.successes.append(detail)
        else:
            found.failures.append(Detail(detail.id, detail.version, why))
    return found


def _at_least(held: str, wanted: str) -> bool:
    """True if the held version is the wanted one or newer."""
    return same_version(held, wanted) or held > wanted


def delete_object(ctx: Context, principal: Principal, collection_id: str, object_id: str,
                  query: ObjectQuery) -> int:
    """Forget the caller's own kept object (the versions `match[version]` names)."""
    require(principal, Permission.IMPORT)
    chosen = taxii.collection(ctx, principal, collection_id)
    taxii.refuse_write(chosen)
    stamps = query.versions - {"first", "last", "all"}
    with ctx.db.write() as tx:
        rows = [ident for ident, body in tx.taxii.owned(principal.org_id, object_id)
                if not stamps or any(same_version(str(body.get("modified") or
                                                      body.get("created") or ""), s)
                                     for s in stamps)]
        if not rows:
            raise NotFound(f"no object {object_id} of yours in collection {chosen.alias}")
        gone = tx.taxii.delete(rows)
        audit.record(tx, ctx, principal, AuditAction.OBJECT_DELETE, "object", object_id,
                     principal.org_id, {"collection": chosen.alias, "versions": gone})
    return gone
