"""The open patient's card: who they are, screening and consent at a glance, their visits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triggermap.catalogue.model import Catalogue
from triggermap.clinic.model import Patient, TreatmentGoal
from triggermap.clinic.safety import SCREENING_VALID_FOR, age_in_years
from triggermap.services.chart_session import VisitSummary
from triggermap.ui.palette import ALERT_RED, CARE_AMBER, DONE_GREEN
from triggermap.ui.patients.goals_box import GoalsBox
from triggermap.ui.patients.visit_editor import badge
from triggermap.ui.patients.visit_list_model import VISIT_ID_ROLE, VisitListModel


def status_badges(patient: Patient, catalogue: Catalogue, today: date) -> list[str]:
    """The patient's screening and consent as coloured badges (rich text)."""
    badges = []
    screening = patient.screening
    if screening is None:
        badges.append(badge("No screening", ALERT_RED))
    else:
        known = [c for c in screening.present() if c in catalogue.contraindications]
        severities = [catalogue.contraindications[c].severity for c in known]
        if "absolute" in severities or "relative" in severities:
            names = [
                catalogue.contraindications[c].name
                for c in known
                if catalogue.contraindications[c].severity != "precaution"
            ]
            badges.append(badge("Contraindicated: " + "; ".join(names), ALERT_RED))
        elif severities:
            badges.append(badge("Precaution", CARE_AMBER))
        else:
            badges.append(badge(f"Screened {screening.screened_on.isoformat()}", DONE_GREEN))
        if today - screening.screened_on > SCREENING_VALID_FOR:
            badges.append(badge("Screening over a year old", ALERT_RED))
    consent = patient.consent
    if consent is None:
        badges.append(badge("No consent", ALERT_RED))
    elif not consent.signed:
        badges.append(badge("Consent not signed", ALERT_RED))
    else:
        badges.append(badge(f"Consent signed {consent.given_on.isoformat()}", DONE_GREEN))
    return badges


class PatientCard(QGroupBox):
    """The open patient. Signals: `visit_chosen(visit_id)`, `visit_search_changed(text)`;
    the buttons (`screening_button`, `consent_button`, `edit_patient_button`,
    `new_visit_button`, `copy_visit_button`, `history_button`) are connected by the panel."""

    visit_chosen = Signal(str)
    visit_search_changed = Signal(str)

    def __init__(
        self,
        on_goals_changed: Callable[[tuple[TreatmentGoal, ...]], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Patient", parent)
        layout = QVBoxLayout(self)
        self.patient_name = QLabel(self)
        font = QFont(self.patient_name.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.patient_name.setFont(font)
        self.patient_facts = QLabel(self)
        self.patient_facts.setWordWrap(True)
        self.patient_badges = QLabel(self)
        self.patient_badges.setTextFormat(Qt.TextFormat.RichText)
        self.patient_badges.setWordWrap(True)
        self.patient_badges.setAccessibleName("Screening and consent")
        buttons = QHBoxLayout()
        self.screening_button = QPushButton("Screening…", self)
        self.consent_button = QPushButton("Consent…", self)
        self.edit_patient_button = QPushButton("Details…", self)
        for button in (self.screening_button, self.consent_button, self.edit_patient_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # the episode's goals, saved with the patient's details (on_goals_changed)
        self.goals_box = GoalsBox(on_goals_changed, self)
        self.visit_search = QLineEdit(self)
        self.visit_search.setPlaceholderText(
            "Search this patient's visits (complaint, notes, diagnoses)"
        )
        self.visit_search.setAccessibleName("Search visits")
        self.visit_search.setClearButtonEnabled(True)
        self.visit_search.textChanged.connect(self.visit_search_changed)
        self.visit_list = VisitListModel(self)
        self.visits = QListView(self)
        self.visits.setModel(self.visit_list)
        self.visits.setAccessibleName("Visits")
        self.visits.setMaximumHeight(100)
        self.visits.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.visits.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.visits.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.visits.clicked.connect(self._choose)
        self.visits.activated.connect(self._choose)
        visit_buttons = QHBoxLayout()
        self.new_visit_button = QPushButton("New visit", self)
        self.copy_visit_button = QPushButton("Copy last visit", self)
        self.copy_visit_button.setToolTip(
            "Start today's visit with the last visit's complaint and plan"
        )
        self.history_button = QPushButton("History", self)
        for button in (self.new_visit_button, self.copy_visit_button, self.history_button):
            visit_buttons.addWidget(button)
        visit_buttons.addStretch(1)
        layout.addWidget(self.patient_name)
        layout.addWidget(self.patient_facts)
        layout.addWidget(self.patient_badges)
        layout.addLayout(buttons)
        layout.addWidget(self.goals_box)
        layout.addWidget(QLabel("Visits", self))
        layout.addWidget(self.visit_search)
        layout.addWidget(self.visits)
        layout.addLayout(visit_buttons)

    def _choose(self, index: QModelIndex) -> None:
        visit_id = index.data(VISIT_ID_ROLE)
        if visit_id:
            self.visit_chosen.emit(visit_id)

    def show_patient(self, patient: Patient | None, catalogue: Catalogue, today: date) -> None:
        """Show `patient` (the card hides for None)."""
        self.setVisible(patient is not None)
        self.goals_box.show_patient(patient, today)
        if patient is None:
            self.visit_list.set_visits(())
            return
        self.patient_name.setText(patient.display_name)
        facts = [f"{age_in_years(patient, today)} years", patient.sex]
        facts.append(f"born {patient.date_of_birth.isoformat()}")
        bmi = patient.body_mass_index
        facts.append(f"BMI {bmi:.1f}" if bmi is not None else "BMI unknown")
        self.patient_facts.setText("  ·  ".join(facts))
        self.patient_badges.setText(" ".join(status_badges(patient, catalogue, today)))

    def show_visits(self, visits: Sequence[VisitSummary], open_visit_id: str | None) -> None:
        """List the patient's visits, the open one chosen."""
        self.visit_list.set_visits(visits)
        row = self.visit_list.row_of(open_visit_id) if open_visit_id is not None else None
        if row is not None:
            self.visits.setCurrentIndex(self.visit_list.index(row))
