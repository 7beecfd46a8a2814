"""Extraction from Arabic, French and Spanish text: precision and recall on the labelled corpus.

The corpus (tests/fixtures/extraction/*.jsonl, built by build_corpus.py) holds police
bulletins, victim reports, ransom-negotiation chats and phishing alerts with their expected
observables, hard negatives included. The figures asserted are measured here, per language.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cyberfusion.formats.text import extract

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "extraction"
sys.path.insert(0, str(FIXTURES))

import build_corpus  # noqa: E402
from corpus import LANGUAGES, Pair, load, score  # noqa: E402

FLOOR = 0.98
INVISIBLE = ("\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u2066", "\u2067", "\u2068", "\u2069")


def found(text: str) -> set[Pair]:
    """What extract() finds, as (type, canonical value) pairs."""
    return {(e.type.value, e.value) for e in extract(text)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_precision_and_recall_per_language(lang: str) -> None:
    result = score(load(lang), found)
    misses = "\n".join(f"{i} {kind} {pair}" for i, kind, pair in result.misses)
    assert result.precision >= FLOOR, f"{lang} precision {result.precision:.3f}\n{misses}"
    assert result.recall >= FLOOR, f"{lang} recall {result.recall:.3f}\n{misses}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_corpus_is_large_and_hard_enough(lang: str) -> None:
    texts = load(lang)
    assert len(texts) >= 60
    assert {t.kind for t in texts} == {"bulletin", "victim", "ransom", "phishing"}
    assert sum(not t.expected for t in texts) >= 3  # texts with only hard negatives
    marks = INVISIBLE if lang == "ar" else ("\u00a0", "\u202f") if lang == "fr" else "\u00bf\u00a1"
    assert sum(any(c in t.text for c in marks) for t in texts) >= 5
    assert len({p[0] for t in texts for p in t.expected}) >= 12


def test_arabic_corpus_spells_values_as_arabic_writers_do() -> None:
    texts = " ".join(t.text for t in load("ar"))
    assert any("\u0660" <= c <= "\u0669" for c in texts)
    assert any("\u06f0" <= c <= "\u06f9" for c in texts)
    assert any("\uff01" <= c <= "\uff5e" for c in texts)
    assert all(mark in texts for mark in ("\u060c", "\u061b", "\u061f", "\u06d4"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_corpus_file_is_what_the_builder_makes(lang: str) -> None:
    written = (FIXTURES / f"{lang}.jsonl").read_text(encoding="utf-8")
    assert written == "".join(build_corpus.lines(lang))
