"""The codec extension point: every importer and exporter is a registered class.

A codec decodes a byte stream into `Batch`es (streaming, bounded memory) and may encode
cases back. Built-ins register themselves like plug-ins with `@register_codec`; a test
checks that every subclass is registered.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, ClassVar

from cyberfusion.domain.imports import Batch, ImportDefaults, KeptObject
from cyberfusion.domain.knowledge import EndKind, Entity, Relationship
from cyberfusion.domain.model import Case

#: Objects per batch handed to the imports service (one transaction each).
BATCH_OBJECTS = 5000


class Codec(ABC):
    """An input format: knows its name, how to recognise itself, and how to decode."""

    name: ClassVar[str]
    title: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]] = ()
    media_types: ClassVar[tuple[str, ...]] = ()
    #: Asked before the others when sniffing (a format whose lines look like another's).
    sniff_first: ClassVar[bool] = False

    @classmethod
    @abstractmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """True if the first bytes (and name) look like this format."""

    @abstractmethod
    def decode(
        self, stream: BinaryIO, source_name: str, defaults: ImportDefaults
    ) -> Iterator[Batch]:
        """Yield batches of decoded objects with located issues; never raise on bad objects."""


class Exporter(ABC):
    """An output format for cases the caller may read in full."""

    name: ClassVar[str]
    media_type: ClassVar[str]
    extension: ClassVar[str]

    @abstractmethod
    def export(self, cases: Iterable[Case], context: ExportContext) -> Iterator[bytes]:
        """Yield the encoded document in chunks."""


class ExportContext:
    """What an exporter may need besides the cases: kept source objects of the cases (bodies
    by case), org names, the producer, and the kept objects with their refs and TLP (the
    cases' own, and the readable knowledge kept outside any case), and the readable entity
    rows and relationships (which formats write those without a kept body)."""

    def __init__(
        self,
        source_objects: dict[int, list[dict[str, Any]]] | None = None,
        org_names: dict[str, str] | None = None,
        producer_org_id: str = "",
        kept: list[KeptObject] | None = None,
        entities: list[Entity] | None = None,
        relationships: list[Relationship] | None = None,
    ) -> None:
        self.source_objects = source_objects or {}
        self.org_names = org_names or {}
        self.producer_org_id = producer_org_id
        self.kept = kept or []
        self.entities = entities or []
        self.relationships = relationships or []

    @property
    def knowledge(self) -> list[dict[str, Any]]:
        """Bodies of the kept objects that belong to no case."""
        return [k.body for k in self.kept if k.case_id is None]

    def entities_of_case(self, case_id: int) -> list[Entity]:
        """The entity rows linked to one case by the relationships in this export."""
        if not hasattr(self, "_by_case"):
            rows = {e.id: e for e in self.entities}
            self._by_case: dict[int, list[Entity]] = {}
            for link in self.relationships:
                for near, far in ((link.source, link.target), (link.target, link.source)):
                    if near.kind is EndKind.CASE and far.kind is EndKind.ENTITY \
                            and far.id in rows:
                        self._by_case.setdefault(near.id, []).append(rows[far.id])
        return self._by_case.get(case_id, [])


CODECS: dict[str, type[Codec]] = {}
EXPORTERS: dict[str, type[Exporter]] = {}


def register_codec(cls: type[Codec]) -> type[Codec]:
    """Class decorator: add an importer to CODECS under its `name`."""
    if cls.name in CODECS and CODECS[cls.name] is not cls:
        raise ValueError(f"codec name {cls.name!r} taken by {CODECS[cls.name].__name__}")
    CODECS[cls.name] = cls
    return cls


def register_exporter(cls: type[Exporter]) -> type[Exporter]:
    """Class decorator: add an exporter to EXPORTERS under its `name`."""
    if cls.name in EXPORTERS and EXPORTERS[cls.name] is not cls:
        raise ValueError(f"exporter name {cls.name!r} taken by {EXPORTERS[cls.name].__name__}")
    EXPORTERS[cls.name] = cls
    return cls


def load_builtins() -> None:
    """Import the built-in codec modules so they register (like plug-ins would)."""
    import importlib

    for module in BUILTIN_MODULES:
        importlib.import_module(module)


#: Modules whose import registers the built-in codecs and exporters.
BUILTIN_MODULES: tuple[str, ...] = (
    "cyberfusion.formats.stix", "cyberfusion.formats.misp",
    "cyberfusion.formats.csv_codec", "cyberfusion.formats.csv_export",
    "cyberfusion.formats.text.codec", "cyberfusion.formats.jsonl",
)


def sniff(head: bytes, filename: str) -> type[Codec] | None:
    """The first registered codec that recognises the input, or None."""
    load_builtins()
    for codec in sorted(CODECS.values(), key=lambda c: not c.sniff_first):
        if codec.sniff(head, filename):
            return codec
    return None
