"""The study window: set up a session, answer cards one after another, see progress."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from triggermap.services.context import AppContext
from triggermap.services.mock_exam import (
    plan_mock_exam,
    time_limit_s,
)
from triggermap.services.study_cards import (
    StudyCard,
    build_deck,
    card_region,
    choose_cards,
    condition_choices,
    pattern_views,
    weakest_cards,
    which_muscle_choices,
)
from triggermap.services.study_progress_summary import summarise_progress
from triggermap.services.study_schedule import default_rating, passed, schedule_review
from triggermap.storage.study_progress import (
    DEFAULT_LEARNER,
    CardState,
    ReviewRecord,
    StudyProgress,
    StudyProgressUnavailable,
    clean_learner_name,
)
from triggermap.ui.study.card_browser import CardBrowserPage
from triggermap.ui.study.card_browsing import CardBrowsing
from triggermap.ui.study.choice_pages import ConditionPage, WhichMusclePage
from triggermap.ui.study.draw_pattern_page import DrawPatternPage
from triggermap.ui.study.exam_report_page import ExamReportPage
from triggermap.ui.study.exercise_page import ExercisePage
from triggermap.ui.study.find_point_page import FindPointPage
from triggermap.ui.study.mock_exam_flow import MockExamFlow
from triggermap.ui.study.pages import PAGE_CLASSES
from triggermap.ui.study.session_pages import SetupPage, SummaryPage, deck_scope
from triggermap.ui.wheel_guard import install_wheel_guard

#: In free practice a card is not asked again within this many cards.
RECENT_CARDS = 5


def fitting_size(window: QMainWindow, width: int, height: int) -> tuple[int, int]:
    """The window size (pixels) to open at: `width` × `height`, or smaller so that the whole
    window, its frame and the buttons at its foot fit the screen's free area (a 1366×768
    laptop has about 1366×730 free once the desktop's panel is drawn)."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return width, height
    free = screen.availableGeometry()
    # leave room for the window frame and title bar the desktop adds around it
    return min(width, free.width() - 16), min(height, free.height() - 48)


