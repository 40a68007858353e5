"""The study deck: filters, plausible wrong answers, and which cards come next."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from triggermap.services.context import AppContext
from triggermap.services.study_cards import (
    CARD_KINDS,
    DeckFilter,
    StudyCard,
    build_deck,
    card_from_key,
    card_region,
    choose_cards,
    condition_choices,
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


def test_new_cards_favour_rare_trigger_points(context) -> None:
    catalogue = context.catalogue
    cards = [
        StudyCard("find_point", p.id)
        for p in catalogue.trigger_points()
        if p.prevalence in ("very_common", "rare")
    ]
    rare_share = sum(catalogue.trigger_point(p.subject).prevalence == "rare" for p in cards) / len(
        cards
    )
    rng = random.Random(7)
    drawn = Counter()
    for _ in range(300):
        for card in choose_cards(catalogue, cards, {}, NOW, 3, rng):
            drawn[catalogue.trigger_point(card.subject).prevalence] += 1
    assert drawn["rare"] / sum(drawn.values()) > rare_share + 0.15


def test_card_regions(context) -> None:
    assert card_region(context.catalogue, StudyCard("find_point", "soleus.trp1")) == "leg_and_foot"
    assert card_region(context.catalogue, StudyCard("condition", "neck_pain")) == "conditions"
