"""Random batches through the command, in every report format: `python fuzz_cli.py [BATCHES]`.

Each batch is a folder of one to six dossiers mutated from the examples (hostile strings put in
place of values: U+FFFE, controls, formulas, markup, GitHub commands, bidi overrides, 10 000
characters…; lines dropped or repeated), some with a hostile CERFA (a form XObject called 5 000
times, a 4 MB content stream, a truncated or random PDF). Each batch is checked once per format
(`--output`); a run passes when it exits 0 or 1, says nothing of a traceback, and its report reads
back with a real reader (json, csv, openpyxl, html.parser, ElementTree). Failing batches are kept
under `--keep`. By hand, not in CI: the counts go in the session's note.
"""

from __future__ import annotations

import argparse
import csv
import html.parser
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from hostile.test_pdf_budget import big_content_stream, xobject_bomb  # noqa: E402

EXAMPLES = ["nouvelle-action", "renouvellement-scolaire", "association-droit-local", "erreurs-typiques"]
HOSTILE = [
    "\\ufffe", "\\uffff", "\\x01\\x0b", "=HYPERLINK('http://x')", "<script>alert(1)</script>", "." * 10_000,
    "::error::x", "##[group]x", "\\u202eevil", "é" * 300, "\\U0001F600", "| a | b |", "&amp;", "\\0",
    "-1e999", "2016-02-30", "’“”", "\\t=1+1",
]
FORMATS = {"json": "json", "csv": "csv", "xlsx": "xlsx", "html": "html", "junit": "xml", "sarif": "sarif",
           "github": "log", "text": "txt"}


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        n = rng.randrange(len(lines))
        line = lines[n]
        choice = rng.random()
        if choice < 0.6 and ": " in line and not line.rstrip().endswith(":"):
            key = line.split(": ", 1)[0]
            lines[n] = f'{key}: "{rng.choice(HOSTILE)}"'
        elif choice < 0.8:
            del lines[n]
        else:
            lines.insert(n, line)
    return "\n".join(lines) + "\n"


def hostile_pdf(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return xobject_bomb()
    if kind == 1:
        return big_content_stream()
    if kind == 2:
        return (ROOT / "examples" / "nouvelle-action" / "pieces" / "cerfa-12156.pdf").read_bytes()[:300]
    return b"%PDF-1.7\n" + rng.randbytes(2000)


def make_batch(folder: Path, rng: random.Random) -> None:
    for n in range(rng.randint(1, 6)):
        example = ROOT / "examples" / rng.choice(EXAMPLES)
        target = folder / f"d{n}"
        shutil.copytree(example, target)
        dossier = next(p for p in target.iterdir() if p.name.startswith("dossier."))
        if dossier.suffix == ".yaml" and rng.random() < 0.8:
            dossier.write_text(mutate(dossier.read_text(encoding="utf-8"), rng), encoding="utf-8")
        if rng.random() < 0.3:
            (target / "pieces" / "cerfa-12156.pdf").write_bytes(hostile_pdf(rng))


class _Html(html.parser.HTMLParser):
    pass


def read_back(fmt: str, path: Path) -> None:
    data = path.read_bytes()
    if fmt in ("json", "sarif"):
        json.loads(data)
    elif fmt == "csv":
        list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        load_workbook(path)
    elif fmt == "html":
        _Html().feed(data.decode("utf-8"))
    elif fmt == "junit":
        ET.fromstring(data)
    else:
        data.decode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Lots aléatoires dans chaque format.")
    parser.add_argument("batches", type=int, nargs="?", default=20)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--keep", type=Path, default=Path("fuzz-echecs"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    runs = failures = dossiers = 0
    for number in range(args.batches):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "lot"
            make_batch(folder, rng)
            dossiers += sum(1 for _ in folder.glob("d*"))
            for fmt, suffix in FORMATS.items():
                out = Path(tmp) / f"rapport.{suffix}"
                result = subprocess.run(
                    [sys.executable, "-m", "cdv_check", str(folder), "--format", fmt, "--output", str(out),
                     "--jobs", "1"], capture_output=True, text=True, timeout=300,
                )
                runs += 1
                problem = None
                if result.returncode not in (0, 1) or "Traceback" in result.stderr:
                    problem = f"code {result.returncode}: {result.stderr[-2000:]}"
                else:
                    try:
                        read_back(fmt, out)
                    except Exception as exc:  # any reader's refusal is a failure to report
                        problem = f"illisible : {exc!r}"
                if problem:
                    failures += 1
                    kept = args.keep / f"lot-{number}-{fmt}"
                    shutil.copytree(folder, kept, dirs_exist_ok=True)
                    print(f"lot {number} {fmt} : {problem}", flush=True)
    print(f"{args.batches} lots, {dossiers} dossiers, {runs} exécutions, {failures} échec(s)")


if __name__ == "__main__":
    main()
