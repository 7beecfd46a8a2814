"""Import jobs: keep the upload, decode it with its codec, land it batch by batch, report.

Each batch lands in its own transaction and landing is idempotent by source ref, so a
job that dies (even under `kill -9`) is simply run again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.handling import TLP, HitPolicy, Purpose, parse_tlp, validate_handling
from cyberfusion.domain.imports import (
    ImportDefaults,
    ImportIssue,
    ImportJob,
    handling_for,
)
from cyberfusion.domain.model import CaseFilter, Occurrence, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.domain.safe_text import control_character
from cyberfusion.errors import InvalidInput, Issue, NotFound
from cyberfusion.formats import base
from cyberfusion.services import audit, cases, gateway, import_runs
from cyberfusion.services.cases import CasePage, check_references
from cyberfusion.services.context import Context
from cyberfusion.services.import_inputs import head_of, inner_name, kind_of, open_input
from cyberfusion.services.import_runs import run
from cyberfusion.services.landing import LandCounts

_HEAD = 64 * 1024


@dataclass(frozen=True)
class ImportOptions:
    """What the importer states: format (else sniffed) and handling defaults (`tlp` for data
    whose source states none; `tlp_floor`, if given, raises anything below it)."""

    codec: str | None = None
    tlp: str = "amber"
    release: tuple[str, ...] = ("members",)
    partners: tuple[str, ...] = ()
    hit_policy: str = "hit"
    purpose: str = "investigation"
    tlp_floor: str = ""


def defaults_for(ctx: Context, principal: Principal, options: ImportOptions) -> ImportDefaults:
    """Validated defaults; InvalidInput names each bad option."""
    return org_defaults(ctx, principal.org_id, options)


def org_defaults(ctx: Context, org_id: str, options: ImportOptions) -> ImportDefaults:
    """Validated defaults for what lands owned by `org_id` (uploads, TAXII sources)."""
    issues: list[Issue] = []
    tlp = _choice(lambda: parse_tlp(options.tlp), "tlp", issues) or TLP.AMBER
    floor = _choice(lambda: parse_tlp(options.tlp_floor), "tlp_floor", issues) \
        if options.tlp_floor else None
    hit = _choice(lambda: HitPolicy(options.hit_policy), "hit_policy", issues) or HitPolicy.HIT
    purpose = _choice(lambda: Purpose(options.purpose), "purpose", issues) or Purpose.INVESTIGATION
    if issues:
        raise InvalidInput("the import options are not valid", issues)
    defaults = ImportDefaults(
        importer_org_id=org_id,
        review_by=ctx.now().date() + timedelta(days=365 * ctx.settings.review_years),
        tlp=tlp, tlp_floor=floor, release=frozenset(options.release or ("members",)),
        partners=frozenset(options.partners), hit_policy=hit, purpose=purpose)
    sample = validate_handling(handling_for(defaults, None))
    with ctx.db.read() as tx:
        check_references(tx, sample)
    return defaults


def _choice(make: Callable[[], Any], name: str, issues: list[Issue]) -> Any:
    try:
        return make()
    except (ValueError, InvalidInput):
        issues.append(Issue(name, "not a valid value"))
        return None


def codec_for(name: str | None, head: bytes, filename: str) -> type[base.Codec]:
    """The named codec, or the one that recognises the input."""
    base.load_builtins()
    if name:
        if name not in base.CODECS:
            raise InvalidInput("unknown format", [Issue("codec", f"one of {sorted(base.CODECS)}")])
        return base.CODECS[name]
    found = base.sniff(head, filename)
    if found is None:
        raise InvalidInput("unrecognised format",
                           [Issue("file", f"say which format: one of {sorted(base.CODECS)}")])
    return found


def check_file_name(filename: str) -> None:
    """Refuse an upload name with a NUL or other control character (it names a file and a job)."""
    found = control_character(filename)
    if found:
        raise InvalidInput("bad file name",
                           [Issue("filename", f"no control characters (found {found})")])


def submit(ctx: Context, principal: Principal, filename: str, stream: BinaryIO,
           options: ImportOptions, hold: bool = False) -> ImportJob:
    """Keep the upload in the data folder and record a job (held ones wait for `release`)."""
    require(principal, Permission.IMPORT)
    check_file_name(filename)
    defaults_for(ctx, principal, options)
    _under_agreement(ctx, principal)
    folder = ctx.settings.data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(filename).suffix[:16]}"
    digest, size, head = _save(stream, path)
    if kind_of(path) != "plain":
        head = _head(ctx, path)
    return _record(ctx, principal, filename, path, digest, size, head, options, hold)


def submit_path(ctx: Context, principal: Principal, path: Path,
                options: ImportOptions) -> ImportJob:
    """Record a pending job for a local file, read in place (CLI imports of big files); an
    unfinished job of the same file (partial, or left by a dead process) is resumed instead."""
    require(principal, Permission.IMPORT)
    defaults_for(ctx, principal, options)
    _under_agreement(ctx, principal)
    if path.is_dir():
        return _record_feed(ctx, principal, path, options)
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    earlier = _resumable(ctx, principal, path.resolve(), digest.hexdigest(), size)
    if earlier is not None:
        return earlier
    return _record(ctx, principal, path.name, path.resolve(), digest.hexdigest(), size,
                   _head(ctx, path), options)


def _resumable(ctx: Context, principal: Principal, path: Path, digest: str,
               size: int) -> ImportJob | None:
    """The newest unfinished job of this file, made ready to run again (its checkpoint is
    kept; the run checks the file still starts as it did)."""
    import_runs.reclaim_dead(ctx)
    with ctx.db.write() as tx:
        job = tx.imports.resumable(principal.org_id, str(path), ctx.now())
        if job is None:
            return None
        if job.sha256 != digest:
            tx.imports.retarget(job.id, digest, size)
        tx.imports.set_status(job.id, "partial", "pending")
        resumed = tx.imports.get(job.id)
    return resumed


def _head(ctx: Context, path: Path) -> bytes:
    """The first expanded bytes of a file (through gzip or zip), to recognise its format."""
    return head_of(path, ctx.settings.import_max_expanded_bytes, ctx.settings.import_max_ratio)


def _under_agreement(ctx: Context, principal: Principal) -> None:
    """A partner imports only under a valid agreement (its batches are checked as they land)."""
    with ctx.db.read() as tx:
        gateway.admit(tx, ctx, principal.org, ())


def _record_feed(ctx: Context, principal: Principal, folder: Path,
                 options: ImportOptions) -> ImportJob:
    """A MISP feed folder (`manifest.json` plus event files) as one job."""
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise InvalidInput("not a MISP feed folder",
                           [Issue(str(folder), "a feed folder holds manifest.json")])
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest()
    size = sum(p.stat().st_size for p in folder.glob("*.json"))
    feed = replace(options, codec="misp")
    return _record(ctx, principal, folder.name, folder.resolve(), digest, size, b"", feed)


def _record(ctx: Context, principal: Principal, filename: str, path: Path, digest: str,
            size: int, head: bytes, options: ImportOptions, hold: bool = False) -> ImportJob:
    """Sniff the format and store the pending job with its stated defaults."""
    defaults = defaults_for(ctx, principal, options)
    codec = codec_for(options.codec, head, inner_name(filename))
    stored = {**asdict(options), "codec": codec.name}
    with ctx.db.write() as tx:
        job = tx.imports.create(owner_org_id=principal.org_id,
                                user_id=principal.user.id if principal.user else None,
                                codec=codec.name, filename=Path(filename).name[:300],
                                path=str(path), sha256=digest, size_bytes=size,
                                defaults={**stored, "review_by": defaults.review_by.isoformat()},
                                now=ctx.now(), status="held" if hold else "pending")
        audit.record(tx, ctx, principal, AuditAction.IMPORT_SUBMIT, "import", job.id,
                     principal.org_id, {"file": job.filename, "sha256": digest, "bytes": size,
                                        "codec": codec.name})
    return job


def _save(stream: BinaryIO, path: Path) -> tuple[str, int, bytes]:
    """Copy the stream to `path`, hashing as it goes; return sha256, size and the head."""
    digest, size, head = hashlib.sha256(), 0, b""
    with path.open("wb") as out:
        while chunk := stream.read(1024 * 1024):
            if len(head) < _HEAD:
                head += chunk[: _HEAD - len(head)]
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size, head


def run_pending(ctx: Context) -> int:
    """Run every pending job; return how many ran (used by the worker thread and the CLI)."""
    ran = 0
    while run(ctx) is not None:
        ran += 1
    return ran


def recover(ctx: Context) -> int:
    """At start: jobs whose runner on this host died are taken over at once (others wait
    for their lease to lapse, as another live process may be running them)."""
    return import_runs.reclaim_dead(ctx)


def get_job(ctx: Context, principal: Principal, job_id: int) -> ImportJob:
    """One of the organisation's jobs."""
    require(principal, Permission.IMPORT_READ)
    with ctx.db.read() as tx:
        job = tx.imports.get(job_id)
    if job is None or job.owner_org_id != principal.org_id:
        raise NotFound(f"no import {job_id}")
    return job


