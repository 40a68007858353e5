"""The one signal that carries what a use case changed to every view of the program.

A service returns `Changes` (services.patient_records); the window that asked publishes them
here, and each view refreshes on the part it cares about: the other windows' patient panels
(the same visit open, the same patient listed), the history and explain windows. Saves made
by another program are seen by the panel's own look at the database (data_version).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal

from triggermap.services.patient_records import Changes

#: The hub's object name under the application (one hub per running program).
HUB_NAME = "triggermap-changes-hub"


class ChangesHub(QObject):
    """`changed(Changes, origin)`: `origin` is the object that made the change (a panel), so
    it can skip its own news."""

    changed = Signal(object, object)

    def publish(self, changes: Changes, origin: object | None = None) -> None:
        self.changed.emit(changes, origin)


def changes_hub() -> ChangesHub:
    """The program's hub (created with the first window, kept by the application)."""
    application = QCoreApplication.instance()
    if application is None:
        raise RuntimeError("The changes hub needs a running Qt application.")
    hub = application.findChild(ChangesHub, HUB_NAME)
    if hub is None:
        hub = ChangesHub(application)
        hub.setObjectName(HUB_NAME)
    return hub
