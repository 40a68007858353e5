"""The visit's adverse events and PSFS items as list models: they pass Qt's model tester empty
and filled, show each line as the therapist reads it, and map rows back to the pure data."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from triggermap.clinic.model import AdverseEventRecord, FunctionalActivity
from triggermap.ui.patients.visit_part_models import (
    AdverseEventListModel,
    FunctionalActivityListModel,
)

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole

FAINT = AdverseEventRecord(kind="vasovagal_reaction", severity="mild")
BRUISE = AdverseEventRecord(
    kind="haematoma",
    severity="moderate",
    note="over the upper trapezius",
    needle_number=3,
    onset="during needling",
    action_taken="pressure for 5 minutes",
    resolution="gone at the next visit",
)
ITEMS = (FunctionalActivity("Lifting a child", 4), FunctionalActivity("Driving", 7))


@pytest.fixture
def events(qtbot) -> AdverseEventListModel:
    model = AdverseEventListModel()
    model.set_events((FAINT, BRUISE))
    return model


@pytest.fixture
def psfs(qtbot) -> FunctionalActivityListModel:
    model = FunctionalActivityListModel()
    model.set_visit_psfs(ITEMS, 5.5)
    return model


def test_the_adverse_event_model_passes_the_model_tester_empty_and_filled(qtmodeltester):
    model = AdverseEventListModel()
    qtmodeltester.check(model)
    model.set_events((FAINT, BRUISE))
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_an_adverse_event_reads_as_one_line_with_all_its_details(events):
    line = events.index(1).data(DISPLAY)
    assert line == (
        "Haematoma — moderate, needle 3, during needling; over the upper trapezius; "
        "action: pressure for 5 minutes; resolved: gone at the next visit"
    )
    assert events.index(0).data(DISPLAY) == "Vasovagal reaction — mild"
    # the tooltip is the same full line, for a list too narrow to show it
    assert events.index(1).data(TOOLTIP) == line


def test_a_row_gives_back_its_adverse_event(events):
    assert events.event_at(0) is FAINT
    assert events.event_at(1) is BRUISE


def test_the_adverse_event_model_has_no_data_outside_its_rows(events):
    assert events.data(QModelIndex(), DISPLAY) is None
    assert events.index(2).data(DISPLAY) is None
    assert events.rowCount(events.index(0)) == 0
    assert events.index(0).data(Qt.ItemDataRole.UserRole) is None


def test_the_psfs_model_passes_the_model_tester_empty_and_filled(qtmodeltester):
    model = FunctionalActivityListModel()
    qtmodeltester.check(model)
    model.set_visit_psfs(ITEMS, None)
    qtmodeltester.check(model)
    model.set_visit_psfs(ITEMS, 5.5)
    qtmodeltester.check(model)


def test_each_activity_shows_its_score_and_the_last_row_the_psfs_score(psfs):
    assert psfs.rowCount() == 3
    assert [psfs.index(row).data(DISPLAY) for row in range(3)] == [
        "Lifting a child — 4/10",
        "Driving — 7/10",
        "PSFS score 5.5 (mean of 2)",
    ]


def test_the_psfs_score_row_cannot_be_selected_but_activities_can(psfs):
    assert psfs.flags(psfs.index(0)) & Qt.ItemFlag.ItemIsSelectable
    assert psfs.flags(psfs.index(1)) & Qt.ItemFlag.ItemIsSelectable
    score_flags = psfs.flags(psfs.index(2))
    assert not score_flags & Qt.ItemFlag.ItemIsSelectable
    assert score_flags & Qt.ItemFlag.ItemIsEnabled


def test_activity_rows_map_to_their_items_and_the_score_row_to_none(psfs):
    assert [psfs.activity_index(row) for row in range(3)] == [0, 1, None]


def test_without_a_score_there_is_no_score_row(qtbot):
    model = FunctionalActivityListModel()
    model.set_visit_psfs(ITEMS, None)
    assert model.rowCount() == 2
    assert model.index(1).data(DISPLAY) == "Driving — 7/10"
    assert model.flags(model.index(1)) & Qt.ItemFlag.ItemIsSelectable
    assert model.activity_index(1) == 1


def test_the_psfs_model_has_no_data_outside_its_rows(psfs):
    assert psfs.data(QModelIndex(), DISPLAY) is None
    assert psfs.index(3).data(DISPLAY) is None
    assert psfs.rowCount(psfs.index(0)) == 0
    assert psfs.index(0).data(TOOLTIP) is None


def test_setting_new_data_resets_both_models(qtbot, events, psfs):
    with qtbot.waitSignals([events.modelAboutToBeReset, events.modelReset]):
        events.set_events((BRUISE,))
    assert events.rowCount() == 1
    assert events.event_at(0) is BRUISE
    with qtbot.waitSignals([psfs.modelAboutToBeReset, psfs.modelReset]):
        psfs.set_visit_psfs((), None)
    assert psfs.rowCount() == 0
    assert psfs.activity_index(0) is None


def test_the_diagnoses_model_shows_code_and_name_and_passes_the_model_tester(qtmodeltester):
    from triggermap.clinic.model import Diagnosis
    from triggermap.ui.patients.visit_part_models import DiagnosisListModel

    model = DiagnosisListModel()
    qtmodeltester.check(model)
    model.set_diagnoses((Diagnosis("M79.18", "Myalgia, other site"), Diagnosis("M54.2", "")))
    qtmodeltester.check(model)
    assert model.index(0).data() == "M79.18  Myalgia, other site"
    assert model.index(1).data(Qt.ItemDataRole.ToolTipRole).startswith("M54.2")
    assert model.index(2).data() is None


def test_the_warning_lines_are_a_tree_model_a_line_and_its_detail(qtmodeltester):
    from triggermap.ui.patients.warning_lines import WarningLine, WarningLinesModel

    model = WarningLinesModel()
    model.set_lines(
        [
            WarningLine(
                "#b00020", "Pneumothorax risk — Serratus anterior TrP1 (left): max 9 mm", "a"
            ),
            WarningLine("#e65100", "No consent on record", ""),
        ]
    )
    qtmodeltester.check(model)
    first, second = model.index(0, 0), model.index(1, 0)
    assert model.rowCount(first) == 1  # its detail unfolds under it
    assert model.rowCount(second) == 0  # nothing more to say
    detail = model.index(0, 0, first)
    assert model.parent(detail) == first
    assert model.data(detail) == "a"
    assert model.data(first).startswith("⚠ Pneumothorax risk")
