"""The practice profile dialog: the practitioner who signs, and the clinic on the handout."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from triggermap.services.practice_profile import PracticeProfile, profile_problems
from triggermap.ui.patients.dialogs import ok_cancel, problems_label


class ProfileDialog(QDialog):
    """Edit the practitioner's name, profession and registration, and the clinic's name and
    phone. Stays open with the sentences while a field cannot be right."""

    def __init__(self, profile: PracticeProfile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Practice profile")
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label, hint in (
            ("practitioner_name", "Your name", "as you sign visits"),
            ("profession", "Profession", "e.g. physiotherapist"),
            ("registration", "Registration", "your professional registration number"),
            ("clinic_name", "Clinic", "as the patient handout names it"),
            ("clinic_phone", "Clinic phone", "for the patient's questions"),
        ):
            line = QLineEdit(getattr(profile, name), self)
            line.setPlaceholderText(hint)
            line.setAccessibleName(label)
            form.addRow(label, line)
            self.fields[name] = line
        self.problems = problems_label(self)
        buttons = ok_cancel(self, "Save")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def profile(self) -> PracticeProfile:
        return PracticeProfile(**{name: line.text().strip() for name, line in self.fields.items()})

    def accept(self) -> None:
        problems = profile_problems(self.profile())
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        if not problems:
            super().accept()
