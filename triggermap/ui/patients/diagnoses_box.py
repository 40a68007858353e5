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

from triggermap.catalogue.model import Catalogue, Condition
from triggermap.clinic.errors import PatientDataError
from triggermap.clinic.model import Diagnosis
from triggermap.clinic.validation import code_form_problem, diagnoses_problems
from triggermap.services import icd10cm
from triggermap.ui.patients.visit_boxes import keep_narrow
from triggermap.ui.patients.visit_part_models import DiagnosisListModel


def diagnoses_from_text(text: str, catalogue: Catalogue) -> tuple[Diagnosis, ...]:
    """The diagnoses a choice or typed text names, in the order they are listed: a catalogue
    condition (see diagnosis_from_text) with the code listed before it if it has one (Z41.1
    before a cosmetic indication); else the one typed code."""
    condition = _condition_named(text, catalogue)
    if condition is not None and condition.first_listed:
        first = Diagnosis(
            condition.first_listed, icd10cm.official_name(condition.first_listed) or ""
        )
        return (first, Diagnosis(condition.icd10, condition.name))
    return (diagnosis_from_text(text, catalogue),)


def _condition_named(text: str, catalogue: Catalogue) -> Condition | None:
    """The catalogue condition a choice names by its list entry, its name or its code."""
    typed = " ".join(text.split())
    for condition in catalogue.conditions.values():
        if typed in (condition_entry(condition.name, condition.codes_text), condition.name):
            return condition
    folded = typed.casefold()
    return next(
        (
            c
            for c in catalogue.conditions.values()
            if folded in (c.name.casefold(), c.icd10.casefold())
        ),
        None,
    )


def diagnosis_from_text(text: str, catalogue: Catalogue) -> Diagnosis:
    """The diagnosis a choice or typed text names: a catalogue condition by its list entry
    ("Name — CODE"), its name or its code; else a billable code of the official ICD-10-CM
    list typed with its name, or alone (the list's name is taken); PatientDataError else."""
    typed = " ".join(text.split())
    condition = _condition_named(typed, catalogue)
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
            self.chooser.addItem(condition_entry(condition.name, condition.codes_text))
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
        """Record the chosen or typed diagnosis (with the code listed before it, if any); True
        when something was added."""
        try:
            chosen = diagnoses_from_text(self.chooser.currentText(), self._catalogue)
        except PatientDataError as error:
            self._on_problem(error.problems[0])
            return False
        recorded = {d.code for d in self._diagnoses}
        new = tuple(d for d in chosen if d.code not in recorded)
        if not new:
            verb = "is" if len(chosen) == 1 else "are"
            self._on_problem(f"{' and '.join(d.code for d in chosen)} {verb} recorded already.")
            return False
        self.chooser.setCurrentIndex(-1)
        self.chooser.clearEditText()
        self._on_change((*self._diagnoses, *new))
        return True

    def remove_selected(self) -> bool:
        row = self.recorded.currentIndex().row()
        if row < 0:
            return False
        self._on_change(self._diagnoses[:row] + self._diagnoses[row + 1 :])
        return True
