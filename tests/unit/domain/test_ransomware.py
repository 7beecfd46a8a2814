"""Ransomware family identification: evidence, weighting, unknown input, held-out accuracy."""

from __future__ import annotations

import time

from cyberfusion.domain.ransomware import (
    Clues,
    FamilyClues,
    FamilyIndex,
    combine,
    evaluate,
    extract_addresses,
    held_out,
    name_key,
    split_families,
)
from cyberfusion.formats.reference import ransomware_clues
from cyberfusion.services.ransomware import galaxy_index

ACME = FamilyClues("Acme Ransomware", ("AcmeLock",),
                   ("All your files are encrypted by Acme. Write to acme@evil.example to pay "
                    "0.5 bitcoin for the decryptor.",),
                   ("ACME_README.txt",), (".acme", ".shared"))
OTHER = FamilyClues("Other", (), ("Your network was breached. Pay to restore your backups "
                                  "or the data will be published on our blog.",),
                    ("RESTORE.txt",), (".shared",))


def index() -> FamilyIndex:
    return FamilyIndex.build([ACME, OTHER])


def test_each_matched_clue_is_evidence_and_the_best_comes_first() -> None:
    found = index().identify(Clues("Files encrypted, contact acme@evil.example",
                                   "ACME_README.txt", ".acme"))
    assert found.identified
    best = found.candidates[0]
    assert best.family == "Acme Ransomware" and best.aliases == ("AcmeLock",)
    clues = {e.clue for e in best.evidence}
    assert {"address", "note file name", "extension", "name in note"} <= clues
    assert best.score == round(sum(e.weight for e in best.evidence), 3)


def test_a_clue_shared_by_two_families_weighs_half() -> None:
    found = index().identify(Clues(extension="shared"))
    assert [c.score for c in found.candidates] == [2.0, 2.0]
    assert not found.identified  # a shared extension alone names no family


def test_an_empty_or_unknown_note_identifies_nothing_without_failing() -> None:
    assert index().identify(Clues()).candidates == ()
    assert index().identify(Clues()).verdict == "no family identified"
    unknown = index().identify(Clues("Привет мир, ничего общего. مرحبا بالعالم"))
    assert not unknown.identified


def test_note_text_alone_is_matched_by_similarity() -> None:
    found = index().identify(Clues("your backups: pay to restore, or the data is published"))
    assert found.candidates[0].family == "Other"
    assert found.candidates[0].evidence[0].clue == "note text"


def test_addresses_are_read_from_the_note() -> None:
    onion = "abcdefghijklmnopqrstuvwxyz234567" + "abcdefghijklmnopqrstuvwx" + ".onion"
    text = f"mail bob@x.example or visit {onion}, pay 1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
    found = extract_addresses(text)
    assert "bob@x.example" in found and "1boatslrhtknngkdxeeobr76b53lettpyt" in found
    assert onion in found and len(onion) == 62


def test_generic_words_are_not_taken_for_family_names() -> None:
    families = [FamilyClues("Files", description="files")] + [
        FamilyClues(f"F{i}", notes=(f"your files are gone {i}",)) for i in range(6)]
    found = FamilyIndex.build(families).identify(Clues("some files"))
    assert all(c.family != "Files" for c in found.candidates)


def test_same_named_families_are_merged_and_combined() -> None:
    merged = FamilyIndex.build([ACME, FamilyClues("acmelock", addresses=("pay@acme.example",),
                                                  source="pool")])
    assert len(merged.families) == 1 and merged.families[0].source == "galaxy,pool"
    pool = FamilyIndex.build([FamilyClues("AcmeLock", addresses=("pay@acme.example",))])
    clues = Clues("write to pay@acme.example", extension=".acme")
    both = combine(index().identify(clues), pool.identify(clues))
    assert both.candidates[0].family == "Acme Ransomware"
    assert {e.clue for e in both.candidates[0].evidence} >= {"address", "extension"}


def test_the_split_is_deterministic_and_keeps_held_out_clues_out() -> None:
    kept, queries = split_families(ransomware_clues()[:400])
    again = split_families(ransomware_clues()[:400])[1]
    assert queries == again and queries
    held = {(f, c.text or c.extension) for f, c in queries}
    for fam in kept:
        assert not any((fam.family, n) in held for n in (*fam.notes, *fam.extensions))
    assert all(held_out(f, clue) for f, clue in held)


def test_held_out_accuracy_is_above_the_floor_measured() -> None:
    # The evaluation of benchmarks/bench_ransomware.py (225 held-out clues, the index built
    # without them) measured top-1 44 % on notes, 26 % on extensions, top-3 31 % overall;
    # the floors sit well under that and well over a naive matcher (8 % and 1 %).
    kept, queries = split_families(ransomware_clues())
    rows = {r.kind: r for r in evaluate(FamilyIndex.build(kept), queries)}
    assert rows["note text"].rate(rows["note text"].top1) >= 0.3
    assert rows["extension"].rate(rows["extension"].top1) >= 0.15
    assert rows["all"].rate(rows["all"].top3) >= 0.2
    assert rows["all"].top3 >= rows["all"].top1


def test_one_note_is_identified_in_under_50_ms_after_start_up() -> None:
    idx = galaxy_index()
    fam = next(f for f in ransomware_clues() if f.notes and f.extensions)
    start = time.perf_counter()
    found = idx.identify(Clues(fam.notes[0], extension=fam.extensions[0]))
    assert (time.perf_counter() - start) < 0.05
    assert name_key(fam.family) in {name_key(n) for n in (found.candidates[0].family,
                                                          *found.candidates[0].aliases)}
