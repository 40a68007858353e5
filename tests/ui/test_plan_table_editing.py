"""The plan table edits like a spreadsheet (issue 15): an edit keeps the table on its cell, Tab
saves and opens the next editable cell, typing on a selected cell starts an edit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
)

from triggermap.services.context import AppContext
from triggermap.ui.patients.panel import PatientPanel
from triggermap.ui.patients.plan_table import (
    PLAN_EDIT_TRIGGERS,
    PlanTableModel,
    configure_plan_view,
    next_editable_cell,
)

from .test_patient_panel import (
    THERAPIST,
    column,
    open_new_visit,
    point_with,
    ready_patient,
    refuse_unexpected,
)


@pytest.fixture
def panel(qtbot, context: AppContext) -> PatientPanel:
    """A shown, active patient panel with a visit open and two hazard-free needles planned
    (the same point, left and right): keys go where a therapist's would."""
    widget = PatientPanel(context, therapist=THERAPIST)
    qtbot.addWidget(widget)
    widget.editing.confirm_warnings = refuse_unexpected
    widget.resize(900, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    open_new_visit(widget, ready_patient(context))
    safe = point_with(context, set())
    for side in ("left", "right"):
        assert widget.editing.add_trigger_point(safe.id, side)
    yield widget
    widget.close_database()


def start_editing(qtbot, panel: PatientPanel, row: int, field: str):
    """Put the table on a cell and open its editor with F2; the editor that has the keys."""
    table = panel.editor.plan_table
    table.setFocus()
    table.setCurrentIndex(panel.editor.plan_model.index(row, column(field)))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert table.state() == QAbstractItemView.State.EditingState
    return QApplication.focusWidget()


def cell_of(panel: PatientPanel) -> tuple[int, str]:
    current = panel.editor.plan_table.currentIndex()
    return current.row(), panel.editor.plan_model.headerData(
        current.column(), Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
    )


def test_tab_saves_and_opens_the_next_cell_of_the_same_row(qtbot, panel: PatientPanel):
    editor = start_editing(qtbot, panel, 0, "depth_mm")
    qtbot.keyClicks(editor, "12")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert panel.current_visit.needles[0].depth_mm == 12
    # before the fix the save reset the table and Tab went to the first cell of the table
    assert cell_of(panel) == (0, "Needle mm")
    assert panel.editor.plan_table.state() == QAbstractItemView.State.EditingState
    editor = QApplication.focusWidget()
    assert isinstance(editor, QDoubleSpinBox)
    # the editor's text is selected: what is typed replaces the suggested length
    qtbot.keyClicks(editor, "40")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert panel.current_visit.needles[0].needle_length_mm == 40
    assert cell_of(panel) == (0, "Gauge mm")
    assert panel.editor.plan_table.state() == QAbstractItemView.State.EditingState


def test_tab_at_the_end_of_a_row_goes_on_to_the_next_needle(qtbot, panel: PatientPanel):
    editor = start_editing(qtbot, panel, 0, "needle_lot")
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "LOT-7")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert panel.current_visit.needles[0].needle_lot == "LOT-7"
    # the number, point, side and Done columns open no editor: Tab passes over them
    assert cell_of(panel) == (1, "Depth mm")
    assert panel.editor.plan_table.state() == QAbstractItemView.State.EditingState
    assert panel.editor.plan_table.selectionModel().selectedRows()[0].row() == 1
    # Shift+Tab goes back to the lot of the first needle
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert cell_of(panel) == (0, "Lot")
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    assert QApplication.focusWidget().text() == "LOT-7"


def test_tab_from_a_list_saves_the_choice_too(qtbot, panel: PatientPanel):
    editor = start_editing(qtbot, panel, 1, "local_twitch")
    assert isinstance(editor, QComboBox)
    editor.setCurrentIndex(editor.findData(True))
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert panel.current_visit.needles[1].local_twitch is True
    assert cell_of(panel) == (1, "Familiar pain")
    assert panel.editor.plan_table.state() == QAbstractItemView.State.EditingState


