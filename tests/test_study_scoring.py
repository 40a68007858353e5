"""Scores of study answers: drawings, located points, choices, typed names, condition sets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triggermap.services.context import AppContext
from triggermap.services.study_scoring import (
    FULL_MARKS_DISTANCE,
    RIGHT_MUSCLE_WRONG_POINT,
    ZERO_MARKS_DISTANCE,
    TypedAnswer,
    choice_score,
    distance_score,
    drawing_score,
    full_body_distance,
    name_words,
    read_typed_answer,
    set_overlap_score,
    typed_answer_score,
)

AREAS = {"temple": 40.0, "neck": 100.0, "jaw": 30.0, "orbit": 10.0, "hand": 80.0, "knee": 60.0}
ESSENTIAL = ("temple", "neck")
SPILLOVER = ("jaw", "orbit")


def score(painted) -> float:
    return drawing_score(painted, ESSENTIAL, SPILLOVER, AREAS.__getitem__).score


@pytest.fixture(scope="module")
def catalogue():
    return AppContext.default().catalogue


def test_a_perfect_drawing_scores_100() -> None:
    assert score({"temple", "neck", "jaw", "orbit"}) == 100


def test_an_empty_drawing_scores_0() -> None:
    assert score(set()) == 0


def test_only_the_spillover_scores_between_nothing_and_the_essential_zones() -> None:
    spillover_only = score(set(SPILLOVER))
    essential_only = score(set(ESSENTIAL))
    assert 0 < spillover_only < essential_only < 100


def test_painting_outside_the_pattern_costs_marks() -> None:
    assert score({"temple", "neck", "jaw", "orbit", "knee"}) < 100
    assert score({"temple", "neck", "jaw", "orbit", "knee", "hand"}) < score(
        {"temple", "neck", "jaw", "orbit", "knee"}
    )


def test_painting_everything_scores_low() -> None:
    assert score(set(AREAS)) < 60


def test_a_larger_missed_zone_costs_more() -> None:
    assert score({"temple", "jaw", "orbit"}) < score({"neck", "jaw", "orbit"})


def test_the_result_lists_what_was_found_missed_and_extra() -> None:
    result = drawing_score({"temple", "jaw", "knee"}, ESSENTIAL, SPILLOVER, AREAS.__getitem__)
    assert result.found_essential == {"temple"}
    assert result.missed_essential == {"neck"}
    assert result.found_spillover == {"jaw"}
    assert result.missed_spillover == {"orbit"}
    assert result.extra == {"knee"}


@given(st.sets(st.sampled_from(sorted(AREAS))))
def test_a_drawing_scores_between_0_and_100(painted) -> None:
    assert 0 <= score(painted) <= 100


def test_distance_scores_full_marks_near_and_nothing_far() -> None:
    assert distance_score(0) == 100
    assert distance_score(FULL_MARKS_DISTANCE) == 100
    assert distance_score(ZERO_MARKS_DISTANCE) == 0
    assert distance_score(1000) == 0
    middle = distance_score((FULL_MARKS_DISTANCE + ZERO_MARKS_DISTANCE) / 2)
    assert middle == pytest.approx(50)


def test_distances_in_close_up_views_are_judged_at_full_body_scale() -> None:
    assert full_body_distance("posterior", 30, 40) == pytest.approx(50)
    assert full_body_distance("head", 30, 40) < 50


def test_choice_scores_the_point_the_muscle_and_a_wrong_muscle(catalogue) -> None:
    trp1 = catalogue.trigger_point("upper_trapezius.trp1")
    trp2 = catalogue.trigger_point("upper_trapezius.trp2")
    other = catalogue.trigger_point("soleus.trp1")
    assert choice_score(trp1, trp1) == 100
    assert choice_score(trp2, trp1) == RIGHT_MUSCLE_WRONG_POINT
    assert choice_score(other, trp1) == 0
    assert choice_score(None, trp1) == 0


def test_condition_sets_score_by_overlap() -> None:
    truth = {"a", "b", "c"}
    assert set_overlap_score(truth, truth) == 100
    assert set_overlap_score(set(), truth) == 0
    assert 0 < set_overlap_score({"a", "b"}, truth) < 100
    assert set_overlap_score({"a", "b", "x"}, truth) < set_overlap_score({"a", "b"}, truth)


@pytest.mark.parametrize(
    ("typed", "muscle", "label"),
    [
        ("upper trapezius", "upper_trapezius", None),
        ("Upper Trapezius TrP1", "upper_trapezius", "TrP1"),
        ("trapezius, upper — trp 2", "upper_trapezius", "TrP2"),
        ("upper trapezius trigger point 2", "upper_trapezius", "TrP2"),
        ("ECRB", "extensor_carpi_radialis_brevis", None),
        ("supinator longus", "brachioradialis", None),
        ("m. suboccipital", "suboccipitals", None),
        ("Suboccipitals central", "suboccipitals", "central"),
        ("xyz", None, None),
        ("", None, None),
    ],
)
def test_typed_names_synonyms_and_points_are_recognised(catalogue, typed, muscle, label) -> None:
    assert read_typed_answer(typed, catalogue) == TypedAnswer(muscle, label)


def test_typed_answers_score_like_choices(catalogue) -> None:
    trp1 = catalogue.trigger_point("upper_trapezius.trp1")
    assert (
        typed_answer_score(read_typed_answer("upper trapezius 1", catalogue), trp1, catalogue)
        == 100
    )
    assert (
        typed_answer_score(read_typed_answer("upper trapezius", catalogue), trp1, catalogue) == 50
    )
    assert typed_answer_score(read_typed_answer("soleus", catalogue), trp1, catalogue) == 0


def test_a_muscle_with_one_trigger_point_needs_no_label(catalogue) -> None:
    single = next(m for m in catalogue.muscles.values() if len(m.trigger_points) == 1)
    point = single.trigger_points[0]
    assert typed_answer_score(read_typed_answer(single.name, catalogue), point, catalogue) == 100


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_typed_text_is_read_safely(catalogue, typed) -> None:
    answer = read_typed_answer(typed, catalogue)
    assert answer.muscle_id is None or answer.muscle_id in catalogue.muscles
    assert all(" " not in word and word for word in name_words(typed))
