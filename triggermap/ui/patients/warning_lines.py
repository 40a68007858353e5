"""The plan's safety warnings as one line each, with the detail to unfold.

A banner of full paragraphs pushed the plan off the screen. Now each warning (or each needle's
hazards of one kind) is one coloured line of a small tree: the patient's warnings first, then
each needle's with its depth limit; a click on a line unfolds its detail under it. The lines are
pure data (`warning_lines`), shown through a Qt item model (`WarningLinesModel`) by the banner
(`WarningBanner`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from triggermap.catalogue.model import Catalogue, point_title
from triggermap.clinic.model import SafetyWarning
from triggermap.clinic.warning_kinds import warning_kind
from triggermap.ui.palette import ALERT_INK, ALERT_RED, ALERT_TINT, CARE_AMBER, qcolour

#: How much of a patient warning's message its one line shows (characters).
SHORT_MESSAGE_CHARACTERS = 90
#: Lines the banner shows before it scrolls (a plan of many risky needles stays on screen).
MOST_LINES_SHOWN = 8

_Index = QModelIndex | QPersistentModelIndex
#: Qt's own default for "no parent" (the tree's root).
_ROOT = QModelIndex()


@dataclass(frozen=True)
class WarningLine:
    """One warning as the banner shows it: its colour (stops or limits: red; take care:
    amber), the line, and the full detail (one paragraph per hazard sharing the line)."""

    colour: str
    line: str
    detail: str


def warning_lines(warnings: list[SafetyWarning], catalogue: Catalogue) -> list[WarningLine]:
    """The warnings in the banner's order (the patient's first), each as one line."""
    ordered = sorted(warnings, key=lambda w: not warning_kind(w.kind).about_patient)
    # two hazards of one kind at one needle (an artery and a nerve) share one line
    grouped: dict[str, list[WarningLine]] = {}
    for warning in ordered:
        line = _line(warning, catalogue)
        grouped.setdefault(line.line, []).append(line)
    lines = []
    for text, same in grouped.items():
        count = f" ({len(same)} hazards)" if len(same) > 1 else ""
        detail = "\n".join(entry.detail for entry in same)
        lines.append(WarningLine(same[0].colour, text + count, detail))
    return lines


def _line(warning: SafetyWarning, catalogue: Catalogue) -> WarningLine:
    kind = warning_kind(warning.kind)
    title = kind.title
    message = warning.message
    # the safety rules start some messages with the title itself ("Precaution: …")
    if message.lower().startswith(title.lower() + ":"):
        message = message[len(title) + 1 :].lstrip()
    colour = ALERT_RED if kind.stops else CARE_AMBER
    if warning.trigger_point_id:
        where = point_title(catalogue, warning.trigger_point_id)
        side = f" ({warning.side})" if warning.side else ""
        limit = f": max {warning.max_depth_mm:g} mm" if warning.max_depth_mm is not None else ""
        line = f"{title} — {where}{side}{limit}"
    else:
        short = (
            message
            if len(message) <= SHORT_MESSAGE_CHARACTERS
            else (message[:SHORT_MESSAGE_CHARACTERS].rsplit(" ", 1)[0] + "…")
        )
        line = f"{title}: {short}"
    return WarningLine(colour, line, message)


class WarningLinesModel(QAbstractItemModel):
    """The warning lines as a two-level tree: a line per warning, its detail as its child."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines: list[WarningLine] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_lines(self, lines: list[WarningLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def lines(self) -> list[WarningLine]:
        return list(self._lines)

    # a line's internal id is 0; its detail's is the line's row + 1
    def index(self, row: int, column: int, parent: _Index = _ROOT) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self._lines) else QModelIndex()
        if parent.internalId() == 0 and row == 0 and self._lines[parent.row()].detail:
            return self.createIndex(0, 0, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: _Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        if not parent.isValid():
            return len(self._lines)
        if parent.column() == 0 and parent.internalId() == 0:
            return 1 if self._lines[parent.row()].detail else 0
        return 0

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        is_line = index.internalId() == 0
        line = self._lines[index.row() if is_line else index.internalId() - 1]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"⚠ {line.line}" if is_line else line.detail
        if role == Qt.ItemDataRole.ToolTipRole:
            return line.detail or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(qcolour(line.colour if is_line else ALERT_INK))
        if role == Qt.ItemDataRole.FontRole and is_line:
            return self._bold
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags


class _DetailDelegate(QStyledItemDelegate):
    """Rows as tall as their text wrapped at the width the banner gives them (Qt's own hint
    measured a detail at the column's full width and cut its last lines)."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        hint = super().sizeHint(option, index)
        if index.internalId() == 0:
            return hint
        depth = 2  # a detail sits one level in: its line's indentation and its own
        width = self._view.viewport().width() - depth * self._view.indentation() - 12
        text = str(index.data() or "")
        metrics = self._view.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        needed = metrics.boundingRect(QRect(0, 0, max(width, 80), 10_000), flags, text)
        return QSize(hint.width(), max(hint.height(), needed.height() + 6))


class WarningBanner(QTreeView):
    """The plan's warnings, a line each; a click on a line unfolds or folds its detail. As
    tall as the lines shown (up to MOST_LINES_SHOWN, then it scrolls)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines_model = WarningLinesModel(self)
        self.setModel(self.lines_model)
        self.setHeaderHidden(True)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # a line stays one line
        self.setUniformRowHeights(False)
        self.setItemDelegate(_DetailDelegate(self))
        self.setIndentation(14)
        self.setExpandsOnDoubleClick(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Safety warnings")
        # the tint by palette, not a style sheet: a style sheet hides the unfold arrows
        tinted = self.palette()
        tinted.setColor(QPalette.ColorRole.Base, qcolour(ALERT_TINT))
        self.setPalette(tinted)
        self.setToolTip("Click a warning for its detail")
        self.clicked.connect(self._toggle)
        self.expanded.connect(lambda _index: self._fit_height())
        self.collapsed.connect(lambda _index: self._fit_height())

    def show_lines(self, lines: list[WarningLine]) -> None:
        """Show these lines, folded (hidden when there are none)."""
        self.lines_model.set_lines(lines)
        self.setVisible(bool(lines))
        self._fit_height()

    def _toggle(self, index: QModelIndex) -> None:
        line = index if index.internalId() == 0 else index.parent()
        self.setExpanded(line, not self.isExpanded(line))

    def text(self) -> str:
        """What the banner shows now, a line a row (unfolded details included)."""
        shown = []
        model = self.lines_model
        for row in range(model.rowCount()):
            line = model.index(row, 0)
            shown.append(model.data(line))
            if self.isExpanded(line) and model.rowCount(line):
                shown.append(model.data(model.index(0, 0, line)))
        return "\n".join(shown)

    def _fit_height(self) -> None:
        model = self.lines_model
        rows = []
        for row in range(model.rowCount()):
            line = model.index(row, 0)
            rows.append(line)
            if self.isExpanded(line) and model.rowCount(line):
                rows.append(model.index(0, 0, line))
        one_line = self.indexRowSizeHint(model.index(0, 0)) if rows else 0
        wanted = sum(self.indexRowSizeHint(index) for index in rows)
        self.setFixedHeight(min(wanted, MOST_LINES_SHOWN * one_line) + 2 * self.frameWidth() + 2)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # wrapped details grow taller as the panel narrows: rows are measured again
        self.scheduleDelayedItemsLayout()
        self._fit_height()
