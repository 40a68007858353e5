"""The card browser page: find any card by muscle, region or condition, see its answers,
suspend it or reset its schedule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triggermap.catalogue.model import REGIONS
from triggermap.services.card_browser import STATUS_TITLES, CardRow
from triggermap.services.study_cards import CONDITIONS_REGION
from triggermap.storage.study_progress import ReviewRecord
from triggermap.ui.palette import ALERT_RED
from triggermap.ui.study.session_pages import heading, region_title
from triggermap.ui.study.tables import RIGHT_ALIGNED, RowsModel, plain_table


def _local(moment: datetime) -> datetime:
    return moment.astimezone(datetime.now().astimezone().tzinfo)


class CardRowsModel(RowsModel):
    """The cards found (CardRow), one row each: card, region, status, due, answers, last
    score, and the chance (%) the learner knows it now."""

    HEADERS = ("Card", "Region", "Status", "Due", "Answers", "Last score", "Known now")

    def cell(self, row: CardRow, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            due = "" if row.due is None else f"{_local(row.due):%d %b %Y %H:%M}"
            return (
                row.title,
                region_title(row.region),
                STATUS_TITLES[row.status],
                due,
                str(row.answers),
                "" if row.last_score is None else f"{row.last_score:.0f}",
                "" if row.retention is None else f"{100 * row.retention:.0f}%",
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 4:
            return RIGHT_ALIGNED
        if role == Qt.ItemDataRole.UserRole:
            return row.card.key
        return None


class CardHistoryModel(RowsModel):
    """One card's answers (ReviewRecord), latest first: when, score, the rating, guessed."""

    HEADERS = ("Answered", "Score", "Rated", "Guessed")

    @property
    def reviews(self) -> list[ReviewRecord]:
        return self.rows

    def cell(self, review: ReviewRecord, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{_local(review.reviewed_at):%d %b %Y %H:%M}",
                f"{review.score:.0f}",
                (review.rating or "from the score").capitalize(),
                "yes" if review.guessed else "",
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return RIGHT_ALIGNED
        return None


class CardBrowserPage(QWidget):
    """Find cards by what they are about; the chosen card's answers below; Suspend (or Bring
    back) and Reset act on it. Typing searches, the arrow keys move in the list, Esc goes back.

    The window fills it (`show_cards`) and does what is asked: `search_changed(text, region)`,
    `suspend_requested(card key, suspend)`, `reset_requested(card key)` (after
    `confirm_reset`, which tests replace), `back_requested`.
    """

    search_changed = Signal(str, str)
    suspend_requested = Signal(str, bool)
    reset_requested = Signal(str)
    back_requested = Signal()
    selection_changed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Card browser")
        self.confirm_reset: Callable[[str], bool] = self._ask_reset
        layout = QVBoxLayout(self)
        self.title = heading("", self)
        layout.addWidget(self.title)
        find = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Find cards by muscle, trigger point or condition")
        self.search.setAccessibleName("Find cards")
        self.search.setClearButtonEnabled(True)
        self.region_choice = QComboBox(self)
        self.region_choice.setAccessibleName("Body region")
        self.region_choice.addItem("All regions", "")
        for region in (*REGIONS, CONDITIONS_REGION):
            self.region_choice.addItem(region_title(region), region)
        find.addWidget(self.search, 3)
        find.addWidget(self.region_choice, 1)
        layout.addLayout(find)
        self.count = QLabel(self)
        self.count.setAccessibleName("Cards found")
        layout.addWidget(self.count)
        self.rows_model = CardRowsModel(self)
        self.table = plain_table(self.rows_model, "Cards", self)
        layout.addWidget(self.table, 3)
        self.history_label = QLabel(self)
        layout.addWidget(self.history_label)
        self.history_model = CardHistoryModel(self)
        self.history = plain_table(self.history_model, "Answers to this card", self)
        layout.addWidget(self.history, 1)
        self.message = QLabel(self)
        self.message.setAccessibleName("Message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ALERT_RED}")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("Back (Esc)", self)
        self.suspend_button = QPushButton("&Suspend", self)
        self.suspend_button.setToolTip("Set the card aside: it is not asked until brought back.")
        self.reset_button = QPushButton("&Reset schedule…", self)
        self.reset_button.setToolTip("Make the card new again; its past answers stay listed.")
        for button in (self.back_button, self.suspend_button, self.reset_button):
            button.setAccessibleName(button.text().replace("&", "").split(" (")[0].rstrip("…"))
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.suspend_button)
        buttons.addWidget(self.reset_button)
        layout.addLayout(buttons)
        # from the search box, Down or Enter goes into the cards found (not to the region list
        # that Tab reaches next: a Down arrow there changes the region)
        self.search.installEventFilter(self)
        QWidget.setTabOrder(self.search, self.table)
        QWidget.setTabOrder(self.table, self.history)
        QWidget.setTabOrder(self.history, self.suspend_button)
        QWidget.setTabOrder(self.suspend_button, self.reset_button)
        QWidget.setTabOrder(self.reset_button, self.back_button)
        QWidget.setTabOrder(self.back_button, self.region_choice)
        self.search.textChanged.connect(self._search)
        self.region_choice.currentIndexChanged.connect(self._search)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.suspend_button.clicked.connect(self._suspend)
        self.reset_button.clicked.connect(self._reset)
        self.back_button.clicked.connect(self.back_requested)
        self._set_buttons(None)

    # -- filled by the window -----------------------------------------------------------------

    def show_cards(self, learner: str, rows: list[CardRow], keep_key: str = "") -> None:
        """List `rows`; the card `keep_key` stays chosen if it is among them."""
        self.title.setText(f"Card browser — {learner}")
        self.rows_model.set_rows(rows)
        suspended = sum(1 for r in rows if r.status == "suspended")
        self.count.setText(
            f"{len(rows)} card{'s' if len(rows) != 1 else ''} found"
            + (f", {suspended} suspended" if suspended else "")
        )
        keys = [r.card.key for r in rows]
        if keep_key in keys:
            self.table.selectionModel().setCurrentIndex(
                self.rows_model.index(keys.index(keep_key), 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self._set_buttons(None)
            self.history_model.set_rows([])
            self.history_label.setText("Choose a card to see its answers.")

    def show_history(self, reviews: list[ReviewRecord]) -> None:
        self.history_model.set_rows(reviews)
        row = self.chosen_row()
        title = row.title if row else ""
        self.history_label.setText(
            f"Answers to {title}: {len(reviews)}" if reviews else f"{title}: not answered yet"
        )

    def chosen_row(self) -> CardRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= len(self.rows_model.rows):
            return None
        return self.rows_model.rows[index.row()]

    # -- what the learner does ----------------------------------------------------------------

    def _search(self, *_args) -> None:
        self.search_changed.emit(self.search.text(), self.region_choice.currentData() or "")

    def _row_chosen(self, *_args) -> None:
        row = self.chosen_row()
        self._set_buttons(row)
        if row is not None:
            self.selection_changed.emit(row.card.key)

    def _set_buttons(self, row: CardRow | None) -> None:
        self.suspend_button.setEnabled(row is not None)
        # only a card with a schedule has one to reset (a suspended new card has none)
        self.reset_button.setEnabled(row is not None and row.due is not None)
        suspended = row is not None and row.status == "suspended"
        self.suspend_button.setText("Bring &back" if suspended else "&Suspend")

    def _suspend(self) -> None:
        row = self.chosen_row()
        if row is not None:
            self.suspend_requested.emit(row.card.key, row.status != "suspended")

    def _reset(self) -> None:
        row = self.chosen_row()
        if row is not None and row.due is not None and self.confirm_reset(row.title):
            self.reset_requested.emit(row.card.key)

    def _ask_reset(self, title: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Reset the card?",
            f"Make {title} new again? It will come as new cards do; its past answers stay in "
            "its history.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and Qt.Key(event.key()) in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.rows_model.rowCount()
        ):
            self.table.setFocus()
            if not self.table.selectionModel().currentIndex().isValid():
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if Qt.Key(event.key()) == Qt.Key.Key_Escape:
            self.back_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
