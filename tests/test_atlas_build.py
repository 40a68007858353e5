"""The atlas build: mirrored sides, zones that tile the silhouette, deterministic output."""

from __future__ import annotations

import pytest
import shapely

from triggermap.geometry.atlas import BodyView
from triggermap.geometry.atlas_build import BuiltView, build_view
from triggermap.geometry.errors import AtlasError
from triggermap.geometry.regions import RegionId
from triggermap.geometry.svg_import import parse_svg

from .conftest import FIXTURES


def test_every_right_region_has_an_exact_left_mirror(mini_view: BodyView):
    for region_id in mini_view.region_ids():
        if region_id.side != "right":
            continue
        left = mini_view.region(region_id.other_side())
        assert left is not None, f"{region_id} has no left copy"
        mirrored = mini_view.mirror_area(mini_view.region(region_id).area)
        assert shapely.hausdorff_distance(mirrored, left.area) < 0.5


def test_zones_tile_the_silhouette(mini_view: BodyView):
    zones = [mini_view.region(r).area for r in mini_view.region_ids("zones")]
    union = shapely.union_all(zones)
    covered = shapely.intersection(union, mini_view.silhouette).area / mini_view.silhouette.area
    overlap = sum(z.area for z in zones) - union.area
    assert covered > 0.99
    assert overlap / mini_view.silhouette.area < 0.01


def test_earlier_zone_wins_an_overlap_and_midline_is_symmetric(mini_view: BodyView):
    # lateral_shoulder (drawn first) and pectoral overlap between x=150 and x=160
    assert mini_view.region_at(155, 120, ("zones",)) == RegionId(
        "zone", "lateral_shoulder", "right"
    )
    sternum = mini_view.region(RegionId("zone", "sternum", "midline")).area
    assert shapely.hausdorff_distance(sternum, mini_view.mirror_area(sternum)) < 0.5


def test_gaps_go_to_a_neighbour(mini_built: BuiltView, mini_view: BodyView):
    # the source leaves the lower trunk (y > 330) without a zone; the build hands it on
    assert mini_built.gap_area_filled > 0
    assert mini_view.region_at(150, 360, ("zones",)) is not None


def test_build_is_deterministic():
    raw = (FIXTURES / "mini_source.svg").read_bytes()
    assert build_view(raw, "a").svg_text == build_view(raw, "b").svg_text


def test_left_side_paths_in_a_source_are_refused():
    raw = (FIXTURES / "mini_source.svg").read_bytes().replace(b"deltoid.right", b"deltoid.left")
    with pytest.raises(AtlasError, match="draw the right side"):
        build_view(raw, "src.svg")


def test_bad_ids_are_refused_with_the_element_named():
    raw = (FIXTURES / "mini_source.svg").read_bytes().replace(b"muscle.deltoid.right", b"Deltoid")
    with pytest.raises(AtlasError, match="Deltoid"):
        build_view(raw, "src.svg")


def test_captions_pass_through_unmirrored(mini_built: BuiltView):
    assert '<text x="20" y="30">Right</text>' in mini_built.svg_text
    assert mini_built.svg_text.count("<text") == 2


def test_decoration_ids_and_odd_classes_cannot_break_the_built_file():
    raw = (
        (FIXTURES / "mini_source.svg")
        .read_bytes()
        .replace(
            b'<path class="fibre"', b"<path id=\"Not A Region\" class='fibre&quot; onload=&quot;x'"
        )
    )
    built = build_view(raw, "src.svg")
    assert "Not A Region" not in built.svg_text
    assert parse_svg(built.svg_text.encode(), "built").shapes
