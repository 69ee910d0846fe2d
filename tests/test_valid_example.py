from __future__ import annotations

from conftest import MakeCase


def test_complete_example_passes_even_strictly(make_case: MakeCase) -> None:
    result = make_case().check()
    assert result.passed(strict=True)
    # Only advice remains: days left before the deadline, extranet codes for a first request,
    # and the 2016 priorities of its QPV as ideas.
    assert sorted(f.rule for f in result.findings) == ["ELG06", "OBJ04", "PCE09"]
    assert {f.severity for f in result.findings} == {"info"}
