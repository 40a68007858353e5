"""Safety rules of a needling plan: hazards with explicit depth limits per build and sex, both
sides of the thorax, contraindications, screening and consent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from triggermap.clinic.model import Consent, Screening, ScreeningAnswer
from triggermap.clinic.safety import SLIM_BMI_BELOW, hazards_of, plan_warnings
from triggermap.services.context import AppContext

from .patient_examples import example_needle, example_patient, example_visit

TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def catalogue():
    return AppContext.default().catalogue


def screened(*present: str, on: date = TODAY) -> Screening:
    return Screening(on, tuple(ScreeningAnswer(identifier, True) for identifier in present))


def cleared_patient(**changes):
    """A patient with a current, clear screening and signed consent: no general warnings."""
    fields = {"screening": screened(), "consent": Consent(TODAY, "explained", True, "Jo")}
    return example_patient(**{**fields, **changes})


def plan(*needles):
    return example_visit("patient0001", needles=tuple(needles))


def kinds(warnings) -> list[str]:
    return [warning.kind for warning in warnings]


def test_a_cleared_patient_with_a_safe_point_gets_no_warning(catalogue):
    point = next(p.id for p in catalogue.trigger_points() if not hazards_of(catalogue, p))
    warnings = plan_warnings(
        cleared_patient(), plan(example_needle(trigger_point_id=point)), catalogue, TODAY
    )
    assert warnings == []


def test_a_point_over_the_chest_wall_warns_of_pneumothorax_with_the_catalogue_depth(catalogue):
    patient = cleared_patient(height_cm=175.0, weight_kg=75.0)  # BMI 24.5: average build
    [warning] = plan_warnings(
        patient,
        plan(example_needle(trigger_point_id="rhomboid_major.trp1", side="left", depth_mm=None)),
        catalogue,
        TODAY,
    )
    [hazard] = hazards_of(catalogue, catalogue.trigger_point("rhomboid_major.trp1"))
    assert warning.kind == "pneumothorax"
    assert warning.max_depth_mm == hazard.max_depth_mm == 15.0
    assert warning.side == "left"
    assert warning.trigger_point_id == "rhomboid_major.trp1"
    assert warning.message.startswith("Left rhomboid major TrP1 (needle 1): pneumothorax risk")
    assert "Do not needle deeper than 15 mm (average build, BMI 24.5" in warning.message


def test_a_slim_build_takes_the_catalogues_slim_limit_and_says_so(catalogue):
    slim = cleared_patient(height_cm=183.0, weight_kg=58.0)  # BMI 17.3
    assert slim.body_mass_index < SLIM_BMI_BELOW
    [warning] = plan_warnings(
        slim,
        plan(example_needle(trigger_point_id="rhomboid_major.trp1", depth_mm=None)),
        catalogue,
        TODAY,
    )
    [hazard] = hazards_of(catalogue, catalogue.trigger_point("rhomboid_major.trp1"))
    [row] = [r for r in hazard.limits if r.build == "slim" and r.sex == "any"]
    assert warning.max_depth_mm == row.max_depth_mm < hazard.max_depth_mm
    assert f"Do not needle deeper than {row.max_depth_mm:g} mm (slim build, BMI 17.3" in (
        warning.message
    )


def test_a_recorded_depth_beyond_the_limit_is_pointed_out(catalogue):
    [warning] = plan_warnings(
        cleared_patient(),
        plan(example_needle(trigger_point_id="rhomboid_major.trp1", depth_mm=18.0)),
        catalogue,
        TODAY,
    )
    assert "The recorded depth, 18 mm, is beyond this limit." in warning.message


def test_neurovascular_and_organ_hazards_are_warned_too(catalogue):
    warnings = plan_warnings(
        cleared_patient(),
        plan(
            example_needle(1, trigger_point_id="gluteus_medius.trp1"),
            example_needle(2, trigger_point_id="procerus.central"),
        ),
        catalogue,
        TODAY,
    )
    assert kinds(warnings) == ["neurovascular", "organ", "neurovascular"]
    assert "Avoid it by direction" in warnings[0].message
    # procerus: the eye at 3 mm and the supratrochlear artery at 2 mm (Cotofana et al. 2020)
    assert [w.max_depth_mm for w in warnings[1:]] == [3.0, 2.0]


def test_both_sides_of_the_thorax_in_one_visit_is_warned_once(catalogue):
    warnings = plan_warnings(
        cleared_patient(),
        plan(
            example_needle(1, trigger_point_id="rhomboid_major.trp1", side="left"),
            example_needle(2, trigger_point_id="pectoralis_major.trp2", side="right"),
            example_needle(3, trigger_point_id="rhomboid_major.trp2", side="left"),
        ),
        catalogue,
        TODAY,
    )
    [both] = [w for w in warnings if w.kind == "both_sides_of_thorax"]
    assert "left: rhomboid major TrP1, rhomboid major TrP2" in both.message
    assert "right: pectoralis major TrP2" in both.message


def test_one_side_of_the_thorax_is_not_a_both_sides_warning(catalogue):
    warnings = plan_warnings(
        cleared_patient(),
        plan(
            example_needle(1, trigger_point_id="rhomboid_major.trp1", side="left"),
            example_needle(2, trigger_point_id="pectoralis_major.trp2", side="left"),
            example_needle(3, trigger_point_id="gluteus_medius.trp1", side="right"),
        ),
        catalogue,
        TODAY,
    )
    assert "both_sides_of_thorax" not in kinds(warnings)


@pytest.mark.parametrize(
    ("present", "kind", "words"),
    [
        (
            "needle_phobia",
            "contraindication",
            "Absolute contraindication: Needle phobia. Do not needle.",
        ),
        ("anticoagulants", "contraindication", "Relative contraindication: Anticoagulant therapy"),
        ("vasovagal_history", "precaution", "Precaution: History of fainting"),
    ],
)
def test_the_screening_names_each_contraindication_by_severity(catalogue, present, kind, words):
    patient = cleared_patient(screening=screened(present))
    [warning] = plan_warnings(patient, plan(), catalogue, TODAY)
    assert warning.kind == kind
    assert warning.message.startswith(words)


def test_a_missing_or_year_old_screening_is_warned(catalogue):
    missing = plan_warnings(cleared_patient(screening=None), plan(), catalogue, TODAY)
    assert kinds(missing) == ["no_screening"]
    old = screened(on=TODAY - timedelta(days=366))
    [stale] = plan_warnings(cleared_patient(screening=old), plan(), catalogue, TODAY)
    assert stale.kind == "no_screening"
    assert "more than a year ago" in stale.message
    recent = screened(on=TODAY - timedelta(days=364))
    assert plan_warnings(cleared_patient(screening=recent), plan(), catalogue, TODAY) == []


def test_missing_or_unsigned_consent_is_warned(catalogue):
    assert kinds(plan_warnings(cleared_patient(consent=None), plan(), catalogue, TODAY)) == [
        "no_consent"
    ]
    unsigned = Consent(TODAY, "explained", False)
    [warning] = plan_warnings(cleared_patient(consent=unsigned), plan(), catalogue, TODAY)
    assert warning.kind == "no_consent"
    assert "not signed" in warning.message


def test_unknown_weight_takes_the_slim_limit_the_safe_end(catalogue):
    """Issue 13: where the build is not known the smallest published figure holds."""
    patient = cleared_patient(weight_kg=None)
    [warning] = plan_warnings(
        patient, plan(example_needle(trigger_point_id="rhomboid_major.trp1")), catalogue, TODAY
    )
    slim = cleared_patient(height_cm=183.0, weight_kg=50.0)
    [slim_warning] = plan_warnings(
        slim, plan(example_needle(trigger_point_id="rhomboid_major.trp1")), catalogue, TODAY
    )
    assert warning.max_depth_mm == slim_warning.max_depth_mm < 15.0
    assert "height or weight not recorded, so the slim figure" in warning.message


def test_every_kind_of_warning_the_rules_raise_is_in_the_one_table():
    """The screens and the PDF name and colour a warning from clinic.warning_kinds: each kind
    the safety rules write must be in it (an unknown kind would show as a bare id, amber)."""
    import re
    from pathlib import Path

    from triggermap.clinic import safety
    from triggermap.clinic.warning_kinds import WARNING_KINDS, warning_kind

    raised = set(re.findall(r'kind="([a-z_]+)"', Path(safety.__file__).read_text()))
    assert raised
    raised |= {*safety.WARNED_HAZARDS, "precaution", safety.DEPTH_BEYOND_LIMIT_CONFIRMED}
    assert raised <= set(WARNING_KINDS)
    assert warning_kind("pneumothorax").stops
    assert warning_kind("no_consent").about_patient
    assert warning_kind("something_new").title == "Something new"
    assert not warning_kind("something_new").stops
