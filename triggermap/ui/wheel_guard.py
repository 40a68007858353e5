"""No value changes under a mouse wheel that was only scrolling past.

A wheel turned over a spin box or combo box while scrolling a form changed the value under the
pointer (a pain score 6 → 7, an adverse event mild → serious, saved). With the guard, such a
field takes the wheel only when it has the keyboard focus (clicked or tabbed into); otherwise
the wheel goes on to the scroll area around it. Fields are given focus by click or Tab only,
never by the wheel (the wheel never reaches an unfocused field).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

_GUARDED = (QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    """An application-wide event filter (install once with `install_wheel_guard`)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Polish and isinstance(watched, _GUARDED):
            # Qt gives a wheel-focus field the focus *before* any filter sees a real wheel
            # turn, so the check below would let the turn through: the field takes focus by
            # click and Tab only (seen under X11: a pain score scrolled past went 6 → 3)
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        field = _guarded_field(watched)
        if field is None or field.hasFocus():
            return False
        # not for this field: on to the widget it sits in (a scroll area scrolls)
        parent = field.parentWidget()
        if parent is not None:
            QApplication.sendEvent(parent, event)
        return True


def _guarded_field(widget: QWidget) -> QWidget | None:
    """The spin box or combo box `widget` is (or is part of, like a spin box's line edit)."""
    current: QWidget | None = widget
    for _ in range(3):
        if current is None:
            return None
        if isinstance(current, _GUARDED):
            return current
        current = current.parentWidget()
    return None


def install_wheel_guard(application: QApplication | None = None) -> WheelGuard | None:
    """Install the guard on the application (once; later calls return the same guard)."""
    application = application or QApplication.instance()
    if application is None:
        return None
    guard = application.property("triggermap_wheel_guard")
    if isinstance(guard, WheelGuard):
        return guard
    guard = WheelGuard(application)
    application.installEventFilter(guard)
    application.setProperty("triggermap_wheel_guard", guard)
    return guard
