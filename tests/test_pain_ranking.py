"""'Where does it hurt?' ranking over the shipped catalogue and atlas."""

from __future__ import annotations

import itertools

import pytest

from triggermap import resources
from triggermap.geometry.regions import RegionId
from triggermap.services.atlas_views import load_body_views
from triggermap.services.pain_ranking import rank_trigger_points, zone_weights
from triggermap.storage.catalogue_reader import read_catalogue


@pytest.fixture(scope="module")
def shipped():
    atlas = load_body_views(resources.svg_dir(), None)
    catalogue = read_catalogue(resources.catalogue_db())
    return catalogue, zone_weights(atlas, catalogue)


def zone(name: str, side: str = "right") -> RegionId:
    return RegionId("zone", name, side)


def test_temple_and_posterolateral_neck_rank_upper_trapezius_in_the_top_three(shipped):
    catalogue, weights = shipped
    ranked = rank_trigger_points(
        {zone("temple"): 6, zone("posterolateral_neck"): 7}, catalogue, weights
    )
    top = [(c.point_id.split(".")[0], c.side) for c in ranked[:3]]
    assert ("upper_trapezius", "right") in top


def test_pain_on_the_left_ranks_left_sided_points(shipped):
    catalogue, weights = shipped
    ranked = rank_trigger_points({zone("heel", "left"): 8}, catalogue, weights)
    assert ranked
    assert {c.side for c in ranked} == {"left"}
    assert "soleus" in {c.point_id.split(".")[0] for c in ranked[:5]}


def test_essential_counts_more_than_spillover_and_prevalence_breaks_ties(shipped):
    catalogue, weights = shipped
    ranked = rank_trigger_points({zone("lateral_epicondyle"): 5}, catalogue, weights)
    assert ranked[0].essential_hits == ("lateral_epicondyle",)
    # every point whose essential zone covers the drawing before any whose spillover does,
    # best fit first within each
    groups = [not c.essential_hits for c in ranked]
    assert groups == sorted(groups)
    assert any(groups)  # the spillover-only candidates are there, below
    for better, worse in itertools.pairwise(ranked):
        if bool(better.essential_hits) == bool(worse.essential_hits):
            assert better.score >= worse.score
    reason = ranked[0].reason({z.id: z.name for z in catalogue.zones.values()})
    assert "explains 100% of the drawing" in reason


def test_an_empty_drawing_has_no_candidates(shipped):
    catalogue, weights = shipped
    assert rank_trigger_points({}, catalogue, weights) == []
    assert rank_trigger_points({zone("temple"): 0}, catalogue, weights) == []


def test_a_zone_painted_alone_always_has_candidates(shipped):
    # 30 of 135 zones found nothing when painted alone: a spillover counts now
    catalogue, weights = shipped
    empty = [
        z.id
        for z in catalogue.zones.values()
        if z.sides != "midline"
        and not rank_trigger_points({zone(z.id): 5}, catalogue, weights)
        and any(z.id in (*p.essential, *p.spillover) for p in catalogue.trigger_points())
    ]
    assert empty == []


def test_ties_are_broken_by_prevalence_and_catalogue_order_never_by_name(shipped):
    catalogue, weights = shipped
    order = {p.id: i for i, p in enumerate(catalogue.trigger_points())}
    ranked = rank_trigger_points({zone("posterolateral_neck"): 5}, catalogue, weights)
    for better, worse in itertools.pairwise(ranked):
        same = (
            bool(better.essential_hits) == bool(worse.essential_hits)
            and better.score == worse.score
            and better.coverage == worse.coverage
            and better.prevalence == worse.prevalence
        )
        if same and better.side == worse.side:
            assert order[better.point_id] < order[worse.point_id]


def test_a_pattern_that_fits_the_drawing_ranks_above_one_that_only_touches_it(shipped):
    # jaw and ear pain around the joint: the lateral pterygoid (its pattern is that area)
    # ranks near the top, not tenth below rare points whose large patterns include it
    catalogue, weights = shipped
    point = catalogue.trigger_point("lateral_pterygoid.trp1")
    drawing = {zone(z): 6 for z in point.essential}
    ranked = rank_trigger_points(drawing, catalogue, weights)
    top = [c.point_id for c in ranked[:3]]
    assert "lateral_pterygoid.trp1" in top


def test_toothache_ranks_the_muscles_that_refer_to_those_teeth(shipped):
    catalogue, weights = shipped
    # the teeth are zones of their own (the head view's inset), no longer the lips
    upper_back = rank_trigger_points({zone("upper_molars"): 6}, catalogue, weights)
    assert {c.point_id for c in upper_back[:2]} == {"masseter.trp1", "temporalis.trp3"}
    lower_front = rank_trigger_points({zone("lower_incisors"): 6}, catalogue, weights)
    assert lower_front[0].point_id == "digastric.trp2"
    upper_front = rank_trigger_points({zone("upper_incisors", "left"): 6}, catalogue, weights)
    assert (upper_front[0].point_id, upper_front[0].side) == ("temporalis.trp1", "left")
