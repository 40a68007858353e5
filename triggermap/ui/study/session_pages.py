"""The study window's setup page (filters, session length, learner) and progress summary page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from triggermap import resources
from triggermap.catalogue.model import REGIONS, Catalogue
from triggermap.resources import VIEW_NAMES
from triggermap.services.mock_exam import EXAM_QUESTIONS, time_limit_s
from triggermap.services.study_cards import (
    CARD_KINDS,
    CONDITIONS_REGION,
    KIND_TITLES,
    DeckFilter,
    card_from_key,
    card_subject,
    exercise_words,
)
from triggermap.services.study_progress_summary import ProgressSummary
from triggermap.services.study_schedule import PASS_SCORE
from triggermap.ui.palette import ALERT_RED
from triggermap.ui.study.plot import AccuracyPlot

#: Cards in a short session.
SESSION_LENGTH = 10

PREVALENCE_CHOICES = (
    ("Any prevalence", ()),
    ("Very common", ("very_common",)),
    ("Common", ("common",)),
    ("Occasional", ("occasional",)),
    ("Rare", ("rare",)),
    ("Less common (occasional or rare)", ("occasional", "rare")),
)
VIEW_TITLES = resources.VIEW_TITLES


def region_title(region: str) -> str:
    """A body region id in words ('neck_and_shoulder' → 'Neck and shoulder')."""
    if region == CONDITIONS_REGION:
        return "Conditions"
    return region.replace("_", " ").capitalize()


def card_title(catalogue: Catalogue, key: str) -> str:
    """A stored card in words: 'Soleus TrP1 (draw the pattern)'."""
    try:
        card = card_from_key(key)
        subject = card_subject(catalogue, card)
    except (KeyError, ValueError):
        return key  # a card of an older catalogue
    return f"{subject} ({exercise_words(card.kind)})"


def heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() + 3)
    label.setFont(font)
    return label


def deck_scope(catalogue: Catalogue, deck_filter: DeckFilter) -> str:
    """What a deck filter selects, in words (kept with a mock exam)."""
    kinds = deck_filter.kinds or CARD_KINDS
    parts = [
        "all exercises"
        if set(kinds) == set(CARD_KINDS)
        else ", ".join(KIND_TITLES[k] for k in kinds),
        ", ".join(region_title(r) for r in deck_filter.regions) or "all regions",
    ]
    if deck_filter.views:
        parts.append(", ".join(VIEW_TITLES.get(v, v) for v in deck_filter.views))
    if deck_filter.condition and deck_filter.condition in catalogue.conditions:
        parts.append(catalogue.conditions[deck_filter.condition].name)
    if deck_filter.prevalences:
        parts.append(" or ".join(p.replace("_", " ") for p in deck_filter.prevalences))
    return "; ".join(parts)


class SetupPage(QWidget):
    """Choose the learner, the exercises, filters and the session length; Enter starts."""

    start_requested = Signal()
    progress_requested = Signal()
    browse_requested = Signal()
    filters_changed = Signal()

    def __init__(self, catalogue: Catalogue, views: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Study setup")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Learning mode: practise referral patterns", self))
        intro = QLabel(
            "Cards come back when you are about to forget them: a card you miss returns "
            "soon, one you know well much later. After each answer rate how well you knew it: "
            "A Again, H Hard, G Good, E Easy, I I guessed (counts as Again); Enter keeps the "
            "rating your score suggests. New cards start with the common trigger points; the "
            "rarer ones come as you know the common ones. A mock exam asks a timed, mixed set "
            "and scores it only at the end. Keys: 1–9 choose, Enter checks and continues, Esc "
            "ends a session.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.learner_choice = QComboBox(self)
        self.learner_choice.setEditable(True)
        self.learner_choice.setAccessibleName("Learner")
        self.learner_choice.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        form.addRow("Learner:", self.learner_choice)
        kinds_box = QGroupBox("Exercises", self)
        kinds_layout = QHBoxLayout(kinds_box)
        self.kind_boxes: dict[str, QCheckBox] = {}
        for kind in CARD_KINDS:
            box = QCheckBox(KIND_TITLES[kind], kinds_box)
            box.setChecked(True)
            box.setAccessibleName(KIND_TITLES[kind])
            kinds_layout.addWidget(box)
            self.kind_boxes[kind] = box
            box.toggled.connect(self.filters_changed)
        form.addRow(kinds_box)
        self.region_choice = QComboBox(self)
        self.region_choice.setAccessibleName("Body region")
        self.region_choice.addItem("All regions", None)
        for region in REGIONS:
            self.region_choice.addItem(region_title(region), region)
        form.addRow("Body region:", self.region_choice)
        self.view_choice = QComboBox(self)
        self.view_choice.setAccessibleName("View")
        self.view_choice.addItem("All views", None)
        for view in [v for v in VIEW_NAMES if v in views]:
            self.view_choice.addItem(VIEW_TITLES.get(view, view.title()), view)
        form.addRow("View:", self.view_choice)
        self.condition_choice = QComboBox(self)
        self.condition_choice.setAccessibleName("Condition")
        self.condition_choice.addItem("Any condition", None)
        for condition in sorted(catalogue.conditions.values(), key=lambda c: c.name):
            self.condition_choice.addItem(condition.name, condition.id)
        form.addRow("Condition:", self.condition_choice)
        self.prevalence_choice = QComboBox(self)
        self.prevalence_choice.setAccessibleName("Prevalence")
        for title, grades in PREVALENCE_CHOICES:
            self.prevalence_choice.addItem(title, grades)
        form.addRow("Prevalence:", self.prevalence_choice)
        for choice in (
            self.region_choice,
            self.view_choice,
            self.condition_choice,
            self.prevalence_choice,
        ):
            choice.currentIndexChanged.connect(self.filters_changed)
        self.short_session = QRadioButton(f"Short session ({SESSION_LENGTH} cards)", self)
        self.short_session.setToolTip("Cards due for review first, then new ones.")
        self.weakest_review = QRadioButton(f"Review my weakest ({SESSION_LENGTH} cards)", self)
        self.weakest_review.setToolTip(
            "The answered cards you are least likely to remember now, weakest first."
        )
        self.mock_exam = QRadioButton(
            f"Mock exam ({EXAM_QUESTIONS} questions, {time_limit_s(EXAM_QUESTIONS) // 60} "
            "minutes, no feedback until the end)",
            self,
        )
        self.mock_exam.setToolTip(
            "A timed, mixed set from these filters; a scored report by region and exercise "
            "at the end. An exam does not change when cards come back."
        )
        self.free_practice = QRadioButton("Free practice (until you stop)", self)
        self.short_session.setChecked(True)
        group = QButtonGroup(self)
        length = QGridLayout()
        self.session_kinds: dict[str, QRadioButton] = {
            "short": self.short_session,
            "weakest": self.weakest_review,
            "exam": self.mock_exam,
            "free": self.free_practice,
        }
        for n, button in enumerate(self.session_kinds.values()):
            button.setAccessibleName(button.text().split(" (")[0])
            group.addButton(button)
            length.addWidget(button, n // 2, n % 2)
        form.addRow("Session:", length)
        layout.addLayout(form)
        self.deck_label = QLabel(self)
        self.deck_label.setAccessibleName("Cards matching")
        layout.addWidget(self.deck_label)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ALERT_RED}")
        self.message.setAccessibleName("Message")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start (Enter)", self)
        self.start_button.setAccessibleName("Start")
        self.progress_button = QPushButton("&My progress", self)
        self.progress_button.setAccessibleName("My progress")
        self.browse_button = QPushButton("&Browse cards", self)
        self.browse_button.setAccessibleName("Browse cards")
        self.browse_button.setToolTip(
            "Find any card, see its answers, suspend it or reset its schedule."
        )
        buttons.addWidget(self.progress_button)
        buttons.addWidget(self.browse_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.start_button.clicked.connect(self.start_requested)
        self.progress_button.clicked.connect(self.progress_requested)
        self.browse_button.clicked.connect(self.browse_requested)

    def set_learners(self, names: list[str], current: str) -> None:
        self.learner_choice.clear()
        self.learner_choice.addItems(names if current in names else [*names, current])
        self.learner_choice.setCurrentText(current)

    def learner_name(self) -> str:
        return self.learner_choice.currentText()

    def deck_filter(self) -> DeckFilter:
        """The filters as chosen."""
        kinds = tuple(kind for kind, box in self.kind_boxes.items() if box.isChecked())
        region = self.region_choice.currentData()
        view = self.view_choice.currentData()
        return DeckFilter(
            kinds=kinds,
            regions=(region,) if region else (),
            views=(view,) if view else (),
            condition=self.condition_choice.currentData(),
            prevalences=tuple(self.prevalence_choice.currentData() or ()),
        )

    def session_kind(self) -> str:
        """ "short", "weakest", "exam" or "free", as chosen."""
        return next(kind for kind, button in self.session_kinds.items() if button.isChecked())

    def session_length(self) -> int | None:
        """Cards in the session, or None for free practice."""
        kind = self.session_kind()
        return None if kind == "free" else EXAM_QUESTIONS if kind == "exam" else SESSION_LENGTH

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if Qt.Key(event.key()) in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.start_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SummaryPage(QWidget):
    """A learner's progress: cards due, accuracy by region and over time, weakest cards."""

    back_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Progress summary")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        self.title = heading("Progress", self)
        layout.addWidget(self.title)
        self.session_line = QLabel(self)
        self.session_line.setAccessibleName("This session")
        self.session_line.setWordWrap(True)
        layout.addWidget(self.session_line)
        self.selection_totals = QLabel(self)
        self.selection_totals.setAccessibleName("Cards in this selection")
        self.selection_totals.setWordWrap(True)
        layout.addWidget(self.selection_totals)
        self.totals = QLabel(self)
        self.totals.setAccessibleName("All cards: due and accuracy")
        self.totals.setWordWrap(True)
        layout.addWidget(self.totals)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(
            QLabel("Accuracy over time, in all cards (mean score per day; dashed: pass mark)", self)
        )
        self.plot = AccuracyPlot(PASS_SCORE, self)
        left.addWidget(self.plot, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel("Accuracy by body region, in all cards", self))
        self.region_table = QTableWidget(0, 3, self)
        self.region_table.setAccessibleName("Accuracy by body region")
        self.region_table.setHorizontalHeaderLabels(["Region", "Accuracy", "Answers"])
        self.region_table.verticalHeader().setVisible(False)
        self.region_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.region_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        right.addWidget(self.region_table, 1)
        right.addWidget(QLabel("Weakest cards, in all cards (latest answers)", self))
        self.weakest_list = QListWidget(self)
        self.weakest_list.setAccessibleName("Weakest cards")
        right.addWidget(self.weakest_list, 1)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout.addLayout(columns, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.back_button = QPushButton("Study again (Enter)", self)
        self.back_button.setAccessibleName("Study again")
        buttons.addWidget(self.back_button)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back_requested)

    def show_summary(
        self, learner: str, summary: ProgressSummary, catalogue: Catalogue, session: str = ""
    ) -> None:
        """Fill the page for `learner`; `session` sums up the session just ended, if any."""
        self.title.setText(f"Progress of {learner}")
        self.session_line.setText(session)
        self.session_line.setVisible(bool(session))
        accuracy = "—" if summary.accuracy is None else f"{summary.accuracy:.0f}%"
        # the first line counts the cards the setup filters select, the second every card the
        # learner has answered: each says which, so the two "due" numbers never look at odds
        self.selection_totals.setText(
            f"<b>In this selection</b> ({summary.deck_size} cards): "
            f"due now: {summary.cards_due}   ·   learnt: {summary.cards_seen}   ·   "
            f"new: {summary.cards_new}"
        )
        self.totals.setText(
            f"<b>In all cards</b>: due now: {summary.cards_due_all}   ·   "
            f"answers: {summary.answers}   ·   overall accuracy: {accuracy}"
        )
        self.plot.set_days(summary.by_day)
        self.region_table.setRowCount(len(summary.by_region))
        for row, region in enumerate(summary.by_region):
            cells = (region_title(region.region), f"{region.accuracy:.0f}%", str(region.answers))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.region_table.setItem(row, column, item)
        self.weakest_list.clear()
        for weak in summary.weakest:
            self.weakest_list.addItem(
                f"{card_title(catalogue, weak.card_key)} — {weak.accuracy:.0f}% "
                f"({weak.answers} answer{'s' if weak.answers != 1 else ''})"
            )
        if not summary.weakest:
            self.weakest_list.addItem("No weak cards yet")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if Qt.Key(event.key()) in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.back_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