def list_jobs(ctx: Context, principal: Principal, limit: int = 50) -> list[ImportJob]:
    """The organisation's jobs, newest first."""
    require(principal, Permission.IMPORT_READ)
    with ctx.db.read() as tx:
        return tx.imports.of_org(principal.org_id, min(limit, 500))


def job_issues(ctx: Context, principal: Principal, job_id: int, offset: int = 0,
               limit: int = 200) -> list[ImportIssue]:
    """A page of a job's located issues."""
    get_job(ctx, principal, job_id)
    with ctx.db.read() as tx:
        return tx.imports.issues(job_id, max(0, offset), min(limit, 1000))


def release_job(ctx: Context, principal: Principal, job_id: int,
                dropped: frozenset[str] = frozenset()) -> ImportJob:
    """The submitter confirms a held job after its preview: it becomes pending, to land
    without the values (keys) it dropped as false positives."""
    require(principal, Permission.IMPORT)
    get_job(ctx, principal, job_id)
    with ctx.db.write() as tx:
        if not tx.imports.set_status(job_id, "held", "pending"):
            raise InvalidInput("not waiting for confirmation", [Issue("job", "already started")])
        if dropped:
            tx.imports.set_dropped(job_id, sorted(dropped))
        job = tx.imports.get(job_id)
    assert job is not None
    return job


