"""The content fingerprint printed on every page and written to the package manifest.

It is the first 12 hex digits of SHA-256 over the canonical park-file JSON (sorted keys, no insignificant
whitespace, UTF-8): the data, the factor overrides, the explanations and the report text.  It does not
depend on the export date, the program version or the rendering, so a paper copy printed last week and
today's e-mailed package carry the same value exactly when their content is the same.

The report module's :func:`forms.report.check.content_fingerprint` is the same hash over the same JSON
minus the 定稿 gate's own bookkeeping (the final mark, figure snapshot, check notes), so marking a park
final does not change the value; it is used when present, so the window and the paper show one number.
"""

from __future__ import annotations

import hashlib
import json

from forms.park.model import ParkData
from forms.park.parkfile import park_to_json
from forms.report.check import content_fingerprint

LENGTH = 12


def canonical_json(park: ParkData) -> bytes:
    doc = park_to_json(park)
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate typed in the window hashes too


def fingerprint(park: ParkData) -> str:
    return content_fingerprint(park)[:LENGTH]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
