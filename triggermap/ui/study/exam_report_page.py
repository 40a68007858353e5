"""The report of a mock exam: the score, the results by body region and by exercise, the cards
to review, and the learner's earlier exams."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triggermap.catalogue.model import Catalogue
from triggermap.services.mock_exam import GroupScore, MockExamReport, report_mock_exam
from triggermap.services.study_cards import KIND_TITLES
from triggermap.services.study_schedule import PASS_SCORE
from triggermap.storage.study_progress import MockExamRecord
from triggermap.ui.palette import ALERT_RED, DONE_GREEN, qcolour
from triggermap.ui.study.session_pages import card_title, heading, region_title
from triggermap.ui.study.tables import RIGHT_ALIGNED, RowsModel, plain_table


class GroupScoresModel(RowsModel):
    """Rows of group results (GroupScore: a body region or an exercise): name, questions,
    passed, mean score."""

    def __init__(self, first_header: str, titles, parent=None) -> None:
        super().__init__(parent)
        self._headers = (first_header, "Questions", "Passed", "Mean score")
        self._titles = titles  # group name → words shown

    def headers(self) -> tuple[str, ...]:
        return self._headers

    def cell(self, group: GroupScore, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                self._titles(group.name),
                str(group.asked),
                str(group.passed),
                f"{group.mean_score:.0f}",
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return RIGHT_ALIGNED
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return qcolour(DONE_GREEN if group.mean_score >= PASS_SCORE else ALERT_RED)
        return None


class ExamHistoryModel(RowsModel):
    """The learner's mock exams, latest first: when, score, passed of asked, what it covered."""

    HEADERS = ("Date", "Score", "Passed", "Covered")

    def set_exams(self, exams: list[MockExamRecord]) -> None:
        self.set_rows([(e, report_mock_exam(e)) for e in reversed(exams)])

    def cell(self, row: tuple[MockExamRecord, MockExamReport], column: int, role):
        exam, report = row
        if role == Qt.ItemDataRole.DisplayRole:
            when = exam.started_at.astimezone(datetime.now().astimezone().tzinfo)
            return (
                f"{when:%d %b %Y %H:%M}",
                f"{report.mean_score:.0f}",
                f"{report.passed} of {report.asked}",
                exam.scope,
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2):
            return RIGHT_ALIGNED
        return None


class ExamReportPage(QWidget):
    """The scored report shown when a mock exam ends; Enter goes back to the setup page."""

    back_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Mock exam report")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        self.title = heading("", self)
        layout.addWidget(self.title)
        self.score_line = QLabel(self)
        self.score_line.setAccessibleName("Exam score")
        self.score_line.setTextFormat(Qt.TextFormat.RichText)
        self.score_line.setWordWrap(True)
        layout.addWidget(self.score_line)
        self.problem = QLabel(self)
        self.problem.setAccessibleName("Problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ALERT_RED}")
        layout.addWidget(self.problem)
        self.region_model = GroupScoresModel("Body region", region_title, self)
        self.kind_model = GroupScoresModel("Exercise", lambda k: KIND_TITLES.get(k, k), self)
        self.missed_model = QStringListModel(self)
        self.history_model = ExamHistoryModel(self)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel("By body region (weakest first)", self))
        self.region_table = plain_table(self.region_model, "Results by body region", self)
        left.addWidget(self.region_table, 2)
        left.addWidget(QLabel("By exercise (weakest first)", self))
        self.kind_table = plain_table(self.kind_model, "Results by exercise", self)
        left.addWidget(self.kind_table, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel("To review: the questions not passed", self))
        self.missed_list = QListView(self)
        self.missed_list.setModel(self.missed_model)
        self.missed_list.setAccessibleName("Questions not passed")
        self.missed_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        right.addWidget(self.missed_list, 1)
        right.addWidget(QLabel("Your mock exams (latest first)", self))
        self.history_table = plain_table(self.history_model, "Your mock exams", self)
        self.history_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.history_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch
        )
        right.addWidget(self.history_table, 1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout.addLayout(columns, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.back_button = QPushButton("Back to the start (Enter)", self)
        self.back_button.setAccessibleName("Back to the start")
        self.back_button.clicked.connect(self.back_requested)
        buttons.addWidget(self.back_button)
        layout.addLayout(buttons)

    def show_report(
        self,
        learner: str,
        report: MockExamReport,
        catalogue: Catalogue,
        exam: MockExamRecord,
        problem: str = "",
        history: list[MockExamRecord] | None = None,
    ) -> None:
        """Fill the page with `report` of `exam`; `problem` says why it was not saved."""
        self.title.setText(f"Mock exam report — {learner}")
        colour = DONE_GREEN if report.mean_score >= PASS_SCORE else ALERT_RED
        ended = (
            "the time ran out"
            if report.timed_out
            else "ended early"
            if report.answered < report.asked
            else "all questions answered"
        )
        minutes = max(1, round((exam.finished_at - exam.started_at).total_seconds() / 60))
        self.score_line.setText(
            f'<span style="color:{colour}; font-size:large"><b>Score {report.mean_score:.0f} '
            f"/ 100</b></span> — {report.passed} of {report.asked} questions passed "
            f"(pass mark {PASS_SCORE:.0f}); {report.answered} answered, {ended}, "
            f"{minutes} of {exam.time_limit_s // 60} minutes.<br>Covered: {exam.scope}."
        )
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.region_model.set_rows(report.by_region)
        self.kind_model.set_rows(report.by_kind)
        missed = [card_title(catalogue, key) for key in report.missed]
        self.missed_model.setStringList(missed or ["Every question passed."])
        self.history_model.set_exams(history if history is not None else [exam])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if Qt.Key(event.key()) in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.back_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
