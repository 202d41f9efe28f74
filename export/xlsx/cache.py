"""Cached formula results in the saved workbook.

openpyxl writes a formula cell with an empty value (``<c r="D5"><f>…</f><v/></c>``, or ``<v></v>`` when it
serialises with lxml, which python-docx brings along).  Excel, WPS and
LibreOffice recalculate on open (the workbook asks for a full calculation on load), but previews, mail
viewers and programs that read cached values (pandas, openpyxl ``data_only``) would see empty cells.  So
after saving, the value the app computed for each formula is written into ``<v>`` — the same numbers the
window shows; a spreadsheet's own recalculation then replaces them with its own (identical) results.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from functools import partial
from xml.sax.saxutils import escape

from forms.park.text_rules import printable

Cached = float | int | str | None

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: [a-zA-Z]+="[^"]*")*)><f>(.*?)</f>(?:<v ?/>|<v></v>)</c>', re.S)


def _render(match: re.Match[bytes], values: Mapping[str, Cached]) -> bytes:
    ref = match.group(1).decode()
    if ref not in values:
        return match.group(0)
    value = values[ref]
    attrs = match.group(2)
    if value is None:
        return match.group(0)
    if isinstance(value, str):
        text = escape(printable(value)).encode("utf-8")  # (a typed profile field, cached on later sheets)
        return b'<c r="%s"%s t="str"><f>%s</f><v>%s</v></c>' % (match.group(1), attrs, match.group(3), text)
    number = repr(float(value)) if isinstance(value, float) else str(int(value))
    return b'<c r="%s"%s><f>%s</f><v>%s</v></c>' % (match.group(1), attrs, match.group(3), number.encode())


def inject_cached_values(data: bytes, sheets: list[str], cached: Mapping[str, Mapping[str, Cached]]) -> bytes:
    """Rewrite the saved workbook ``data`` (openpyxl output) with cached results for formula cells.

    ``sheets`` are the sheet titles in workbook order (openpyxl names their parts sheet1.xml, sheet2.xml …).
    """
    part_of = {f"xl/worksheets/sheet{i}.xml": title for i, title in enumerate(sheets, start=1)}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            title = part_of.get(info.filename)
            if title is not None and cached.get(title):
                values = cached[title]
                payload = _FORMULA_CELL.sub(partial(_render, values=values), payload)
            dst.writestr(info, payload)
    return out.getvalue()
