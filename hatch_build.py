"""Build step of the wheel: the embedded référentiel, read at build time into the JSON that
cdv-check loads at each start (see `COMPILED_NAME` in src/cdv_check/model/referentiel.py).

data/referentiel.yaml stays the one source of every 2016 fact: the JSON is its data exactly as
cdv-check's own reader gives it, made from it by each build. An editable install gets none and
reads the YAML.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMPILED_NAME = "referentiel.json"


def compiled_json(root: Path) -> str:
    """The référentiel's data, read by cdv-check's reader from the source tree at `root`."""
    sys.path.insert(0, str(root / "src"))
    try:
        from cdv_check.reading.loading import read_structured
    finally:
        sys.path.pop(0)
    document = read_structured(root / "data" / "referentiel.yaml")
    if document.problems:
        first = document.problems[0]
        raise RuntimeError(f"data/referentiel.yaml:{first.line}:{first.column}: {first.message}")
    return json.dumps(document.data, ensure_ascii=False)


class CompiledReferentiel(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        self._folder = tempfile.mkdtemp(prefix="cdv-check-build-")
        target = Path(self._folder) / COMPILED_NAME
        target.write_text(compiled_json(Path(self.root)), encoding="utf-8")
        build_data["force_include"][str(target)] = f"cdv_check/data/{COMPILED_NAME}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
