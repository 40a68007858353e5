"""Dialogs of the patient side: new patient, screening, consent, safety warning, finalise, addendum."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from triggermap.catalogue.model import Catalogue
from triggermap.clinic.model import (
    SEXES,
    Consent,
    Patient,
    PatientId,
    SafetyWarning,
    Screening,
    ScreeningAnswer,
)
from triggermap.clinic.warning_kinds import warning_title
from triggermap.ui.palette import ALERT_RED, ALERT_TINT, CARE_AMBER, PRECAUTION_BROWN
from triggermap.ui.patients.date_entry import TypedDateField

#: Colours of the badges and warnings: clinical red, amber for care, green for done.


#: What the therapist usually explains before consent is given (editable in the dialog).
STANDARD_EXPLANATION = (
    "What dry needling is and how it differs from acupuncture; what the patient may feel "
    "(a brief twitch, a dull ache); common side effects (soreness, bruising, bleeding, "
    "tiredness, fainting) and rare serious risks (pneumothorax, infection, nerve injury); "
    "the alternatives; that consent can be withdrawn at any time."
)


def ok_cancel(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    """The dialog's OK and Cancel buttons (OK named `ok_text`, saying what it does), wired to
    accept and reject."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def problems_label(parent: QWidget) -> QLabel:
    """A hidden red label where a dialog lists what must be corrected."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ALERT_RED}; font-weight: bold;")
    label.setAccessibleName("Problems")
    label.hide()
    return label


class PatientDialog(QDialog):
    """Enter a new patient (or correct one): names, date of birth, sex, height, weight, notes.

    Checks the obvious on OK (names given, birth date not in the future); the service checks the
    rest and the panel shows its sentences with `show_problems`.
    """

    def __init__(
        self,
        patient_id: PatientId,
        today: date,
        parent: QWidget | None = None,
        patient: Patient | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit patient" if patient else "New patient")
        self._patient_id = patient.id if patient else patient_id
        self._original = patient
        self._today = today
        form = QFormLayout()
        self.family_name = QLineEdit(self)
        self.given_name = QLineEdit(self)
        # no default: a date of birth is typed, never a guess the therapist forgets to change
        self.date_of_birth = TypedDateField(
            "The date of birth",
            self,
            day=patient.date_of_birth if patient else None,
            latest=lambda: self._today,
        )
        self.sex = QComboBox(self)
        for sex in SEXES:
            self.sex.addItem(sex.capitalize(), sex)
        # 0 stands for "not measured": the spin box shows a dash for it
        self.height_cm = QDoubleSpinBox(self)
        self.height_cm.setRange(0, 260)
        self.height_cm.setDecimals(0)
        self.height_cm.setSuffix(" cm")
        self.height_cm.setSpecialValueText("not measured")
        self.weight_kg = QDoubleSpinBox(self)
        self.weight_kg.setRange(0, 400)
        self.weight_kg.setDecimals(1)
        self.weight_kg.setSuffix(" kg")
        self.weight_kg.setSpecialValueText("not measured")
        self.notes = QPlainTextEdit(self)
        self.notes.setFixedHeight(70)
        for label, field in (
            ("Family name", self.family_name),
            ("Given name", self.given_name),
            ("Date of birth", self.date_of_birth),
            ("Sex", self.sex),
            ("Height", self.height_cm),
            ("Weight", self.weight_kg),
            ("Notes", self.notes),
        ):
            if field is not self.date_of_birth:
                field.setAccessibleName(label)
            form.addRow(label, field)
        if patient is not None:
            self.family_name.setText(patient.family_name)
            self.given_name.setText(patient.given_name)
            self.sex.setCurrentIndex(max(0, self.sex.findData(patient.sex)))
            self.height_cm.setValue(patient.height_cm or 0)
            self.weight_kg.setValue(patient.weight_kg or 0)
            self.notes.setPlainText(patient.notes)
        else:
            self.sex.setCurrentIndex(self.sex.findData("unknown"))
        hint = QLabel(
            "Height, weight and sex matter: the safe needling depth over the chest wall is "
            "chosen for the patient's build and sex. Without height and weight the slim "
            "figure, the smallest, is used.",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        self.problems = problems_label(self)
        buttons = ok_cancel(self, "Save patient")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def patient(self) -> Patient:
        """The patient as entered. Correcting a known patient changes only the details this
        dialog shows: the screening, the consent, the treatment goals and the version are kept
        from the original (a dialog that rebuilt the patient dropped the goals)."""
        entered = {
            "family_name": self.family_name.text().strip(),
            "given_name": self.given_name.text().strip(),
            "date_of_birth": self.date_of_birth.date(),
            "sex": self.sex.currentData(),
            "height_cm": self.height_cm.value() or None,
            "weight_kg": self.weight_kg.value() or None,
            "notes": self.notes.toPlainText().strip(),
        }
        if self._original is not None:
            return replace(self._original, **entered)
        return Patient(id=self._patient_id, **entered)

    def show_problems(self, problems: tuple[str, ...] | list[str]) -> None:
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))

    def accept(self) -> None:
        problems = []
        if not self.family_name.text().strip():
            problems.append("Enter the family name.")
        if not self.given_name.text().strip():
            problems.append("Enter the given name.")
        birth_problem = self.date_of_birth.problem()
        if birth_problem is not None:
            problems.append(birth_problem)
        self.show_problems(problems)
        if not problems:
            super().accept()


class ScreeningDialog(QDialog):
    """A dated contraindication screening: every contraindication of the catalogue, each with a
    checkbox (present) and a note, grouped by severity."""

    def __init__(
        self,
        catalogue: Catalogue,
        today: date,
        screening: Screening | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Contraindication screening")
        previous = {a.contraindication_id: a for a in screening.answers} if screening else {}
        self.screened_on = TypedDateField(
            "The date of the screening", self, day=today, latest=lambda: today
        )
        top = QFormLayout()
        top.addRow("Screened on", self.screened_on)
        self.present: dict[str, QCheckBox] = {}
        self.notes: dict[str, QLineEdit] = {}
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        for severity, title, colour in (
            ("absolute", "Absolute — do not needle", ALERT_RED),
            ("relative", "Relative — needle only after weighing the risk", CARE_AMBER),
            ("precaution", "Precautions — take care", PRECAUTION_BROWN),
        ):
            items = [c for c in catalogue.contraindications.values() if c.severity == severity]
            if not items:
                continue
            group = QGroupBox(title, body)
            group.setStyleSheet(f"QGroupBox {{ font-weight: bold; color: {colour}; }}")
            grid = QGridLayout(group)
            for row, item in enumerate(items):
                box = QCheckBox(item.name, group)
                box.setToolTip(item.note)
                box.setStyleSheet("font-weight: normal; color: palette(text);")
                note = QLineEdit(group)
                note.setPlaceholderText("note")
                note.setAccessibleName(f"Note on {item.name}")
                answer = previous.get(item.id)
                if answer is not None:
                    box.setChecked(answer.present)
                    note.setText(answer.note)
                grid.addWidget(box, row, 0)
                grid.addWidget(note, row, 1)
                self.present[item.id] = box
                self.notes[item.id] = note
            grid.setColumnStretch(1, 1)
            body_layout.addWidget(group)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        buttons = ok_cancel(self, "Save screening")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("Ask about each item; tick those the patient has.", self))
        layout.addWidget(scroll, 1)
        self.problems = problems_label(self)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(620, 640)

    def accept(self) -> None:
        problem = self.screened_on.problem()
        self.problems.setText(problem or "")
        self.problems.setVisible(problem is not None)
        if problem is None:
            super().accept()

    def screening(self) -> Screening:
        """The screening as answered, in the catalogue's order."""
        return Screening(
            screened_on=self.screened_on.date(),
            answers=tuple(
                ScreeningAnswer(cid, box.isChecked(), self.notes[cid].text().strip())
                for cid, box in self.present.items()
            ),
        )


