"""Which exercise page asks each kind of study card."""

from __future__ import annotations

from collections.abc import Callable

from triggermap.ui.study.choice_pages import ConditionPage, WhichMusclePage
from triggermap.ui.study.draw_pattern_page import DrawPatternPage
from triggermap.ui.study.exercise_page import ExercisePage
from triggermap.ui.study.find_point_page import FindPointPage

PAGE_CLASSES: dict[str, Callable[..., ExercisePage]] = {
    "which_muscle": WhichMusclePage,
    "draw_pattern": DrawPatternPage,
    "find_point": FindPointPage,
    "condition": ConditionPage,
}
