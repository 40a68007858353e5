"""The plan table of a visit: one row per needled point, the done fields editable in place."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from triggermap.catalogue.model import Catalogue, point_title
from triggermap.clinic.model import TECHNIQUES, TOLERANCE, NeedledPoint, SafetyWarning
from triggermap.clinic.visit_edits import words
from triggermap.clinic.warning_kinds import warning_title
from triggermap.ui.palette import ALERT_RED

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class PlanColumn:
    """A column of the plan: the NeedledPoint field it shows, its title and how it is edited.

    `kind`: "fixed" (not editable), "check" (performed), "number" (mm; `top` is the largest
    value and `decimals` the precision), "choice" (one of `choices` or none), "yes_no", "text".
    """

    field: str
    title: str
    kind: str
    top: float = 0.0
    decimals: int = 0
    choices: tuple[str, ...] = ()


PLAN_COLUMNS: tuple[PlanColumn, ...] = (
    PlanColumn("number", "#", "fixed"),
    PlanColumn("trigger_point_id", "Trigger point", "fixed"),
    PlanColumn("side", "Side", "fixed"),
    PlanColumn("performed", "Done", "check"),
    PlanColumn("depth_mm", "Depth mm", "number", top=120, decimals=0),
    PlanColumn("needle_length_mm", "Needle mm", "number", top=150, decimals=0),
    PlanColumn("needle_gauge_mm", "Gauge mm", "number", top=0.5, decimals=2),
    PlanColumn("technique", "Technique", "choice", choices=TECHNIQUES),
    PlanColumn("dose", "Dose / time", "text"),
    PlanColumn("local_twitch", "Twitch", "yes_no"),
    PlanColumn("familiar_pain", "Familiar pain", "yes_no"),
    PlanColumn("taut_band", "Taut band", "yes_no"),
    PlanColumn("spot_tenderness", "Tender spot", "yes_no"),
    PlanColumn("referred_pain", "Referred pain", "yes_no"),
    PlanColumn("tolerance", "Tolerance", "choice", choices=TOLERANCE),
    PlanColumn("needle_brand", "Needle brand", "text"),
    PlanColumn("needle_lot", "Lot", "text"),
)

NOT_RECORDED = "—"


def yes_no(value: bool | None) -> str:
    return NOT_RECORDED if value is None else ("yes" if value else "no")


def needle_key(needle: NeedledPoint) -> tuple[int, str, str]:
    """What makes a row of the plan the same needle: its number, point and side."""
    return (needle.number, needle.trigger_point_id, needle.side)


class PlanTableModel(QAbstractTableModel):
    """The needles of the open visit. Edits are not applied here: `needle_edit_requested`
    (needle number, field name, new value) asks the panel, which applies them as undoable
    commands and then calls `show_plan` with the new needles."""

    needle_edit_requested = Signal(int, str, object)

    def __init__(self, catalogue: Catalogue, parent=None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._needles: tuple[NeedledPoint, ...] = ()
        self._hazards: dict[tuple[str, str | None], list[SafetyWarning]] = {}
        self._editable = False

    def show_plan(
        self,
        needles: tuple[NeedledPoint, ...],
        warnings: tuple[SafetyWarning, ...],
        editable: bool,
    ) -> None:
        """Show these needles; rows whose point carries a recorded warning are marked red.

        The same needles with new values (the save after an edit) only refresh the rows that
        changed: a reset would drop the table's current cell and close the editor that Tab is
        moving on from, so the next edit would start over in the first column. Other needles
        (one added or removed, another visit) or a change of editability reset the table.
        """
        hazards: dict[tuple[str, str | None], list[SafetyWarning]] = {}
        for warning in warnings:
            if warning.trigger_point_id:
                key = (warning.trigger_point_id, warning.side)
                hazards.setdefault(key, []).append(warning)
        if editable != self._editable or [needle_key(n) for n in needles] != [
            needle_key(n) for n in self._needles
        ]:
            self.beginResetModel()
            self._needles, self._editable, self._hazards = needles, editable, hazards
            self.endResetModel()
            return
        before, hazards_changed = self._needles, hazards != self._hazards
        self._needles, self._hazards = needles, hazards
        last_column = len(PLAN_COLUMNS) - 1
        for row, (old, new) in enumerate(zip(before, needles, strict=True)):
            if hazards_changed or old != new:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))

    def needle_at(self, row: int) -> NeedledPoint:
        return self._needles[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._needles)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PLAN_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return PLAN_COLUMNS[section].title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        kind = PLAN_COLUMNS[index.column()].kind
        if self._editable and kind == "check":
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif self._editable and kind != "fixed":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _warnings_of(self, needle: NeedledPoint) -> list[SafetyWarning]:
        return self._hazards.get((needle.trigger_point_id, needle.side), []) + self._hazards.get(
            (needle.trigger_point_id, None), []
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        needle = self._needles[index.row()]
        column = PLAN_COLUMNS[index.column()]
        value = getattr(needle, column.field)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.CheckStateRole and column.kind == "check":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        hazards = self._warnings_of(needle)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and hazards
            and column.field in ("number", "trigger_point_id")
        ):
            return QBrush(QColor(ALERT_RED))
        beyond = self._beyond_limit(needle, column.field)
        if beyond is not None:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(ALERT_RED))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("white"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return beyond
        if role == Qt.ItemDataRole.ToolTipRole and hazards:
            return "\n".join(
                warning_title(w.kind)
                + (f": max depth {w.max_depth_mm:g} mm" if w.max_depth_mm is not None else "")
                for w in hazards
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.title}: {self._display(column, value, needle)}"
        if role != Qt.ItemDataRole.DisplayRole or column.kind == "check":
            return None
        return self._display(column, value, needle)

    def depth_limit_mm(self, needle: NeedledPoint) -> float | None:
        """The smallest depth limit (mm) among this needle's warnings, if any has one."""
        limits = [w.max_depth_mm for w in self._warnings_of(needle) if w.max_depth_mm is not None]
        return min(limits) if limits else None

    def _beyond_limit(self, needle: NeedledPoint, field: str) -> str | None:
        """Why a depth or needle-length cell is beyond the patient's limit, or None."""
        if field not in ("depth_mm", "needle_length_mm"):
            return None
        value = getattr(needle, field)
        limit = self.depth_limit_mm(needle)
        if value is None or limit is None or value <= limit:
            return None
        if field == "depth_mm":
            return f"{value:g} mm is beyond this patient's {limit:g} mm limit here."
        return f"A {value:g} mm needle is longer than this patient's {limit:g} mm limit here."

    def _display(self, column: PlanColumn, value, needle: NeedledPoint) -> str:
        if self._beyond_limit(needle, column.field) is not None:
            return f"{value:.{column.decimals}f} ⚠ > {self.depth_limit_mm(needle):g}"
        if column.field == "number":
            return f"{value} ⚠" if self._warnings_of(needle) else str(value)
        if column.field == "trigger_point_id":
            return point_title(self._catalogue, value)
        if column.kind == "check":
            return "done" if value else "planned"
        if column.kind == "number":
            return NOT_RECORDED if value is None else f"{value:.{column.decimals}f}"
        if column.kind == "yes_no":
            return yes_no(value)
        if column.kind == "choice":
            return NOT_RECORDED if value is None else words(value)
        return str(value or "")

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not self._editable:
            return False
        column = PLAN_COLUMNS[index.column()]
        if column.kind == "fixed":
            return False
        if column.kind == "check":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        elif column.kind == "number":
            value = float(value) if value not in (None, "", 0, 0.0) else None
        elif column.kind == "text":
            value = str(value or "").strip()
        needle = self._needles[index.row()]
        if getattr(needle, column.field) == value:
            return False
        self.needle_edit_requested.emit(needle.number, column.field, value)
        return True