def discard_job(ctx: Context, principal: Principal, job_id: int) -> None:
    """Drop a held job and its kept file."""
    require(principal, Permission.IMPORT)
    job = get_job(ctx, principal, job_id)
    with ctx.db.write() as tx:
        if not tx.imports.set_status(job_id, "held", "discarded"):
            raise InvalidInput("not waiting for confirmation", [Issue("job", "already started")])
    Path(job.path).unlink(missing_ok=True)


def preview_job(ctx: Context, principal: Principal, job_id: int, limit: int = 50) -> Preview:
    """Decode the start of a held job's file to show what it would create."""
    job = get_job(ctx, principal, job_id)
    settings = ctx.settings
    with open_input(Path(job.path), settings.import_max_expanded_bytes,
                    settings.import_max_ratio) as stream:
        return _preview(base.CODECS[job.codec], stream, inner_name(job.filename),
                        import_runs.stored_defaults(job), limit)


def landed_cases(ctx: Context, principal: Principal, job_id: int, limit: int = 200
                 ) -> CasePage:
    """The cases an own import created or changed that the principal reads now (the access
    decision in SQL, as every case list): the finished job page links them."""
    job = get_job(ctx, principal, job_id)
    with ctx.db.read() as tx:
        events = tx.audit.of_item(job.owner_org_id, AuditAction.IMPORT_LAND.value, "import",
                                  str(job.id))
    ids = tuple(sorted({int(c) for e in events for c in e.detail.get("cases", ())}))
    if not ids:
        return CasePage([], 0, 0, limit)
    return cases.list_cases(ctx, principal, CaseFilter(case_ids=ids), 0, limit)


@dataclass(frozen=True)
class PreviewValue:
    """One distinct value the preview extracted, and in how many of its cases."""

    type: str
    value: str
    key: str
    cases: int


@dataclass
class Preview:
    """What an upload would create, and under which handling, before anything is written."""

    codec: str
    cases: list[dict[str, Any]] = field(default_factory=list)
    objects: int = 0
    entities: int = 0
    observables: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    truncated: bool = False
    #: Distinct values of the previewed cases by key, for the review step (at most MAX_VALUES).
    values: dict[str, PreviewValue] = field(default_factory=dict)


#: Most distinct values a preview lists for review.
MAX_VALUES = 2000


def preview(ctx: Context, principal: Principal, filename: str, stream: BinaryIO,
            options: ImportOptions, limit: int = 50) -> Preview:
    """Decode the first batch without landing it."""
    require(principal, Permission.IMPORT)
    check_file_name(filename)
    defaults = defaults_for(ctx, principal, options)
    head = stream.read(_HEAD)
    stream.seek(0)
    return _preview(codec_for(options.codec, head, filename), stream, filename, defaults, limit)


def _preview(codec: type[base.Codec], stream: BinaryIO, filename: str, defaults: ImportDefaults,
             limit: int) -> Preview:
    """Decode batches until `limit` cases or 20,000 objects have been seen."""
    base.load_builtins()
    result = Preview(codec.name)
    for batch in codec().decode(stream, filename, defaults):
        result.objects += len(batch.objects)
        result.entities += len(batch.entities)
        result.issues += batch.issues[: 200 - len(result.issues)]
        for case in batch.cases[: limit - len(result.cases)]:
            result.observables += len(case.draft.occurrences)
            result.cases.append({"title": case.draft.title, "ref": case.ref,
                                 "observables": len(case.draft.occurrences),
                                 "handling": case.draft.handling})
            _count_values(result, case.draft.occurrences)
        if len(result.cases) >= limit or result.objects >= 20_000:
            result.truncated = True
            break
    return result


def _count_values(result: Preview, occurrences: Sequence[Occurrence]) -> None:
    """Add a previewed case's distinct values to the review list (up to MAX_VALUES)."""
    for key in dict.fromkeys(o.key for o in occurrences):
        seen = result.values.get(key)
        if seen is not None:
            result.values[key] = replace(seen, cases=seen.cases + 1)
        elif len(result.values) < MAX_VALUES:
            o = next(o for o in occurrences if o.key == key)
            result.values[key] = PreviewValue(o.type, o.value, key, 1)


__all__ = ["ImportOptions", "LandCounts", "Preview", "PreviewValue", "discard_job", "get_job",
           "job_issues", "landed_cases", "list_jobs", "preview", "preview_job", "recover",
           "release_job", "run", "run_pending", "submit", "submit_path"]
