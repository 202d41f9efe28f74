"""打印预览: our PDFs shown page by page inside the program (PDFium renders them, Qt's print preview lays them
out and prints), every page of an N-page PDF there; printing sends one sheet per page, a landscape page turned
to fit a portrait sheet.  The printer is Qt's PDF output, read back with pypdf (no real printer needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage, QPageLayout
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from ui.dialogs.print_preview import PdfPrintPreview, render_page

pytestmark = pytest.mark.gui


def _pdf(path: Path, sizes: list[tuple[float, float]]) -> Path:
    canvas = Canvas(str(path))
    for n, size in enumerate(sizes, start=1):
        canvas.setPageSize(size)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.rect(36, 36, size[0] - 72, size[1] - 72, fill=1)  # a black page with a white margin
        canvas.setFillColorRGB(1, 1, 1)
        canvas.drawString(72, size[1] / 2, f"page {n}")
        canvas.showPage()
    canvas.save()
    return path


def _dark_fraction(image: QImage) -> float:
    dark = total = 0
    for y in range(0, image.height(), 5):
        for x in range(0, image.width(), 5):
            total += 1
            dark += image.pixelColor(x, y).lightness() < 60
    return dark / total


def test_the_preview_shows_every_page_of_the_pdf(qtbot: Any, tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "five.pdf", [A4, A4, landscape(A4), A4, A4])
    dialog = PdfPrintPreview(pdf)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview.pageCount() == 5, timeout=10000)
    assert dialog.sizes[2] == pytest.approx(landscape(A4))


def test_a_page_renders_at_the_asked_resolution(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = _pdf(tmp_path / "one.pdf", [A4])
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = render_page(doc, 0, 72)
    finally:
        doc.close()
    assert abs(image.width() - A4[0]) <= 1 and abs(image.height() - A4[1]) <= 1  # 1 pt = 1 pixel at 72 dpi
    assert image.pixelColor(5, 5).lightness() > 240  # the margin is white
    assert image.pixelColor(image.width() // 2, 100).lightness() < 20  # the black box
    assert 0.6 < _dark_fraction(image) < 0.9


def test_printing_sends_one_sheet_per_page_and_turns_landscape_pages(qtbot: Any, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = _pdf(tmp_path / "three.pdf", [A4, landscape(A4), A4])
    dialog = PdfPrintPreview(pdf)
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setResolution(150)
    dialog.paint_pages(printer)
    printed = PdfReader(str(tmp_path / "printed.pdf"))
    assert len(printed.pages) == 3
    assert all(p.mediabox.height > p.mediabox.width for p in printed.pages)  # portrait sheets
    doc = pdfium.PdfDocument(str(tmp_path / "printed.pdf"))
    try:
        sheets = [render_page(doc, i, 40) for i in range(3)]
    finally:
        doc.close()
    for sheet in sheets:  # the page's black box is on each sheet, not a blank sheet
        assert _dark_fraction(sheet) > 0.4
    # the turned landscape page fills the sheet's width edge to edge less the margins: its box's long side
    # runs down the sheet, so the middle of the sheet's top quarter is dark as on the portrait pages
    turned = sheets[1]
    assert turned.pixelColor(turned.width() // 2, turned.height() // 4).lightness() < 60
