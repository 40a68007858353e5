"""Hazard boxes stay legible under a dark system theme (light box, dark text)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from triggermap.geometry.regions import RegionId
from triggermap.ui.muscle_details import MuscleDetailsPanel

HAZARD_BACKGROUND = QColor("#fdecea")


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def test_hazard_text_is_dark_on_its_light_box_in_a_dark_theme(qtbot, mini_context):
    panel = MuscleDetailsPanel(mini_context.catalogue)
    qtbot.addWidget(panel)
    panel.setPalette(dark_palette())
    panel.resize(420, 700)
    panel.show_region(RegionId("muscle", "pectoralis_major", "left"))
    panel.show()
    qtbot.waitExposed(panel)
    image = panel.viewport().grab().toImage()
    box = [
        (x, y)
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y) == HAZARD_BACKGROUND
    ]
    assert box, "the hazard box is drawn"
    left, right = min(x for x, _ in box), max(x for x, _ in box)
    top, bottom = min(y for _, y in box), max(y for _, y in box)
    dark_text = sum(
        1
        for y in range(top, bottom)
        for x in range(left, right)
        if image.pixelColor(x, y).lightness() < 90
    )
    light_text = sum(
        1
        for y in range(top, bottom)
        for x in range(left, right)
        if image.pixelColor(x, y).lightness() > 200
        and image.pixelColor(x, y) != HAZARD_BACKGROUND
        and image.pixelColor(x, y).saturation() < 40
    )
    # the body text is dark on the light box (light text there would be unreadable); the
    # light pixels left are the anti-aliased edges of the dark letters
    assert dark_text > 1000
    assert light_text < dark_text / 2
