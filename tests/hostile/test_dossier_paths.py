"""Dossier paths that are not regular files: a pipe, a folder, a dangling link, a device.

check-jsonschema and yamllint block forever on a FIFO; here nothing is ever read from one.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from cdv_check.core.batch import check_one
from cdv_check.core.checker import Settings
from cdv_check.model.referentiel import load

from .conftest import Batch, check


def test_fifo_is_refused_without_blocking(batch: Batch) -> None:
    fifo = batch.folder / "tube.yaml"
    os.mkfifo(fifo)
    report = batch.check(fifo)
    assert report.exit_code == 1
    [finding] = report.findings(fifo)
    assert finding["rule"] == "SCH01"
    assert "tube" in finding["message"]
    assert finding["line"] is None


def test_fifo_found_in_a_folder_is_refused_and_the_rest_reported(batch: Batch) -> None:
    os.mkfifo(batch.folder / "tube.yaml")
    report = check(batch.folder)
    assert report.exit_code == 1
    assert [f["rule"] for f in report.findings(batch.folder / "tube.yaml")] == ["SCH01"]
    assert report.dossier(batch.valid)["passed"]


def test_dangling_link_is_refused(batch: Batch) -> None:
    link = batch.folder / "lien.yaml"
    link.symlink_to(batch.folder / "disparu.yaml")
    report = batch.check(link)
    assert report.exit_code == 1
    [finding] = report.findings(link)
    assert finding["rule"] == "SCH01"
    assert "lien brisé" in finding["message"]


def test_dangling_link_found_in_a_folder_is_refused(batch: Batch) -> None:
    (batch.folder / "lien.yaml").symlink_to("/nulle/part.yaml")
    report = check(batch.folder)
    assert [f["rule"] for f in report.findings(batch.folder / "lien.yaml")] == ["SCH01"]
    assert report.dossier(batch.valid)["passed"]


def test_link_to_a_device_is_refused_without_reading_it(batch: Batch) -> None:
    link = batch.folder / "zero.yaml"
    link.symlink_to("/dev/zero")
    report = batch.check(link)
    assert [f["rule"] for f in report.findings(link)] == ["SCH01"]


def test_device_given_on_the_command_line_is_refused(batch: Batch) -> None:
    report = batch.check(Path("/dev/zero"))
    assert report.exit_code == 1
    [finding] = report.findings("/dev/zero")
    assert finding["rule"] == "SCH01"


def test_folder_named_like_a_dossier_is_searched_not_read(batch: Batch) -> None:
    folder = batch.folder / "sous-dossier.yaml"
    folder.mkdir()
    report = check(batch.folder)
    assert report.exit_code == 0
    assert [d["file"] for d in report.data["dossiers"]] == [str(batch.valid)]


def test_folder_reaching_the_checker_is_refused(batch: Batch) -> None:
    # A folder can reach the checker when it replaces a file between listing and reading.
    folder = batch.folder / "remplace.yaml"
    folder.mkdir()
    result = check_one(str(folder), load(), Settings(today=date(2016, 1, 5)))
    [finding] = result.findings
    assert finding.rule == "SCH01"
    assert "dossier, pas un fichier" in finding.message


def test_link_loop_is_refused(batch: Batch) -> None:
    loop = batch.folder / "boucle.yaml"
    loop.symlink_to(loop)
    report = batch.check(loop)
    assert report.exit_code == 1
    [finding] = report.findings(loop)
    assert finding["rule"] == "SCH01"
    assert "impossible de l'ouvrir (trop de liens symboliques" in finding["message"]
