"""The html page's parts of each dossier are written as it arrives, the « Lot » cell of its line
only at the end (the batch findings about its file are known then): the page says what the csv
says of the same batch, whole or interrupted, each line's anchor leading to its findings."""

from __future__ import annotations

import csv
import io
import os
import signal
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import cdv_check.core.batch as batch
import cdv_check.reporters.html_report as html_report
from mixed_batch import ORDER, run


class Page(HTMLParser):
    """The table of requests (each line's file, anchor and cells) and the findings' ids."""

    def __init__(self) -> None:
        super().__init__()
        self.in_table = False
        self.lines: list[dict[str, Any]] = []
        self.cell: list[str] | None = None
        self.details: list[str] = []
        self.interrupted = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            self.in_table = attributes.get("id") == "table-demandes"
        elif self.in_table and tag == "tr" and "data-fichier" in attributes:
            self.lines.append({"file": attributes["data-fichier"], "cells": []})
        elif self.in_table and tag == "td" and self.lines:
            self.cell = []
        elif self.in_table and tag == "a" and self.lines:
            self.lines[-1]["href"] = attributes["href"]
        elif tag == "details":
            self.details.append(attributes["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_table = False
        elif tag == "td" and self.cell is not None:
            self.lines[-1]["cells"].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        self.interrupted = self.interrupted or "interrompu" in data


def _read(page: str) -> Page:
    parsed = Page()
    parsed.feed(page)
    return parsed


def _csv(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def _says_what_the_csv_says(page: Page, table: list[dict[str, str]]) -> None:
    assert [line["file"] for line in page.lines] == [row["Fichier"] for row in table]
    for n, (line, row) in enumerate(zip(page.lines, table, strict=True), start=1):
        lot = line["cells"][10]
        counted = row["Compté dans les totaux"] == "oui"
        assert lot == (row["Constats du lot"] + ("" if counted else " (non compté)")).strip(), row["Fichier"]
        assert line["href"] == f"#d{n}"
    assert page.details == [f"d{n}" for n in range(1, len(table) + 1)]


def test_each_line_gets_its_lot_cell_at_the_end(own_mixed_batch: list[str]) -> None:
    run("--output", "rapport.html", "lot")
    run("--output", "rapport.csv", "lot")
    page = _read(Path("rapport.html").read_text(encoding="utf-8"))
    table = _csv(Path("rapport.csv").read_bytes())
    _says_what_the_csv_says(page, table)
    assert not page.interrupted
    by_file = {line["file"]: line["cells"][10] for line in page.lines}
    # The first file of a LOT01 group, written long before the group was known to be one.
    assert by_file["lot/a-atelier/dossier.yaml"] == "LOT01, LOT02"
    assert by_file["lot/c-copie/dossier.yaml"].endswith("(non compté)")


def test_an_interrupted_batch_has_a_whole_page_of_the_dossiers_done(
    own_mixed_batch: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    done = 5  # f, a, b, c, d: a LOT01 group among them
    checked = batch.run_tasks

    def interrupted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for n, result in enumerate(checked(*args, **kwargs)):
            if n == done:
                raise KeyboardInterrupt  # as the batch does when Ctrl-C comes between two results
            yield result

    monkeypatch.setattr(batch, "run_tasks", interrupted)
    assert run("--output", "rapport.html", "lot").exit_code == 130
    assert run("--output", "rapport.csv", "lot").exit_code == 130
    text = Path("rapport.html").read_text(encoding="utf-8")
    assert text.endswith("</body>\n</html>")  # closed, not cut
    page = _read(text)
    table = _csv(Path("rapport.csv").read_bytes())
    assert len(table) == done and [row["Fichier"] for row in table] == ORDER[:done]
    _says_what_the_csv_says(page, table)
    assert page.interrupted


@pytest.mark.parametrize("count", [3, 600])
def test_the_parts_kept_on_disk_come_back_as_they_were(count: int) -> None:
    from cdv_check.reporters.spool import TextSpool

    parts = TextSpool()
    written = [f"<li>n° {n} — « {'é' * (n % 7)} »\r\n\t€</li>\n" for n in range(count)]
    for text in written:
        parts.add(text)
    assert "".join(parts) == "".join(written)
    assert "".join(parts) == "".join(written)  # read twice: the page is rendered once, but nothing forbids it
    parts.close()


def test_a_signal_while_the_page_is_written_leaves_no_file(
    own_mixed_batch: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGTERM after the last dossier, as the table's lines rendered ahead are put in the page."""
    spliced = html_report._lines

    def signalled(*args: Any) -> Iterator[str]:
        os.kill(os.getpid(), signal.SIGTERM)
        yield from spliced(*args)

    monkeypatch.setattr(html_report, "_lines", signalled)
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = run("--output", "rapport.html", "lot")
    finally:  # the run ignores later signals until the process ends: this one goes on
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    assert result.exit_code == 143, result.output
    assert "interrompu pendant l'écriture du rapport" in result.output
    assert not Path("rapport.html").exists()
    assert sorted(p.name for p in Path().iterdir()) == ["lot"]  # nor its temporary file
