"""Known form versions.  A new official layout is registered here, beside the old ones."""

from __future__ import annotations

from functools import cache

from forms.table.definition import FormDefinition
from forms.table.versions import eip2021, eip2026

DEFAULT_FORM = "eip-2021"
FORM_VERSIONS = ("eip-2021", "eip-2026")


class UnknownFormError(KeyError):
    def __init__(self, version: str) -> None:
        super().__init__(version)
        self.version = version

    def __str__(self) -> str:
        return f"未知的表格版本“{self.version}”（本程序支持：{'、'.join(FORM_VERSIONS)}）"


@cache
def form_for(version: str = DEFAULT_FORM) -> FormDefinition:
    if version == "eip-2021":
        return eip2021.build()
    if version == "eip-2026":
        return eip2026.build()
    raise UnknownFormError(version)
