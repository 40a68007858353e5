"""The patient workspace in the main window: a Patient menu, a mode that gives the visit
editor the room it needs beside the map, and a first window that fits the screen."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QSize

from triggermap.services.context import AppContext
from triggermap.ui.main_window import MainWindow, first_window_size


@pytest.fixture
def window(qtbot, tmp_path):
    context = dataclasses.replace(AppContext.default(tmp_path / "unused"), data_dir=tmp_path / "d")
    shown = MainWindow(context)
    qtbot.addWidget(shown)
    shown.resize(1366, 740)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_the_patient_menu_is_in_the_menu_bar_before_view(window):
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles.index("&Patient") < titles.index("&View")
    texts = [action.text() for action in window.patient_menu.actions()]
    assert "Patient &workspace" in texts
    assert "&Delete patient…" in texts


def test_the_workspace_gives_the_visit_editor_room_and_gives_it_back(window, qtbot):
    narrow = window._patient_dock.width()
    window.workspace_action.setChecked(True)
    qtbot.waitUntil(lambda: window._patient_dock.width() >= 560)
    assert window._patient_dock.isVisible()
    assert not window.muscle_dock.isVisible()
    assert window._patient_dock.width() > narrow
    assert window.patient_panel.width() >= window.patient_panel.minimumWidth()
    window.workspace_action.setChecked(False)
    qtbot.waitUntil(lambda: window.muscle_dock.isVisible())
    assert window._details_dock.isVisible()


def test_finding_a_patient_opens_the_workspace(window):
    window.patient_menu.find_action.trigger()
    assert window.workspace_action.isChecked()


@pytest.mark.parametrize(
    ("screen", "expected"),
    [((1366, 728), (1100, 684)), ((1920, 1040), (1100, 900)), ((1024, 600), (983, 564))],
)
def test_the_first_window_fits_the_screen(screen, expected):
    assert first_window_size(QSize(*screen)) == expected
