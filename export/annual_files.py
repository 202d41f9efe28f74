"""Writing the annual report's carbon chapter for year N: the PDF and the .docx, side by side.

``python main.py export PARK --annual N --out DIR`` (:func:`export.cli.run_export_annual`); the electronic
package carries the same two files of every year with a chapter.  The chapter is final only when it was marked
定稿 and the gate (forms.report.annual.check_chapter) still finds nothing missing at export time; otherwise both
files say 草稿.  Both files are written to temporary names and renamed into place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from export.filenames import safe_name
from export.fingerprint import fingerprint
from export.pdf.annual import DOC_TITLE, build_annual_pdf
from export.word.annual import build_annual_docx
from forms.park.atomic import atomic_write_files
from forms.park.model import ParkData
from forms.park.parkfile import printable_park
from forms.report.annual import FINAL_KEY, check_chapter
from forms.table.calc import compute_park


@dataclass(frozen=True)
class AnnualFiles:
    pdf: Path
    docx: Path
    final: bool
    gaps: tuple[str, ...]


def annual_names(park_name: str, year: int) -> tuple[str, str]:
    stem = f"{safe_name(park_name)}_{year}{DOC_TITLE}"
    return f"{stem}.pdf", f"{stem}.docx"


def annual_bytes(park: ParkData, year: int) -> tuple[bytes, bytes, bool, list[str]]:
    result = compute_park(park)
    gaps = [g.message for g in check_chapter(park, result, year)]
    marks = park.report.extra.get(FINAL_KEY)
    final = not gaps and isinstance(marks, dict) and str(year) in marks
    shown = printable_park(park)  # the files show text they can carry (the park is not changed)
    if shown is not park:
        park, result = shown, compute_park(shown)
    fp = fingerprint(park)
    pdf = build_annual_pdf(park, year, fp, draft=not final, result=result)
    docx = build_annual_docx(park, year, draft=not final, result=result)
    return pdf, docx, final, gaps


def write_annual(park: ParkData, year: int, out_dir: str | os.PathLike[str]) -> AnnualFiles:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pdf, docx, final, gaps = annual_bytes(park, year)
    pdf_name, docx_name = annual_names(park.name, year)
    atomic_write_files([(out / pdf_name, pdf), (out / docx_name, docx)])  # both or neither (a full disk)
    return AnnualFiles(out / pdf_name, out / docx_name, final, tuple(gaps))
