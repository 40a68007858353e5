"""The study deck: filters, plausible wrong answers, and which cards come next."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from triggermap.services.context import AppContext
from triggermap.services.study_cards import (
    CARD_KINDS,
    KNOWN_BEFORE_RARER,
    KNOWN_PHASE,
    DeckFilter,
    StudyCard,
    build_deck,
    card_from_key,
    card_region,
    choose_cards,
    condition_choices,
    introducible_new_cards,
    neighbour_muscles,
    pattern_views,
    which_muscle_choices,
)
from triggermap.services.study_schedule import schedule_review

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def context() -> AppContext:
    return AppContext.default()


@pytest.fixture(scope="module")
def deck(context):
    return build_deck(context.catalogue, context.atlas, DeckFilter())


def test_the_full_deck_has_every_exercise_for_the_catalogue(context, deck) -> None:
    kinds = Counter(card.kind for card in deck)
    assert set(kinds) == set(CARD_KINDS)
    assert kinds["find_point"] == len(context.catalogue.trigger_points())
    assert len({card.key for card in deck}) == len(deck)


def test_card_keys_round_trip() -> None:
    card = StudyCard("draw_pattern", "upper_trapezius.trp1")
    assert card_from_key(card.key) == card
    with pytest.raises(ValueError, match="not a study card"):
        card_from_key("guess:upper_trapezius.trp1")


def test_filters_keep_only_matching_cards(context) -> None:
    catalogue = context.catalogue
    chosen = DeckFilter(
        kinds=("which_muscle", "find_point"), regions=("leg_and_foot",), prevalences=("common",)
    )
    cards = build_deck(catalogue, context.atlas, chosen)
    assert cards
    for card in cards:
        point = catalogue.trigger_point(card.subject)
        assert card.kind in ("which_muscle", "find_point")
        assert catalogue.muscles[point.muscle_id].region == "leg_and_foot"
        assert point.prevalence == "common"


def test_view_and_condition_filters(context) -> None:
    catalogue = context.catalogue
    cards = build_deck(
        catalogue,
        context.atlas,
        DeckFilter(views=("head",), condition="tension_type_headache"),
    )
    implicated = catalogue.conditions["tension_type_headache"].muscles
    points = [c for c in cards if c.kind != "condition"]
    assert points
    assert all(catalogue.trigger_point(c.subject).view == "head" for c in points)
    assert all(catalogue.trigger_point(c.subject).muscle_id in implicated for c in points)
    assert [c.subject for c in cards if c.kind == "condition"] == ["tension_type_headache"]


def test_pattern_views_show_every_zone_of_the_pattern(context) -> None:
    catalogue, atlas = context.catalogue, context.atlas
    point = catalogue.trigger_point("upper_trapezius.trp1")
    views = pattern_views(atlas, catalogue, point)
    assert views
    for zone in point.essential:
        assert any(
            atlas.view(v).region(r) is not None
            for v in views
            for r in atlas.view(v).region_ids("zones")
            if r.name == zone
        )


def test_map_cards_only_for_points_whose_pattern_can_be_shown(context, deck) -> None:
    for card in deck:
        if card.kind in ("which_muscle", "draw_pattern"):
            point = context.catalogue.trigger_point(card.subject)
            assert pattern_views(context.atlas, context.catalogue, point)


def test_choices_hold_the_truth_and_plausible_wrong_answers(context) -> None:
    catalogue = context.catalogue
    truth = catalogue.trigger_point("infraspinatus.trp1")
    choices = which_muscle_choices(catalogue, context.atlas, truth.id, random.Random(3), count=4)
    assert len(choices) == 4
    assert len(set(choices)) == 4
    assert truth.id in choices
    for choice in choices:
        if choice == truth.id:
            continue
        other = catalogue.trigger_point(choice)
        # plausible: shares a referral zone, or a muscle of the same region or next to it
        near = neighbour_muscles(context.atlas, truth.view, truth.muscle_id)
        shares = set(other.essential + other.spillover) & set(truth.essential + truth.spillover)
        same_region = (
            catalogue.muscles[other.muscle_id].region == catalogue.muscles[truth.muscle_id].region
        )
        assert shares or same_region or other.muscle_id in near


def test_neighbours_are_muscles_next_to_it(context) -> None:
    near = neighbour_muscles(context.atlas, "posterior", "infraspinatus")
    assert "teres_minor" in near
    assert "soleus" not in near


def test_condition_checklist_mixes_implicated_and_other_muscles(context) -> None:
    catalogue = context.catalogue
    question = condition_choices(catalogue, "tension_type_headache", random.Random(1))
    condition = catalogue.conditions["tension_type_headache"]
    assert len(question.choices) == 9
    assert len(set(question.choices)) == 9
    assert question.implicated <= set(condition.muscles)
    assert question.implicated < set(question.choices)
    wrong = set(question.choices) - question.implicated
    assert wrong
    assert not wrong & set(condition.muscles)


def test_due_cards_come_first(context, deck) -> None:
    catalogue = context.catalogue
    due_card, later_card = deck[5], deck[6]
    states = {
        due_card.key: schedule_review(None, 90, NOW - timedelta(days=2)),
        later_card.key: schedule_review(None, 100, NOW),
    }
    chosen = choose_cards(catalogue, deck, states, NOW, 10, random.Random(0))
    assert chosen[0] == due_card
    assert later_card not in chosen
    assert len(chosen) == 10
    assert len(set(chosen)) == 10


def test_recent_cards_are_left_out(context, deck) -> None:
    recent = {card.key for card in deck[:-3]}
    chosen = choose_cards(context.catalogue, deck, {}, NOW, 10, random.Random(0), recent)
    assert set(chosen) == set(deck[-3:])


def test_when_nothing_is_new_or_due_the_soonest_due_are_practised(context, deck) -> None:
    few = deck[:3]
    states = {
        card.key: schedule_review(None, 100, NOW + timedelta(hours=i)) for i, card in enumerate(few)
    }
    chosen = choose_cards(context.catalogue, few, states, NOW, 2, random.Random(0))
    assert chosen == few[:2]


def grade(catalogue, card) -> int:
    return catalogue.trigger_point(card.subject).prevalence_weight


def test_a_new_learner_starts_with_the_most_common_points_of_each_region(context, deck) -> None:
    catalogue = context.catalogue
    top = {}
    for card in deck:
        if card.kind != "condition":
            region = card_region(catalogue, card)
            top[region] = max(top.get(region, 0), grade(catalogue, card))
    first = introducible_new_cards(catalogue, deck, {})
    points = [c for c in first if c.kind != "condition"]
    assert points
    assert all(grade(catalogue, c) == top[card_region(catalogue, c)] for c in points)
    # no rare point of a region that has common ones comes first, however the draw goes
    rng = random.Random(3)
    for _ in range(20):
        for card in choose_cards(catalogue, deck, {}, NOW, 10, rng):
            if card.kind != "condition":
                assert grade(catalogue, card) == top[card_region(catalogue, card)]
    assert {c.kind for c in first} >= {"condition"}  # conditions have no prevalence


def region_with_rare_and_common(catalogue, deck):
    """A region's find-point cards: its very common/common ones and its rare ones."""
    cards = [c for c in deck if c.kind == "find_point"]
    for region in sorted({card_region(catalogue, c) for c in cards}):
        mine = [c for c in cards if card_region(catalogue, c) == region]
        common = [c for c in mine if grade(catalogue, c) >= 3]
        rare = [c for c in mine if grade(catalogue, c) == 1]
        if len(common) > KNOWN_BEFORE_RARER and rare:
            return common, rare
    raise AssertionError("the catalogue has no region with rare and common points")


