"""Catalogue search: synonyms, descriptions and symptoms are found; no typed text can break it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triggermap import resources
from triggermap.storage.catalogue_search import CatalogueSearch, fts_query


@pytest.fixture(scope="module")
def search():
    engine = CatalogueSearch(resources.catalogue_db())
    yield engine
    engine.close()


def test_a_muscle_is_found_by_a_synonym(search):
    assert ("muscle", "fibularis_longus") in {(h.kind, h.ref_id) for h in search.search("peroneus")}


def test_a_condition_is_found_by_a_word_of_its_description(search):
    description = next(iter(search.search("plantar fasciitis"))).ref_id
    assert description == "plantar_fasciitis"
    hits = search.search("heel")
    assert "plantar_fasciitis" in {h.ref_id for h in hits if h.kind == "condition"}


def test_typing_completes_the_last_word(search):
    assert "upper_trapezius" in {h.ref_id for h in search.search("upper trap")}


@pytest.mark.parametrize(
    "nasty",
    [
        '"',
        "'",
        "NEAR(a b)",
        "a OR b AND NOT c",
        "*",
        "^x",
        "col:value",
        "(((",
        "🦵💉",
        "x" * 10_000,
        "",
        "   ",
        "\0",
        "-- ; drop table muscles",
    ],
)
def test_nasty_text_is_safe(search, nasty: str):
    assert isinstance(search.search(nasty), list)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_safe(search, text: str):
    hits = search.search(text)
    assert all(h.kind in ("muscle", "condition") for h in hits)


def test_queries_are_quoted_tokens():
    assert fts_query('tennis "elbow') == '"tennis" "elbow"*'
    assert fts_query("?!") is None
