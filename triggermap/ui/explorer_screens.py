"""Screenshots of the map explorer's main states for docs/screens/, rendered offscreen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication

from triggermap.geometry.regions import RegionId
from triggermap.services.context import AppContext
from triggermap.ui.main_window import MainWindow
from triggermap.ui.render import headless_application

#: Window size of every explorer screenshot, in pixels.
SCREEN_SIZE = (1440, 900)


def save_explorer_screens(context: AppContext, directory: Path) -> list[Path]:
    """Write one PNG per explorer state into `directory`; returns the files written."""
    app = headless_application()
    directory.mkdir(parents=True, exist_ok=True)
    states: list[tuple[str, Callable[[MainWindow], QImage | None]]] = [
        ("explorer-selection.png", _selection),
        ("explorer-front-and-back.png", _front_and_back),
        ("explorer-search.png", _search),
        ("explorer-condition.png", _condition),
        ("explorer-where-does-it-hurt.png", _where_does_it_hurt),
        ("explorer-dark.png", _dark),
    ]
    written = []
    for name, arrange in states:
        window = MainWindow(context)
        window.resize(*SCREEN_SIZE)
        window.show()
        app.processEvents()
        image = arrange(window) or window.grab().toImage()
        app.processEvents()
        output = directory / name
        if not image.save(str(output), "PNG"):
            raise OSError(f"could not write {output}")
        written.append(output)
        window.close()
        window.deleteLater()
        app.setPalette(QApplication.style().standardPalette())
    return written


def _select(window: MainWindow, view: str, muscle: str, side: str, point: str | None) -> None:
    window.show_view(view)
    QApplication.processEvents()
    window.map_view.fit()
    region = RegionId("muscle", muscle, side)  # type: ignore[arg-type]
    window.map_view.select(region)
    if point:
        window.details.show_region(region, point)
        window.choose_trigger_point(point)


def _selection(window: MainWindow) -> None:
    """A muscle selected on the back: its trigger points and one referral pattern."""
    _select(window, "posterior", "upper_trapezius", "right", "upper_trapezius.trp1")


def _front_and_back(window: MainWindow) -> None:
    """Infraspinatus refers to the front of the shoulder: both views show the pattern."""
    _select(window, "front_back", "infraspinatus", "left", "infraspinatus.trp1")


def _search(window: MainWindow) -> QImage:
    """Typing a synonym offers the muscle; the completion list is drawn over the window."""
    _select(window, "anterior", "pectoralis_major", "right", None)
    window.search_field.setFocus()
    window.search_field.setText("pec")
    window.update_search("pec")
    completer = window.search_field.completer()
    completer.complete()
    QApplication.processEvents()
    image = window.grab().toImage()
    popup = completer.popup()
    if popup.isVisible():
        # the list is a window of its own; paint it where it shows, over the main window
        where = popup.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
        painter = QPainter(image)
        painter.drawImage(where, popup.grab().toImage())
        painter.end()
    return image


def _condition(window: MainWindow) -> None:
    """A condition chosen: the muscles commonly implicated light up, numbered by rank."""
    window.show_view("front_back")
    QApplication.processEvents()
    window.map_view.fit()
    index = window.condition_choice.findData("tension_type_headache")
    if index < 0:
        raise ValueError("the catalogue has no condition 'tension_type_headache' to show")
    window.condition_choice.setCurrentIndex(index)


def _where_does_it_hurt(window: MainWindow) -> None:
    """Pain at the temple and the back of the neck; the best candidate's pattern shown."""
    window.show_view("posterior")
    QApplication.processEvents()
    window.map_view.fit()
    window.pain_toggle.setChecked(True)
    window.pain_intensity.setValue(7)
    for zone in ("temple", "posterolateral_neck"):
        window.paint_pain_zone(RegionId("zone", zone, "right"))
    first = window.candidates.item(0)
    if first is not None:
        window.candidates.setCurrentItem(first)
        window.candidates.itemClicked.emit(first)


def _dark(window: MainWindow) -> None:
    """The explorer under a dark system theme: the page follows it, the figure does not."""
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.AlternateBase, "#2b2b2b"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Highlight, "#2f6fbf"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
    ):
        dark.setColor(role, QColor(colour))
    # setColor above fills every colour group; a real dark theme dims what is disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        dark.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    QApplication.instance().setPalette(dark)
    QApplication.processEvents()
    _select(window, "posterior", "infraspinatus", "right", "infraspinatus.trp1")
