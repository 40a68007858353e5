"""Screenshots of the learning mode for the docs: each exercise just after an answer."""

from __future__ import annotations

import random
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from triggermap.services.context import AppContext
from triggermap.services.study_cards import DeckFilter, StudyCard, build_deck, card_region
from triggermap.services.study_schedule import schedule_review
from triggermap.storage.study_progress import DEFAULT_LEARNER, ReviewRecord, StudyProgress
from triggermap.ui.render import headless_application
from triggermap.ui.study.window import StudyWindow

#: When the example learner's last answer was given (the screenshots show fixed dates).
EXAMPLE_NOW = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
#: Cards the screenshots ask.
WHICH_MUSCLE_CARD = StudyCard("which_muscle", "infraspinatus.trp1")
DRAW_PATTERN_CARD = StudyCard("draw_pattern", "upper_trapezius.trp1")
FIND_POINT_CARD = StudyCard("find_point", "gluteus_medius.trp1")
CONDITION_CARD = StudyCard("condition", "tension_type_headache")


def save_study_screens(context: AppContext, directory: Path) -> list[Path]:
    """Write study-which-muscle.png, study-draw-pattern.png, study-find-point.png,
    study-condition.png, study-summary.png, study-mock-exam-report.png and
    study-card-browser.png into `directory`; returns their paths.

    The example learner's history lives in a temporary data directory that is removed
    afterwards: the user's own progress is neither read nor changed.
    """
    app = headless_application()
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="triggermap-study-") as scratch:
        example = replace(context, data_dir=Path(scratch))
        _write_example_history(example)
        # a fixed seed, so the screenshots change only when the program does
        window = StudyWindow(example, rng=random.Random(11), clock=lambda: EXAMPLE_NOW)  # noqa: S311
        window.resize(1440, 900)
        window.show()
        app.processEvents()
        window.start_session(DeckFilter(), 10, DEFAULT_LEARNER)

        def save(name: str) -> None:
            app.processEvents()
            path = directory / name
            if not window.grab().save(str(path), "PNG"):
                raise OSError(f"could not write {path}")
            written.append(path)

        page = window.show_card(WHICH_MUSCLE_CARD)
        wrong = next(
            n for n, p in enumerate(page.choices, start=1) if p != WHICH_MUSCLE_CARD.subject
        )
        page.pick_number(wrong)
        save("study-which-muscle.png")

        page = window.show_card(DRAW_PATTERN_CARD)
        point = context.catalogue.trigger_point(DRAW_PATTERN_CARD.subject)
        for zone in (*point.essential[:2], *point.spillover[:1]):
            page.toggle_zone(_on_right(page, zone))
        page.toggle_zone(_on_right(page, "lateral_shoulder"))
        page.check()
        save("study-draw-pattern.png")

        page = window.show_card(FIND_POINT_CARD)
        point = context.catalogue.trigger_point(FIND_POINT_CARD.subject)
        page.map_view.place(point.view, point.x + 28, point.y + 22)
        page.check()
        save("study-find-point.png")

        page = window.show_card(CONDITION_CARD)
        question = page.question
        implicated = [n for n, m in enumerate(question.choices, 1) if m in question.implicated]
        others = [n for n, m in enumerate(question.choices, 1) if m not in question.implicated]
        for number in (*implicated[:-2], others[0]):
            page.pick_number(number)
        page.check()
        save("study-condition.png")

        window.end_session()
        save("study-summary.png")

        # a mock exam of the whole catalogue, answered as the example learner would
        window.show_setup()
        window.start_session(DeckFilter(), 20, DEFAULT_LEARNER, "exam")
        marks = random.Random(8)  # noqa: S311 - a repeatable example
        while window.pages.currentWidget() is not window.exam_report_page:
            card = window.current_card
            region = card_region(context.catalogue, card)
            skill = (
                78 - (30 if region == "head_and_face" else 0) - (15 * (card.kind == "find_point"))
            )
            window.pages.currentWidget().finish(max(0.0, min(100.0, marks.gauss(skill, 20))), "")
        save("study-mock-exam-report.png")

        window.show_setup()
        window.show_browser()
        window.browser_page.search.setText("infraspinatus")
        window.browser_page.table.selectRow(0)
        save("study-card-browser.png")
        window.close()
    return written


def _on_right(page, zone_id: str):
    from triggermap.services.explore import zone_on_side

    return zone_on_side(page.context.catalogue, zone_id, "right")


def _write_example_history(context: AppContext) -> None:
    """Three weeks of an example learner's answers, getting better, with a weak spot in the
    head and face."""
    rng = random.Random(5)  # noqa: S311 - a repeatable example, not a secret
    deck = build_deck(context.catalogue, context.atlas, DeckFilter())
    with StudyProgress.in_data_dir(context.data_dir) as progress:
        progress.add_learner(DEFAULT_LEARNER)
        states = {}
        for day in range(21):
            if day % 7 in (2, 5):
                continue  # not every day
            when = EXAMPLE_NOW - timedelta(days=20 - day, hours=2)
            for number in range(rng.randint(8, 20)):
                card = rng.choice(deck)
                region = card_region(context.catalogue, card)
                skill = 35 + 2.4 * day - (20 if region == "head_and_face" else 0)
                score = max(0.0, min(100.0, rng.gauss(skill, 18)))
                moment = when + timedelta(minutes=2 * number)
                state = schedule_review(states.get(card.key), score, moment)
                states[card.key] = state
                progress.record_review(
                    ReviewRecord(
                        DEFAULT_LEARNER, card.key, card.kind, card.subject, region, score, moment
                    ),
                    state,
                )


def main() -> None:  # pragma: no cover - a convenience for authors
    application = QApplication.instance()
    del application
    for path in save_study_screens(AppContext.default(), Path("docs/screens")):
        print(path)


if __name__ == "__main__":  # pragma: no cover
    main()
