"""The shipped body views: contract, tiling, mirrors, completeness and gross anatomy."""

from __future__ import annotations

import tomllib

import pytest
import shapely

from triggermap import resources
from triggermap.geometry.atlas import Atlas, BodyView
from triggermap.geometry.regions import RegionId
from triggermap.services.atlas_views import build_atlas, load_body_views

from .conftest import ROOT

ATLAS_MUSCLES = """
temporalis masseter lateral_pterygoid medial_pterygoid digastric frontalis occipitalis
orbicularis_oculi corrugator_supercilii procerus zygomaticus_major orbicularis_oris buccinator
mentalis depressor_anguli_oris platysma sternocleidomastoid upper_trapezius middle_trapezius
lower_trapezius levator_scapulae splenius_capitis splenius_cervicis semispinalis_capitis
suboccipitals anterior_scalene middle_scalene posterior_scalene supraspinatus infraspinatus
teres_minor teres_major subscapularis deltoid rhomboid_major rhomboid_minor latissimus_dorsi
serratus_anterior serratus_posterior_superior pectoralis_major pectoralis_minor subclavius
biceps_brachii brachialis coracobrachialis triceps_brachii anconeus brachioradialis
extensor_carpi_radialis_longus extensor_carpi_radialis_brevis extensor_digitorum
extensor_carpi_ulnaris supinator pronator_teres flexor_carpi_radialis flexor_carpi_ulnaris
palmaris_longus flexor_digitorum_superficialis first_dorsal_interosseous adductor_pollicis
opponens_pollicis rectus_abdominis external_oblique iliocostalis_thoracis iliocostalis_lumborum
longissimus_thoracis multifidi quadratus_lumborum iliopsoas gluteus_maximus gluteus_medius
gluteus_minimus piriformis tensor_fasciae_latae sartorius rectus_femoris vastus_medialis
vastus_lateralis adductor_longus adductor_magnus gracilis biceps_femoris semitendinosus
semimembranosus gastrocnemius soleus popliteus tibialis_anterior tibialis_posterior
fibularis_longus fibularis_brevis extensor_digitorum_longus extensor_hallucis_longus
flexor_digitorum_longus abductor_hallucis flexor_digitorum_brevis quadratus_plantae
abductor_digiti_minimi_foot extensor_digitorum_brevis
""".split()

DEEP_MUSCLES = """supraspinatus subscapularis piriformis gluteus_minimus quadratus_lumborum iliopsoas
lateral_pterygoid medial_pterygoid suboccipitals multifidi soleus tibialis_posterior
quadratus_plantae""".split()


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return load_body_views(resources.svg_dir(), None)


def muscle(view: BodyView, name: str, side: str = "right") -> shapely.Geometry:
    region = view.region(RegionId("muscle", name, side))
    assert region is not None, f"{view.name} view lacks muscle.{name}.{side}"
    return region.area


def test_committed_views_equal_a_fresh_build(tmp_path):
    build_atlas(resources.atlas_sources_dir(), tmp_path)
    for name in resources.VIEW_NAMES:
        fresh = (tmp_path / f"{name}.svg").read_text()
        committed = (resources.svg_dir() / f"{name}.svg").read_text()
        assert fresh == committed, f"assets/svg/{name}.svg is stale: run `triggermap atlas build`"


@pytest.mark.parametrize("name", resources.VIEW_NAMES)
def test_regions_are_valid_and_inside_the_outline(atlas: Atlas, name: str):
    view = atlas.view(name)
    assert view.silhouette.is_valid
    allowance = view.silhouette.buffer(1.5)
    for region in view.regions:
        assert region.area.is_valid, region.region_id
        outside = shapely.difference(region.area, allowance).area
        assert outside <= 0.01 * region.area.area, (
            f"{region.region_id}: {100 * outside / region.area.area:.1f}% outside the outline"
        )


@pytest.mark.parametrize("name", [n for n in resources.VIEW_NAMES if n != "lateral"])
def test_left_and_right_are_exact_mirrors(atlas: Atlas, name: str):
    view = atlas.view(name)
    assert view.mirror_axis is not None
    for region in view.regions:
        if region.region_id.side != "right":
            continue
        left = view.region(region.region_id.other_side())
        assert left is not None, f"{region.region_id} has no left counterpart"
        assert shapely.hausdorff_distance(view.mirror_area(region.area), left.area) <= 0.5


