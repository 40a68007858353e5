"""The patient map without Qt: which panel each needle and zone lands on, on which side."""

from __future__ import annotations

import dataclasses

import pytest
from shapely.geometry import Point

from triggermap import resources
from triggermap.catalogue.model import Catalogue, TriggerPointId
from triggermap.clinic.model import PainMark
from triggermap.geometry.atlas import Atlas
from triggermap.geometry.regions import RegionId
from triggermap.services.atlas_views import load_body_views
from triggermap.services.explore import referral_regions
from triggermap.services.patient_map import panel_region_area, panel_shows, patient_map
from triggermap.storage.catalogue_reader import read_catalogue

from .patient_samples import first_visit, needle, second_visit


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_catalogue(resources.catalogue_db())


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return load_body_views(resources.svg_dir(), None)


def test_front_and_back_always_come_first(catalogue, atlas):
    empty = dataclasses.replace(first_visit(), needles=(), pain_drawing=())
    assert [(p.view, p.mirrored) for p in patient_map(empty, catalogue, atlas).panels] == [
        ("anterior", False),
        ("posterior", False),
    ]


def test_a_left_point_is_drawn_at_the_mirror_of_its_right_position(catalogue, atlas):
    point = catalogue.trigger_point(TriggerPointId("upper_trapezius.trp1"))
    left_and_right = dataclasses.replace(
        first_visit(),
        needles=(needle(1, point.id, "left"), needle(2, point.id, "right")),
        pain_drawing=(),
    )
    panel = patient_map(left_and_right, catalogue, atlas).panel(point.view)
    left, right = panel.needles
    body = atlas.view(point.view)
    assert (right.x, right.y) == (point.x, point.y)
    assert (left.x, left.y) == pytest.approx(body.mirror_point(point.x, point.y))
    # each mark lies inside its own side's muscle, never the other side's
    for mark in (left, right):
        assert body.region_at(mark.x, mark.y, ("superficial", "deep")) == RegionId(
            "muscle", point.muscle_id, mark.side
        )


def test_referral_zones_are_on_the_needle_side_and_in_views_that_show_them(catalogue, atlas):
    visit = first_visit()
    built = patient_map(visit, catalogue, atlas)
    expected = set()
    for done in visit.needles:
        referral = referral_regions(catalogue, done.trigger_point_id, done.side)
        expected |= set(referral.essential)
    shown = {r for panel in built.panels for r in panel.essential}
    assert shown == expected
    for panel in built.panels:
        body = atlas.view(panel.view)
        for region_id in (*panel.essential, *panel.spillover):
            assert panel_shows(body, panel.mirrored, region_id)
            assert not panel_region_area(body, panel.mirrored, region_id).is_empty
    trapezius = referral_regions(catalogue, TriggerPointId("upper_trapezius.trp1"), "left")
    assert all(r.side in ("left", "midline") for r in trapezius.essential)
    assert not {r.other_side() for r in trapezius.essential if r.side == "left"} & shown


def test_a_zone_both_essential_and_spillover_shows_once_as_essential(catalogue, atlas):
    built = patient_map(second_visit(), catalogue, atlas)
    for panel in built.panels:
        assert not set(panel.essential) & set(panel.spillover)


def test_pain_drawing_lands_in_a_view_showing_the_zone_on_its_side(catalogue, atlas):
    built = patient_map(first_visit(), catalogue, atlas)
    painted = {(z.region_id, z.intensity) for panel in built.panels for z in panel.painted}
    assert (RegionId("zone", "temple", "left"), 7) in painted
    assert (RegionId("zone", "lateral_knee", "right"), 4) in painted
    for panel in built.panels:
        for zone in panel.painted:
            assert panel_shows(atlas.view(panel.view), panel.mirrored, zone.region_id)


def test_a_left_point_of_the_one_sided_view_gets_its_own_mirrored_panel(catalogue, atlas):
    point = catalogue.trigger_point(TriggerPointId("vastus_lateralis.trp1"))
    body = atlas.view(point.view)
    assert body.mirror_axis is None  # the lateral view draws the right side only
    visit = dataclasses.replace(
        first_visit(),
        needles=(needle(1, point.id, "left"), needle(2, point.id, "right")),
        pain_drawing=(),
    )
    built = patient_map(visit, catalogue, atlas)
    left_panel = built.panel(point.view, mirrored=True)
    right_panel = built.panel(point.view, mirrored=False)
    assert [m.side for m in left_panel.needles] == ["left"]
    assert [m.side for m in right_panel.needles] == ["right"]
    assert left_panel.caption == "Left side"
    assert right_panel.caption == "Right side"
    # the left panel's zones are left (or midline) zones, drawn as the mirror of the right's
    assert left_panel.essential
    for region_id in left_panel.essential:
        assert region_id.side in ("left", "midline")
        mirrored = panel_region_area(body, True, region_id)
        assert mirrored.equals(body.mirror_area(body.union_of([region_id.other_side()])))
    for region_id in right_panel.essential:
        assert region_id.side in ("right", "midline")
    mark = left_panel.needles[0]
    assert (mark.x, mark.y) == pytest.approx(body.mirror_point(point.x, point.y))
    # in the mirrored drawing the mark lies inside the mirrored muscle
    muscle = body.mirror_area(body.union_of([RegionId("muscle", point.muscle_id, "right")]))
    assert muscle.buffer(1.0).contains(Point(mark.x, mark.y))


def test_a_zone_only_another_view_shows_adds_that_view(catalogue, atlas):
    front_and_back = ("anterior", "posterior")
    only_elsewhere = next(
        region_id
        for name, body in atlas.views.items()
        if name not in front_and_back
        for region_id in body.region_ids("zones")
        if region_id.side == "left"
        and not any(atlas.view(v).region(region_id) for v in front_and_back)
    )
    home = atlas.views_showing(only_elsewhere)[0]
    visit = dataclasses.replace(
        first_visit(), needles=(), pain_drawing=(PainMark(str(only_elsewhere), 5),)
    )
    built = patient_map(visit, catalogue, atlas)
    assert [p.view for p in built.panels] == [*front_and_back, home]
    assert built.panel(home).painted[0].region_id == only_elsewhere


def test_unknown_zone_ids_are_reported_not_drawn(catalogue, atlas):
    visit = dataclasses.replace(
        first_visit(), pain_drawing=(PainMark("zone.nowhere.left", 3), PainMark("bad id", 2))
    )
    built = patient_map(visit, catalogue, atlas)
    assert set(built.unplaced) == {"zone.nowhere.left", "bad id"}
