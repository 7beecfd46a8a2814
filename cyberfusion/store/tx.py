"""A transaction as services see it: the session hidden behind one repository per aggregate."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.orm import Session

from cyberfusion.store.repositories.audit import AuditRepo
from cyberfusion.store.repositories.auth import AuthRepo
from cyberfusion.store.repositories.bulletins import BulletinRepo
from cyberfusion.store.repositories.cases import CaseRepo
from cyberfusion.store.repositories.channel import ChannelRepo
from cyberfusion.store.repositories.communities import CommunityRepo
from cyberfusion.store.repositories.correlation import CorrelationRepo
from cyberfusion.store.repositories.dashboard import DashboardRepo
from cyberfusion.store.repositories.directory import DirectoryRepo
from cyberfusion.store.repositories.disclosure import DisclosureRepo
from cyberfusion.store.repositories.entities import EntityRepo
from cyberfusion.store.repositories.gateway import AgreementRepo
from cyberfusion.store.repositories.handlings import HandlingRepo
from cyberfusion.store.repositories.hits import HitRepo
from cyberfusion.store.repositories.imports import ImportJobRepo, SourceObjectRepo
from cyberfusion.store.repositories.incidents import IncidentRepo
from cyberfusion.store.repositories.keys import KeyRepo
from cyberfusion.store.repositories.knowledge import KnowledgeRepo
from cyberfusion.store.repositories.knowledge_export import KnowledgeExportRepo
from cyberfusion.store.repositories.networks import NetworkRepo
from cyberfusion.store.repositories.observables import ObservableRepo
from cyberfusion.store.repositories.operations import OperationRepo
from cyberfusion.store.repositories.orgs import OrgRepo
from cyberfusion.store.repositories.outbox import OutboxRepo
from cyberfusion.store.repositories.report_data import ReportDataRepo
from cyberfusion.store.repositories.reports import ReportRepo
from cyberfusion.store.repositories.sources import SourceRepo
from cyberfusion.store.repositories.taxii import TaxiiRepo
from cyberfusion.store.repositories.users import UserRepo


class Tx:
    """Repositories sharing one session; the `Database` context commits or rolls back."""

    def __init__(self, session: Session, is_sqlite: bool) -> None:
        self.session = session
        self.is_sqlite = is_sqlite

    @cached_property
    def orgs(self) -> OrgRepo:
        """Organisations."""
        return OrgRepo(self.session)

    @cached_property
    def users(self) -> UserRepo:
        """Users and their roles."""
        return UserRepo(self.session)

    @cached_property
    def auth(self) -> AuthRepo:
        """API tokens, web sessions and login attempts."""
        return AuthRepo(self.session)

    @cached_property
    def handlings(self) -> HandlingRepo:
        """Handling records, their tokens and disclosure grants."""
        return HandlingRepo(self.session)

    @cached_property
    def observables(self) -> ObservableRepo:
        """Observable values and their occurrences."""
        return ObservableRepo(self.session)

    @cached_property
    def cases(self) -> CaseRepo:
        """Cases, filtered by the SQL form of the access decision."""
        return CaseRepo(self.session, self.handlings, self.observables)

    @cached_property
    def audit(self) -> AuditRepo:
        """The hash-chained audit trail."""
        return AuditRepo(self.session)

    @cached_property
    def imports(self) -> ImportJobRepo:
        """Import jobs and their issues."""
        return ImportJobRepo(self.session)

    @cached_property
    def knowledge(self) -> KnowledgeRepo:
        """Entity groups, relationships and linked cases, filtered by the access decision."""
        return KnowledgeRepo(self.session, self.handlings)

    @cached_property
    def knowledge_export(self) -> KnowledgeExportRepo:
        """Entity rows and relationships as exports read them (access-filtered)."""
        return KnowledgeExportRepo(self.session, self.handlings)

    @cached_property
    def source_objects(self) -> SourceObjectRepo:
        """Objects kept exactly as imported."""
        return SourceObjectRepo(self.session)

    @cached_property
    def entities(self) -> EntityRepo:
        """Actors, families, tools and techniques."""
        return EntityRepo(self.session)

    @cached_property
    def incidents(self) -> IncidentRepo:
        """Incidents, their checklists and what the pool knows of ransomware families."""
        return IncidentRepo(self.session, self.handlings)

    @cached_property
    def operations(self) -> OperationRepo:
        """Operations, their participants, targets, tasks, results and takedowns."""
        return OperationRepo(self.session, self.handlings)

    @cached_property
    def communities(self) -> CommunityRepo:
        """Communities: members, signed threads, library and meetings."""
        return CommunityRepo(self.session, self.handlings)

    @cached_property
    def channel(self) -> ChannelRepo:
        """Threads, messages, receipts and attachments of the secure channel."""
        return ChannelRepo(self.session)

    @cached_property
    def keys(self) -> KeyRepo:
        """Organisations' Ed25519 signing keys."""
        return KeyRepo(self.session)

    @cached_property
    def directory(self) -> DirectoryRepo:
        """24/7 contacts, duty rota, notification preferences and webhooks."""
        return DirectoryRepo(self.session)

    @cached_property
    def outbox(self) -> OutboxRepo:
        """Deadlines, escalation steps, in-app notifications and the delivery outbox."""
        return OutboxRepo(self.session)

    @cached_property
    def correlation(self) -> CorrelationRepo:
        """The correlation index: weak keys derived from observables."""
        return CorrelationRepo(self.session, self.is_sqlite)

    @cached_property
    def hits(self) -> HitRepo:
        """Recorded hits, their queries and the hit inbox."""
        return HitRepo(self.session, self.is_sqlite)

    @cached_property
    def disclosures(self) -> DisclosureRepo:
        """Disclosure requests after hits, with their history."""
        return DisclosureRepo(self.session)

    @cached_property
    def networks(self) -> NetworkRepo:
        """Networks of linked cases and the holdings they are computed from."""
        return NetworkRepo(self.session, self.is_sqlite)

    @cached_property
    def taxii(self) -> TaxiiRepo:
        """The pool in TAXII order, filtered by the access decision."""
        return TaxiiRepo(self.session, self.cases)

    @cached_property
    def bulletins(self) -> BulletinRepo:
        """Prevention bulletins and the handling of the sources they cite."""
        return BulletinRepo(self.session)

    @cached_property
    def dashboard(self) -> DashboardRepo:
        """Dashboard figures, each counted under the SQL form of the access decision."""
        return DashboardRepo(self.session, self.is_sqlite)

    @cached_property
    def sources(self) -> SourceRepo:
        """TAXII sources, their runs and what pushes delivered."""
        return SourceRepo(self.session)

    @cached_property
    def reports(self) -> ReportRepo:
        """Cyber activity reports and their deliveries."""
        return ReportRepo(self.session)

    @cached_property
    def report_data(self) -> ReportDataRepo:
        """What reports are built from, under the intersection of their readers' access."""
        return ReportDataRepo(self.session)

    @cached_property
    def agreements(self) -> AgreementRepo:
        """Gateway agreements with partner organisations."""
        return AgreementRepo(self.session)

    def before_commit(self) -> None:
        """Chain this transaction's audit events: the last step before it commits, so the
        audit head's lock is held only from here to the commit."""
        if "audit" in self.__dict__:
            self.audit.seal()

    def flush(self) -> None:
        """Send pending writes so generated ids are known."""
        self.session.flush()
