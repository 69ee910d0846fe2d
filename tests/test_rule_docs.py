"""Every rule's explanation has the fixed parts, in order, and its two examples say the truth:
the refused fragment, put into the complete example, gives the rule's finding; its correction
takes it away."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal

import pytest

from cdv_check.core.checker import Settings, check_path
from cdv_check.core.findings import Severity
from cdv_check.core.registry import HEADINGS, all_rules
from cdv_check.model.referentiel import Subvention, load
from conftest import TODAY, VALID_EXAMPLE, MakeCase

NOT_A_DOSSIER_FRAGMENT = {
    "SCH01": "the example is a command line: an unreadable file cannot be written as text",
    "SCH08": "the example differs only by its encoding, which a text fragment cannot show",
    "PCE08": "the example differs by the piece file's content, not by the dossier",
    "PCE11": "the example differs by the form's content (its number), not by the dossier",
}
"""Rules whose examples cannot be checked by putting a fragment into a dossier."""

OTHER_CALLS: dict[str, dict[str, object]] = {
    "BUD05": {"subvention": Subvention(part_max_cout_pct=Decimal(80))},
}
"""Rules the 2016 call never gives (it states no bounds to a request): their examples are checked
on the 2016 référentiel given what another call states."""
BATCH_FAMILIES = ("LOT",)
"""Rules checked across the dossiers of a batch: one dossier alone never gives their findings."""
ONE_DOSSIER_RULES = sorted(
    r for r in all_rules() if r not in NOT_A_DOSSIER_FRAGMENT and not r.startswith(BATCH_FAMILIES)
)


def _examples(rule_id: str) -> tuple[str, str]:
    parts = dict(all_rules()[rule_id].parts)
    return textwrap.dedent(parts["Exemple refusé"]), textwrap.dedent(parts["Correction"])


@pytest.mark.parametrize("rule_id", sorted(all_rules()))
def test_every_rule_explains_itself_in_the_fixed_parts(rule_id: str) -> None:
    parts = all_rules()[rule_id].parts
    assert tuple(title for title, _ in parts) == HEADINGS, (
        f"{rule_id}: its explanation must have, in this order, the parts {', '.join(HEADINGS)}"
    )
    for title, text in parts:
        assert text.strip(), f"{rule_id}: « {title} » is empty"
    sections = dict(parts)
    assert "«" in sections["L'appel"] and "»" in sections["L'appel"], f"{rule_id}: quote the call in « »"
    assert re.search(r"\(\d", sections["L'appel"]), f"{rule_id}: name the call's section, e.g. (3.1 …)"
    for title in ("Exemple refusé", "Correction"):
        lines = [line for line in sections[title].splitlines() if line.strip()]
        assert all(line.startswith("    ") for line in lines), f"{rule_id}: indent « {title} » by 4"
    assert sections["Exemple refusé"] != sections["Correction"], rule_id


def _top_level_blocks(text: str) -> dict[str, str]:
    """`key:` blocks at column 0, each with its following lines (comments go with the next key)."""
    blocks: dict[str, str] = {}
    pending: list[str] = []
    key = None
    for line in text.splitlines(keepends=True):
        match = re.match(r"([A-Za-z_]\w*):", line)
        if match:
            key = match.group(1)
            blocks[key] = "".join(pending) + line
            pending = []
        elif key is None or line.startswith("#"):
            pending.append(line)
        else:
            blocks[key] += line
    return blocks


def _dossier_with(fragment: str) -> str:
    """The complete example with each top-level part the fragment names replaced by the
    fragment's (added when the example has none)."""
    blocks = _top_level_blocks((VALID_EXAMPLE / "dossier.yaml").read_text(encoding="utf-8"))
    blocks.update(_top_level_blocks(fragment))
    return "".join(block if block.endswith("\n") else block + "\n" for block in blocks.values())


@pytest.mark.parametrize("rule_id", ONE_DOSSIER_RULES)
def test_the_refused_example_gives_the_finding_and_its_correction_removes_it(
    make_case: MakeCase, rule_id: str
) -> None:
    refused, corrected = _examples(rule_id)
    case = make_case(text=_dossier_with(refused))
    ref = load().model_copy(update=OTHER_CALLS.get(rule_id, {}))

    def found() -> set[tuple[str, Severity, str]]:
        result = check_path(case.path, ref, Settings(today=TODAY))
        return {(f.path, f.severity, f.message) for f in result.findings if f.rule == rule_id}

    before = found()
    case.path.write_text(_dossier_with(corrected), encoding="utf-8")  # beside the same pieces
    after = found()
    assert before - after, f"{rule_id}: the refused example does not give the finding ({before} → {after})"
    places = {(path, severity) for path, severity, _ in before}
    worse = {(path, severity) for path, severity, _ in after if severity is not Severity.INFO} - places
    assert not worse, f"{rule_id}: the correction gives findings of its own: {worse}"
