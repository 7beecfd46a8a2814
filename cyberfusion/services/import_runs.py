"""Running one import job under a lease: heartbeat, checkpoints, resume and honest faults.

A runner claims a job with a lease (`host:pid:nonce`, until a time) and renews it from a
heartbeat thread while it works. Each batch lands in its own transaction with the job's
counts and, unless the reader stopped at a fault, a checkpoint: batches landed, bytes
read and their sha256. A job whose runner died (lease lapsed, or its process is gone from
this host) is claimed again by the next worker or CLI import and resumes at its
checkpoint if the file still starts with the same bytes; otherwise from the start.
Either way the job restarts with the counts of its checkpoint, so they add up as in a
clean run. A reader that stops at a fault (truncation, bad bytes) ends the job `partial`
(or `failed` if nothing landed) with the place it stopped.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, cast

from cyberfusion import collector
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.gateway import Direction, OutsideAgreement
from cyberfusion.domain.handling import HitPolicy, Purpose, parse_tlp
from cyberfusion.domain.imports import (
    Batch,
    ImportDefaults,
    ImportIssue,
    ImportJob,
    Severity,
    without_values,
)
from cyberfusion.domain.model import OrgKind
from cyberfusion.errors import InvalidInput
from cyberfusion.formats import base
from cyberfusion.services import audit, gateway, hits
from cyberfusion.services.context import Context
from cyberfusion.services.flags import WarningMatcher, matcher_for
from cyberfusion.services.import_inputs import Counted, inner_name, open_input, prefix_digest
from cyberfusion.services.landing import Lander
from cyberfusion.store.repositories.imports import LeaseLost
from cyberfusion.store.tx import Tx

Progress = Callable[[int, int], None]
log = logging.getLogger("cyberfusion.imports")
HOST = socket.gethostname()[:60]


def holder_id() -> str:
    """A lease holder name: this host, this process, and a nonce for this run."""
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_here(holder: str) -> bool:
    """True if `holder` ran on this host in a process that no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def reclaim_dead(ctx: Context) -> int:
    """End at once the leases of jobs whose runner on this host died (kill -9, crash)."""
    with ctx.db.write() as tx:
        dead = [j for j in tx.imports.running() if _dead_here(j.lease_holder)]
        for job in dead:
            tx.imports.expire(job.id, job.lease_holder, ctx.now() - timedelta(seconds=1))
    for job in dead:
        log.info("import %d: its runner %s is gone; it will be resumed", job.id,
                 job.lease_holder)
    return len(dead)


class Heartbeat:
    """Renews a job's lease every third of its length while the job runs (a daemon thread)."""

    def __init__(self, ctx: Context, job_id: int, holder: str) -> None:
        self.ctx, self.job_id, self.holder = ctx, job_id, holder
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name=f"cyberfusion-lease-{job_id}")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(10)

    def _loop(self) -> None:
        period = self.ctx.settings.import_lease_seconds / 3
        while not self._stop.wait(period):
            try:
                with self.ctx.db.write() as tx:
                    held = tx.imports.renew(self.job_id, self.holder, lease_end(self.ctx))
            except Exception:  # a busy database: the next beat tries again
                log.exception("import %d: lease renewal failed", self.job_id)
                continue
            if not held:
                self.lost = True
                return


def lease_end(ctx: Context) -> datetime:
    """When a lease taken or renewed now lapses."""
    return ctx.now() + timedelta(seconds=ctx.settings.import_lease_seconds)


