"""The geometry shipped with the program: made from exactly the shipped views, the same as
parsing them, and never used for a view that changed or a file that is damaged."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil

import pytest

from triggermap import resources
from triggermap.geometry.atlas import SHIPPED_SUFFIX, load_view
from triggermap.services.context import AppContext


@pytest.mark.parametrize("view", resources.VIEW_NAMES)
def test_the_shipped_geometry_was_made_from_the_shipped_view(view):
    svg = resources.svg_dir() / f"{view}.svg"
    shipped = resources.geometry_dir() / f"{view}{SHIPPED_SUFFIX}"
    stored = json.loads(gzip.decompress(shipped.read_bytes()))
    assert stored["key"] == hashlib.sha256(svg.read_bytes()).hexdigest(), (
        f"{shipped.name} is older than {svg.name}: run `triggermap atlas build`"
    )


@pytest.mark.parametrize("view", resources.VIEW_NAMES)
def test_the_shipped_geometry_is_what_parsing_the_view_gives(view):
    svg = resources.svg_dir() / f"{view}.svg"
    parsed = load_view(svg)
    shipped = load_view(svg, None, resources.geometry_dir())
    assert [r.region_id for r in shipped.regions] == [r.region_id for r in parsed.regions]
    for ours, theirs in zip(shipped.regions, parsed.regions, strict=True):
        assert ours.layer == theirs.layer
        assert ours.area.symmetric_difference(theirs.area).area < 1e-6
    assert shipped.view_box == parsed.view_box
    assert shipped.mirror_axis == parsed.mirror_axis


def test_the_program_loads_its_views_from_the_shipped_geometry_without_parsing(monkeypatch):
    import triggermap.geometry.atlas as atlas

    def no_parsing(*_args, **_kwargs):
        raise AssertionError("a view was parsed although its shipped geometry is current")

    monkeypatch.setattr(atlas, "parse_svg", no_parsing)
    context = AppContext.default()
    context.cache_dir = None  # as the first start after install finds it: no cache yet
    assert set(context.atlas.views) == set(resources.VIEW_NAMES)


def test_a_changed_view_or_a_damaged_file_is_parsed_instead(tmp_path, monkeypatch):
    import triggermap.geometry.atlas as atlas

    parsed = []
    real_parse = atlas.parse_svg
    monkeypatch.setattr(atlas, "parse_svg", lambda *a, **k: parsed.append(1) or real_parse(*a, **k))
    svg_dir, shipped_dir = tmp_path / "svg", tmp_path / "geometry"
    svg_dir.mkdir()
    shutil.copytree(resources.geometry_dir(), shipped_dir)
    original = resources.svg_dir() / "head.svg"
    changed = svg_dir / "head.svg"
    shutil.copy2(original, changed)
    load_view(changed, None, shipped_dir)
    assert parsed == []  # current: taken from the shipped file
    # the same view edited by one attribute: its shipped geometry no longer counts
    text = original.read_text(encoding="utf-8")
    changed.write_text(text.replace("<svg ", '<svg data-note="edited" ', 1), encoding="utf-8")
    load_view(changed, None, shipped_dir)
    assert parsed == [1]
    shutil.copy2(original, changed)
    (shipped_dir / f"head{SHIPPED_SUFFIX}").write_bytes(b"\x1f\x8b damaged")
    view = load_view(changed, None, shipped_dir)  # a damaged shipped file costs time only
    assert parsed == [1, 1]
    assert [r.region_id for r in view.regions] == [r.region_id for r in load_view(original).regions]
