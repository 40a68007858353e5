"""The key to a referral pattern, in the map's corner while one is shown: what solid red,
stippled red and the X mean (the manuals print one beside every pattern)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsView, QLabel

from triggermap.ui.palette import ALERT_TINT, CAPTION_INK, MARK_INK, REFERRAL_RED

#: Space between the legend and the map's edge (px).
LEGEND_MARGIN_PX = 10


class PatternLegend(QLabel):
    """Essential pain solid, spillover stippled, the trigger point an X (the chosen one
    ringed); placed in the map's bottom right corner (the pain-drawing banner takes the
    left)."""

    def __init__(self, map_view: QGraphicsView) -> None:
        super().__init__(map_view)
        self._map_view = map_view
        self.setObjectName("pattern-legend")
        self.setAccessibleName("Pattern legend")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.show_ring(True)
        self.setStyleSheet(
            f"background:{ALERT_TINT}; color:{CAPTION_INK}; padding:4px 8px;"
            f" border:1px solid {REFERRAL_RED}; border-radius:4px;"
        )
        # clicks on the legend still reach the map under it
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def show_ring(self, ringed: bool) -> None:
        """Whether the key names the ring around the chosen point (maps that do not ring
        one, the study maps, leave it out rather than explain a mark they never draw)."""
        ring = f" (<span style='color:{REFERRAL_RED}'>◯</span> the one shown)" if ringed else ""
        self.setText(
            f"<span style='color:{REFERRAL_RED}'>■</span> essential pain"
            f" &nbsp; <span style='color:{REFERRAL_RED}'>▨</span> spillover"
            f" &nbsp; <b style='color:{MARK_INK}'>✕</b> trigger point{ring}"
        )

    def place(self) -> None:
        """Put the legend in the map's bottom right corner, on two lines when the map is
        narrower than its one line (the map beside the patient workspace at 1366 px)."""
        self.setWordWrap(False)
        self.adjustSize()
        available = max(80, self._map_view.viewport().width() - 2 * LEGEND_MARGIN_PX)
        if self.width() > available:
            self.setWordWrap(True)
            self.resize(available, self.heightForWidth(available))
        corner = self._map_view.viewport().geometry().bottomRight()
        self.move(
            corner.x() - LEGEND_MARGIN_PX - self.width(),
            corner.y() - LEGEND_MARGIN_PX - self.height(),
        )
        self.raise_()
