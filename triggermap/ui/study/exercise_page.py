"""What every exercise page of the study window shares: its frame, its keys, answer marks."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triggermap.catalogue.model import TriggerPoint
from triggermap.geometry.atlas import BodyView
from triggermap.geometry.placement import Landing, where_it_lands
from triggermap.geometry.regions import PairedSide, RegionId
from triggermap.services.context import AppContext
from triggermap.services.explore import TriggerPointMark
from triggermap.services.study_cards import KIND_TITLES, StudyCard
from triggermap.services.study_schedule import GUESSED_RATING, RATINGS, default_rating, passed
from triggermap.ui.palette import ALERT_RED, DONE_GREEN
from triggermap.ui.study.maps import StudyMapView

#: Number keys 1–9 pick choices.
NUMBER_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
#: Letter keys rate an answer once it is checked. Letters, not the number keys that pick
#: choices, so a choice key pressed twice never rates the card by accident.
RATING_KEYS = {
    Qt.Key.Key_A: "again",
    Qt.Key.Key_H: "hard",
    Qt.Key.Key_G: "good",
    Qt.Key.Key_E: "easy",
}
GUESSED_KEY = Qt.Key.Key_I
RATING_TITLES = {"again": "Again", "hard": "Hard", "good": "Good", "easy": "Easy"}


def drawn_spot(body: BodyView, point: TriggerPoint, side: PairedSide) -> Landing | None:
    """Where a trigger point on the patient's `side` lands on a study map, which draws each view
    once, as it is (the left side of a one-sided view is not on it)."""
    muscle = RegionId("muscle", point.muscle_id, side)
    return where_it_lands(body, muscle, point.x, point.y, reflected_panels=False)


def bold_font(font: QFont, size_step: float = 0.0) -> QFont:
    bigger = QFont(font)
    bigger.setBold(True)
    if size_step:
        bigger.setPointSizeF(bigger.pointSizeF() + size_step)
    return bigger


def score_verdict(score: float) -> str:
    """The headline of a result, in words and marks."""
    colour = DONE_GREEN if passed(score) else ALERT_RED
    word = "Well done" if score >= 97 else "Passed" if passed(score) else "Not yet"
    return f'<span style="color:{colour}; font-size:large"><b>{word}: {score:.0f} / 100</b></span>'


class ExercisePage(QWidget):
    """What every exercise page shares: a header, the question, a result line, and keys —
    1–9 pick a choice, Enter checks the answer; then A/H/G/E rate it Again, Hard, Good or
    Easy, I says "I guessed" (rated Again) and Enter keeps the rating the score suggests;
    Escape ends the session.

    `answered(score)` is emitted when the answer is checked, `rated(rating, guessed)` when the
    learner has rated it (a name of RATINGS), then `continue_requested`.
    """

    answered = Signal(float)
    rated = Signal(str, bool)
    continue_requested = Signal()
    stop_requested = Signal()

    def __init__(self, context: AppContext, kind: str, parent=None) -> None:
        super().__init__(parent)
        self.context = context
        self.kind = kind
        self.card: StudyCard | None = None
        self.score: float | None = None
        self.default_rating: str | None = None
        self.rating: str | None = None
        # in a mock exam a checked answer is scored in silence and the next question follows
        self.exam_mode = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(KIND_TITLES[kind])
        layout = QVBoxLayout(self)
        self.header = QLabel(self)
        self.header.setFont(bold_font(self.font(), 2))
        self.prompt = QLabel(self)
        self.prompt.setWordWrap(True)
        self.prompt.setFont(bold_font(self.font(), 1))
        self.prompt.setAccessibleName("Question")
        self.body = QHBoxLayout()
        self.feedback = QLabel(self)
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setAccessibleName("Result")
        self.feedback.setMinimumHeight(60)
        buttons = QHBoxLayout()
        self.check_button = QPushButton("Check answer (Enter)", self)
        self.continue_button = QPushButton("Next card (Enter)", self)
        self.stop_button = QPushButton("End session (Esc)", self)
        for button in (self.check_button, self.continue_button, self.stop_button):
            button.setAccessibleName(button.text().split(" (")[0])
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.continue_button)
        self.rating_row = QWidget(self)
        self.rating_row.setAccessibleName("Rate your answer")
        rating_layout = QHBoxLayout(self.rating_row)
        rating_layout.setContentsMargins(0, 0, 0, 0)
        self.rating_prompt = QLabel(self.rating_row)
        rating_layout.addWidget(self.rating_prompt)
        self.rating_buttons: dict[str, QPushButton] = {}
        keys = {name: key for key, name in RATING_KEYS.items()}
        for name in RATINGS:
            letter = Qt.Key(keys[name]).name.removeprefix("Key_")
            button = QPushButton(f"{RATING_TITLES[name]} ({letter})", self.rating_row)
            button.setAccessibleName(RATING_TITLES[name])
            button.clicked.connect(lambda _=False, n=name: self.rate(n))
            rating_layout.addWidget(button)
            self.rating_buttons[name] = button
        self.guessed_button = QPushButton("I guessed (I)", self.rating_row)
        self.guessed_button.setAccessibleName("I guessed")
        self.guessed_button.setToolTip("Right by luck: the card comes back soon, as if missed.")
        self.guessed_button.clicked.connect(lambda: self.rate(GUESSED_RATING, guessed=True))
        rating_layout.addWidget(self.guessed_button)
        rating_layout.addStretch(1)
        self.rating_row.setVisible(False)
        layout.addWidget(self.header)
        layout.addWidget(self.prompt)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.feedback)
        layout.addWidget(self.rating_row)
        layout.addLayout(buttons)
        self.check_button.clicked.connect(self.check)
        self.continue_button.clicked.connect(self.accept_default_rating)
        self.stop_button.clicked.connect(self.stop_requested)

    @property
    def is_answered(self) -> bool:
        return self.score is not None

    def show_position(self, position: str) -> None:
        """Say where in the session the question is (and, in an exam, the time left)."""
        self.header.setText(f"{KIND_TITLES[self.kind]}  ·  {position}")

    def begin(self, card: StudyCard, position: str) -> None:
        """Start asking `card`; `position` says where in the session it is."""
        self.card = card
        self.score = None
        self.default_rating = self.rating = None
        self.show_position(position)
        self.feedback.clear()
        self.check_button.setVisible(True)
        self.continue_button.setVisible(False)
        self.rating_row.setVisible(False)
        self.setFocus()
        if self.exam_mode:
            # in an exam the next question follows an answer at once: the second click of a
            # double click would answer it too, so the new question takes no input for a
            # double-click interval
            self.setEnabled(False)
            QTimer.singleShot(QApplication.doubleClickInterval(), self, self._take_input)

    def _take_input(self) -> None:
        self.setEnabled(True)
        self.setFocus()

    def set_exam_mode(self, on: bool) -> None:
        """In a mock exam (`on`) answers get no feedback and no rating: the score is kept for
        the report and the next question follows at once."""
        self.exam_mode = on
        self.stop_button.setText("End exam (Esc)" if on else "End session (Esc)")
        self.stop_button.setAccessibleName("End exam" if on else "End session")
        self.check_button.setText("Answer (Enter)" if on else "Check answer (Enter)")

    def finish(self, score: float, explanation: str) -> None:
        """Show the result and announce the score (once per card); in a mock exam, only
        announce it and ask for the next question."""
        if self.is_answered:
            return
        self.score = score
        if self.exam_mode:
            self.answered.emit(score)
            self.continue_requested.emit()
            return
        self.default_rating = default_rating(score)
        self.feedback.setText(f"{score_verdict(score)}<br>{explanation}")
        self.check_button.setVisible(False)
        title = RATING_TITLES[self.default_rating]
        self.rating_prompt.setText(f"How well did you know it? Your score suggests {title}:")
        for name, button in self.rating_buttons.items():
            button.setStyleSheet("font-weight: bold" if name == self.default_rating else "")
        self.continue_button.setText(f"Next card, rated {title} (Enter)")
        self.continue_button.setVisible(True)
        self.rating_row.setVisible(True)
        self.setFocus()
        self.answered.emit(score)

    def rate(self, rating: str, guessed: bool = False) -> None:
        """The learner rates the checked answer (a name of RATINGS; "I guessed" is Again with
        `guessed`); the card's schedule follows this rating. Then the session continues."""
        if not self.is_answered or self.rating is not None:
            return
        self.rating = rating
        self.rated.emit(rating, guessed)
        self.continue_requested.emit()

    def accept_default_rating(self) -> None:
        """Keep the rating the score suggests and go on."""
        if self.default_rating is not None:
            self.rate(self.default_rating)

    def hint(self, text: str) -> None:
        """Tell the learner what is missing before an answer can be checked."""
        self.feedback.setText(f"<i>{html.escape(text)}</i>")

    def check(self) -> None:
        """Score the answer given so far (each page knows how)."""
        raise NotImplementedError

    def pick_number(self, number: int) -> None:
        """Number key `number` (1–9) was pressed while the question is open."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.is_answered:
                self.accept_default_rating()
            else:
                self.check()
        elif key == Qt.Key.Key_Escape:
            self.stop_requested.emit()
        elif key in NUMBER_KEYS and not self.is_answered:
            self.pick_number(NUMBER_KEYS[key])
        elif key in RATING_KEYS and self.is_answered:
            self.rate(RATING_KEYS[key])
        elif key == GUESSED_KEY and self.is_answered:
            self.rate(GUESSED_RATING, guessed=True)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- shared helpers ---------------------------------------------------------------------

    def show_views(self, view: StudyMapView, names: tuple[str, ...]) -> None:
        atlas = self.context.atlas
        view.show_body_views([(atlas.view(n), self.context.svg_dir / f"{n}.svg") for n in names])

    def caveat_label(self) -> QLabel:
        caveat = self.context.catalogue.caveats.get("referral_variation")
        label = QLabel(
            caveat.text if caveat else "Referral patterns vary from person to person.", self
        )
        label.setWordWrap(True)
        label.setStyleSheet("font-style: italic")
        return label

    def zone_names(self, zones) -> str:
        zones = sorted(zones, key=lambda r: (r.name, r.side))
        catalogue = self.context.catalogue
        names = [
            f"{catalogue.zones[z.name].name if z.name in catalogue.zones else z.name} ({z.side})"
            for z in zones
        ]
        return html.escape(", ".join(names)) if names else "none"

    def point_marks(self, view: StudyMapView, point: TriggerPoint, sides=("right",)):
        """X marks of a trigger point on the shown panels of its view, on the given sides."""
        marks = []
        for panel in view.panels:
            if panel.body.name != point.view:
                continue
            for side in sides:
                landing = drawn_spot(panel.body, point, side)
                if landing is not None:
                    marks.append(
                        TriggerPointMark(
                            point.id, point.label, landing.x + panel.dx, landing.y, side
                        )
                    )
        return marks
