"""The pre-commit hook shipped in .pre-commit-hooks.yaml: its default file pattern takes dossiers,
never a CI workflow or a tool's configuration (pre-commit matches both with re.search)."""

from __future__ import annotations

import re

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
