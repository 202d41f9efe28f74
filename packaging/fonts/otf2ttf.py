"""Convert the Fandol fonts (CFF-outline OpenType) to TrueType outlines, once, offline.

reportlab's TTFont embeds TrueType (glyf) outlines only, so the bundled resources/fonts/Fandol*.ttf are made
from the upstream .otf files (CTAN ``fandol``, also in Debian's texlive-lang-chinese) with this script:

    python packaging/fonts/otf2ttf.py FandolFang-Regular.otf resources/fonts/FandolFang-Regular.ttf

The cubic outlines become quadratic (fontTools cu2qu, max error 1 unit of the 1000-unit em); metrics, cmap,
names and the rest are kept.  A developer tool: it needs fontTools, the program does not.
"""

from __future__ import annotations

import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

MAX_ERR = 1.0  # font units (em = 1000)


def convert(src: str, dst: str) -> None:
    font = TTFont(src)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names (CID fonts have none worth keeping)
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(dst)


if __name__ == "__main__":
    convert(sys.argv[1], sys.argv[2])
