"""The study window's mock exam under way: the clock, the end (by time, by the learner, or by
closing the window) and the report. A mixin of StudyWindow, which owns the state it uses
(`queue`, `exam_scores`, `exam_started`, `exam_limit_s`, `exam_scope`, `exam_timer`)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from triggermap.services.mock_exam import report_mock_exam, seconds_left
from triggermap.services.study_cards import card_region
from triggermap.storage.study_progress import (
    MockExamAnswer,
    MockExamRecord,
    StudyProgressUnavailable,
)
from triggermap.ui.study.exercise_page import ExercisePage


class MockExamFlow:
    """Mock exam methods of the study window."""

    def _time_left(self) -> str:
        if self.exam_started is None:
            return ""
        left = seconds_left(self.exam_started, self.clock(), self.exam_limit_s)
        return f"{left // 60}:{left % 60:02d} left"

    def _exam_tick(self) -> None:
        """Each second of an exam: show the time left; when it is up, end the exam."""
        if self.session_kind != "exam" or self.exam_started is None:
            self.exam_timer.stop()
            return
        if seconds_left(self.exam_started, self.clock(), self.exam_limit_s) <= 0:
            self.finish_exam(timed_out=True)
            return
        page = self.pages.currentWidget()
        if isinstance(page, ExercisePage) and page.card is not None:
            page.show_position(self.position_text())

    def _ask_end_exam(self) -> bool:
        answer = QMessageBox.question(
            self,
            "End the mock exam?",
            "End the mock exam now? Questions not yet answered score 0.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _exam_record(self, timed_out: bool) -> MockExamRecord:
        """The exam under way as it stands: unanswered questions have no score."""
        catalogue = self.context.catalogue
        scores = [*self.exam_scores, *[None] * (len(self.queue) - len(self.exam_scores))]
        return MockExamRecord(
            self.learner,
            self.exam_started or self.clock(),
            self.clock(),
            self.exam_limit_s,
            self.exam_scope,
            timed_out,
            tuple(
                MockExamAnswer(c.key, c.kind, card_region(catalogue, c), score)
                for c, score in zip(self.queue, scores, strict=True)
            ),
        )

    def _close_exam(self, timed_out: bool) -> tuple[MockExamRecord, str]:
        """Stop the exam and save it to the learner's history; returns it and the sentence
        to show if it could not be saved."""
        self.exam_timer.stop()
        exam = self._exam_record(timed_out)
        self.exam_started = None
        self.session_kind = "short"
        self.current_card = None
        for page in self.exercise_pages.values():
            page.set_exam_mode(False)
        if self.progress is None:
            return exam, "The exam could not be kept: the progress file is not open."
        try:
            self.progress.record_mock_exam(exam)
        except StudyProgressUnavailable as error:
            return exam, str(error)
        return exam, ""

    def finish_exam(self, timed_out: bool = False) -> None:
        """End the mock exam: every question not answered scores 0, the exam is saved to the
        learner's history and its report is shown."""
        exam, problem = self._close_exam(timed_out)
        history = None
        if not problem and self.progress is not None:
            try:
                history = self.progress.mock_exams(self.learner)
            except StudyProgressUnavailable:
                history = None
        self.exam_report_page.show_report(
            self.learner, report_mock_exam(exam), self.context.catalogue, exam, problem, history
        )
        self.pages.setCurrentWidget(self.exam_report_page)
        self.exam_report_page.setFocus()
