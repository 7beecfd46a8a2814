"""Our handling record as a STIX 2.1 property extension (section 7.3): out, in, stricter wins."""

from __future__ import annotations

from datetime import date
from typing import Any

import jsonschema
import orjson
import pytest

from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose, validate_handling
from cyberfusion.domain.imports import ImportDefaults, Severity, handling_for
from cyberfusion.formats.stix.extension import (
    EXTENSION_ID,
    SCHEMA,
    combine,
    extension_definition,
    handling_extension,
    narrower,
    read_extension,
)

TIGHT = Handling(tlp=TLP.RED, release=frozenset({"country:FR", "org:de-bka"}),
                 review_by=date(2027, 5, 1), exclude=frozenset({"country:RU"}),
                 partners=frozenset(), hit_policy=HitPolicy.SILENT, purpose=Purpose.OPERATION,
                 reliability="B", credibility=2, personal_data=True)


def test_definition_embeds_its_schema() -> None:
    definition = extension_definition()
    assert definition["id"] == EXTENSION_ID
    assert definition["extension_types"] == ["property-extension"]
    embedded = orjson.loads(definition["schema"].split("JSON Schema: ", 1)[1])
    assert embedded == SCHEMA
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("handling", [TIGHT, Handling(TLP.CLEAR, frozenset({"members"}),
                                                      date(2030, 1, 1))])
def test_content_follows_the_schema_and_reads_back(handling: Handling) -> None:
    content = handling_extension(handling)
    jsonschema.validate(content, SCHEMA)
    source, problems = read_extension(content)
    assert not problems and source is not None
    loose = Handling(TLP.CLEAR, frozenset({"members"}), date(2099, 1, 1),
                     partners=frozenset({"acme-sec"}), hit_policy=HitPolicy.VISIBLE)
    assert combine(loose, source, "fr-cyber") == handling


def test_combine_takes_the_stricter_side_of_every_field() -> None:
    ours = Handling(TLP.AMBER, frozenset({"members"}), date(2030, 1, 1),
                    exclude=frozenset({"country:KP"}), partners=frozenset({"acme-sec", "b-sec"}),
                    hit_policy=HitPolicy.HIT)
    source, _ = read_extension({"extension_type": "property-extension", "tlp": "green",
                                "release": ["region:europe"], "exclude": ["org:x-unit"],
                                "partners": ["b-sec"], "hit_policy": "visible",
                                "review_by": "2029-01-01", "grading": "C3"})
    assert source is not None
    got = combine(ours, source, "fr-cyber")
    assert got == Handling(TLP.AMBER, frozenset({"region:europe"}), date(2029, 1, 1),
                           exclude=frozenset({"country:KP", "org:x-unit"}),
                           partners=frozenset({"b-sec"}), hit_policy=HitPolicy.HIT,
                           reliability="C", credibility=3)
    validate_handling(got)


def test_narrower_release() -> None:
    members = frozenset({"members"})
    fr, de = frozenset({"country:FR"}), frozenset({"country:DE"})
    assert narrower(members, fr, "me") == fr
    assert narrower(fr, members, "me") == fr
    assert narrower(fr | de, fr, "me") == fr
    assert narrower(fr, de, "me") == frozenset({"org:me"})


def _marked(stix: Any, content: Any) -> dict[str, Any]:
    return stix.indicator(stix.uid(1), "[ipv4-addr:value = '198.51.100.1']",
                          extensions={EXTENSION_ID: content})


def test_import_honours_the_extension(stix: Any) -> None:
    out = stix.decode(stix.bundle(_marked(stix, handling_extension(TIGHT))))
    assert out.objects[0].tlp is TLP.RED
    handling = out.cases[0].draft.handling
    assert handling == combine(handling_for(stix.clear_defaults(), TLP.RED),
                               read_extension(handling_extension(TIGHT))[0],
                               "fr-cyber")
    assert handling.personal_data and handling.exclude == frozenset({"country:RU"})


def test_the_importers_narrower_defaults_still_win(stix: Any) -> None:
    own = ImportDefaults("fr-cyber", date(2026, 12, 31), tlp=TLP.AMBER,
                         release=frozenset({"org:fr-cyber"}))
    wide = {"extension_type": "property-extension", "tlp": "clear", "release": ["members"],
            "partners": ["acme-sec"], "hit_policy": "visible"}
    out = stix.decode(stix.bundle(_marked(stix, wide)), defaults=own)
    handling = out.cases[0].draft.handling
    # the TLP is the source's (the default is for sources with none); the rest narrows
    assert (handling.tlp, handling.release, handling.partners, handling.review_by) == (
        TLP.CLEAR, frozenset({"org:fr-cyber"}), frozenset(), date(2026, 12, 31))
    assert handling.hit_policy is HitPolicy.HIT


@pytest.mark.parametrize("content", [
    "not an object",
    {"extension_type": "property-extension", "tlp": "purple", "release": ["members"]},
    {"extension_type": "property-extension", "tlp": "green", "release": ["planet:mars"]},
    {"extension_type": "property-extension", "tlp": "green", "release": ["members"],
     "exclude": ["members"]},
    {"extension_type": "property-extension", "tlp": "green", "release": ["members"],
     "review_by": "soon"},
])
def test_an_unreadable_extension_fails_closed(stix: Any, content: Any) -> None:
    out = stix.decode(stix.bundle(_marked(stix, content)))
    warnings = out.severities(Severity.WARNING)
    assert warnings and all(w.location.startswith("t.json:objects[0].extensions.")
                            for w in warnings)
    handling = out.cases[0].draft.handling
    assert handling.release == frozenset({"org:fr-cyber"})
    assert handling.tlp in (TLP.AMBER_STRICT, TLP.RED) and not handling.partners
