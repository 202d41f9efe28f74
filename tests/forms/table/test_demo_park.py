"""The shared demo park must reproduce its independently computed results, through the command line."""

from __future__ import annotations

import json
import math
import subprocess
import sys

from forms.park.parkfile import read_park_file
from forms.table.calc import compute_park
from tests.forms.helpers import DEMO, REPO, expected_doc


def _close(got: object, want: float | None) -> bool:
    if want is None:
        return got is None
    return isinstance(got, float) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6)


def test_calc_command_matches_expected_for_every_key_and_year() -> None:
    proc = subprocess.run([sys.executable, "main.py", "calc", str(DEMO)], cwd=REPO, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    expected = expected_doc()
    mismatches = [
        (year, key, want, got["years"][year].get(key, "MISSING"))
        for year, values in expected["years"].items()
        for key, want in values.items()
        if not _close(got["years"][year].get(key, "MISSING"), want)
    ]
    assert mismatches == []
    assert len(expected["years"]) == 5


def test_trend_matches_expected() -> None:
    result = compute_park(read_park_file(DEMO)).to_json()
    expected = expected_doc()["trend"]
    for key, want in expected.items():
        got = result["trend"][key]
        if isinstance(want, dict):
            assert set(got) == set(want), key
            assert all(_close(got[y], v) for y, v in want.items()), key
        elif isinstance(want, int):
            assert got == want
        else:
            assert _close(got, want), key


def test_calc_output_has_every_computed_key_and_no_nan() -> None:
    park = read_park_file(DEMO)
    result = compute_park(park)
    computed = {f.key for f in result.form.fields if f.is_computed}
    for year in result.years.values():
        assert set(year.computed) == computed
        assert all(v is None or math.isfinite(v) for v in year.computed.values())
    json.dumps(result.to_json(), allow_nan=False)
