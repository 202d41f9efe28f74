"""打印预览: one of our PDFs shown page by page inside the program and printed from there.

PySide6-Essentials has no PDF renderer (no QtPdf), so pypdfium2 (PDFium, the renderer of Chromium) draws each
page as an image; Qt's print preview (QPrintPreviewDialog) lays the pages out, zooms, and prints them on the
chosen printer.  A page is rendered when the preview or the printer asks for it, at a resolution that suits
the device: screen resolution for the preview, up to 300 dpi for a printer.  A landscape page (the wide
tables) printed on a portrait sheet is turned a quarter turn, as PDF viewers do, and every page is scaled to
fit the printable area without changing its proportions.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QWidget

PREVIEW_DPI = 110  # what the preview widget shows at 100 % and a little above (it keeps every page it shows)
PRINT_DPI = 300  # at most, for a printer: sharp 仿宋 at 3号 and thin table rules


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page of ``pdf``."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc.get_page_size(i) for i in range(len(doc))]
    finally:
        doc.close()


def render_page(doc: pdfium.PdfDocument, index: int, dpi: float) -> QImage:
    """Page ``index`` of ``doc`` as an RGB image at ``dpi`` (white background, as printed)."""
    page = doc[index]
    try:
        bitmap = page.render(scale=dpi / 72, rev_byteorder=True, may_draw_forms=False)
        try:
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, _format(bitmap.n_channels))
            return image.copy()  # owns its pixels once the bitmap is freed
        finally:
            bitmap.close()
    finally:
        page.close()


def _format(channels: int) -> QImage.Format:
    return QImage.Format.Format_RGB888 if channels == 3 else QImage.Format.Format_RGBX8888


class PdfPrintPreview(QPrintPreviewDialog):
    """Qt's print preview of the pages of ``pdf`` (rendered by PDFium), with its print button."""

    def __init__(self, pdf: Path, parent: QWidget | None = None) -> None:
        self.sheets = QPrinter(QPrinter.PrinterMode.HighResolution)  # kept alive as long as the dialog
        super().__init__(self.sheets, parent)
        self.pdf = pdf
        self.sizes = page_sizes(pdf)
        self.setWindowTitle(f"打印预览 — {pdf.name}")
        self.sheets.setDocName(pdf.stem)
        self.sheets.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        first = self.sizes[0] if self.sizes else (595.0, 842.0)
        landscape = first[0] > first[1]
        self.sheets.setPageOrientation(
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        )
        self.sheets.setFullPage(False)
        self.paintRequested.connect(self.paint_pages)
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(min(1100, area.width() - 40), min(900, area.height() - 40))

    @property
    def preview(self) -> QPrintPreviewWidget:
        """The dialog's page view (the pages it shows: ``preview.pageCount()``)."""
        widget = self.findChild(QPrintPreviewWidget)
        assert widget is not None
        return widget

    def paint_pages(self, printer: QPrinter) -> None:
        """Every page of the PDF onto ``printer`` (the preview or the real printer), one sheet each."""
        painter = QPainter()
        if not painter.begin(printer):
            return
        engine = painter.paintEngine()
        previewing = engine is not None and engine.type() == QPaintEngine.Type.Picture  # the preview records
        dpi = PREVIEW_DPI if previewing else min(PRINT_DPI, max(printer.resolution(), 72))
        doc = pdfium.PdfDocument(str(self.pdf))
        try:
            area = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            area.moveTo(0, 0)  # the painter's origin is the printable area's corner
            for i in range(len(doc)):
                if i and not printer.newPage():
                    break
                draw_page(painter, render_page(doc, i, dpi), area)
        finally:
            doc.close()
            painter.end()


def draw_page(painter: QPainter, image: QImage, area: QRectF) -> None:
    """``image`` scaled to fit ``area`` (centred), turned a quarter turn if its orientation is the other one."""
    turn = (image.width() > image.height()) != (area.width() > area.height())
    w, h = (image.height(), image.width()) if turn else (image.width(), image.height())
    scale = min(area.width() / w, area.height() / h)
    target = QRectF(0, 0, w * scale, h * scale)
    target.moveCenter(area.center())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    if turn:
        painter.translate(target.center())
        painter.rotate(90)
        painter.drawImage(QRectF(QPointF(-target.height() / 2, -target.width() / 2), target.size().transposed()), image)
    else:
        painter.drawImage(target, image)
    painter.restore()
