"""'Where does it hurt?' against the pain-guide benchmark built from public pages."""

from __future__ import annotations

import re

import pytest

from tests.pain_guide import measure, read_guide
from triggermap import resources
from triggermap.services.atlas_views import load_body_views
from triggermap.services.pain_ranking import zone_weights
from triggermap.storage.catalogue_reader import read_catalogue


@pytest.fixture(scope="module")
def shipped():
    atlas = load_body_views(resources.svg_dir(), None)
    catalogue = read_catalogue(resources.catalogue_db())
    return catalogue, zone_weights(atlas, catalogue)


@pytest.fixture(scope="module")
def measured(shipped):
    return measure(*shipped)


def test_the_guide_names_real_zones_and_muscles_and_a_page_for_each_entry(shipped):
    catalogue, _ = shipped
    guide = read_guide()
    assert len(guide) >= 40
    for area in guide:
        assert area.zones, area.name
        for zone in area.zones:
            assert zone in catalogue.zones, (area.name, zone)
        assert area.muscles, area.name
        for m in area.muscles:
            assert re.match(r"https?://\S+$", m.source), (area.name, m.muscle_id)
            if m.in_catalogue:
                assert m.muscle_id in catalogue.muscles, (area.name, m.muscle_id)
            else:
                assert m.muscle_id not in catalogue.muscles, (area.name, m.muscle_id)


def test_the_areas_the_review_found_empty_are_in_the_guide():
    names = " ".join(a.name.lower() for a in read_guide())
    for words in ("shin", "ankle", "big toe"):
        assert words in names


def test_no_area_of_the_guide_returns_nothing(measured):
    figures, _ = measured
    assert figures.empty_areas == ()


#: The figures this build reaches, kept as floors so that a change to the ranking or the
#: catalogue that loses listed muscles fails here. They are below the targets the look-ups
#: issue set (0.85 of listed and 0.95 of essential muscles in the top ten) and the closing note
#: says why: the guide names muscles the catalogue does not yet hold at that level (the
#: cervical and thoracic multifidi), and pages that read a pattern differently from the
#: manuals (the catalogue was corrected only where the manuals agree with the page).
#: With 17 more muscles in the catalogue (116) the same zones have more candidates, and
#: recall@10 fell from 0.816 to 0.798 (essential 0.845 to 0.829) although no listed muscle
#: lost a zone: a muscle new to the catalogue that the guide does not list counts against it.
#: With flexor hallucis longus, plantaris and fibularis tertius (122 muscles) recall@10 is
#: 0.790 and essential 0.818: the guide lists FHL as essential for the inner ankle, which the
#: manual's pattern does not include, so the catalogue does not either.
RECALL_AT_10_FLOOR = 0.78
ESSENTIAL_RECALL_AT_10_FLOOR = 0.81


def test_the_top_ten_holds_the_muscles_the_guide_lists(measured):
    figures, results = measured
    missed = {r.area.name: r.missed(10) for r in results if r.missed(10)}
    assert figures.recall_at_10 >= RECALL_AT_10_FLOOR, missed


def test_the_top_ten_holds_nearly_every_muscle_whose_main_pattern_is_there(measured):
    figures, results = measured
    assert figures.essential_recall_at_10 >= ESSENTIAL_RECALL_AT_10_FLOOR, [
        (r.area.name, r.found(10, essential_only=True)) for r in results
    ]


def test_the_muscles_added_for_the_guide_are_found_where_it_lists_them(measured):
    # the pain guide's underside of the big toe returned nothing until flexor hallucis brevis
    # and the spillover of tibialis posterior over the toes were in the catalogue
    _, results = measured
    big_toe = next(r for r in results if r.area.name == "Underside of the big toe")
    assert big_toe.rank("flexor_hallucis_brevis") is not None
    assert big_toe.rank("flexor_hallucis_brevis") <= 3
    assert big_toe.rank("tibialis_posterior") is not None
