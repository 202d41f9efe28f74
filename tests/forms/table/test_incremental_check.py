"""The window's check after typing reuses what did not change (issue 17): the same results and findings as a
check of the whole park from scratch."""

from __future__ import annotations

from forms.park.parkfile import read_park_file
from forms.table.calc import compute_park
from forms.table.validate import YearCache, validate_park
from tests.forms.helpers import DEMO

COAL = "energy.raw_coal"


def test_reused_years_give_the_results_and_findings_of_a_full_check() -> None:
    park = read_park_file(DEMO)
    first = compute_park(park)
    cache: YearCache = {}
    assert validate_park(park, first, cache) == validate_park(park, first)
    assert sorted(cache) == park.sorted_years()

    # 2020 changes (a negative value: a new error); 2016-2019 are reused as computed
    park.years[2020].values[COAL] = "-5"
    known = {y: r for y, r in first.years.items() if y != 2020}
    again = compute_park(park, known=known)
    assert all(again.years[y] is first.years[y] for y in known)
    assert again.to_json() == compute_park(park).to_json()
    findings = validate_park(park, again, cache)
    assert findings == validate_park(park, compute_park(park))
    assert any(f.year == 2020 and f.key == COAL and "负数" in f.message for f in findings)
    assert cache[2019][5] is not None and cache[2020][0] is again.years[2020]


def test_an_explanation_typed_is_in_the_next_check_even_with_the_same_results() -> None:
    park = read_park_file(DEMO)
    park.years[2020].values[COAL] = "9999999"  # eight times 2019's: a year-on-year warning to explain
    result = compute_park(park)
    cache: YearCache = {}
    warnings = [f for f in validate_park(park, result, cache) if f.level == "warning"]
    assert warnings and not any(f.explanation for f in warnings)
    w = warnings[0]
    assert w.year is not None
    park.years[w.year].explanations[w.key] = "产能调整所致"
    explained = [f for f in validate_park(park, result, cache) if (f.year, f.key, f.code) == (w.year, w.key, w.code)]
    assert [f.explanation for f in explained] == ["产能调整所致"]
    assert validate_park(park, result, cache) == validate_park(park, result)
