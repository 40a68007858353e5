"""Pure geometry over body units: hit-testing, overlaps, unions, mirror, cache."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from shapely.geometry import box

from triggermap.geometry.atlas import BodyView, load_view
from triggermap.geometry.regions import RegionId, parse_region_id

DELTOID_R = RegionId("muscle", "deltoid", "right")
PEC_MINOR_R = RegionId("muscle", "pectoralis_minor", "right")
PEC_MAJOR_R = RegionId("muscle", "pectoralis_major", "right")


def test_region_at_a_point_inside_a_muscle(mini_view: BodyView):
    x, y = mini_view.inside_point(DELTOID_R)
    assert mini_view.region_at(x, y) == DELTOID_R
    assert mini_view.region_at(5, 5) is None


def test_topmost_visible_layer_wins(mini_view: BodyView):
    x, y = mini_view.inside_point(PEC_MINOR_R)
    assert mini_view.region_at(x, y, ("superficial",)) == PEC_MAJOR_R
    assert mini_view.region_at(x, y, ("deep", "superficial")) == PEC_MINOR_R


def test_mirror_point_lands_in_the_same_muscle_on_the_other_side(mini_view: BodyView):
    x, y = mini_view.inside_point(DELTOID_R)
    assert mini_view.region_at(*mini_view.mirror_point(x, y)) == DELTOID_R.other_side()


def test_overlaps_rank_zones_by_area(mini_view: BodyView):
    drawn = box(100, 200, 200, 260)
    ranked = mini_view.overlaps(drawn)
    assert ranked[0][0] == RegionId("zone", "flank", "right")
    assert sum(area for _, area in ranked) == pytest.approx(
        shapely.intersection(drawn, mini_view.silhouette).area, rel=1e-6
    )


def test_union_of_zones(mini_view: BodyView):
    ids = [RegionId("zone", "pectoral", "right"), RegionId("zone", "pectoral", "left")]
    union = mini_view.union_of(ids)
    assert union.area == pytest.approx(sum(mini_view.region(i).area.area for i in ids), rel=1e-6)
    assert mini_view.union_of([RegionId("zone", "heel", "right")]).is_empty


@pytest.mark.parametrize(
    "text", ["muscle.deltoid.left", "zone.sternum.midline", "zone.temple.right"]
)
def test_region_ids_round_trip(text: str):
    assert str(parse_region_id(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "muscle.deltoid",
        "muscle.Deltoid.left",
        "muscle.deltoid.midline",
        "nerve.x.left",
        "zone.a b.left",
    ],
)
def test_bad_region_ids_are_refused(text: str):
    with pytest.raises(ValueError, match="id"):
        parse_region_id(text)


def test_geometry_cache_is_used_and_rebuilt_when_the_file_changes(mini_built, tmp_path: Path):
    svg = tmp_path / "mini.svg"
    svg.write_text(mini_built.svg_text)
    cache = tmp_path / "cache"
    first = load_view(svg, cache)
    assert (cache / "mini.json").exists()
    second = load_view(svg, cache)
    assert second.region_ids() == first.region_ids()
    assert second.region(DELTOID_R).area.equals(first.region(DELTOID_R).area)
    # a changed file must not be served from the stale cache
    svg.write_text(
        mini_built.svg_text.replace('id="muscle.deltoid.left"', 'id="muscle.teres_major.left"')
    )
    third = load_view(svg, cache)
    assert third.region(RegionId("muscle", "teres_major", "left")) is not None


def test_a_damaged_cache_is_ignored(mini_built, tmp_path: Path):
    svg = tmp_path / "mini.svg"
    svg.write_text(mini_built.svg_text)
    cache = tmp_path / "cache"
    load_view(svg, cache)
    (cache / "mini.json").write_text("{ not json")
    assert load_view(svg, cache).region(DELTOID_R) is not None


def test_a_pain_marks_region_id_names_a_zone_or_nothing():
    from triggermap.geometry.regions import RegionId, painted_zone

    assert painted_zone("zone.temple.right") == RegionId("zone", "temple", "right")
    assert painted_zone("zone.navel.midline").side == "midline"
    # a muscle, a malformed id (changed outside the program) or a wrong side names no zone
    for text in ("muscle.masseter.left", "zone.temple", "zone.temple.up", "", "zone..left"):
        assert painted_zone(text) is None
