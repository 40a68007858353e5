"""Headless rendering of a body view to PNG, SVG or PDF (documentation, handouts, tests)."""

from __future__ import annotations

import copy
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QMarginsF,
    QMessageLogContext,
    QRectF,
    QSizeF,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from triggermap.geometry.errors import AtlasError
from triggermap.geometry.regions import RegionId
from triggermap.resources import PATIENT_RIGHT_ON
from triggermap.ui.palette import (
    CAPTION_INK,
    HIGHLIGHT_BROWN,
    HIGHLIGHT_GOLD,
    REFERRAL_EDGE,
    REFERRAL_RED,
)

SVG = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", SVG)

HIGHLIGHT_FILL = HIGHLIGHT_GOLD
HIGHLIGHT_STROKE = HIGHLIGHT_BROWN


def headless_application() -> QApplication:
    """The running Qt application, or a new one (a widgets application, so that windows can
    still be made later in the same process, e.g. for screenshots or in tests)."""
    instance = QApplication.instance()
    if isinstance(instance, QApplication):
        return instance
    qInstallMessageHandler(_quiet_offscreen_notices)
    return QApplication(sys.argv[:1])


def _quiet_offscreen_notices(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Pass Qt's messages on to stderr, except the offscreen platform's notice about size
    hints, which says nothing a user can act on."""
    if "does not support propagateSizeHints" in message:
        return
    sys.stderr.write(message + "\n")


@dataclass(frozen=True)
class RenderRequest:
    """What to draw: a view file, whether the deep layer is on, regions to highlight."""

    svg_path: Path
    deep: bool = False
    highlight: tuple[RegionId, ...] = ()
    show_zones: tuple[RegionId, ...] = ()
    side_labels: bool = True


def styled_svg(request: RenderRequest) -> bytes:
    """The view's SVG with layers switched and highlights added, ready for any renderer.

    The file is validated through the geometry layer first, so a damaged view gives our own
    clear error (AtlasError) before Qt sees it.
    """
    try:
        raw = request.svg_path.read_bytes()
    except OSError as error:
        raise AtlasError(
            str(request.svg_path), None, f"cannot be read ({error.strerror or error})"
        ) from error
    # one read, validated by the geometry layer before the XML is touched here
    # geometry (shapely, svgelements) loads on first use: the main window's first paint
    # does not need it
    from triggermap.geometry.atlas import view_from_document
    from triggermap.geometry.svg_import import parse_svg

    view = view_from_document(request.svg_path.stem, parse_svg(raw, str(request.svg_path)))
    tree = ElementTree.fromstring(raw)  # noqa: S314 - parse_svg refused DTDs and entities
    paths = {p.get("id"): p for p in tree.iter(f"{{{SVG}}}path")}
    groups = {g.get("id"): g for g in tree.iter(f"{{{SVG}}}g")}
    superficial, deep = groups.get("muscles.superficial"), groups.get("muscles.deep")
    if deep is not None and not request.deep:
        tree.remove(deep)
    elif deep is not None and superficial is not None:
        # deep muscles are drawn over a faded superficial layer so both stay legible
        superficial.set("opacity", "0.3")
        tree.remove(deep)
        # above the decoration too, so tendons and fibre strokes do not hide deep muscles
        below = groups.get("details", superficial)
        tree.insert(list(tree).index(below) + 1, deep)
    overlay = ElementTree.SubElement(tree, f"{{{SVG}}}g", {"id": "highlights"})
    for region_id in request.show_zones:
        path = paths.get(str(region_id))
        if path is not None:
            shown = copy.deepcopy(path)
            shown.attrib.update(
                {
                    "fill": REFERRAL_RED,
                    "fill-opacity": "0.55",
                    "stroke": REFERRAL_EDGE,
                    "stroke-width": "0.8",
                }
            )
            overlay.append(shown)
    for region_id in request.highlight:
        path = paths.get(str(region_id))
        if path is not None:
            shown = copy.deepcopy(path)
            shown.attrib.update(
                {"fill": HIGHLIGHT_FILL, "stroke": HIGHLIGHT_STROKE, "stroke-width": "1.4"}
            )
            overlay.append(shown)
    where = PATIENT_RIGHT_ON.get(view.name)
    if request.side_labels and where:
        x0, y0, width, _ = view.view_box
        labels = ElementTree.SubElement(
            tree,
            f"{{{SVG}}}g",
            {
                "id": "side-labels",
                "font-family": "sans-serif",
                "font-size": "30",
                "fill": CAPTION_INK,
            },
        )
        left, right = (
            ("Patient's right", "Patient's left")
            if where == "left"
            else ("Patient's left", "Patient's right")
        )
        ElementTree.SubElement(
            labels, f"{{{SVG}}}text", {"x": f"{x0 + 20:g}", "y": f"{y0 + 45:g}"}
        ).text = left
        ElementTree.SubElement(
            labels,
            f"{{{SVG}}}text",
            {"x": f"{x0 + width - 20:g}", "y": f"{y0 + 45:g}", "text-anchor": "end"},
        ).text = right
    return ElementTree.tostring(tree, encoding="utf-8", xml_declaration=True)


def regions_named(svg_path: Path, names: Iterable[str], kind: str) -> tuple[RegionId, ...]:
    """Regions of one kind ("muscle" or "zone") in a view, for names given as `id`, `id.side`
    or a full region id. Raises ValueError naming any name the view does not show."""
    from triggermap.geometry.atlas import load_view

    view = load_view(svg_path)
    wanted: list[RegionId] = []
    for name in names:
        found = [
            region_id
            for region_id in view.region_ids()
            if region_id.kind == kind
            and name in (str(region_id), f"{region_id.name}.{region_id.side}", region_id.name)
        ]
        if not found:
            raise ValueError(f"the {view.name} view shows no {kind} named {name!r}")
        wanted.extend(found)
    return tuple(wanted)


def _renderer(svg: bytes, name: str) -> QSvgRenderer:
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError(f"Qt could not draw {name}")
    return renderer


def svg_to_png(svg: bytes, output: Path, height_px: int, name: str = "the view") -> Path:
    """Draw SVG text on a white PNG `height_px` pixels high, keeping its aspect ratio."""
    renderer = _renderer(svg, name)
    box = renderer.viewBoxF()
    width_px = max(1, round(height_px * box.width() / box.height()))
    image = QImage(width_px, height_px, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, width_px, height_px))
    painter.end()
    if not image.save(str(output), "PNG"):
        raise OSError(f"could not write {output}")
    return output


def render_to_file(request: RenderRequest, output: Path, height_px: int = 1200) -> Path:
    """Render to `output`; the suffix chooses the format: .png, .svg or .pdf."""
    svg = styled_svg(request)
    suffix = output.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise ValueError(f"cannot render to {output.name}: use .png, .svg or .pdf")
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".svg":
        output.write_bytes(svg)
        return output
    if suffix == ".png":
        return svg_to_png(svg, output, height_px, str(request.svg_path))
    renderer = _renderer(svg, str(request.svg_path))
    box = renderer.viewBoxF()
    writer = QPdfWriter(str(output))
    writer.setResolution(300)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(10, 10, 10, 10))
    painter = QPainter(writer)
    page = QRectF(painter.viewport())
    scale = min(page.width() / box.width(), page.height() / box.height())
    target = QSizeF(box.width() * scale, box.height() * scale)
    renderer.render(
        painter, QRectF((page.width() - target.width()) / 2, 0, target.width(), target.height())
    )
    painter.end()
    return output
