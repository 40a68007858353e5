"""Every map control is in the menu bar with its key: views, deep muscles, layers, zoom, find."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu

from triggermap.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, shipped_window: MainWindow) -> MainWindow:
    shipped_window.activateWindow()  # shortcuts go to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shipped_window)
    return shipped_window


def menu_actions(menu: QMenu) -> list[QAction]:
    found = []
    for action in menu.actions():
        found.append(action)
        if action.menu() is not None:
            found.extend(menu_actions(action.menu()))
    return found


def test_every_toolbar_action_and_layer_is_in_the_menu_bar(window: MainWindow):
    in_menus = [a for top in window.menuBar().actions() for a in menu_actions(top.menu())]
    for action in (window.fit_action, *window.zoom_actions, *window.layer_actions.values()):
        assert action in in_menus, action.text()
    titles = [a.text() for a in in_menus]
    assert "&Deep muscles" in titles
    assert "&Find…" in titles
    assert [window.view_actions[n].text() for n in ("anterior", "front_back")] == [
        "Front",
        "Front and back",
    ]


def test_ctrl_and_a_number_switches_the_body_view(qtbot, window: MainWindow):
    qtbot.keyClick(window.map_view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.view_choice.currentData() == "posterior"
    assert window.view_actions["posterior"].isChecked()
    window.show_view("head")  # chosen in the toolbar: the menu follows
    assert window.view_actions["head"].isChecked()
    assert not window.view_actions["posterior"].isChecked()


def test_ctrl_d_shows_the_deep_muscles_and_the_toolbar_box_follows(qtbot, window: MainWindow):
    assert not window.deep_toggle.isChecked()
    qtbot.keyClick(window.map_view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.deep_toggle.isChecked()
    assert window.deep_action.isChecked()
    window.deep_toggle.setChecked(False)
    assert not window.deep_action.isChecked()


def test_find_puts_the_cursor_in_the_search_field(qtbot, window: MainWindow):
    window.search_field.setText("trapezius")
    qtbot.keyClick(window.map_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.hasFocus()
    assert window.search_field.selectedText() == "trapezius"


def test_reset_window_layout_brings_back_closed_and_floating_docks(qtbot, window: MainWindow):
    window._details_dock.setFloating(True)
    window._pain_dock.close()
    window.muscle_dock.close()
    window.reset_layout()
    qtbot.wait(20)
    for dock in (window._details_dock, window._pain_dock, window.muscle_dock):
        assert dock.isVisible(), dock.windowTitle()
        assert not dock.isFloating(), dock.windowTitle()
    assert window.tabifiedDockWidgets(window.muscle_dock) == [window._patient_dock]
    assert window._details_dock.height() > window._pain_dock.height()


def test_the_views_keep_their_keys_when_a_view_is_added(window: MainWindow):
    keys = {name: action.shortcut().toString() for name, action in window.view_actions.items()}
    assert keys["anterior"] == "Ctrl+1"
    assert keys["foot"] == "Ctrl+6"
    assert keys["front_back"] == "Ctrl+7"  # as before the pelvic floor view came
    assert keys["pelvis"] == "Ctrl+8"
    assert window.view_actions["pelvis"].text() == "Pelvic floor"
