"""Small builders for park files used by the forms tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[3] / "shared"
REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"
EXPECTED = SHARED / "fixtures" / "demo-park.expected.json"


def demo_doc() -> dict[str, Any]:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def expected_doc() -> dict[str, Any]:
    path = EXPECTED if EXPECTED.exists() else REPO / "tests" / "forms" / "fixtures" / "demo-park.expected.json"
    return json.loads(path.read_text(encoding="utf-8"))


def minimal_doc(years: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "parkcarbon/1",
        "form": "eip-2021",
        "park": {"park.name": "测试园区", "park.province": "江苏省", "park.status": "批准建设",
                 "park.management_body": "测试园区管委会"},
        "years": {},
    }  # fmt: skip
    for y, values in (years or {}).items():
        doc["years"][y] = {"values": copy.deepcopy(values), "factors": {}, "explanations": {}, "meta": {}}
    return doc


def write(tmp_path: Path, doc: dict[str, Any], name: str = "park.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path
