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
    for better, worse in itertools.pairwise(ranked):
        assert better.score >= worse.score
    reason = ranked[0].reason({z.id: z.name for z in catalogue.zones.values()})
    assert "explains 100% of the drawing" in reason


def test_an_empty_drawing_has_no_candidates(shipped):
    catalogue, weights = shipped
    assert rank_trigger_points({}, catalogue, weights) == []
    assert rank_trigger_points({zone("temple"): 0}, catalogue, weights) == []
