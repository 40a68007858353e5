"""Typesetting of the printed documents: blocks flowed top to bottom onto A4 pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPagedPaintDevice, QPainter, QPen

from triggermap.clinic.patient_primer import PrimerSection
from triggermap.ui.map_overlays import REFERRAL_RED
from triggermap.ui.palette import ACCENT_BLUE, ALERT_TINT, INK, MUTED_GREY, qcolour

#: Dots per inch of the PDF's coordinate system (device pixels of the painter).
RESOLUTION_DPI = 300
TEXT_COLOUR = qcolour(INK)
MUTED_COLOUR = qcolour(MUTED_GREY)
ACCENT = qcolour(ACCENT_BLUE)
URGENT_FILL = qcolour(ALERT_TINT)


@dataclass(frozen=True)
class PrintedDocument:
    """A document ready to go to a PDF file or a printer: its title, the footer on every page,
    and what composes its pages."""

    title: str
    footer: str
    compose: Callable[[PageFlow], None]


class PageFlow:
    """Places blocks top to bottom on A4 pages, starting a new page when a block does not fit.

    Coordinates are the painter's device pixels (the device's resolution); `mm()` converts.
    """

    def __init__(self, writer: QPagedPaintDevice, painter: QPainter, footer: str) -> None:
        self._writer = writer
        # the device's own resolution: a printer's differs from the PDF's RESOLUTION_DPI
        self._dpi = writer.logicalDpiY() or RESOLUTION_DPI
        self._footer_text = footer
        self._painter = painter
        self._page = QRectF(painter.viewport())
        self._y = self._page.top()
        self._page_number = 1
        self._footer()

    def mm(self, millimetres: float) -> float:
        return millimetres * self._dpi / 25.4

    def width(self) -> float:
        return self._page.width()

    def page_height_left(self) -> float:
        return self._bottom() - self._y

    # -- blocks ---------------------------------------------------------------------------

    def title(self, text: str) -> None:
        self._text_block(text, self._font(20, bold=True), ACCENT, after=1.5)

    def heading(self, text: str, keep_with: float = 0.0) -> None:
        font = self._font(13.5, bold=True)
        self.space(3)
        # a heading never ends a page alone
        needed = self._measure(text, font, self._page.width()) + max(keep_with, self.mm(12))
        if needed > self.page_height_left():
            self._new_page()
        self._text_block(text, font, ACCENT, after=1.2)

    def subheading(self, text: str) -> None:
        font = self._font(11, bold=True)
        self.space(1.5)
        if self._measure(text, font, self._page.width()) + self.mm(8) > self.page_height_left():
            self._new_page()
        self._text_block(text, font, TEXT_COLOUR, after=0.8)

    def line(self, text: str, colour: QColor = TEXT_COLOUR, small: bool = False) -> None:
        self._text_block(text, self._font(8.5 if small else 10.5), colour, after=1.0)

    def paragraph(self, text: str, colour: QColor = TEXT_COLOUR, small: bool = False) -> None:
        self._text_block(text, self._font(8.5 if small else 10.5), colour, after=1.6)

    def bullet(self, text: str, marker: str = "•") -> None:
        font = self._font(10.5)
        indent = self.mm(6)
        width = self._page.width() - indent
        height = self._measure(text, font, width)
        self._ensure(height)
        self._painter.setFont(font)
        self._painter.setPen(TEXT_COLOUR)
        self._painter.drawText(
            QRectF(self._page.left(), self._y, indent, height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            marker,
        )
        self._painter.drawText(
            QRectF(self._page.left() + indent, self._y, width, height),
            Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            text,
        )
        self._y += height + self.mm(1.0)

    def section(self, section: PrimerSection, small: bool = False) -> None:
        if small:
            for paragraph in section.paragraphs:
                self.paragraph(paragraph, MUTED_COLOUR, small=True)
            return
        self.heading(section.title)
        for paragraph in section.paragraphs:
            self.paragraph(paragraph)
        for item in section.bullets:
            self.bullet(item)

    def urgent_box(self, section: PrimerSection) -> None:
        """A red-bordered box that stays whole on one page."""
        pad = self.mm(4)
        inner = self._page.width() - 2 * pad
        title_font = self._font(13.5, bold=True)
        first_font = self._font(11.5, bold=True)
        body_font = self._font(10.5)
        blocks = [(section.title, title_font), (section.paragraphs[0], first_font)] + [
            (p, body_font) for p in (*section.paragraphs[1:], *section.bullets)
        ]
        gap = self.mm(1.6)
        heights = [self._measure(text, font, inner) for text, font in blocks]
        total = sum(heights) + gap * (len(blocks) - 1) + 2 * pad
        self.space(4)
        self._ensure(total)
        box = QRectF(self._page.left(), self._y, self._page.width(), total)
        self._painter.save()
        self._painter.setPen(QPen(REFERRAL_RED, self.mm(0.8)))
        self._painter.setBrush(URGENT_FILL)
        self._painter.drawRoundedRect(box, self.mm(2), self.mm(2))
        self._painter.restore()
        y = self._y + pad
        for (text, font), height in zip(blocks, heights, strict=True):
            self._painter.setFont(font)
            self._painter.setPen(REFERRAL_RED if font is title_font else TEXT_COLOUR)
            self._painter.drawText(
                QRectF(box.left() + pad, y, inner, height),
                Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                text,
            )
            y += height + gap
        self._y += total + self.mm(2)

    def drawing(self, height: float, paint: Callable[[QPainter, QRectF], object]) -> None:
        """A picture `height` device pixels high across the page width."""
        self._ensure(height)
        rect = QRectF(self._page.left(), self._y, self._page.width(), height)
        self._painter.save()
        try:
            paint(self._painter, rect)
        finally:
            self._painter.restore()
        self._y += height + self.mm(1.5)

    def sources(self, citations: Sequence[str]) -> None:
        if not citations:
            return
        self.space(3)
        self.line("Sources", MUTED_COLOUR, small=True)
        for citation in citations:
            self.paragraph(citation, MUTED_COLOUR, small=True)

    def space(self, millimetres: float) -> None:
        self._y = min(self._y + self.mm(millimetres), self._bottom())

    # -- mechanics ------------------------------------------------------------------------

    def _font(self, points: float, bold: bool = False) -> QFont:
        font = QFont("Sans Serif")
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def _measure(self, text: str, font: QFont, width: float) -> float:
        self._painter.setFont(font)
        bounds = self._painter.boundingRect(
            QRectF(0, 0, width, 1e6),
            int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            text,
        )
        return bounds.height()

    def _text_block(self, text: str, font: QFont, colour: QColor, after: float) -> None:
        height = self._measure(text, font, self._page.width())
        self._ensure(height)
        self._painter.setFont(font)
        self._painter.setPen(colour)
        self._painter.drawText(
            QRectF(self._page.left(), self._y, self._page.width(), height),
            Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            text,
        )
        self._y += height + self.mm(after)

    def _bottom(self) -> float:
        return self._page.bottom() - self.mm(8)  # room for the footer

    def _ensure(self, height: float) -> None:
        if height > self.page_height_left() and self._y > self._page.top():
            self._new_page()

    def _new_page(self) -> None:
        self._writer.newPage()
        self._page_number += 1
        self._y = self._page.top()
        self._footer()

    def _footer(self) -> None:
        self._painter.save()
        self._painter.setFont(self._font(8))
        self._painter.setPen(MUTED_COLOUR)
        band = QRectF(
            self._page.left(), self._page.bottom() - self.mm(5), self._page.width(), self.mm(5)
        )
        self._painter.drawText(
            band,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            f"Page {self._page_number}",
        )
        self._painter.drawText(
            band,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
            self._footer_text,
        )
        self._painter.restore()
