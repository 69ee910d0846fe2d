from __future__ import annotations

from conftest import MakeCase


def test_complete_example_has_no_finding(make_case: MakeCase) -> None:
    result = make_case().check()
    assert result.findings == ()
    assert result.passed()
