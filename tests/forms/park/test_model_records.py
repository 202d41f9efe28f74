"""The records of forms.park.model and forms.table.definition: fresh defaults, equality, repr, read-only definitions."""

from __future__ import annotations

import pytest

from forms.park.model import FactorOverride, ParkData, ReportData, YearData
from forms.table.definition import Field, Rule
from forms.table.registry import form_for


def test_defaults_are_fresh_per_instance() -> None:
    a, b = YearData(), YearData()
    a.values["energy.coal"] = "12"
    assert b.values == {} and a.form == "eip-2021"
    p, q = ParkData(), ParkData()
    p.report.sections["1.1"] = "文字"
    assert q.report.sections == {} and q.years == {}
    assert ReportData().projects == [] and ReportData().extra == {}


def test_equality_compares_every_attribute_and_copies_are_deep() -> None:
    park = ParkData(park={"park.name": "甲园区"}, years={2016: YearData(values={"x": "1"})})
    twin = park.copy()
    assert twin == park and twin is not park
    twin.years[2016].factors["f"] = FactorOverride("0.5", "省级清单")
    assert twin != park and park.years[2016].factors == {}
    assert FactorOverride(1, "a") == FactorOverride(1, "a") != FactorOverride(1, "b")
    assert YearData() != ReportData() and YearData() != 1


def test_records_are_unhashable_and_readable() -> None:
    with pytest.raises(TypeError):
        hash(YearData())
    assert repr(FactorOverride("0.5", "源")) == "FactorOverride(value='0.5', source='源')"
    assert repr(ParkData()).startswith("ParkData(park={}, years={}, report=ReportData(outline='eip-2021'")


def test_report_json_is_a_copy() -> None:
    report = ReportData(projects=[{"name": "光伏"}], extra={"final": {"at": "x"}})
    data = report.to_json()
    data["projects"][0]["name"] = "改"
    data["final"]["at"] = "y"
    assert report.projects == [{"name": "光伏"}] and report.extra == {"final": {"at": "x"}}


def test_field_and_definition_are_read_only() -> None:
    field = Field("a.b", "甲", formula="x + 1", rules=(Rule("required"),))
    with pytest.raises(AttributeError):
        field.label = "乙"  # type: ignore[misc]
    form = form_for("eip-2021")
    with pytest.raises(AttributeError):
        form.title = "改"  # type: ignore[misc]
    assert form.title == "园区年度碳排放基础数据表" and "eip-2021" in repr(form)


def test_formula_parsed_once_per_text() -> None:
    one, two = Field("a", "甲", formula="p * q"), Field("b", "乙", formula="p * q")
    assert one.expr is one.expr is two.expr
    assert one.expr is not None and one.expr.names() == {"p", "q"}
    assert Field("c", "丙").expr is None
