"""The questions the patient panel asks the therapist, as modal dialogs.

The panel holds each as a replaceable attribute (`confirm_void`, `ask_finalise`, …) so that a
test or a kiosk answers instead; these are what a person sees.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from triggermap.clinic.model import SafetyWarning
from triggermap.ui.patients.dialogs import AddendumDialog, FinaliseDialog, SafetyWarningDialog


def _accepted(dialog: QDialog) -> bool:
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def acknowledge_warnings(parent: QWidget, warnings: list[SafetyWarning]) -> bool:
    """Whether the therapist read the new safety warnings and goes on (the "I have read" tick)."""
    return _accepted(SafetyWarningDialog(warnings, parent))


def ask_signer(parent: QWidget, signer: str) -> str | None:
    """Who signs the visit (None: not signed)."""
    dialog = FinaliseDialog(signer, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.signed_by.text().strip() or None
    finally:
        dialog.deleteLater()


def confirm_warning(
    parent: QWidget | None,
    title: str,
    text: str,
    detail: str,
    go_on: str,
    role: QMessageBox.ButtonRole = QMessageBox.ButtonRole.AcceptRole,
) -> bool:
    """Whether the user goes on with something that needs a second thought: a warning box
    whose default is Cancel, and whose other button (`go_on`) names what happens."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(detail)
    chosen = box.addButton(go_on, role)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    try:
        box.exec()
        return box.clickedButton() is chosen
    finally:
        box.deleteLater()


def confirm_depths(parent: QWidget, lines: list[str]) -> bool:
    """Whether to sign a visit that records depths beyond the patient's safe limit."""
    return confirm_warning(
        parent,
        "Depth beyond the limit",
        "This visit records a depth beyond the patient's safe limit:",
        "\n".join(lines) + "\n\nSign anyway? Your confirmation is stored with the visit.",
        "Sign with these depths",
    )


def _yes(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def confirm_second_visit(parent: QWidget, status: str) -> bool:
    """Whether to start a second visit on a day that has one (`status`: signed, a draft)."""
    return _yes(
        parent,
        "A visit today already",
        f"This patient already has a visit today ({status}). Start a second visit today?",
    )


def confirm_void(parent: QWidget) -> bool:
    """Whether to void the open draft."""
    return _yes(
        parent,
        "Void this draft",
        "Remove this unsigned visit and everything entered in it? The removal is written "
        "to the audit trail.",
    )


def ask_addendum(parent: QWidget, author: str, kept_text: str) -> tuple[str, str] | None:
    """The author and text of an addendum (None: cancelled); opens with text kept from a
    failed save."""
    dialog = AddendumDialog(author, parent)
    dialog.text.setPlainText(kept_text)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.author.text().strip(), dialog.text.toPlainText().strip()
    finally:
        dialog.deleteLater()


def ask_passphrase(parent: QWidget, message: str) -> str | None:
    """The passphrase of encrypted records (None: cancelled)."""
    text, accepted = QInputDialog.getText(
        parent, "Unlock the patient records", message, QLineEdit.EchoMode.Password
    )
    return text if accepted else None


def show_kept_out(parent: QWidget, title: str, text: str) -> None:
    """Show the user their own values that another window's edit kept out (to copy back)."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    try:
        box.exec()
    finally:
        box.deleteLater()


def choose_handout_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save the handout PDF (None: cancelled)."""
    path, _ = QFileDialog.getSaveFileName(
        parent, "Save handout PDF", suggested, "PDF documents (*.pdf)"
    )
    return Path(path) if path else None
