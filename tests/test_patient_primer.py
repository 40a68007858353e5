"""The patient primer: it cites real catalogue sources, covers what the handout must say, and
reads at about grade 8 (Flesch–Kincaid, with a simple syllable count)."""

from __future__ import annotations

import re

import pytest

from triggermap import resources
from triggermap.clinic import patient_primer
from triggermap.clinic.patient_primer import ALL_SECTIONS, PrimerSection
from triggermap.storage.catalogue_reader import read_catalogue


def syllables(word: str) -> int:
    """Vowel groups, less a silent final e: close enough to rank reading difficulty."""
    word = word.lower()
    count = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def reading_grade(text: str) -> float:
    """Flesch–Kincaid grade level of plain text."""
    sentences = [s for s in re.split(r"[.!?:]+(?:\s|$)", text) if s.strip()]
    words = re.findall(r"[A-Za-z]+(?:'[a-z]+)?", text)
    per_sentence = len(words) / len(sentences)
    per_word = sum(syllables(w) for w in words) / len(words)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59


def test_reading_grade_measures_difficulty():
    # the measure itself must tell plain words from dense ones, or the checks below prove nothing
    assert reading_grade("The cat sat on the mat. It was warm.") < 3
    dense = (
        "Myofascial trigger point pathophysiology involves dysfunctional neuromuscular "
        "endplates, sustained sarcomere contracture and consequent localised ischaemia."
    )
    assert reading_grade(dense) > 14


def test_every_cited_source_is_in_the_catalogue():
    sources = read_catalogue(resources.catalogue_db()).sources
    for section in ALL_SECTIONS:
        assert section.sources, section.title
        for source in section.sources:
            assert source in sources, (section.title, source)


@pytest.mark.parametrize("section", ALL_SECTIONS, ids=[s.title for s in ALL_SECTIONS])
def test_each_section_reads_at_about_grade_eight(section: PrimerSection):
    assert reading_grade(section.sentences_text()) <= 9.0


def test_the_whole_primer_reads_below_grade_eight():
    assert reading_grade(" ".join(s.sentences_text() for s in ALL_SECTIONS)) <= 8.0


@pytest.mark.parametrize(
    ("section", "words"),
    [
        (patient_primer.WHAT_IS_DRY_NEEDLING, ("thin", "solid needle", "No medicine")),
        (patient_primer.DIFFERENCE_FROM_ACUPUNCTURE, ("Acupuncture", "meridians")),
        (patient_primer.WHAT_YOU_MAY_FEEL, ("twitch", "dull ache")),
        (
            patient_primer.COMMON_SIDE_EFFECTS,
            ("Soreness", "bruise", "blood", "tired", "faint"),
        ),
        (patient_primer.RARE_SERIOUS_RISKS, ("pneumothorax", "Infection", "nerve")),
        (patient_primer.AFTERCARE, ("sore for a day or two", "bruises")),
        (patient_primer.URGENT_HELP, ("short of breath", "chest pain", "emergency")),
    ],
)
def test_sections_say_what_patients_need_to_know(section: PrimerSection, words):
    text = section.sentences_text()
    for word in words:
        assert word in text, (section.title, word)


def test_the_urgent_sentence_leads_its_section():
    assert patient_primer.URGENT_HELP.paragraphs[0] == patient_primer.URGENT_SENTENCE
