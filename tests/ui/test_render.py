"""Headless rendering: PNG pixels show highlights where the geometry says; SVG and PDF work."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from triggermap.geometry.errors import AtlasError
from triggermap.geometry.regions import RegionId
from triggermap.ui.render import RenderRequest, regions_named, render_to_file

DELTOID_R = RegionId("muscle", "deltoid", "right")


@pytest.fixture
def mini_svg(mini_built, tmp_path: Path) -> Path:
    path = tmp_path / "mini.svg"
    path.write_text(mini_built.svg_text)
    return path


def pixel_at(image: QImage, x: float, y: float, scale: float) -> QColor:
    return image.pixelColor(round(x * scale), round(y * scale))


def test_png_shows_the_highlighted_muscle(qapp, mini_svg: Path, mini_view, tmp_path: Path):
    plain = render_to_file(RenderRequest(mini_svg), tmp_path / "plain.png", height_px=800)
    lit = render_to_file(
        RenderRequest(mini_svg, highlight=(DELTOID_R,)), tmp_path / "lit.png", height_px=800
    )
    x, y = mini_view.inside_point(DELTOID_R)
    scale = 800 / 400
    before = pixel_at(QImage(str(plain)), x, y, scale)
    after = pixel_at(QImage(str(lit)), x, y, scale)
    assert before.red() > before.blue() + 40  # muscle red
    assert after.name() != before.name()
    assert after.green() > before.green() + 40  # amber highlight has much more green
    # the other side stays as it was
    mx, my = mini_view.mirror_point(x, y)
    assert (
        pixel_at(QImage(str(lit)), mx, my, scale).name()
        == pixel_at(QImage(str(plain)), mx, my, scale).name()
    )


def test_deep_layer_is_drawn_only_when_asked(qapp, mini_svg: Path, mini_view, tmp_path: Path):
    x, y = mini_view.inside_point(RegionId("muscle", "pectoralis_minor", "right"))
    surface = pixel_at(
        QImage(str(render_to_file(RenderRequest(mini_svg), tmp_path / "s.png", 800))), x, y, 2
    )
    deep = pixel_at(
        QImage(str(render_to_file(RenderRequest(mini_svg, deep=True), tmp_path / "d.png", 800))),
        x,
        y,
        2,
    )
    assert deep.blue() > surface.blue() + 30  # the deep layer's purple


def test_zones_can_be_shaded(qapp, mini_svg: Path, mini_view, tmp_path: Path):
    zone = RegionId("zone", "flank", "left")
    x, y = mini_view.inside_point(zone)
    shaded = render_to_file(RenderRequest(mini_svg, show_zones=(zone,)), tmp_path / "z.png", 800)
    colour = pixel_at(QImage(str(shaded)), x, y, 2)
    assert colour.red() > colour.green() + 60


def test_svg_and_pdf_outputs(qapp, mini_svg: Path, tmp_path: Path):
    svg = render_to_file(RenderRequest(mini_svg, highlight=(DELTOID_R,)), tmp_path / "out.svg")
    assert b'id="highlights"' in svg.read_bytes()
    pdf = render_to_file(RenderRequest(mini_svg), tmp_path / "out.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_unknown_names_and_formats_are_refused(qapp, mini_svg: Path, tmp_path: Path):
    with pytest.raises(ValueError, match="no muscle named 'biceps'"):
        regions_named(mini_svg, ["biceps"], "muscle")
    assert regions_named(mini_svg, ["deltoid"], "muscle") == (
        RegionId("muscle", "deltoid", "right"),
        RegionId("muscle", "deltoid", "left"),
    ) or set(regions_named(mini_svg, ["deltoid"], "muscle")) == {DELTOID_R, DELTOID_R.other_side()}
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        render_to_file(RenderRequest(mini_svg), tmp_path / "out.gif")


def test_a_damaged_view_file_gives_our_error(qapp, tmp_path: Path):
    broken = tmp_path / "broken.svg"
    broken.write_bytes(
        b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><g id='outline'><path d='M 0,0 L"
    )
    with pytest.raises(AtlasError, match=r"broken\.svg"):
        render_to_file(RenderRequest(broken), tmp_path / "x.png")
