"""A form version whose factor the library lacks: the command line says which, in Chinese, without a traceback."""

from __future__ import annotations

import pytest

from export.cli import main
from forms.resources import resources_dir
from tests.forms.table.test_factors import _form_with_a_fuel_the_library_lacks


def test_calc_says_which_factor_is_missing_instead_of_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    form = _form_with_a_fuel_the_library_lacks()
    monkeypatch.setattr("forms.table.calc.form_for", lambda version="eip-2021": form)
    code = main(["calc", str(resources_dir() / "demo" / "demo-park.json")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(
        "错误：表格版本 eip-scratch“试验版”，2016 年，键 energy.biogas.tce_factor：默认因子“energy:biogas:tce”"
    )
    assert "Traceback" not in err