def test_rare_points_come_once_enough_common_ones_are_known(context, deck) -> None:
    catalogue = context.catalogue
    common, rare = region_with_rare_and_common(catalogue, deck)
    cards = [*common, *rare]
    known = schedule_review(None, 100, NOW - timedelta(days=1), "easy")
    learning = schedule_review(None, 100, NOW - timedelta(days=1), "good")
    assert (known.phase, learning.phase) == (KNOWN_PHASE, "learning")
    # seen but not yet known does not count
    states = {c.key: learning for c in common[:KNOWN_BEFORE_RARER]}
    assert not set(introducible_new_cards(catalogue, cards, states)) & set(rare)
    states = {c.key: known for c in common[: KNOWN_BEFORE_RARER - 1]}
    assert not set(introducible_new_cards(catalogue, cards, states)) & set(rare)
    states[common[KNOWN_BEFORE_RARER - 1].key] = known
    assert set(rare) <= set(introducible_new_cards(catalogue, cards, states))


def test_rare_points_come_when_every_more_common_one_was_seen(context, deck) -> None:
    catalogue = context.catalogue
    common, rare = region_with_rare_and_common(catalogue, deck)
    occasional = [
        c
        for c in deck
        if c.kind == "find_point"
        and card_region(catalogue, c) == card_region(catalogue, rare[0])
        and grade(catalogue, c) == 2
    ]
    cards = [*common, *occasional, *rare]
    learning = schedule_review(None, 100, NOW - timedelta(days=1), "good")
    states = {c.key: learning for c in [*common, *occasional]}
    assert set(introducible_new_cards(catalogue, cards, states)) == set(rare)


def test_a_deck_of_only_rare_points_starts_at_once(context) -> None:
    catalogue = context.catalogue
    rare = build_deck(catalogue, context.atlas, DeckFilter(prevalences=("rare",)))
    assert rare
    assert set(introducible_new_cards(catalogue, rare, {})) == set(rare)


def test_card_regions(context) -> None:
    assert card_region(context.catalogue, StudyCard("find_point", "soleus.trp1")) == "leg_and_foot"
    assert card_region(context.catalogue, StudyCard("condition", "neck_pain")) == "conditions"
