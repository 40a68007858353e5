"""A trigger point treated by hand only (the diaphragm, points examined per vaginam) says why
in place of needling guidance: the checker wants one or the other, the built catalogue keeps
it, the details say it, and planning such a point raises a warning that stops the needle."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.patient_examples import example_needle, example_patient, example_visit
from triggermap.catalogue.toml_sources import read_catalogue_sources
from triggermap.clinic.safety import plan_warnings
from triggermap.clinic.warning_kinds import warning_kind
from triggermap.geometry.atlas import Atlas
from triggermap.services.catalogue_build import build_catalogue
from triggermap.services.catalogue_check import check_catalogue
from triggermap.storage.catalogue_reader import read_catalogue

from .conftest import FIXTURES

REASON = "Treated by hand under the costal margin; no needling technique is published."


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(FIXTURES / "catalogue", folder)
    return folder


def rewrite_deltoid_point(folder: Path, needling: bool, not_needled: bool) -> None:
    """Deltoid TrP1 of the fixture catalogue with or without its needling, and with or
    without a not_needled reason."""
    path = folder / "muscles" / "test_region.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("needling = {", text.index("[[deltoid.trigger_points]]"))
    end = text.index("\n", start) + 1
    kept = text[start:end] if needling else ""
    if not_needled:
        kept += f'not_needled = "{REASON}"\n'
    path.write_text(text[:start] + kept + text[end:], encoding="utf-8")


def problems_of(folder: Path, atlas: Atlas) -> list[str]:
    catalogue, index = read_catalogue_sources(folder)
    return [str(p) for p in check_catalogue(catalogue, index, atlas)]


@pytest.fixture
def mini_atlas(mini_view) -> Atlas:
    return Atlas({"mini": mini_view})


def test_a_point_needs_needling_guidance_or_the_reason_it_is_not_needled(sources, mini_atlas):
    rewrite_deltoid_point(sources, needling=False, not_needled=False)
    assert any(
        "deltoid.trp1 has no needling guidance" in p for p in problems_of(sources, mini_atlas)
    )


def test_a_point_cannot_both_give_needling_and_say_it_is_not_needled(sources, mini_atlas):
    rewrite_deltoid_point(sources, needling=True, not_needled=True)
    assert any("says it is not needled" in p for p in problems_of(sources, mini_atlas))


def test_the_reason_reaches_the_built_catalogue_and_the_plan_warns(sources, mini_atlas, tmp_path):
    rewrite_deltoid_point(sources, needling=False, not_needled=True)
    assert problems_of(sources, mini_atlas) == []
    result = build_catalogue(sources, mini_atlas, tmp_path / "points.db")
    assert result.written is not None
    catalogue = read_catalogue(result.written)
    point = catalogue.trigger_point("deltoid.trp1")
    assert point.needling is None
    assert point.not_needled == REASON
    patient = example_patient()
    visit = example_visit(patient.id, needles=(example_needle(trigger_point_id="deltoid.trp1"),))
    warnings = [
        w
        for w in plan_warnings(patient, visit, catalogue, date(2026, 12, 2))
        if w.kind == "not_needled"
    ]
    assert len(warnings) == 1
    assert "treated by hand, not needled" in warnings[0].message
    assert warning_kind("not_needled").stops


def test_the_details_say_the_point_is_not_needled(sources):
    from triggermap.geometry.regions import parse_region_id
    from triggermap.ui.muscle_details import muscle_details_html

    rewrite_deltoid_point(sources, needling=False, not_needled=True)
    catalogue, _ = read_catalogue_sources(sources)
    html = muscle_details_html(
        catalogue, parse_region_id("muscle.deltoid.right"), chosen="deltoid.trp1"
    )
    assert "Not needled:" in html
    assert "Needling:" not in html


def test_a_hazard_without_a_depth_limit_says_so_in_the_details():
    """A nerve or vessel avoided by direction shows 'No depth limit', so a figure never looks
    as if it had been left out by accident."""
    from triggermap import resources
    from triggermap.geometry.regions import parse_region_id
    from triggermap.storage.catalogue_reader import read_catalogue
    from triggermap.ui.muscle_details import muscle_details_html

    catalogue = read_catalogue(resources.catalogue_db())
    html = muscle_details_html(catalogue, parse_region_id("muscle.pronator_teres.right"))
    assert "median nerve" in html.lower()
    assert "No depth limit:</b> it is avoided by direction, not by depth." in html
    upper = muscle_details_html(catalogue, parse_region_id("muscle.upper_trapezius.right"))
    assert "Maximum depth" in upper  # a measured limit is shown as before
