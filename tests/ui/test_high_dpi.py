"""On a high-DPI screen (device pixel ratio 2) the map is drawn at device resolution, not as
a blown-up low-resolution picture: the layer caches must follow the screen's pixel ratio."""

from __future__ import annotations

import os
import subprocess
import sys

#: Drawn in a child process, since the pixel ratio is fixed when Qt starts.
PROGRAM = """
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication
from triggermap.services.context import AppContext
from triggermap.ui.map_view import BodyMapView

app = QApplication([])
context = AppContext.default()
context.cache_dir = None  # no geometry cache written from a test
svg = context.svg_dir / "posterior.svg"
view = BodyMapView()
view.resize(500, 700)
view.show_body_views([(context.atlas.view("posterior"), svg)])
view.show()
app.processEvents()
shot = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)

# what the map should show: the same layers drawn straight from the SVG at device resolution
truth = QImage(shot.size(), QImage.Format.Format_RGB32)
truth.setDevicePixelRatio(shot.devicePixelRatio())
truth.fill(view.backgroundBrush().color())
painter = QPainter(truth)
painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
painter.setTransform(view.viewportTransform())
renderer = QSvgRenderer(str(svg))
for element in ("outline", "muscles.superficial", "details"):
    if renderer.elementExists(element):
        renderer.render(painter, element, renderer.boundsOnElement(element))
painter.end()


def pixels(image: QImage):
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width()].astype(float)


def difference(image: QImage) -> float:
    below_labels = slice(int(0.15 * shot.height()), None)  # the side labels are not in the SVG
    return float(np.abs(pixels(image) - pixels(truth))[below_labels].mean())


size = truth.size()
blown_up = truth.scaled(size / 2, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation).scaled(
    size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
)
print(shot.devicePixelRatio(), difference(shot), difference(blown_up))
"""


def test_the_map_is_drawn_at_device_resolution_on_a_high_dpi_screen():
    finished = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"},
    )
    ratio, from_truth, blown_up_from_truth = (float(v) for v in finished.stdout.split()[-3:])
    assert ratio == 2.0
    # the map differs from the SVG drawn at device resolution by far less than the same
    # picture drawn at half resolution and enlarged would
    assert from_truth < 0.5 * blown_up_from_truth, (from_truth, blown_up_from_truth)
