"""The one change path: what a window saves reaches the history and explain windows through
the changes hub, and they show it without being opened again."""

from __future__ import annotations

from triggermap.ui.changes_hub import changes_hub

from .test_patient_panel import (
    open_new_visit,
    panel,  # noqa: F401 (a fixture)
    ready_patient,
)
from .test_two_windows import _safe_point


def test_the_hub_is_one_per_program(qtbot):
    assert changes_hub() is changes_hub()


def test_the_history_window_follows_each_saved_edit(panel, context, qtbot):  # noqa: F811
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    history = panel.show_history()
    qtbot.addWidget(history)
    assert history.plot.points[-1].pain_before is None
    panel.editor.pain_before.setValue(6)
    qtbot.waitUntil(lambda: history.plot.points[-1].pain_before == 6, timeout=2000)
    panel.confirm_second_visit = lambda _status: True
    panel.new_visit()
    qtbot.waitUntil(lambda: len(history.drawing_cards) == 2, timeout=2000)
    assert "2 visits" in history.title.text()


def test_the_explain_window_shows_a_needle_added_while_it_is_open(panel, context, qtbot):  # noqa: F811
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    panel.editor.complaint.setText("Neck pain")
    panel.editing.save_typed_text()
    window = panel.explain()
    qtbot.addWidget(window)
    before = window.text.text()
    point = context.catalogue.trigger_point(_safe_point(context))
    muscle = context.catalogue.muscles[point.muscle_id].name
    assert muscle not in before
    assert panel.editing.add_trigger_point(point.id, "left")
    assert muscle in window.text.text()


def test_locking_the_records_closes_the_windows_that_show_patient_data(panel, context, qtbot):  # noqa: F811
    patient = ready_patient(context)
    open_new_visit(panel, patient)
    history = panel.show_history()
    panel.session.key = object()  # as if the records were encrypted and unlocked
    assert panel.lock_records()
    assert history.isHidden()
    assert panel.history_window is None
