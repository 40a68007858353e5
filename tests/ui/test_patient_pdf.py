"""The handout and clinician note PDFs, opened with PDFium (a standard reader's engine): the
map is drawn (red referral and blue pain pixels), the text layer holds the urgent-help
sentence, sides land where they belong, and a failed export leaves no half-written file."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from triggermap import resources
from triggermap.catalogue.model import Catalogue
from triggermap.clinic.model import PainMark
from triggermap.clinic.patient_primer import URGENT_SENTENCE
from triggermap.geometry.atlas import Atlas
from triggermap.geometry.errors import AtlasError
from triggermap.geometry.regions import RegionId
from triggermap.services.atlas_views import load_body_views
from triggermap.services.patient_map import patient_map
from triggermap.storage.catalogue_reader import read_catalogue
from triggermap.ui.patient_map_picture import (
    map_height_for_width,
    needle_radius,
    panel_placements,
    patient_map_image,
)
from triggermap.ui.patient_pdf import write_clinician_note_pdf, write_handout_pdf

from ..patient_samples import first_visit, needle, sample_patient, second_visit

SVG_DIR = resources.svg_dir()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return read_catalogue(resources.catalogue_db())


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return load_body_views(resources.svg_dir(), None)


def page_text(path: Path, index: int = 0) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        return " ".join(document[index].get_textpage().get_text_range().split())
    finally:
        document.close()


def all_text(path: Path) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        pages = len(document)
    finally:
        document.close()
    return " ".join(page_text(path, i) for i in range(pages))


def colour_counts(path: Path) -> tuple[int, int]:
    """Pixels of page 1 (rendered by PDFium at 72 dpi) in referral red and in pain blue."""
    document = pdfium.PdfDocument(str(path))
    try:
        bitmap = document[0].render(scale=1, rev_byteorder=True)
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        pixels = bytes(bitmap.buffer)
    finally:
        document.close()
    red = blue = 0
    for y in range(height):
        row = pixels[y * stride : y * stride + width * 3]
        for x in range(0, len(row), 3):
            r, g, b = row[x], row[x + 1], row[x + 2]
            if r > 170 and g < 110 and b < 120 and r - g > 90:
                red += 1
            elif b > r + 50 and b > g + 20 and g > 100:
                blue += 1
    return red, blue


def test_handout_opens_in_pdfium_and_shows_the_map(tmp_path, qapp, catalogue, atlas):
    # pain on the right thigh, away from the red referral zones of the left-sided needles
    visit = dataclasses.replace(
        first_visit(),
        pain_drawing=(
            *first_visit().pain_drawing,
            PainMark("zone.lateral_thigh.right", 8),
            PainMark("zone.anterior_thigh.right", 6),
        ),
    )
    full = write_handout_pdf(
        tmp_path / "handout.pdf", sample_patient(), visit, catalogue, atlas, SVG_DIR
    )
    bare_visit = dataclasses.replace(first_visit(), needles=(), pain_drawing=())
    bare = write_handout_pdf(
        tmp_path / "bare.pdf", sample_patient(), bare_visit, catalogue, atlas, SVG_DIR
    )
    assert full.read_bytes().startswith(b"%PDF")
    red, blue = colour_counts(full)
    bare_red, bare_blue = colour_counts(bare)
    # the legend's swatches are on both; the patient's zones only on the full handout
    assert red > bare_red + 500
    assert blue > bare_blue + 200


def test_handout_text_has_urgent_help_and_the_muscles(tmp_path, qapp, catalogue, atlas):
    path = write_handout_pdf(
        tmp_path / "handout.pdf", sample_patient(), first_visit(), catalogue, atlas, SVG_DIR
    )
    first_page = page_text(path)
    assert " ".join(URGENT_SENTENCE.split()) in first_page
    assert "Upper trapezius, on your left" in first_page
    assert "Pectoralis major, on your right" in first_page
    # levator scapulae was planned, not needled: the handout lists what was done
    assert "Levator scapulae" not in all_text(path)
    assert "Sam Rivera" in first_page


def test_map_puts_each_side_where_the_view_shows_it(qapp, catalogue, atlas):
    visit = dataclasses.replace(
        first_visit(),
        needles=(needle(1, "upper_trapezius.trp1", "left"),),
        pain_drawing=(PainMark("zone.lateral_knee.right", 10),),
    )
    built = patient_map(visit, catalogue, atlas)
    size = (1600, 1100)
    image = patient_map_image(built, atlas, SVG_DIR, *size)
    placements = {p.panel.view: p for p in panel_placements(QRectF(0, 0, *size), built, atlas)}

    def colour_at(view: str, x: float, y: float) -> QColor:
        point = placements[view].to_target(x, y)
        return image.pixelColor(round(point.x()), round(point.y()))

    # the needle's dark disc on the patient's left of the back view (the viewer's left)...
    mark = placements["posterior"].panel.needles[0]
    back = atlas.view("posterior")
    # beside the disc's centre, where its white number is drawn
    radius = needle_radius(list(placements.values()))
    beside = mark.x - 0.6 * radius / placements["posterior"].scale
    assert colour_at("posterior", beside, mark.y).lightness() < 60
    assert (
        placements["posterior"].to_target(mark.x, mark.y).x()
        < placements["posterior"].rect.center().x()
    )
    # ...and nothing at the same spot on the right
    assert colour_at("posterior", *back.mirror_point(beside, mark.y)).lightness() > 100
    # the right knee's pain is blue on the viewer's left of the front view, not on the right
    front = atlas.view("anterior")
    knee = RegionId("zone", "lateral_knee", "right")
    x, y = front.inside_point(knee)
    assert placements["anterior"].to_target(x, y).x() < placements["anterior"].rect.center().x()
    painted = colour_at("anterior", x, y)
    assert painted.blue() > painted.red() + 60
    unpainted = colour_at("anterior", *front.mirror_point(x, y))
    assert not unpainted.blue() > unpainted.red() + 60


def test_map_layout_fits_and_uses_a_second_row_for_detail_views(qapp, catalogue, atlas):
    visit = dataclasses.replace(
        first_visit(), needles=(needle(1, "temporalis.trp1", "left"),), pain_drawing=()
    )
    built = patient_map(visit, catalogue, atlas)
    assert [p.view for p in built.panels] == ["anterior", "posterior", "head"]
    width, limit = 2000.0, 1800.0
    height = map_height_for_width(width, built, atlas, limit)
    assert 0 < height <= limit
    placed = panel_placements(QRectF(0, 0, width, height), built, atlas)
    head = next(p for p in placed if p.panel.view == "head")
    front = next(p for p in placed if p.panel.view == "anterior")
    assert head.rect.top() > front.rect.bottom()  # a row of its own, below the whole body
    area = QRectF(0, 0, width, height)
    for placement in placed:
        assert area.contains(placement.rect)
        assert placement.scale == pytest.approx(front.scale)


def test_map_image_is_white_outside_the_panels(qapp, catalogue, atlas):
    built = patient_map(first_visit(), catalogue, atlas)
    image = patient_map_image(built, atlas, SVG_DIR, 800, 600)
    assert image.format() == QImage.Format.Format_ARGB32
    assert image.pixelColor(0, image.height() - 1) == QColor("white")


def test_clinician_note_lists_the_record(tmp_path, qapp, catalogue, atlas):
    path = write_clinician_note_pdf(
        tmp_path / "note.pdf",
        sample_patient(),
        [first_visit(), second_visit()],
        catalogue,
        atlas,
        SVG_DIR,
    )
    text = all_text(path)
    contraindication = catalogue.contraindications["vasovagal_history"].name
    for expected in (
        "Rivera, Sam",
        contraindication,
        "signed by S. Rivera",
        "Upper trapezius TrP1 LEFT",
        "Upper trapezius TrP1 RIGHT",
        "depth 12 mm",
        "needle 0.25 × 30 mm",
        "lot LOT-7731",
        "tolerated well",
        "bruising (mild)",
        "Lung apex below",
        "Called: fine.",
        "signed by J. Therapist",
        "Not finalised",
        "Levator scapulae TrP1 LEFT (posterior); planned, not performed",
    ):
        assert expected in text, expected
    assert re.search(r"Pain before 6/10, after 3/10", text)


def test_failed_export_leaves_the_old_file_and_no_scraps(tmp_path, qapp, catalogue, atlas):
    target = tmp_path / "handout.pdf"
    target.write_bytes(b"the earlier handout")
    with pytest.raises(AtlasError):
        write_handout_pdf(
            target, sample_patient(), first_visit(), catalogue, atlas, tmp_path / "no-views"
        )
    assert target.read_bytes() == b"the earlier handout"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]
