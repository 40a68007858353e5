"""Undoable edits of an open visit: each holds the visit before and after, and saves on apply."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from triggermap.clinic.model import Visit

#: Undo stack merge id shared by every mergeable edit; `VisitEdit.mergeWith` checks the key.
MERGEABLE_ID = 1


class VisitEdit(QUndoCommand):
    """Replace the open visit by `after` (redo) or `before` (undo) through `apply(target,
    expected)`, which saves it and shows it, and returns False when the save failed (the
    failure is already shown). `expected` is the state the step starts from, so that a step
    made stale by another window's change applies only its own fields, or is refused.

    A failed apply makes the command obsolete, so the undo stack drops it and the stack, the
    screen and the database keep agreeing. Edits with the same `merge_key` in a row (the steps
    of a spin box, bursts of typing) merge into one undo step; each was saved when made.
    """

    def __init__(
        self,
        apply: Callable[[Visit, Visit], bool],
        before: Visit,
        after: Visit,
        text: str,
        merge_key: str | None = None,
    ) -> None:
        super().__init__(text)
        self._apply = apply
        self.before = before
        self.after = after
        self.merge_key = merge_key

    def redo(self) -> None:
        if not self._apply(self.after, self.before):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self._apply(self.before, self.after):
            self.setObsolete(True)

    def id(self) -> int:
        return MERGEABLE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, VisitEdit)
            or other.isObsolete()
            or other.merge_key != self.merge_key
        ):
            return False
        self.after = other.after
        if self.after == self.before:
            # e.g. a score spun up and back: nothing left to undo
            self.setObsolete(True)
        return True
