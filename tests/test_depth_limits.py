"""The depth model and contraindication rules on a small made-up catalogue: explicit limits per
build and sex, hazards on one side, needles no longer than needed, contraindications that
concern an area, electrical stimulation or particular points, and age from the date of birth."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triggermap.catalogue.model import (
    COMMON_NEEDLE_LENGTHS_MM,
    Catalogue,
    Contraindication,
    Hazard,
    HazardLimit,
    Muscle,
    MuscleId,
    NeedleChoice,
    Needling,
    Source,
    SourceId,
    TriggerPoint,
    TriggerPointId,
)
from triggermap.clinic.model import Consent, Screening, ScreeningAnswer
from triggermap.clinic.safety import (
    age_in_years,
    build_of,
    plan_warnings,
    short_citation,
    shortest_reaching_length_mm,
    suggested_needle,
)

from .patient_examples import example_needle, example_patient, example_visit

TODAY = date(2026, 12, 1)
SOURCE = SourceId("chen_2018")


def limits(any_sex: tuple[float, float, float], female=None, male=None) -> tuple[HazardLimit, ...]:
    rows = []
    for sex, figures in (("any", any_sex), ("female", female), ("male", male)):
        for build, depth in zip(("slim", "average", "large"), figures or (), strict=False):
            rows.append(HazardLimit(build, sex, depth, SOURCE))
    return tuple(rows)


PLEURA = Hazard(
    "pneumothorax",
    "apex of the lung",
    10.0,
    "pincer grip, needle horizontal",
    "The lung apex lies just beneath.",
    SOURCE,
    limits=limits((8, 10, 12), female=(8, 10, 12), male=(9, 11, 13)),
)
HEART = Hazard(
    "organ",
    "heart and pericardium",
    10.0,
    "onto cartilage, never perpendicular",
    "Bare pericardium here.",
    SOURCE,
    side="left",
    limits=limits((7, 10, 10)),
)


def point(label: str, hazards=(), length: float = 40.0, depth: float = 10.0) -> TriggerPoint:
    needles = tuple(NeedleChoice(b, length, 0.25) for b in ("slim", "average", "large"))
    return TriggerPoint(
        TriggerPointId(f"chest_muscle.{label}"),
        MuscleId("chest_muscle"),
        label.upper(),
        "anterior",
        0.0,
        0.0,
        "common",
        "",
        (),
        (),
        (),
        (),
        Needling("supine", "", "pincer", 5.0, depth, needles, SOURCE),
        tuple(hazards),
        SOURCE,
    )


def catalogue(*contraindications: Contraindication) -> Catalogue:
    points = (point("trp1", (PLEURA,)), point("trp2", (HEART,)), point("trp3"))
    muscle = Muscle(
        MuscleId("chest_muscle"),
        "Chest muscle",
        "",
        (),
        "trunk",
        "",
        "",
        "",
        "",
        SOURCE,
        trigger_points=points,
    )
    return Catalogue(
        sources={
            SOURCE: Source(
                SOURCE,
                "Chen CH, Lee AB. Skin-to-pleura depth. J Acupunct Meridian Stud. 2018;11:355.",
            )
        },
        muscles={muscle.id: muscle},
        contraindications={c.id: c for c in contraindications},
    )


def patient(*present: str, **changes):
    screening = Screening(TODAY, tuple(ScreeningAnswer(c, True) for c in present))
    fields = {"screening": screening, "consent": Consent(TODAY, "explained", True, "Jo")}
    return example_patient(**{**fields, **changes})


def warnings_for(cat: Catalogue, who, *needles, **visit_changes):
    visit = example_visit("patient0001", needles=tuple(needles), **visit_changes)
    return plan_warnings(who, visit, cat, TODAY)


@pytest.mark.parametrize(
    ("height", "weight", "build"),
    [
        (170.0, 57.0, "slim"),
        (170.0, 58.0, "average"),
        (170.0, 86.0, "average"),
        (170.0, 87.0, "large"),
        (170.0, None, "slim"),
    ],
)
def test_build_follows_the_body_mass_index_and_unknown_is_slim(height, weight, build):
    assert build_of(example_patient(height_cm=height, weight_kg=weight))[0] == build


@pytest.mark.parametrize(
    ("sex", "weight", "expected"),
    [
        ("female", 50.0, 8),
        ("male", 50.0, 9),
        ("unknown", 50.0, 8),
        ("male", 70.0, 11),
        ("female", 95.0, 12),
        ("other", 95.0, 12),
        ("male", None, 9),
    ],
)
def test_the_limit_is_the_row_for_build_and_sex(sex, weight, expected):
    cat = catalogue()
    who = patient(sex=sex, height_cm=170.0, weight_kg=weight)
    [warning] = warnings_for(
        cat, who, example_needle(trigger_point_id="chest_muscle.trp1", needle_length_mm=None)
    )
    assert warning.max_depth_mm == expected
    assert f"Do not needle deeper than {expected:g} mm (" in warning.message
    assert "source: Chen et al. 2018" in warning.message
    assert "Technique: pincer grip, needle horizontal." in warning.message
    assert warning.message.endswith("The lung apex lies just beneath.")


def test_sex_not_recorded_takes_the_figure_for_any_sex_and_says_so():
    who = patient(sex="unknown", height_cm=170.0, weight_kg=50.0)
    [warning] = warnings_for(catalogue(), who, example_needle(trigger_point_id="chest_muscle.trp1"))
    assert "slim build, BMI 17.3, sex not recorded, so the smaller figure of either sex" in (
        warning.message
    )


def test_a_left_sided_hazard_is_warned_on_the_left_only():
    cat = catalogue()
    left = warnings_for(
        cat, patient(), example_needle(trigger_point_id="chest_muscle.trp2", side="left")
    )
    right = warnings_for(
        cat, patient(), example_needle(trigger_point_id="chest_muscle.trp2", side="right")
    )
    assert [w.kind for w in left] == ["organ"]
    assert right == []


def test_a_needle_longer_than_the_limit_is_named_against_it():
    [warning] = warnings_for(
        catalogue(),
        patient(),
        example_needle(trigger_point_id="chest_muscle.trp1", needle_length_mm=30.0),
    )
    assert "Needle 30 mm against the 10 mm limit: longer than the limit" in warning.message


def test_the_suggested_needle_over_the_thorax_is_the_shortest_that_reaches():
    cat = catalogue()
    over_lung = cat.trigger_point(TriggerPointId("chest_muscle.trp1"))
    elsewhere = cat.trigger_point(TriggerPointId("chest_muscle.trp3"))
    who = patient()
    assert suggested_needle(cat, over_lung, who, "right").length_mm == 13.0
    assert suggested_needle(cat, elsewhere, who, "right").length_mm == 40.0
    # the heart lies on the left only: on the right the catalogue's needle stands
    heart_point = cat.trigger_point(TriggerPointId("chest_muscle.trp2"))
    assert suggested_needle(cat, heart_point, who, "left").length_mm == 13.0
    assert suggested_needle(cat, heart_point, who, "right").length_mm == 40.0


@given(st.floats(min_value=0.5, max_value=100.0))
def test_shortest_reaching_length_reaches_and_is_shortest(depth):
    length = shortest_reaching_length_mm(depth)
    assert length >= depth
    assert all(other < depth for other in COMMON_NEEDLE_LENGTHS_MM if other < length)


def test_electrical_implants_forbid_the_current_not_the_needle():
    implants = Contraindication(
        "electrical_implants",
        "Pacemaker or other electrical implant",
        "absolute",
        "",
        SOURCE,
        scope="electrical_stimulation",
    )
    cat = catalogue(implants)
    plain = warnings_for(
        cat,
        patient("electrical_implants"),
        example_needle(trigger_point_id="chest_muscle.trp3", technique="static"),
    )
    assert [w.message.split(":")[0] for w in plain] == [
        "Absolute contraindication to electrical stimulation"
    ]
    assert "Needling without current is possible" in plain[0].message
    assert "Do not needle." not in plain[0].message
    with_current = warnings_for(
        cat,
        patient("electrical_implants"),
        example_needle(trigger_point_id="chest_muscle.trp3", technique="electrical_stimulation"),
    )
    assert any("Electrical stimulation is planned" in w.message for w in with_current)


def test_an_area_contraindication_does_not_forbid_the_whole_patient():
    lymphoedema = Contraindication(
        "lymphoedema", "Lymphoedema", "absolute", "", SOURCE, scope="area"
    )
    [warning] = warnings_for(catalogue(lymphoedema), patient("lymphoedema"))
    assert warning.message.startswith(
        "Absolute contraindication in the affected area: Lymphoedema."
    )
    assert "elsewhere needling is possible" in warning.message


def test_points_to_avoid_under_a_contraindication_are_warned_at_the_point():
    anticoagulants = Contraindication(
        "anticoagulants",
        "Anticoagulant therapy",
        "relative",
        "",
        SOURCE,
        avoid_points=(TriggerPointId("chest_muscle.trp3"),),
        avoid_note="No haemostasis by compression here.",
    )
    cat = catalogue(anticoagulants)
    warnings = warnings_for(
        cat,
        patient("anticoagulants"),
        example_needle(1, trigger_point_id="chest_muscle.trp3"),
    )
    [at_point] = [w for w in warnings if w.trigger_point_id == "chest_muscle.trp3"]
    assert at_point.kind == "contraindication"
    assert "do not needle this point while anticoagulant therapy is recorded" in at_point.message
    assert at_point.message.endswith("No haemostasis by compression here.")
    # without the contraindication the point is plain
    assert (
        warnings_for(cat, patient(), example_needle(1, trigger_point_id="chest_muscle.trp3")) == []
    )


def test_a_child_is_flagged_from_the_date_of_birth_without_a_tick():
    children = Contraindication(
        "children", "Children and adolescents", "precaution", "", SOURCE, under_age_years=18
    )
    cat = catalogue(children)
    child = patient(date_of_birth=date(2010, 12, 2))
    assert age_in_years(child, TODAY) == 15
    [warning] = warnings_for(cat, child)
    assert warning.kind == "precaution"
    assert "The patient is 15 years old (under 18)" in warning.message
    adult = patient(date_of_birth=date(2008, 12, 1))
    assert age_in_years(adult, TODAY) == 18
    assert warnings_for(cat, adult) == []
    # ticked as well: said once
    assert len(warnings_for(cat, patient("children", date_of_birth=date(2010, 12, 2)))) == 1


def test_short_citation():
    assert short_citation("Kearns GA, Brismée JM. Spinal cord. Physiother. 2022;38:2052.") == (
        "Kearns et al. 2022"
    )
    assert short_citation("Standring S (ed). Gray's Anatomy. 42nd ed. Elsevier; 2020.") == (
        "Standring 2020"
    )
