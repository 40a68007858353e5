"""The diagnoses recorded at a visit: chosen from the catalogue's conditions (with their
ICD-10-CM codes) or typed as any billable code of the official list, with or without its name
("M79.18 Myalgia, other site", "m7918")."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triggermap.catalogue.model import Catalogue
from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import Diagnosis
from triggermap.clinic.validation import code_form_problem, diagnoses_problems
from triggermap.services import icd10cm
from triggermap.ui.patients.visit_boxes import keep_narrow
from triggermap.ui.patients.visit_part_models import DiagnosisListModel


def diagnosis_from_text(text: str, catalogue: Catalogue) -> Diagnosis:
    """The diagnosis a choice or typed text names: a catalogue condition by its list entry
    ("Name — CODE"), its name or its code; else a billable code of the official ICD-10-CM
    list typed with its name, or alone (the list's name is taken); PatientDataError else."""
    typed = " ".join(text.split())
    by_entry = {condition_entry(c.name, c.icd10): c for c in catalogue.conditions.values()}
    by_name = {c.name.casefold(): c for c in catalogue.conditions.values()}
    by_code = {c.icd10.upper(): c for c in catalogue.conditions.values()}
    condition = by_entry.get(typed) or by_name.get(typed.casefold()) or by_code.get(typed.upper())
    if condition is not None:
        return Diagnosis(condition.icd10, condition.name)
    code, _, name = typed.partition(" ")
    if not code:
        raise PatientDataError(
            "Choose a condition, or type an ICD-10-CM code (M79.18), with its name if you like."
        )
    code = icd10cm.normalised(code)
    # the form first (its sentence says what a code looks like), then the official list:
    # any billable code (a category has codes under it to choose from)
    problem = code_form_problem(code) or icd10cm.code_problem(code)
    if problem is not None:
        raise PatientDataError(problem)
    diagnosis = Diagnosis(code, name.strip(" —-:") or icd10cm.official_name(code) or "")
    problems = diagnoses_problems((diagnosis,))
    if problems:
        raise PatientDataError(problems)
    return diagnosis


def condition_entry(name: str, code: str) -> str:
    return f"{name} — {code}"


class DiagnosesBox(QGroupBox):
    """The visit's recorded diagnoses with a chooser; `on_change` gets the new tuple (the
    panel saves it as an undoable edit) and `on_problem` a sentence that refuses a choice."""

    def __init__(
        self,
        catalogue: Catalogue,
        on_change: Callable[[tuple[Diagnosis, ...]], object],
        on_problem: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Diagnoses (ICD-10-CM)", parent)
        self._catalogue = catalogue
        self._on_change = on_change
        self._on_problem = on_problem
        self._diagnoses: tuple[Diagnosis, ...] = ()
        self.chooser = QComboBox(self)
        self.chooser.setEditable(True)
        self.chooser.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.chooser.setAccessibleName("Choose or type a diagnosis")
        keep_narrow(self.chooser, characters=16)  # the longest condition's name is long
        self.chooser.lineEdit().setPlaceholderText("condition, or a code and its name")
        for condition in sorted(catalogue.conditions.values(), key=lambda c: c.name):
            self.chooser.addItem(condition_entry(condition.name, condition.icd10))
        self.chooser.setCurrentIndex(-1)
        completer = QCompleter([self.chooser.itemText(i) for i in range(self.chooser.count())])
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.chooser.setCompleter(completer)
        self.add_button = QPushButton("Add", self)
        self.add_button.clicked.connect(self.add_chosen)
        self.recorded_model = DiagnosisListModel(self)
        self.recorded = QListView(self)
        self.recorded.setModel(self.recorded_model)
        self.recorded.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recorded.setAccessibleName("Recorded diagnoses")
        self.recorded.setMaximumHeight(72)
        self.remove_button = QPushButton("Remove diagnosis", self)
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.chooser, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.recorded)
        layout.addWidget(self.remove_button)

    def show_diagnoses(self, diagnoses: tuple[Diagnosis, ...], *, editable: bool) -> None:
        if editable:
            icd10cm.load_in_background()  # ready long before a code is typed (about 1.5 s)
        self._diagnoses = diagnoses
        self.recorded_model.set_diagnoses(diagnoses)
        for widget in (self.chooser, self.add_button, self.remove_button):
            widget.setEnabled(editable)

    def add_chosen(self) -> bool:
        """Record the chosen or typed diagnosis; True when it was added."""
        try:
            diagnosis = diagnosis_from_text(self.chooser.currentText(), self._catalogue)
        except PatientDataError as error:
            self._on_problem(error.problems[0])
            return False
        if any(d.code == diagnosis.code for d in self._diagnoses):
            self._on_problem(f"{diagnosis.code} is recorded already.")
            return False
        self.chooser.setCurrentIndex(-1)
        self.chooser.clearEditText()
        self._on_change((*self._diagnoses, diagnosis))
        return True

    def remove_selected(self) -> bool:
        row = self.recorded.currentIndex().row()
        if row < 0:
            return False
        self._on_change(self._diagnoses[:row] + self._diagnoses[row + 1 :])
        return True