@pytest.mark.parametrize("name", resources.VIEW_NAMES)
def test_zones_tile_the_silhouette(atlas: Atlas, name: str):
    view = atlas.view(name)
    zones = [view.region(r).area for r in view.region_ids("zones")]
    union = shapely.union_all(zones)
    coverage = shapely.intersection(union, view.silhouette).area / view.silhouette.area
    overlap = (sum(z.area for z in zones) - union.area) / view.silhouette.area
    assert coverage >= 0.99, f"zones cover {100 * coverage:.2f}% of the {name} silhouette"
    assert overlap < 0.01, f"zones overlap by {100 * overlap:.2f}% in the {name} view"


def test_every_atlas_muscle_is_drawn_on_both_sides(atlas: Atlas):
    for name in ATLAS_MUSCLES:
        sides = {
            side
            for view in atlas.views.values()
            for side in ("left", "right")
            if view.region(RegionId("muscle", name, side))
        }
        assert sides == {"left", "right"}, f"{name} is drawn on sides {sorted(sides)}"


def test_deep_muscles_are_in_the_deep_layer(atlas: Atlas):
    for name in DEEP_MUSCLES:
        layers = {
            region.layer
            for view in atlas.views.values()
            for region in view.regions
            if region.region_id == RegionId("muscle", name, "right")
        }
        assert "deep" in layers, f"{name} is not drawn in any deep layer ({layers})"


def test_zones_match_the_catalogue_and_there_are_enough(atlas: Atlas):
    zones = tomllib.loads((ROOT / "data" / "catalogue" / "zones.toml").read_text())
    drawn = {r.name for view in atlas.views.values() for r in view.region_ids("zones")}
    assert drawn == set(zones), (
        f"undrawn: {sorted(set(zones) - drawn)}; unknown: {sorted(drawn - set(zones))}"
    )
    sided = {
        r.name
        for view in atlas.views.values()
        for r in view.region_ids("zones")
        if r.side == "left"
    }
    assert len(sided) >= 120


def centre(area: shapely.Geometry) -> tuple[float, float]:
    point = area.centroid
    return point.x, point.y


def test_sides_are_anatomically_correct(atlas: Atlas):
    front, back = atlas.view("anterior"), atlas.view("posterior")
    # anatomical position: the patient's right is on the viewer's left from the front,
    # on the viewer's right from behind
    for name in ("deltoid", "pectoralis_major", "rectus_femoris", "tibialis_anterior"):
        assert centre(muscle(front, name))[0] < front.mirror_axis
    for name in ("deltoid", "gluteus_maximus", "gastrocnemius", "infraspinatus"):
        assert centre(muscle(back, name))[0] > back.mirror_axis


def test_muscles_lie_in_their_body_order(atlas: Atlas):
    front, back, side = atlas.view("anterior"), atlas.view("posterior"), atlas.view("lateral")
    top_to_bottom = [
        "sternocleidomastoid",
        "pectoralis_major",
        "rectus_abdominis",
        "rectus_femoris",
        "tibialis_anterior",
    ]
    heights = [centre(muscle(front, name))[1] for name in top_to_bottom]
    assert heights == sorted(heights), dict(zip(top_to_bottom, heights, strict=True))
    top_to_bottom = [
        "upper_trapezius",
        "infraspinatus",
        "latissimus_dorsi",
        "gluteus_maximus",
        "biceps_femoris",
        "gastrocnemius",
    ]
    heights = [centre(muscle(back, name))[1] for name in top_to_bottom]
    assert heights == sorted(heights), dict(zip(top_to_bottom, heights, strict=True))
    # from the right side the patient faces +x: front-of-body muscles lie ahead of back muscles
    assert centre(muscle(side, "rectus_femoris"))[0] > centre(muscle(side, "biceps_femoris"))[0]
    assert centre(muscle(side, "tibialis_anterior"))[0] > centre(muscle(side, "gastrocnemius"))[0]
    assert centre(muscle(side, "masseter"))[0] > centre(muscle(side, "upper_trapezius"))[0]
    # proportions: head about an eighth of the height; shoulders wider than hips
    silhouette = front.silhouette.bounds
    assert 1700 < silhouette[3] - silhouette[1] < 1900