#: Edit triggers of a plan table: as in a spreadsheet, typing on a selected cell starts an
#: edit (and replaces its value), besides a double click, F2 and a click on the selected row.
PLAN_EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.SelectedClicked
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)


def configure_plan_view(view: QAbstractItemView) -> None:
    """Make a view of a PlanTableModel edit like a spreadsheet (see PLAN_EDIT_TRIGGERS; Tab and
    Shift+Tab in an editor move on through PlanDelegate, which the view must use)."""
    view.setEditTriggers(PLAN_EDIT_TRIGGERS)
    view.setTabKeyNavigation(True)


def next_editable_cell(
    model: QAbstractItemModel, index: Index, forward: bool = True
) -> QModelIndex | None:
    """The editable cell after `index` (before it, unless `forward`), row by row; None at the
    end of the table. Fixed columns and the "Done" tick are passed over: they open no editor."""
    columns = model.columnCount()
    cells = model.rowCount() * columns
    step = 1 if forward else -1
    position = index.row() * columns + index.column() + step
    while 0 <= position < cells:
        cell = model.index(position // columns, position % columns)
        if model.flags(cell) & Qt.ItemFlag.ItemIsEditable:
            return cell
        position += step
    return None


class PlanDelegate(QStyledItemDelegate):
    """Editors for the plan's done fields: spin boxes for millimetres (0 means not recorded),
    lists for technique, tolerance and yes/no, a line for text.

    Parented to its view, Tab and Shift+Tab in an editor save the value and open the editor of
    the next (previous) editable cell, as a spreadsheet does; Qt's own Tab moves to the next
    column even where nothing can be edited (the number, the point, the side).
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index):
        column = PLAN_COLUMNS[index.column()]
        if column.kind == "number":
            editor = QDoubleSpinBox(parent)
            editor.setRange(0, column.top)
            editor.setDecimals(column.decimals)
            editor.setSingleStep(1 if column.decimals == 0 else 0.05)
            editor.setSpecialValueText(NOT_RECORDED)
            return editor
        if column.kind in ("choice", "yes_no"):
            editor = QComboBox(parent)
            editor.addItem(NOT_RECORDED, None)
            if column.kind == "yes_no":
                editor.addItem("yes", True)
                editor.addItem("no", False)
            for choice in column.choices:
                editor.addItem(words(choice), choice)
            return editor
        if column.kind == "text":
            return QLineEdit(parent)
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QDoubleSpinBox):
            editor.setValue(value or 0)
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(0 if value is None else max(0, editor.findData(value)))
        elif isinstance(editor, QLineEdit):
            editor.setText(value or "")
        else:
            super().setEditorData(editor, index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        view = self.parent()
        if (
            isinstance(view, QAbstractItemView)
            and isinstance(watched, QWidget)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            forward = event.key() == Qt.Key.Key_Tab and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            self._save_and_move_on(watched, view, forward)
            return True
        return super().eventFilter(watched, event)

    def _save_and_move_on(self, editor: QWidget, view: QAbstractItemView, forward: bool) -> None:
        # the cell being edited is the view's current one; kept persistent across the save
        edited = QPersistentModelIndex(view.currentIndex())
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if not edited.isValid():
            return  # the save changed the plan's rows: nowhere sensible to move on to
        target = next_editable_cell(view.model(), edited, forward)
        if target is not None:
            view.setCurrentIndex(target)
            view.edit(target)

    def setModelData(self, editor: QWidget, model, index: Index) -> None:
        if isinstance(editor, QDoubleSpinBox):
            model.setData(index, editor.value() or None)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())
        else:
            super().setModelData(editor, model, index)