class ConsentDialog(QDialog):
    """Informed consent: the date, what was explained, and whether the patient signed."""

    def __init__(self, patient: Patient, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Consent — {patient.display_name}")
        consent = patient.consent
        self.given_on = TypedDateField(
            "The date of the consent",
            self,
            day=consent.given_on if consent else today,
            latest=lambda: today,
        )
        self.explained = QPlainTextEdit(self)
        self.explained.setPlainText(consent.explained if consent else STANDARD_EXPLANATION)
        self.explained.setFixedHeight(110)
        self.signed = QCheckBox("The patient signed the consent form", self)
        self.signed.setChecked(consent.signed if consent else False)
        self.signed_by = QLineEdit(
            consent.signed_by if consent and consent.signed_by else patient.display_name, self
        )
        form = QFormLayout()
        for label, field in (
            ("Date", self.given_on),
            ("What was explained", self.explained),
            ("", self.signed),
            ("Signed by", self.signed_by),
        ):
            field.setAccessibleName(label or "Signed")
            form.addRow(label, field)
        self.problems = problems_label(self)
        buttons = ok_cancel(self, "Save consent")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def consent(self) -> Consent:
        return Consent(
            given_on=self.given_on.date(),
            explained=self.explained.toPlainText().strip(),
            signed=self.signed.isChecked(),
            signed_by=self.signed_by.text().strip() if self.signed.isChecked() else "",
        )

    def accept(self) -> None:
        problems = []
        date_problem = self.given_on.problem()
        if date_problem is not None:
            problems.append(date_problem)
        if not self.explained.toPlainText().strip():
            problems.append("Say what was explained to the patient.")
        if self.signed.isChecked() and not self.signed_by.text().strip():
            problems.append("Enter who signed.")
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        if not problems:
            super().accept()


def warning_html(warning: SafetyWarning) -> str:
    """One warning for the safety dialog: title, message and the maximum depth in large red."""
    title = warning_title(warning.kind)
    parts = [
        f"<p style='font-size:15pt; font-weight:bold; color:{ALERT_RED}; margin:0'>"
        f"⚠ {escape(title)}</p>",
        f"<p style='font-size:11pt; margin:2px 0 0 0'>{escape(warning.message)}</p>",
    ]
    if warning.max_depth_mm is not None:
        parts.append(
            f"<p style='font-size:20pt; font-weight:bold; color:{ALERT_RED}; margin:4px 0 0 0'>"
            f"Maximum depth {warning.max_depth_mm:g} mm</p>"
        )
    return "".join(parts)


class SafetyWarningDialog(QDialog):
    """New safety warnings for the plan, to acknowledge before the point is added.

    Hard to dismiss by accident: Cancel is the default button (Enter and Esc both cancel), and
    "Proceed" stays disabled until the therapist ticks that they have read the warnings.
    """

    def __init__(self, warnings: list[SafetyWarning], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Safety warning — read before needling")
        layout = QVBoxLayout(self)
        header = QLabel("Safety warning", self)
        header.setStyleSheet(
            f"background:{ALERT_RED}; color:white; font-size:18pt; font-weight:bold; padding:8px;"
        )
        layout.addWidget(header)
        self.warning_labels: list[QLabel] = []
        for warning in warnings:
            label = QLabel(warning_html(warning), self)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setStyleSheet(
                f"border-left: 6px solid {ALERT_RED}; padding: 6px 10px; background: {ALERT_TINT};"
            )
            layout.addWidget(label)
            self.warning_labels.append(label)
        self.read_check = QCheckBox(
            "I have read these warnings and will keep within the limits shown.", self
        )
        self.read_check.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.read_check)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton("Cancel — do not add", self)
        self.cancel_button.setDefault(True)
        self.cancel_button.setAutoDefault(True)
        self.proceed_button = QPushButton("Proceed and record the warning", self)
        self.proceed_button.setAutoDefault(False)
        self.proceed_button.setDefault(False)
        self.proceed_button.setEnabled(False)
        self.read_check.toggled.connect(self.proceed_button.setEnabled)
        self.cancel_button.clicked.connect(self.reject)
        self.proceed_button.clicked.connect(self.accept)
        row.addWidget(self.cancel_button)
        row.addWidget(self.proceed_button)
        layout.addLayout(row)
        self.setMinimumWidth(560)
        self.cancel_button.setFocus()


class FinaliseDialog(QDialog):
    """Confirm finalising (signing) a visit: after this it is read-only and takes addenda only."""

    def __init__(self, therapist: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Finalise visit")
        text = QLabel(
            "<p><b>Finalise and sign this visit?</b></p><p>A finalised visit can no longer be "
            "changed. Corrections and later findings are added as dated addenda.</p>",
            self,
        )
        text.setWordWrap(True)
        self.signed_by = QLineEdit(therapist, self)
        self.signed_by.setAccessibleName("Signed by")
        self.signed_by.setPlaceholderText("therapist's name")
        form = QFormLayout()
        form.addRow("Signed by", self.signed_by)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.finalise_button = buttons.addButton(
            "Finalise and sign", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.finalise_button.setAutoDefault(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        self.signed_by.textChanged.connect(
            lambda text: self.finalise_button.setEnabled(bool(text.strip()))
        )
        self.finalise_button.setEnabled(bool(therapist.strip()))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)


class AddendumDialog(QDialog):
    """Write a dated addendum to a finalised visit."""

    def __init__(self, author: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add addendum")
        self.text = QPlainTextEdit(self)
        self.text.setAccessibleName("Addendum")
        self.text.setPlaceholderText("The correction or later finding, in full sentences.")
        self.author = QLineEdit(author, self)
        self.author.setAccessibleName("Author")
        form = QFormLayout()
        form.addRow("Addendum", self.text)
        form.addRow("Author", self.author)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add addendum")

        def update() -> None:
            self.ok_button.setEnabled(
                bool(self.text.toPlainText().strip() and self.author.text().strip())
            )

        self.text.textChanged.connect(update)
        self.author.textChanged.connect(update)
        update()
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
