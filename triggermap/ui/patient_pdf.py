"""The patient handout and the clinician note, written to PDF files (QPdfWriter) or printed.

A4 at 300 dpi, text as real PDF text (searchable, readable by screen readers), the map drawn as
vector graphics. Files are written as every export is (services.safe_output): into an owner-only
temporary file beside the target, checked to be a whole PDF (QPdfWriter does not report a full
disk), synced, then renamed over it; a failed export never leaves half a PDF and raises
OutputFailed (an OSError) with one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter

from triggermap import __version__
from triggermap.catalogue.model import Catalogue
from triggermap.clinic.model import Patient, Visit
from triggermap.geometry.atlas import Atlas
from triggermap.services.safe_output import pdf_problem, write_private_file
from triggermap.ui.clinician_note import clinician_note_document
from triggermap.ui.page_flow import RESOLUTION_DPI, PageFlow, PrintedDocument
from triggermap.ui.patient_handout import handout_document

MARGIN_MM = 15.0


def write_handout_pdf(
    path: Path,
    patient: Patient,
    visit: Visit,
    catalogue: Catalogue,
    atlas: Atlas,
    svg_dir: Path,
    clinic: str = "",
) -> Path:
    """Write the patient's handout for one visit (see handout_document). Returns `path`."""
    return _write_pdf(path, handout_document(patient, visit, catalogue, atlas, svg_dir, clinic))


def write_clinician_note_pdf(
    path: Path,
    patient: Patient,
    visits: Sequence[Visit],
    catalogue: Catalogue,
    atlas: Atlas,
    svg_dir: Path,
) -> Path:
    """Write the clinician note (see clinician_note_document). Returns `path`."""
    return _write_pdf(path, clinician_note_document(patient, visits, catalogue, atlas, svg_dir))


def _write_pdf(path: Path, document: PrintedDocument) -> Path:
    """Compose `document` on a fresh A4 PDF and put the finished, checked file at `path`
    (owner-only, atomically; see services.safe_output). Raises OutputFailed when it cannot be
    written."""
    return write_private_file(
        Path(path),
        lambda temporary: _paint_pdf(temporary, document),
        pdf_problem,
    )


def _a4_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )


def _paint_pdf(temporary: Path, document: PrintedDocument) -> None:
    """Compose the document into the file `temporary` and close it. Qt reports no failed write
    here: the caller checks the finished file."""
    writer = QPdfWriter(str(temporary))
    writer.setResolution(RESOLUTION_DPI)
    writer.setTitle(document.title)
    writer.setCreator(f"triggermap {__version__}")
    writer.setPageLayout(_a4_layout())
    if not _paint_pages(writer, document):
        raise OSError("the PDF could not be finished")
    del writer  # flushes and closes the file


def print_document(printer: QPagedPaintDevice, document: PrintedDocument) -> None:
    """Print `document` on `printer` (a QPrinter set up by the print dialog), on its paper
    with our margins; OSError when the printer could not be started or finished."""
    printer.setPageMargins(
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter
    )
    if not _paint_pages(printer, document):
        raise OSError("the printer could not be started or finished the document")


def _paint_pages(device: QPagedPaintDevice, document: PrintedDocument) -> bool:
    """Paint every page of `document` on `device`; False when the painter failed."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the document could not be started")
    try:
        flow = PageFlow(device, painter, document.footer)
        document.compose(flow)
        del flow  # holds the device, which must go before a file is checked
    finally:
        finished = painter.end()
    return finished
