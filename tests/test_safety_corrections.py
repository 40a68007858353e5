"""The clinical audit's safety corrections (shared/reviews/clinical-audit-2026-12.md, issue 13),
each stated as a rule over the shipped catalogue sources, with its published source.

These read data/catalogue/ directly, so a later edit that undoes a correction fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from triggermap.catalogue.model import Catalogue, Hazard, TriggerPointId
from triggermap.catalogue.toml_sources import read_catalogue_sources
from triggermap.clinic.safety import hazards_of

CATALOGUE_SOURCES = Path(__file__).resolve().parents[1] / "data" / "catalogue"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    catalogue, _ = read_catalogue_sources(CATALOGUE_SOURCES)
    return catalogue


def point_hazards(catalogue: Catalogue, point_id: str, side: str | None = None) -> list[Hazard]:
    return hazards_of(catalogue, catalogue.trigger_point(TriggerPointId(point_id)), side)


def every_limit(hazard: Hazard) -> list[float]:
    return [row.max_depth_mm for row in hazard.limits]


def slim_limit(hazard: Hazard) -> float:
    limit = hazard.limit_for("slim", "any")
    assert limit is not None, f"no slim limit for {hazard.structure}"
    return limit.max_depth_mm


def cites(catalogue: Catalogue, source_id: str, *words: str) -> bool:
    citation = catalogue.sources[source_id].citation
    return all(word in citation for word in words)


def all_text(hazards: list[Hazard]) -> str:
    return " ".join(f"{h.structure} {h.technique} {h.note}" for h in hazards).lower()


def test_upper_trapezius_stays_above_the_mean_pleural_depth(catalogue):
    """Chen et al., J Acupunct Meridian Stud 2018: mean vertical skin-to-pleura depth at GB21
    (upper trapezius) 14.6 mm in women and 17.4 mm in men; about 10 mm for any downward
    insertion, the muscle lifted off the chest in a pincer grip, needle horizontal."""
    [hazard] = [
        h for h in point_hazards(catalogue, "upper_trapezius.trp1") if h.kind == "pneumothorax"
    ]
    assert max(every_limit(hazard)) <= 10
    assert hazard.limit_for("slim", "female").sex == "female"
    assert hazard.limit_for("slim", "male").sex == "male"
    assert cites(catalogue, hazard.limits[0].source, "Chen", "2018")
    assert "pincer" in hazard.technique
    assert "horizontal" in hazard.technique


@pytest.mark.parametrize(
    "point_id", ["sternocleidomastoid.trp1", "anterior_scalene.central", "middle_scalene.central"]
)
def test_neck_points_over_the_lung_apex_are_no_deeper_than_the_upper_trapezius(catalogue, point_id):
    """Chen 2018 (as above): the apex under the neck lies as close as at GB21."""
    hazards = [h for h in point_hazards(catalogue, point_id) if h.kind == "pneumothorax"]
    assert hazards
    assert all(max(every_limit(h)) <= 15 for h in hazards)


@pytest.mark.parametrize("point_id", ["pectoralis_major.trp3", "rectus_abdominis.trp1"])
def test_the_heart_is_a_hazard_on_the_left_only(catalogue, point_id):
    """Parasternal (left 4th-6th spaces, bare pericardium) and subxiphoid pericardiocentesis
    routes; cardiac tamponade after needling at the xiphoid (Yonsei Med J 2013;54:788)."""
    left = [h for h in point_hazards(catalogue, point_id, "left") if "heart" in h.structure.lower()]
    right = [
        h for h in point_hazards(catalogue, point_id, "right") if "heart" in h.structure.lower()
    ]
    [heart] = left
    assert heart.side == "left"
    assert right == []
    assert heart.kind == "organ"
    assert max(every_limit(heart)) <= 10
    assert "perpendicular" in heart.technique.lower()


def test_quadratus_lumborum_guards_kidney_and_pleura_by_depth(catalogue):
    """The kidneys span T12-L3 and lie on the quadratus lumborum; the pleura reaches the 12th
    rib (Standring 2020): a kidney hazard and a pneumothorax hazard, both with limits, and no
    'below L2 is below the kidney' rule."""
    muscle = catalogue.muscles["quadratus_lumborum"]
    hazards = [*muscle.hazards, *(h for p in muscle.trigger_points for h in p.hazards)]
    kinds = {h.kind for h in hazards if h.limits}
    assert {"organ", "pneumothorax"} <= kinds
    assert any("kidney" in h.structure.lower() and h.limits for h in hazards)
    assert "at or below the l2" not in all_text(hazards)
    upper = catalogue.trigger_point(TriggerPointId("quadratus_lumborum.superficial_upper"))
    assert "angle between the 12th rib and the lateral edge" not in upper.location


def test_psoas_no_kidney_level_rule_and_a_depth_limit(catalogue):
    """The right kidney reaches L3; posterior psoas needling is advanced and image-guided."""
    hazards = point_hazards(catalogue, "iliopsoas.psoas")
    text = all_text(hazards)
    assert "kidney lies above l2" not in text
    assert any(h.kind == "organ" and h.limits for h in hazards)
    assert "guid" in text  # ultrasound- or image-guided


def test_anticoagulants_forbid_psoas_and_tibialis_posterior(catalogue):
    """SA dry-needling board notice BN121 §3.1.5: absolute where compression cannot stop a
    bleed (psoas, tibialis posterior)."""
    anticoagulants = catalogue.contraindications["anticoagulants"]
    avoided_muscles = set(anticoagulants.avoid_muscles) | {
        catalogue.trigger_point(p).muscle_id for p in anticoagulants.avoid_points
    }
    assert "tibialis_posterior" in avoided_muscles
    assert "iliopsoas" in avoided_muscles
    assert anticoagulants.avoid_note


@pytest.mark.parametrize(
    "point_id",
    [
        "semispinalis_capitis.trp1",
        "semispinalis_capitis.trp2",
        "semispinalis_capitis.trp3",
        "suboccipitals.central",
    ],
)
def test_deep_cervical_needling_is_not_done_in_flexion(catalogue, point_id):
    """Flexion opens the interlaminar gaps (cadaver: canal entries in neutral, none in slight
    extension); spinal cord contact when needling towards the C2 lamina (Kearns et al.,
    Physiother Theory Pract 2022;38:2052)."""
    point = catalogue.trigger_point(TriggerPointId(point_id))
    position = point.needling.position.lower()
    assert "neutral" in position
    assert "slightly flexed" not in position
    assert "slightly flexed" not in point.needling.approach.lower()
    assert any("spinal" in h.structure.lower() for h in point_hazards(catalogue, point_id))


def test_infraspinatus_is_needled_obliquely_over_a_fossa_that_may_be_open(catalogue):
    """The infraspinous fossa can be fenestrated: oblique or shallow technique, lower limit."""
    for point in catalogue.muscles["infraspinatus"].trigger_points:
        approach = point.needling.approach.lower()
        assert approach.startswith("oblique") or "not perpendicular" in approach
    hazards = point_hazards(catalogue, "infraspinatus.trp1")
    assert all(max(every_limit(h)) < 30 for h in hazards if h.kind == "pneumothorax")


@pytest.mark.parametrize(
    ("point_id", "slim_at_most"),
    [
        ("iliocostalis_thoracis.trp1", 10),
        ("longissimus_thoracis.trp1", 15),
        ("external_oblique.trp1", 10),
        ("latissimus_dorsi.trp2", 15),
        ("supraspinatus.trp1", 20),
    ],
)
def test_slim_limits_no_longer_exceed_the_catalogues_own_figures(catalogue, point_id, slim_at_most):
    """The catalogue's own notes: about 10 mm in lean patients (iliocostalis thoracis, external
    oblique TrP1), about 15 mm (longissimus TrP1), 15 mm or less over the lower ribs
    (latissimus), fossa floor at 20-25 mm in slight patients (supraspinatus)."""
    hazards = [h for h in point_hazards(catalogue, point_id) if h.kind == "pneumothorax"]
    assert hazards
    assert min(slim_limit(h) for h in hazards) <= slim_at_most


@pytest.mark.parametrize(
    ("point_id", "structure"),
    [
        ("anterior_scalene.central", "vertebral artery"),
        ("middle_scalene.central", "vertebral artery"),
        ("levator_scapulae.trp1", "vertebral artery"),
        ("medial_pterygoid.central", "inferior alveolar"),
        ("medial_pterygoid.central", "lingual"),
        ("procerus.central", "supratrochlear"),
        ("temporalis.trp1", "temporal branch"),
    ],
)
def test_named_nerves_and_vessels_are_on_the_record(catalogue, point_id, structure):
    assert structure in all_text(point_hazards(catalogue, point_id))


def test_contraindications_after_the_audit(catalogue):
    """SA board notice BN121 and ASAP-derived lists: electrical implants forbid the current,
    not the needle; a previous abnormal reaction is absolute; area-only contraindications say
    so; pregnancy flags the traditionally avoided points; age follows from the birth date."""
    found = catalogue.contraindications
    assert found["electrical_implants"].scope == "electrical_stimulation"
    for area in ("lymphoedema", "local_skin_lesion", "acute_trauma"):
        assert found[area].scope == "area"
    assert found["previous_abnormal_reaction"].severity == "absolute"
    names = " ".join(c.name.lower() for c in found.values())
    for words in ("valve", "varicose", "joint replacement", "breast tissue", "psycholog"):
        assert words in names, words
    pregnancy = found["pregnancy"]
    assert "upper_trapezius.trp1" in pregnancy.avoid_points
    assert "first_dorsal_interosseous.central" in pregnancy.avoid_points
    assert found["children"].under_age_years == 18


def test_serious_adverse_events_after_the_audit(catalogue):
    names = " ".join(a.name.lower() for a in catalogue.adverse_events.values())
    for words in ("tamponade", "spinal cord", "broken"):
        assert words in names, words


def test_cosmetic_face_work_has_its_own_contraindications_and_scope_note(catalogue):
    names = " ".join(c.name.lower() for c in catalogue.contraindications.values())
    for words in ("botulinum", "keloid", "herpes", "acne"):
        assert words in names, words
    assert any("scope" in c.text.lower() for c in catalogue.caveats.values())
