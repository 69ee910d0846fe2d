"""The pre-commit hook shipped in .pre-commit-hooks.yaml: its default file pattern takes dossiers,
never a CI workflow or a tool's configuration (pre-commit matches both with re.search)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT


def _hook() -> dict[str, str]:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "cdv-check" and hook["entry"] == "cdv-check check"
    return dict(hook)


def _checked(path: str) -> bool:
    hook = _hook()
    return bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)


def test_dossiers_are_checked() -> None:
    for path in ("demandes/borny/dossier.yaml", "dossier.yml", "lot/a/dossier.json", "examples/x/dossier.yaml"):
        assert _checked(path), path


def test_ci_workflows_and_tool_configurations_are_not_dossiers() -> None:
    for path in (".github/workflows/cdv-check.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml",
                 ".cdv-check.yaml", "sous/projet/.github/workflows/ci.yaml", "docker-compose.yml",
                 "package.json", ".gitlab/ci/verif.yml", "cdv-check.schema.json"):
        assert not _checked(path), path


def test_the_readme_snippet_names_no_tag_that_does_not_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = readme[readme.index("## pre-commit"):]
    revs = re.findall(r"^\s*rev:\s*(\S+)", snippet, re.M)
    assert revs and all(re.fullmatch(r"[0-9a-f]{40}", rev) for rev in revs), revs  # a commit, not a tag
    assert "repo: local" in snippet and "language: system" in snippet


def _contributor_hooks() -> dict[str, dict[str, str]]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def _run_hook(hook: dict[str, str], folder: Path) -> subprocess.CompletedProcess[str]:
    """The hook's command as pre-commit runs it, with this test's environment for `.venv`."""
    bin_folder = str(Path(sys.executable).parent)
    command = hook["entry"].replace(".venv/bin", bin_folder)
    return subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True, timeout=120)


def test_the_contributor_hooks_are_the_gates_not_the_offered_hook() -> None:
    hooks = _contributor_hooks()
    assert set(hooks) == {"ruff", "json-schema"}
    assert hooks["ruff"]["entry"].split()[1:3] == ["check", "--force-exclude"]
    assert "cdv-check" not in hooks


def test_the_schema_hook_passes_on_the_committed_schema_and_fails_on_a_stale_one(tmp_path: Path) -> None:
    hook = _contributor_hooks()["json-schema"]
    assert _run_hook(hook, ROOT).returncode == 0
    stale = (ROOT / "cdv-check.schema.json").read_text(encoding="utf-8").replace('"title"', '"titre"', 1)
    (tmp_path / "cdv-check.schema.json").write_text(stale, encoding="utf-8")
    result = _run_hook(hook, tmp_path)
    assert result.returncode == 1 and "cdv-check schema > cdv-check.schema.json" in result.stdout
