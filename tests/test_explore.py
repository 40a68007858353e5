"""Explorer use cases without Qt: ordering, marks on either side, referral zones by side."""

from __future__ import annotations

import pytest

from triggermap.catalogue.toml_sources import read_catalogue_sources
from triggermap.geometry.regions import RegionId
from triggermap.services.explore import (
    conditions_of_muscle,
    referral_regions,
    trigger_point_marks,
    trigger_points_by_prevalence,
)

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue_sources(FIXTURES / "catalogue")[0]


def test_referral_zones_follow_the_side_and_midline_stays_midline(catalogue):
    zones = referral_regions(catalogue, "pectoralis_major.trp1", "left")
    assert zones.essential == (
        RegionId("zone", "pectoral", "left"),
        RegionId("zone", "sternum", "midline"),
    )
    assert zones.spillover == ()


def test_marks_mirror_to_the_left_and_skip_other_views(catalogue, mini_view):
    right = trigger_point_marks(catalogue, mini_view, RegionId("muscle", "deltoid", "right"))
    left = trigger_point_marks(catalogue, mini_view, RegionId("muscle", "deltoid", "left"))
    assert (right[0].x, right[0].y) == (135.0, 120.0)
    assert (left[0].x, left[0].y) == pytest.approx(mini_view.mirror_point(135.0, 120.0))
    assert (
        trigger_point_marks(catalogue, mini_view, RegionId("muscle", "biceps_brachii", "right"))
        == []
    )


def test_points_are_ordered_by_prevalence_and_conditions_by_rank(catalogue):
    assert [p.prevalence for p in trigger_points_by_prevalence(catalogue, "pectoralis_major")] == [
        "very_common"
    ]
    assert trigger_points_by_prevalence(catalogue, "no_such_muscle") == []
    assert [c.id for c in conditions_of_muscle(catalogue, "pectoralis_minor")] == ["shoulder_pain"]
