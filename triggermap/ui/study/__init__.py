"""Learning mode: study windows and pages for practising referral patterns."""

from triggermap.ui.study.window import StudyWindow, run_study_window

__all__ = ["StudyWindow", "run_study_window"]
