"""The shipped catalogue: clean check, coverage, fresh-build equality, facts and safety."""

from __future__ import annotations

import sqlite3

import pytest
import simple_icd_10_cm as icd

from triggermap import resources
from triggermap.catalogue.model import Catalogue
from triggermap.catalogue.toml_sources import read_catalogue_sources
from triggermap.services.atlas_views import load_body_views
from triggermap.services.catalogue_build import build_catalogue
from triggermap.services.catalogue_check import check_catalogue, coverage_stats
from triggermap.storage.catalogue_reader import dump_catalogue, read_catalogue

from .test_shipped_atlas import ATLAS_MUSCLES


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_catalogue(resources.catalogue_db())


def test_catalogue_check_passes():
    atlas = load_body_views(resources.svg_dir(), None)
    sources, index = read_catalogue_sources(resources.catalogue_sources_dir())
    problems = [str(p) for p in check_catalogue(sources, index, atlas)]
    assert problems == [], "\n".join(problems[:40])


def test_committed_catalogue_equals_a_fresh_build(tmp_path):
    atlas = load_body_views(resources.svg_dir(), None)
    result = build_catalogue(resources.catalogue_sources_dir(), atlas, tmp_path / "points.db")
    assert result.written is not None, [str(p) for p in result.problems[:20]]
    assert dump_catalogue(tmp_path / "points.db") == dump_catalogue(resources.catalogue_db()), (
        "data/points.db is stale: run `triggermap catalogue build`"
    )


def test_coverage(catalogue: Catalogue):
    counts = coverage_stats(catalogue).counts
    assert set(ATLAS_MUSCLES) <= set(catalogue.muscles)
    assert counts["muscles with trigger points"] == counts["muscles"]
    assert counts["trigger points"] >= 180
    assert (
        counts["trigger points with needling guidance"]
        + counts["trigger points treated by hand, not needled"]
        == counts["trigger points"]
    )
    assert counts["conditions"] >= 35
    assert counts["zones per side (left/right pairs)"] >= 120
    assert counts["contraindications (absolute)"] >= 1
    assert counts["contraindications (relative)"] >= 1
    assert counts["precautions"] >= 1


def essential_zones(catalogue: Catalogue, muscle: str) -> set[str]:
    return {z for p in catalogue.muscles[muscle].trigger_points for z in p.essential}


def all_zones(catalogue: Catalogue, muscle: str) -> set[str]:
    return {
        z for p in catalogue.muscles[muscle].trigger_points for z in (*p.essential, *p.spillover)
    }


def test_well_known_referral_patterns(catalogue: Catalogue):
    assert {"temple", "posterolateral_neck"} <= essential_zones(catalogue, "upper_trapezius")
    assert "anterior_shoulder" in essential_zones(catalogue, "infraspinatus")
    assert {"lateral_thigh", "posterior_thigh"} & essential_zones(catalogue, "gluteus_minimus")
    assert {"lateral_leg", "calf", "lower_calf", "lateral_malleolus"} & all_zones(
        catalogue, "gluteus_minimus"
    )
    assert "heel" in essential_zones(catalogue, "soleus")
    assert "lateral_epicondyle" in essential_zones(catalogue, "extensor_carpi_radialis_brevis")


def hazard_text(catalogue: Catalogue, muscle: str, kind: str) -> str:
    entry = catalogue.muscles[muscle]
    hazards = [*entry.hazards, *(h for p in entry.trigger_points for h in p.hazards)]
    return " ".join(
        f"{h.structure} {h.note} {h.technique}" for h in hazards if h.kind == kind
    ).lower()


@pytest.mark.parametrize(
    ("muscle", "structure"),
    [
        ("suboccipitals", "vertebral artery"),
        ("piriformis", "sciatic"),
        ("iliopsoas", "femoral"),
        ("adductor_longus", "femoral"),
        ("pronator_teres", "median"),
        ("fibularis_longus", "fibular nerve"),
        ("supinator", "radial"),
        ("anterior_scalene", "carotid"),
        ("sternocleidomastoid", "carotid"),
    ],
)
def test_neurovascular_hazards_are_named(catalogue: Catalogue, muscle: str, structure: str):
    assert structure in hazard_text(catalogue, muscle, "neurovascular")


def test_every_point_over_the_lung_has_a_depth_limit(catalogue: Catalogue):
    for muscle in (
        "upper_trapezius",
        "rhomboid_major",
        "serratus_anterior",
        "anterior_scalene",
        "pectoralis_major",
        "pectoralis_minor",
        "iliocostalis_thoracis",
        "supraspinatus",
        "infraspinatus",
    ):
        entry = catalogue.muscles[muscle]
        for point in entry.trigger_points:
            limits = [
                h.max_depth_mm for h in (*entry.hazards, *point.hazards) if h.kind == "pneumothorax"
            ]
            assert limits, f"{point.id} has no pneumothorax hazard"
            assert point.needling.depth_max_mm <= min(limits)


def test_icd10_codes_are_current_billable_codes(catalogue: Catalogue):
    for condition in catalogue.conditions.values():
        for code in condition.codes:
            assert icd.is_valid_item(code), f"{condition.id}: {code} is not in ICD-10-CM"
            assert icd.is_leaf(code), f"{condition.id}: {code} is a category, not a billable code"


def test_cosmetic_conditions_list_the_cosmetic_encounter_first(catalogue: Catalogue):
    cosmetic = [c for c in catalogue.conditions.values() if "cosmetic" in c.description.lower()]
    assert len(cosmetic) >= 4
    for condition in cosmetic:
        assert condition.codes[0] == "Z41.1", condition.id
        assert icd.get_description("Z41.1").lower().startswith("encounter for cosmetic")


@pytest.mark.parametrize(
    "words",
    [
        "myofascial pain",
        "chronic pain",
        "sport",
        "strain",
        "neck pain",
        "low back pain",
        "tension-type headache",
        "cervicogenic headache",
        "shoulder pain",
        "frozen shoulder",
        "tennis elbow",
        "golfer",
        "hip pain",
        "knee pain",
        "plantar fasciitis",
        "calf",
        "shin splints",
        "repetitive",
        "spasm",
        "temporomandibular",
        "whiplash",
        "piriformis syndrome",
        "wrinkle",
        "bruxism",
        "facial",
    ],
)
def test_the_named_conditions_are_present(catalogue: Catalogue, words: str):
    text = [f"{c.name} {' '.join(c.synonyms)}".lower() for c in catalogue.conditions.values()]
    assert any(words in t for t in text), f"no condition mentions {words!r}"


def test_low_back_pain_has_its_current_code(catalogue: Catalogue):
    # low back pain itself (M54.5 was split in 2021); a nerve root condition of the low back
    # has its own code
    codes = {
        c.icd10
        for c in catalogue.conditions.values()
        if "low back" in c.name.lower() and "radiculopathy" not in c.name.lower()
    }
    assert codes
    assert codes <= {"M54.50", "M54.59", "M54.51"}


def test_caveats_the_program_must_show(catalogue: Catalogue):
    assert "referral_variation" in catalogue.caveats
    assert "diagnosis_by_examination" in catalogue.caveats
    text = catalogue.caveats["diagnosis_by_examination"].text.lower()
    assert "taut band" in text
    assert "twitch" in text


def test_synonyms_are_searchable():
    with sqlite3.connect(f"{resources.catalogue_db().as_uri()}?mode=ro", uri=True) as connection:
        hits = connection.execute(
            "select id from muscles where rowid in (select rowid from muscles_fts where muscles_fts match 'peroneus')"
        ).fetchall()
    assert ("fibularis_longus",) in hits
