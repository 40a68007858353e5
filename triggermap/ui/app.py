"""Start the desktop application."""

from __future__ import annotations

import sys

from triggermap.services.context import AppContext
from triggermap.ui.display_check import missing_display_reason


def run_gui(context: AppContext) -> int:
    """Open the main window and run until it closes; returns the process exit status."""
    reason = missing_display_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from triggermap.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("triggermap")
    app.setOrganizationName("triggermap")
    window = MainWindow(context, QSettings())
    window.show()
    return app.exec()
