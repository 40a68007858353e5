"""Start the desktop application."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from triggermap.ui.display_check import missing_display_reason

if TYPE_CHECKING:
    from triggermap.services.context import AppContext


def run_application(data_dir: Path | None) -> int:
    """Check the display and the program's own files, then run the application until its
    window closes; returns the process exit status. Problems are one sentence on stderr."""
    from triggermap.services.context import AppContext, ProgramFilesUnusable

    def load_context() -> AppContext:
        context = AppContext.default(data_dir)
        context.check_program_files()
        return context

    try:
        return run_gui(load_context)
    except ProgramFilesUnusable as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1


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
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = open_main_window(context)
    failures: list[str] = []

    def report(message: str) -> None:
        failures.append(message)
        print(message, file=sys.stderr)  # also for whoever started it from a terminal

    window.load_failed.connect(report)
    status = app.exec()
    return 1 if failures else status


def open_main_window(context: AppContext):
    """Show the main window as a user starts it: the figure paints first, the geometry and
    catalogue load just after (see MainWindow). Returns the window."""
    from PySide6.QtCore import QCoreApplication

    from triggermap.ui.main_window import MainWindow

    QCoreApplication.setApplicationName("triggermap")
    QCoreApplication.setOrganizationName("triggermap")
    _show_icon()
    from triggermap.ui.wheel_guard import install_wheel_guard

    install_wheel_guard()  # no field changes under a wheel that was only scrolling past
    window = MainWindow(context, window_settings(context), load_later=True)
    window.show()
    return window


def _show_icon() -> None:
    """The program's icon on its windows; the desktop entry's name ties the window to the menu
    entry (and its icon) on Wayland, where the window cannot name its own icon."""
    from PySide6.QtGui import QGuiApplication, QIcon

    from triggermap import resources

    QGuiApplication.setDesktopFileName("triggermap")
    if resources.icon_file().is_file():
        QGuiApplication.setWindowIcon(QIcon(str(resources.icon_file())))


#: The window layout's file inside the data directory.
WINDOW_SETTINGS_FILE = "window-layout.ini"


def window_settings(context: AppContext):
    """Where the window layout (size, docks, view, layers) is kept: in the data directory,
    so that it follows --data-dir: two people on one computer account, or a test, each with a
    data directory of their own, never share and overwrite each other's layout. It holds no
    patient information."""
    from PySide6.QtCore import QSettings

    context.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return QSettings(str(context.data_dir / WINDOW_SETTINGS_FILE), QSettings.Format.IniFormat)
