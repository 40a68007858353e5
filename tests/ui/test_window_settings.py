"""The window layout follows the data directory: two data directories on one computer
account never share or overwrite each other's layout."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSettings

from triggermap.ui.app import WINDOW_SETTINGS_FILE, open_main_window, window_settings


def test_the_layout_is_kept_in_the_data_directory_in_use(qtbot, shipped_context, tmp_path):
    first = dataclasses.replace(shipped_context, data_dir=tmp_path / "ana")
    second = dataclasses.replace(shipped_context, data_dir=tmp_path / "ben")
    window = open_main_window(first)
    qtbot.addWidget(window)
    window.close()
    saved = first.data_dir / WINDOW_SETTINGS_FILE
    assert saved.is_file()
    assert QSettings(str(saved), QSettings.Format.IniFormat).value("window/geometry")
    assert not (second.data_dir / WINDOW_SETTINGS_FILE).exists()
    # what one data directory keeps, the other does not see
    one = window_settings(first)
    one.setValue("map/view", "posterior")
    one.sync()
    assert window_settings(second).value("map/view", "anterior") == "anterior"
    assert window_settings(first).value("map/view") == "posterior"