def test_enter_saves_and_stays_on_the_edited_cell(qtbot, panel: PatientPanel):
    editor = start_editing(qtbot, panel, 1, "depth_mm")
    qtbot.keyClicks(editor, "15")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits on Enter once the editor has handled the key, from the event loop
    qtbot.waitUntil(lambda: panel.editor.plan_table.state() == QAbstractItemView.State.NoState)
    assert panel.current_visit.needles[1].depth_mm == 15
    assert cell_of(panel) == (1, "Depth mm")
    assert panel.editor.plan_table.state() == QAbstractItemView.State.NoState
    assert [r.row() for r in panel.editor.plan_table.selectionModel().selectedRows()] == [1]


def test_the_last_editable_cell_keeps_the_table_there(qtbot, panel: PatientPanel):
    editor = start_editing(qtbot, panel, 1, "needle_lot")
    qtbot.keyClicks(editor, "B-2")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert panel.current_visit.needles[1].needle_lot == "B-2"
    assert cell_of(panel) == (1, "Lot")
    assert panel.editor.plan_table.state() == QAbstractItemView.State.NoState


def test_typing_on_a_selected_cell_starts_an_edit(qtbot, panel: PatientPanel):
    table = panel.editor.plan_table
    configure_plan_view(table)
    table.setFocus()
    table.setCurrentIndex(panel.editor.plan_model.index(0, column("depth_mm")))
    qtbot.keyClicks(table, "7")
    assert table.state() == QAbstractItemView.State.EditingState
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() == QAbstractItemView.State.NoState)
    assert panel.current_visit.needles[0].depth_mm == 7
    # typing on a list picks the entry it starts with, as a spreadsheet's list cell does
    table.setCurrentIndex(panel.editor.plan_model.index(0, column("local_twitch")))
    qtbot.keyClicks(table, "y")
    assert table.state() == QAbstractItemView.State.EditingState
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() == QAbstractItemView.State.NoState)
    assert panel.current_visit.needles[0].local_twitch is True
    # a fixed cell still opens nothing
    table.setCurrentIndex(panel.editor.plan_model.index(0, column("side")))
    qtbot.keyClicks(table, "x")
    assert table.state() == QAbstractItemView.State.NoState


def test_the_panels_plan_table_starts_an_edit_on_typing(panel: PatientPanel):
    assert panel.editor.plan_table.editTriggers() == PLAN_EDIT_TRIGGERS


def test_the_save_after_an_edit_refreshes_its_row_without_a_reset(
    qtbot, qtmodeltester, panel: PatientPanel
):
    model = panel.editor.plan_model
    qtmodeltester.check(model)
    resets, changed = [], []
    model.modelReset.connect(lambda: resets.append(True))
    model.dataChanged.connect(lambda top, bottom, roles: changed.append((top.row(), bottom.row())))
    assert model.setData(model.index(1, column("needle_gauge_mm")), 0.3)
    assert panel.current_visit.needles[1].needle_gauge_mm == 0.3
    assert (resets, changed) == ([], [(1, 1)])
    # another needle is another set of rows: then the table is reset
    assert panel.editing.remove_needle(1)
    assert resets == [True]
    assert model.rowCount() == 1


def test_the_plan_model_resets_for_other_needles_and_editability(qtmodeltester, panel, context):
    visit = panel.current_visit
    model = PlanTableModel(context.catalogue)
    qtmodeltester.check(model)
    resets = []
    model.modelReset.connect(lambda: resets.append(True))
    model.show_plan(visit.needles, (), editable=True)
    assert resets == [True]
    model.show_plan(visit.needles, (), editable=False)  # signed: flags change everywhere
    assert resets == [True, True]
    model.show_plan(visit.needles[1:], (), editable=False)
    assert resets == [True, True, True]
    qtmodeltester.check(model)


def test_next_editable_cell_passes_over_fixed_columns_and_stops_at_the_end(panel):
    model = panel.editor.plan_model
    first = next_editable_cell(model, model.index(0, 0))
    assert (first.row(), first.column()) == (0, column("depth_mm"))
    after_lot = next_editable_cell(model, model.index(0, column("needle_lot")))
    assert (after_lot.row(), after_lot.column()) == (1, column("depth_mm"))
    assert next_editable_cell(model, model.index(1, column("needle_lot"))) is None
    assert next_editable_cell(model, model.index(0, column("depth_mm")), forward=False) is None
