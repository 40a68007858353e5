"""Two parts of the visit editor with their own lists: the adverse events (with the needle
concerned, onset, action taken, follow-up) and the Patient-Specific Functional Scale.

Each box shows the open visit and hands what the therapist enters to the panel's use cases
(callables), which save it as an undoable edit; the box clears what was typed once saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListView,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from triggermap.clinic.model import (
    ADVERSE_EVENT_KINDS,
    ADVERSE_EVENT_ONSETS,
    ADVERSE_EVENT_SEVERITIES,
    Visit,
)
from triggermap.clinic.visit_edits import words
from triggermap.ui.patients.visit_part_models import (
    AdverseEventListModel,
    FunctionalActivityListModel,
)

#: How many characters a choice shows at least; longer entries are cut with an ellipsis
#: rather than widening the panel beyond its dock.
CHOICE_CHARACTERS = 8


def keep_narrow(combo: QComboBox, characters: int = CHOICE_CHARACTERS) -> QComboBox:
    """Let `combo` be as narrow as `characters` (its longer entries are cut on screen; the
    list that drops down shows them whole). A combo as wide as its longest entry made the
    patient panel wider than its dock, which cut the panel's edge off (it never scrolls
    sideways)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)
    return combo


def _narrow_choice(parent: QWidget, name: str = "") -> QComboBox:
    combo = keep_narrow(QComboBox(parent))
    if name:
        combo.setAccessibleName(name)
    return combo


def _read_only_list(model, name: str, height: int, parent: QWidget) -> QListView:
    view = QListView(parent)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAccessibleName(name)
    view.setMaximumHeight(height)
    return view


class AdverseEventsBox(QGroupBox):
    """The visit's adverse events and the row to record one.

    `record(kind, severity, needle_number=, onset=, action_taken=) -> bool`,
    `remove(index) -> bool` and `resolve(index, text) -> bool` are the panel's use cases;
    `tell(sentence)` shows a sentence under the plan."""

    def __init__(
        self,
        record: Callable[..., bool],
        remove: Callable[[int], bool],
        resolve: Callable[[int, str], bool],
        tell: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Adverse events", parent)
        self._record, self._remove, self._resolve, self._tell = record, remove, resolve, tell
        self.model = AdverseEventListModel(self)
        self.events = _read_only_list(self.model, "Adverse events", 64, self)
        self.kind = _narrow_choice(self, "Kind of adverse event")
        for kind in ADVERSE_EVENT_KINDS:
            self.kind.addItem(words(kind).capitalize(), kind)
        self.severity = _narrow_choice(self, "Severity")
        for severity in ADVERSE_EVENT_SEVERITIES:
            self.severity.addItem(severity, severity)
        self.needle = _narrow_choice(self, "Needle concerned")
        self.onset = _narrow_choice(self, "Onset")
        self.onset.addItem("onset not recorded", "")
        for onset in ADVERSE_EVENT_ONSETS:
            self.onset.addItem(onset, onset)
        self.action = QLineEdit(self)
        self.action.setPlaceholderText("action taken (pressure, ice, referral…)")
        self.action.setAccessibleName("Action taken")
        self.add_button = QPushButton("Add", self)
        self.add_button.clicked.connect(self.add_entered)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self._remove_selected)
        self.resolve_button = QPushButton("Follow-up and resolution…", self)
        self.resolve_button.clicked.connect(self._resolve_selected)
        # three rows: four choices and three buttons on two rows cut the choices at 1366 px
        rows = [QHBoxLayout() for _ in range(3)]
        for widget in (self.kind, self.severity, self.needle):
            rows[0].addWidget(widget, 1)
        rows[1].addWidget(self.onset, 1)
        rows[1].addWidget(self.action, 2)
        rows[2].addStretch(1)
        for button in (self.add_button, self.remove_button, self.resolve_button):
            rows[2].addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.events)
        for row in rows:
            layout.addLayout(row)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def show_visit(self, visit: Visit, *, editable: bool) -> None:
        """List the visit's events; offer its needles as the needle concerned."""
        self.model.set_events(visit.adverse_events)
        self.needle.clear()
        self.needle.addItem("no particular needle", None)
        for needle in visit.needles:
            self.needle.addItem(f"needle {needle.number}", needle.number)
        for widget in (
            self.kind,
            self.severity,
            self.needle,
            self.onset,
            self.action,
            self.add_button,
            self.remove_button,
            self.resolve_button,
        ):
            widget.setEnabled(editable)

    def add_entered(self) -> bool:
        """Record the event as chosen; the action typed is cleared once it is saved."""
        added = self._record(
            self.kind.currentData(),
            self.severity.currentData(),
            needle_number=self.needle.currentData(),
            onset=self.onset.currentData(),
            action_taken=self.action.text().strip(),
        )
        if added:
            self.action.clear()
        return added

    def _remove_selected(self) -> None:
        row = self.events.currentIndex().row()
        if row >= 0:
            self._remove(row)

    def _resolve_selected(self) -> None:
        row = self.events.currentIndex().row()
        if row < 0:
            self._tell("Choose the adverse event first.")
            return
        text, accepted = QInputDialog.getMultiLineText(
            self,
            "Follow-up and resolution",
            "How it was followed up, and how and when it resolved:",
            self.model.event_at(row).resolution,
        )
        if accepted:
            self._resolve(row, text)


class FunctionBox(QGroupBox):
    """The Patient-Specific Functional Scale at this visit: activities the patient names,
    each rated 0 (unable) to 10 (as before the problem), and their mean.

    `rate(activity, score) -> bool` and `remove(index | None) -> bool` are the panel's."""

    def __init__(
        self,
        rate: Callable[[str, int], bool],
        remove: Callable[[int | None], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Function (Patient-Specific Functional Scale)", parent)
        self._rate, self._remove = rate, remove
        self.model = FunctionalActivityListModel(self)
        self.activities = _read_only_list(self.model, "Functional activities", 72, self)
        self.activity = QLineEdit(self)
        self.activity.setPlaceholderText("an activity the patient finds hard, in their words")
        self.activity.setAccessibleName("Activity")
        self.score = QSpinBox(self)
        self.score.setRange(0, 10)
        self.score.setAccessibleName("Ability 0 (unable) to 10 (as before)")
        self.score.setToolTip("0: unable to do it; 10: able to do it as before the problem")
        self.add_button = QPushButton("Add", self)
        self.add_button.clicked.connect(self.add_entered)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(
            lambda: self._remove(self.model.activity_index(self.activities.currentIndex().row()))
        )
        row = QHBoxLayout()
        row.addWidget(self.activity, 1)
        for widget in (self.score, self.add_button, self.remove_button):
            row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.activities)
        layout.addLayout(row)

    def show_visit(self, visit: Visit, *, editable: bool) -> None:
        self.model.set_visit_psfs(visit.psfs, visit.psfs_score)
        for widget in (self.activity, self.score, self.add_button, self.remove_button):
            widget.setEnabled(editable)

    def add_entered(self) -> bool:
        """Rate the activity typed; it is cleared once saved."""
        added = self._rate(self.activity.text(), self.score.value())
        if added:
            self.activity.clear()
        return added