class StudyWindow(MockExamFlow, CardBrowsing, QMainWindow):
    """Learning mode: exercises on referral patterns with spaced repetition, per learner.

    Progress is kept in the user's data directory (`context.data_dir`/study.db), apart from
    patient records. `rng` and `clock` (returning an aware datetime) can be given for
    repeatable sessions.
    """

    def __init__(
        self,
        context: AppContext,
        parent=None,
        *,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        # opened on its own (`triggermap study`) too: a wheel scrolling past a filter list
        # must not change it (idempotent when the main window installed it already)
        install_wheel_guard()
        self.context = context
        # chance here only picks which card to ask; nothing secret depends on it
        self.rng = rng or random.Random()  # noqa: S311
        self.clock = clock or (lambda: datetime.now(UTC))
        self.setWindowTitle("triggermap — learning mode")
        self.progress: StudyProgress | None = None
        self.learner = DEFAULT_LEARNER
        self.states: dict[str, CardState] = {}
        self.deck: list[StudyCard] = []
        self.session_cards: list[StudyCard] = []
        self.session_length: int | None = None
        self.session_kind = "short"
        # the cards of a weakest-first session or a mock exam, asked in this order
        self.queue: list[StudyCard] = []
        self.session_scores: list[float] = []
        # the mock exam under way: when it started, its time limit (s), what it covers, and
        # each question asked with its score (None until answered)
        self.exam_started: datetime | None = None
        self.exam_limit_s = 0
        self.exam_scope = ""
        self.exam_scores: list[float] = []  # the answered questions' scores, in order
        self.exam_timer = QTimer(self)
        self.exam_timer.setInterval(1000)
        self.exam_timer.timeout.connect(self._exam_tick)
        # asked before an exam is ended early (tests replace it): True ends it
        self.confirm_end_exam: Callable[[], bool] = self._ask_end_exam
        # the learner's answers as the card browser last read them
        self._browser_reviews: list[ReviewRecord] = []
        self.current_card: StudyCard | None = None
        # the answer checked but not yet rated: (card, score); saved once the learner rates it
        self.pending: tuple[StudyCard, float] | None = None
        self.pages = QStackedWidget(self)
        self.setCentralWidget(self.pages)
        catalogue = context.catalogue
        self.setup_page = SetupPage(catalogue, list(context.atlas.views), self)
        self.which_muscle_page = WhichMusclePage(context, self)
        self.draw_pattern_page = DrawPatternPage(context, self)
        self.find_point_page = FindPointPage(context, self)
        self.condition_page = ConditionPage(context, self)
        self.summary_page = SummaryPage(self)
        self.exam_report_page = ExamReportPage(self)
        self.browser_page = CardBrowserPage(self)
        self.exercise_pages: dict[str, ExercisePage] = {
            "which_muscle": self.which_muscle_page,
            "draw_pattern": self.draw_pattern_page,
            "find_point": self.find_point_page,
            "condition": self.condition_page,
        }
        assert set(self.exercise_pages) == set(PAGE_CLASSES)
        for page in (
            self.setup_page,
            *self.exercise_pages.values(),
            self.summary_page,
            self.exam_report_page,
            self.browser_page,
        ):
            self.pages.addWidget(page)
        for page in self.exercise_pages.values():
            page.answered.connect(self._answer_checked)
            page.rated.connect(self._record_answer)
            page.continue_requested.connect(self.next_card)
            page.stop_requested.connect(self.end_session)
        self.setup_page.start_requested.connect(self._start_from_setup)
        self.setup_page.progress_requested.connect(self._progress_from_setup)
        self.setup_page.filters_changed.connect(self._count_deck)
        self.setup_page.learner_choice.currentTextChanged.connect(self._count_deck)
        self.summary_page.back_requested.connect(self.show_setup)
        self.exam_report_page.back_requested.connect(self.show_setup)
        self.setup_page.browse_requested.connect(self.show_browser)
        browser = self.browser_page
        browser.back_requested.connect(self.show_setup)
        browser.search_changed.connect(lambda *_: self._fill_browser())
        browser.selection_changed.connect(self._browser_history)
        browser.suspend_requested.connect(self._suspend_card)
        browser.reset_requested.connect(self._reset_card)
        self.resize(*fitting_size(self, 1400, 900))
        if self._open_progress():
            # start with whoever studied last, so their due cards are counted at once
            self.learner = self.progress.latest_learner() or DEFAULT_LEARNER
        self.show_setup()

    # -- progress file ------------------------------------------------------------------------

    def _open_progress(self) -> bool:
        if self.progress is not None:
            return True
        try:
            self.progress = StudyProgress.in_data_dir(self.context.data_dir)
        except (StudyProgressUnavailable, OSError) as error:
            self.setup_page.message.setText(f"Progress cannot be saved: {error}")
            return False
        return True

    def _load_learner(self, typed_name: str) -> bool:
        if not self._open_progress():
            return False
        try:
            self.learner = self.progress.add_learner(typed_name)
        except ValueError as error:
            self.setup_page.message.setText(str(error))
            return False
        except StudyProgressUnavailable as error:
            self.setup_page.message.setText(str(error))
            return False
        self.states = self.progress.card_states(self.learner)
        return True

    # -- pages --------------------------------------------------------------------------------

    def show_setup(self) -> None:
        """Go to the setup page."""
        if self.progress is not None:
            self.setup_page.set_learners(self.progress.learners(), self.learner)
        self._count_deck()
        self.pages.setCurrentWidget(self.setup_page)
        self.setup_page.start_button.setFocus()

    def _shown_learner_states(self) -> dict[str, CardState]:
        """The card schedules of the learner named on the setup page (read without adding
        the learner: a name being typed is not saved)."""
        if self.progress is None:
            return {}
        try:
            name = clean_learner_name(self.setup_page.learner_name())
            return self.progress.card_states(name)
        except (ValueError, StudyProgressUnavailable):
            return {}

    def _count_deck(self) -> None:
        deck = build_deck(self.context.catalogue, self.context.atlas, self.setup_page.deck_filter())
        # the learner's schedules are read here, not taken from self.states: before a session
        # or "My progress" has loaded a learner those are empty, and every start said "0 due"
        states = self._shown_learner_states()
        suspended = self._suspended(self.setup_page.learner_name())
        now = self.clock()
        due = sum(
            1
            for c in deck
            if c.key in states and states[c.key].due <= now and c.key not in suspended
        )
        set_aside = sum(1 for c in deck if c.key in suspended)
        self.setup_page.deck_label.setText(
            f"{len(deck)} cards match these filters; {due} of them are due for review"
            + (f"; {set_aside} suspended." if set_aside else ".")
        )

    def _start_from_setup(self) -> None:
        self.start_session(
            self.setup_page.deck_filter(),
            self.setup_page.session_length(),
            self.setup_page.learner_name(),
            self.setup_page.session_kind(),
        )

    def _progress_from_setup(self) -> None:
        if self._load_learner(self.setup_page.learner_name()):
            self.show_progress()

    def start_session(
        self, deck_filter, length: int | None, learner: str, kind: str = "short"
    ) -> int:
        """Start a session of `length` cards (None: free practice) from the filtered deck:
        `kind` "short" (due cards, then new ones), "weakest" (the answered cards least likely
        known now), "exam" (a timed mock exam of `length` questions) or "free". Returns the
        number of cards the session asks from (0: nothing to ask, the setup page says why)."""
        self.setup_page.message.clear()
        if not self._load_learner(learner):
            return 0
        self.deck = build_deck(self.context.catalogue, self.context.atlas, deck_filter)
        if not self.deck:
            self.setup_page.message.setText("No cards match these filters; choose fewer filters.")
            return 0
        suspended = self._suspended()
        self.deck = [c for c in self.deck if c.key not in suspended]
        if not self.deck:
            self.setup_page.message.setText(
                "Every card matching these filters is suspended; bring some back in the card "
                "browser, or choose other filters."
            )
            return 0
        self.session_kind = kind
        self.session_length = length
        self.session_scores = []
        self.session_guesses = 0
        self.session_cards = []
        self.queue = []
        if kind == "weakest":
            self.queue = weakest_cards(self.deck, self.states, self.clock(), length or 10)
            if not self.queue:
                self.setup_page.message.setText(
                    "You have not answered any of these cards yet, so none is weakest: "
                    "start with a short session."
                )
                return 0
            self.session_length = len(self.queue)
        elif kind == "exam":
            self.queue = plan_mock_exam(
                self.context.catalogue, self.deck, length or len(self.deck), self.rng
            )
            self.session_length = len(self.queue)
            self.exam_started = self.clock()
            self.exam_limit_s = time_limit_s(len(self.queue))
            self.exam_scope = deck_scope(self.context.catalogue, deck_filter)
            self.exam_scores = []
            self.exam_timer.start()
        for page in self.exercise_pages.values():
            page.set_exam_mode(kind == "exam")
        self.next_card()
        return len(self.queue) or len(self.deck)

    def next_card(self) -> None:
        """Ask the next card of the session, or show the summary when it is over."""
        if self.session_length is not None and len(self.session_scores) >= self.session_length:
            self.end_session()
            return
        if self.session_kind in ("weakest", "exam"):
            position = len(self.session_scores)
            if position < len(self.queue):
                self.show_card(self.queue[position])
            else:
                self.end_session()
            return
        recent = [c.key for c in self.session_cards[-RECENT_CARDS:]]
        if len(self.deck) <= len(recent):
            recent = recent[-max(0, len(self.deck) - 1) :] if len(self.deck) > 1 else []
        chosen = choose_cards(
            self.context.catalogue, self.deck, self.states, self.clock(), 1, self.rng, recent
        )
        if not chosen:
            self.end_session()
            return
        self.show_card(chosen[0])

    def position_text(self) -> str:
        number = len(self.session_scores) + 1
        if self.session_length is None:
            return f"free practice, card {number}"
        if self.session_kind == "exam":
            return f"mock exam, question {number} of {self.session_length}  ·  {self._time_left()}"
        if self.session_kind == "weakest":
            return f"your weakest cards, {number} of {self.session_length}"
        return f"card {number} of {self.session_length}"

    def show_card(self, card: StudyCard) -> ExercisePage:
        """Ask one card on its exercise page (the session decides which; tests and the docs
        screenshots may ask a chosen card)."""
        catalogue, atlas = self.context.catalogue, self.context.atlas
        self._save_pending()
        self.current_card = card
        self.session_cards.append(card)
        page = self.exercise_pages[card.kind]
        self.pages.setCurrentWidget(page)
        position = self.position_text()
        if card.kind == "which_muscle":
            point = catalogue.trigger_point(card.subject)
            choices = which_muscle_choices(catalogue, atlas, point.id, self.rng)
            self.which_muscle_page.ask(
                card, position, choices, pattern_views(atlas, catalogue, point)
            )
        elif card.kind == "draw_pattern":
            point = catalogue.trigger_point(card.subject)
            self.draw_pattern_page.ask(card, position, pattern_views(atlas, catalogue, point))
        elif card.kind == "find_point":
            self.find_point_page.ask(card, position)
        else:
            self.condition_page.ask(
                card, position, condition_choices(catalogue, card.subject, self.rng)
            )
        page.setFocus()
        return page

    def _answer_checked(self, score: float) -> None:
        card = self.current_card
        if card is None:
            return
        self.session_scores.append(score)
        if self.session_kind == "exam":
            # an exam answer is kept for the report, never as a review: no schedule moves
            self.exam_scores.append(score)
            return
        self.pending = (card, score)

    def _record_answer(self, rating: str, guessed: bool = False) -> None:
        """Save the checked answer with the learner's rating, which FSRS schedules by."""
        if guessed and self.pending is not None and passed(self.pending[1]):
            self.session_guesses += 1
        self._save_pending(rating, guessed)

    def _save_pending(self, rating: str | None = None, guessed: bool = False) -> None:
        """Save the answer waiting for its rating; without one (the session ended or another
        card was asked first) the rating the score suggests is kept."""
        if self.pending is None:
            return
        card, score = self.pending
        self.pending = None
        if self.progress is None:
            return
        rating = rating or default_rating(score)
        now = self.clock()
        state = schedule_review(self.states.get(card.key), score, now, rating)
        review = ReviewRecord(
            self.learner,
            card.key,
            card.kind,
            card.subject,
            card_region(self.context.catalogue, card),
            score,
            now,
            rating,
            guessed,
        )
        try:
            self.progress.record_review(review, state)
        except StudyProgressUnavailable as error:
            self.statusBar().showMessage(str(error))
            return
        self.states[card.key] = state

    def end_session(self) -> None:
        """Stop asking and show the learner's progress with this session's result (after a
        mock exam: its report)."""
        if self.session_kind == "exam":
            asked_all = len(self.exam_scores) >= len(self.queue)
            if not asked_all and not self.confirm_end_exam():
                return
            self.finish_exam()
            return
        self._save_pending()
        scores = self.session_scores
        session = ""
        if scores:
            # a right answer the learner called a guess is not one they knew
            right = sum(passed(s) for s in scores) - self.session_guesses
            guesses = self.session_guesses
            session = (
                f"This session: {right} of {len(scores)} cards passed"
                + (f" ({guesses} more right by a guess)" if guesses else "")
                + f", mean score {sum(scores) / len(scores):.0f}."
            )
        self.current_card = None
        self.show_progress(session)

    def show_progress(self, session: str = "") -> None:
        """Show the progress summary of the current learner."""
        if self.progress is None:
            return
        deck = (
            build_deck(self.context.catalogue, self.context.atlas, self.setup_page.deck_filter())
            if not self.deck
            else self.deck
        )
        summary = summarise_progress(
            self.progress.reviews(self.learner),
            self.states,
            [c.key for c in deck],
            self.clock(),
            zone=datetime.now().astimezone().tzinfo or UTC,
        )
        self.summary_page.show_summary(self.learner, summary, self.context.catalogue, session)
        self.pages.setCurrentWidget(self.summary_page)
        self.summary_page.setFocus()

    def closeEvent(self, event) -> None:
        self._save_pending()
        if self.session_kind == "exam":
            self._close_exam(timed_out=False)  # an exam left open is kept, not lost
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        super().closeEvent(event)


def run_study_window(context: AppContext) -> int:
    """Open the study window on its own and run until it closes; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("triggermap")
    app.setOrganizationName("triggermap")
    window = StudyWindow(context)
    window.show()
    return app.exec()