def run(ctx: Context, job_id: int | None = None, progress: Progress | None = None
        ) -> ImportJob | None:
    """Claim a job (this one, or the oldest pending or abandoned one) and land it under a
    lease; None if there was none."""
    reclaim_dead(ctx)
    holder = holder_id()
    with ctx.db.write() as tx:
        job = tx.imports.claim(job_id, ctx.now(), holder, lease_end(ctx))
    if job is None:
        return None
    if job.attempts > ctx.settings.import_max_attempts:
        mark = job.checkpoint
        where = f"after batch {mark.batches}, byte {mark.bytes}" if mark else "before any batch"
        return _finish(ctx, job, holder, "failed", f"its runner died {job.attempts - 1} times "
                       f"(lease lapsed) without landing another batch, {where}; not tried "
                       "again", [])
    try:
        with Heartbeat(ctx, job.id, holder), collector.relaxed():
            fault = _land_all(ctx, job, holder, progress)
    except LeaseLost:  # another runner took it over: it writes the outcome
        log.warning("import %d: lease lost to another runner; stopping", job.id)
        with ctx.db.read() as tx:
            return tx.imports.get(job.id)
    except (InvalidInput, OutsideAgreement) as exc:  # the input is refused: say where
        refused = [ImportIssue(Severity.ERROR, i.location, i.message) for i in exc.issues]
        where = f" ({refused[0].location}: {refused[0].message})" if refused else ""
        return _finish(ctx, job, holder, "failed", f"{exc}{where}", refused)
    except Exception as exc:  # the job records why it failed; the worker carries on
        log.exception("import %d failed", job.id)
        return _finish(ctx, job, holder, "failed", f"{type(exc).__name__}: {exc}", [])
    if fault is None:
        return _finish(ctx, job, holder, "done", "", [])
    return _finish(ctx, job, holder, *_stopped(ctx, job, fault))


def _stopped(ctx: Context, job: ImportJob, fault: ImportIssue) -> tuple[str, str, list[
        ImportIssue]]:
    """`partial` (or `failed` if nothing landed) and where the reading stopped."""
    with ctx.db.read() as tx:
        now = tx.imports.get(job.id)
    assert now is not None
    landed = sum(now.counts[n] for n in ("created", "updated", "unchanged"))
    if not landed:
        return "failed", f"reading stopped at {fault.location}: {fault.message}; nothing " \
            "landed", []
    return "partial", (f"reading stopped at {fault.location}: {fault.message}; {landed} "
                       f"landed before it ({now.bytes_done} of {job.size_bytes} bytes read). "
                       "Fix the file and import it again: it continues from the last "
                       "checkpoint"), []


def _finish(ctx: Context, job: ImportJob, holder: str, status: str, error: str,
            refused: list[ImportIssue]) -> ImportJob | None:
    """Record the outcome (only while this runner still holds the lease) and audit it."""
    try:
        with ctx.db.write() as tx:
            if refused:
                tx.imports.progress(job.id, 0, {}, refused, holder)
            tx.imports.finish(job.id, status, ctx.now(), error, holder)
            audit.record(tx, ctx, None, AuditAction.IMPORT_FINISH, "import", job.id,
                         job.owner_org_id, {"status": status, "error": error[:500]})
    except LeaseLost:
        log.warning("import %d: lease lost before its outcome was written", job.id)
    with ctx.db.read() as tx:
        return tx.imports.get(job.id)


def _land_all(ctx: Context, job: ImportJob, holder: str,
              progress: Progress | None) -> ImportIssue | None:
    """Land each batch after the checkpoint in its own transaction; the fault that stopped
    the reader, if one did."""
    base.load_builtins()
    codec = base.CODECS[job.codec]()
    defaults = stored_defaults(job)
    matcher = matcher_for(ctx)
    _check_agreement(ctx, job, codec, defaults)
    skip = _resume_point(ctx, job, holder)
    fault: ImportIssue | None = None
    with _batches(ctx, codec, Path(job.path), job.filename, defaults,
                  dropped_values(job)) as (batches, counted):
        for index, batch in enumerate(batches, 1):
            if index <= skip:
                continue
            fault = fault or batch.fault
            with ctx.db.write() as tx:
                _land_one(ctx, tx, job, holder, batch, matcher, defaults)
                if fault is None and counted is not None:  # no checkpoint past a fault
                    tx.imports.advance(job.id, holder, index, counted.count,
                                       counted.hexdigest(), lease_end(ctx))
            if progress:
                progress(batch.bytes_read, job.size_bytes)
    return fault


