"""Build step of the wheel: the embedded référentiel, loaded at build time into the JSON that
cdv-check loads at each start (see `COMPILED_NAME` in src/cdv_check/model/referentiel.py).

data/referentiel.yaml stays the one source of every fact of the call: the JSON is the référentiel
cdv-check's library door reads from it (`cdv_check.load_referentiel`: read and validated, so a
référentiel that is not valid stops the build with its French message, at its line), dumped as
JSON by each build. An editable install gets none and reads the YAML.
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
    """The référentiel of the source tree at `root`, loaded through cdv-check's public API and
    dumped as JSON: the keys the YAML gives (no default written out), each value typed as the
    référentiel holds it. Loading it back (`Referentiel.model_validate`) gives the same référentiel."""
    sys.path.insert(0, str(root / "src"))
    try:
        import cdv_check
    finally:
        sys.path.pop(0)
    ref = cdv_check.load_referentiel(root / "data" / "referentiel.yaml")
    return json.dumps(ref.model_dump(mode="json", by_alias=True, exclude_unset=True), ensure_ascii=False)


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
