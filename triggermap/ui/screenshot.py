"""A screenshot of the main window, rendered offscreen (for the README and docs)."""

from __future__ import annotations

from pathlib import Path

from triggermap.geometry.regions import parse_region_id
from triggermap.services.context import AppContext
from triggermap.ui.main_window import MainWindow
from triggermap.ui.render import headless_application


def save_main_window_screenshot(
    context: AppContext, view: str, selected: str, output: Path, point: str | None = None
) -> Path:
    """Open the main window on a view with a region selected, and save it as PNG."""
    app = headless_application()
    window = MainWindow(context)
    window.resize(1280, 900)
    window.show_view(view)
    region = parse_region_id(selected if selected.count(".") == 2 else f"muscle.{selected}")
    window.show()
    app.processEvents()
    window.map_view.fit()
    window.map_view.select(region)
    if point:
        window.details.show_region(region, point)
        window.choose_trigger_point(point)
    app.processEvents()
    output.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(output), "PNG"):
        raise OSError(f"could not write {output}")
    window.close()
    return output
