"""Start the desktop application."""

from __future__ import annotations

import sys
from collections.abc import Callable

from triggermap.services.context import AppContext
from triggermap.ui.display_check import missing_display_reason


def run_gui(load_context: Callable[[], AppContext]) -> int:
    """Open the main window and run until it closes; returns the process exit status.

    The display is checked before anything is loaded, so a machine without a screen gets
    one sentence of advice and nothing else.
    """
    reason = missing_display_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    context = load_context()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from triggermap.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("triggermap")
    app.setOrganizationName("triggermap")
    window = MainWindow(context, QSettings())
    window.show()
    return app.exec()
