"""The program's one palette: every colour named for what it means.

Screens, the map, the history plots, the study pages and the printed handout take their
colours from here, so one meaning has one colour everywhere (a stopping hazard is the same red
in the warning banner, the plan table and the handout) and a colour never means two things.
Red and blue carry the two overlays of the map (referred pain, the patient's own pain) so that
they stay apart for red-green colour blindness; teal is the needle.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

# ---- status and safety (text, badges, banners)
#: Stops or limits the needle, a missing consent, a problem, a wrong answer.
ALERT_RED = "#b00020"
#: Behind an alert, and the text on it (dark red-brown: its anti-aliased edges stay warm, so
#: light-theme text never shows through in a dark theme).
ALERT_TINT = "#fdecea"
ALERT_INK = "#2a0d0d"
#: Take care: a precaution, a notice, a waiting save.
CARE_AMBER = "#e65100"
#: Behind a "take care" banner, and its text.
CARE_TINT = "#fff4e5"
CARE_INK = "#663c00"
#: A precaution (neither stopping nor limiting).
PRECAUTION_BROWN = "#795548"
#: Done and well: signed, screened, consented, a right answer.
DONE_GREEN = "#2e7d32"
#: A near miss in study (right muscle, wrong point).
MISSED_AMBER = "#b26a00"
#: Body text on white, and text that matters less.
INK = "#1b2733"
MUTED_GREY = "#5a5a5a"
#: Headings of the patient's own pages (explain mode, the handout).
ACCENT_BLUE = "#1f5082"

# ---- plots over visits (history)
#: The PSFS (function) curve and its goals' targets: apart from pain's red and green.
FUNCTION_PURPLE = "#6a1b9a"
#: Axes and grid of a plot, and closed (greyed) items in a list.
AXIS_GREY = "#6e6e6e"
GRID_GREY = "#e1e1e1"

# ---- the body map
#: Referred pain of the chosen trigger point (essential solid, spillover stippled).
REFERRAL_RED = "#c8102e"
#: The patient's own pain drawing; also the learner's placed point and study curves.
PAIN_BLUE = "#1f78b4"
#: The edge of a referral zone.
REFERRAL_EDGE = "#8c1020"
#: Trigger points' X marks, needle numbers and the dots of signed visits: near black.
MARK_INK = "#141414"
#: Captions on the map and the printed figures (patient's right, view names), dashed guides.
CAPTION_INK = "#333333"
#: A planned or performed needle.
NEEDLE_TEAL = "#006d77"
#: The chosen muscle, and its outline.
HIGHLIGHT_GOLD = "#f2b134"
HIGHLIGHT_BROWN = "#7a4b00"
#: A muscle under the pointer.
HOVER_CREAM = "#ffecb3"
#: Muscles ranked for a pain drawing, their badges and leader lines.
RANK_AMBER = "#e69114"
RANK_BROWN = "#6e3c00"


def qcolour(name: str, alpha: int = 255) -> QColor:
    """A palette colour as a QColor, with opacity `alpha` (0–255)."""
    colour = QColor(name)
    colour.setAlpha(alpha)
    return colour