def _land_one(ctx: Context, tx: Tx, job: ImportJob, holder: str, batch: Batch,
              matcher: WarningMatcher | None, defaults: ImportDefaults) -> None:
    """One batch: land it, tell the hit watchers, add its counts and issues to the job."""
    agreement = gateway.admit_batch(tx, ctx, job.owner_org_id, batch, job.filename)
    lander = Lander(tx, defaults, job.user_id, job.id, ctx.now(), matcher, job.filename)
    counts = lander.land(batch)
    hits.on_cases_landed(tx, ctx, job.owner_org_id, counts.case_ids, job.user_id)
    gateway.record_transfer(tx, ctx, None, job.owner_org_id, agreement, Direction.INBOUND,
                            f"import:{job.id}", counts.as_dict())
    tx.imports.progress(job.id, batch.bytes_read, counts.as_dict(), batch.issues, holder)
    if counts.case_ids:  # which cases this job made or changed: the job page links them
        audit.record(tx, ctx, None, AuditAction.IMPORT_LAND, "import", job.id,
                     job.owner_org_id, {"cases": sorted(set(counts.case_ids))})


def _check_agreement(ctx: Context, job: ImportJob, codec: base.Codec,
                     defaults: ImportDefaults) -> None:
    """A partner's import is read through once before anything lands, so content its
    agreement does not let in refuses the whole job rather than a part of it."""
    with ctx.db.read() as tx:
        owner = tx.orgs.get(job.owner_org_id)
    if owner is None or owner.kind is not OrgKind.PARTNER:
        return
    with _batches(ctx, codec, Path(job.path), job.filename, defaults) as (batches, _):
        for batch in batches:
            with ctx.db.read() as tx:
                gateway.admit_batch(tx, ctx, job.owner_org_id, batch, job.filename)


def _resume_point(ctx: Context, job: ImportJob, holder: str) -> int:
    """Batches to skip: the checkpoint's, if the file still starts with the bytes it read."""
    with ctx.db.write() as tx:
        mark = tx.imports.restart(job.id, holder)
    if mark is None or not mark.batches:
        return 0
    path = Path(job.path)
    same = not path.is_dir() and path.exists() and prefix_digest(
        path, mark.bytes, ctx.settings.import_max_expanded_bytes,
        ctx.settings.import_max_ratio) == mark.sha256
    if same:
        log.info("import %d: resuming after batch %d (byte %d)", job.id, mark.batches,
                 mark.bytes)
        return mark.batches
    with ctx.db.write() as tx:
        tx.imports.forget_checkpoint(job.id, holder)
        tx.imports.restart(job.id, holder)
    return 0


@contextmanager
def _batches(ctx: Context, codec: base.Codec, path: Path, name: str, defaults: ImportDefaults,
             dropped: frozenset[str] = frozenset(),
             ) -> Iterator[tuple[Iterator[Batch], Counted | None]]:
    """Decoded batches of a file (expanded if compressed, counted), or of a MISP feed folder,
    without the values dropped at the review step."""
    if path.is_dir():
        from cyberfusion.formats.misp.decode import decode_feed_folder

        yield (without_values(b, dropped) for b in decode_feed_folder(path, defaults)), None
        return
    settings = ctx.settings
    with open_input(path, settings.import_max_expanded_bytes, settings.import_max_ratio) as raw:
        counted = Counted(raw)
        yield (without_values(b, dropped) for b in codec.decode(
            cast(BinaryIO, counted), inner_name(name), defaults)), counted


def dropped_values(job: ImportJob) -> frozenset[str]:
    """Keys of the values the submitter dropped at the review step (none kept out by default)."""
    return frozenset(str(k) for k in job.defaults.get("dropped", ()))


def stored_defaults(job: ImportJob) -> ImportDefaults:
    """The defaults the job was submitted with."""
    d = job.defaults
    return ImportDefaults(
        importer_org_id=job.owner_org_id, review_by=date.fromisoformat(d["review_by"]),
        tlp=parse_tlp(d["tlp"]),
        tlp_floor=parse_tlp(d["tlp_floor"]) if d.get("tlp_floor") else None,
        release=frozenset(d["release"]),
        partners=frozenset(d["partners"]), hit_policy=HitPolicy(d["hit_policy"]),
        purpose=Purpose(d["purpose"]))
