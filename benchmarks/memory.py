"""Peak memory of a batch's report, format by format, at growing sizes: `python memory.py`.

The memory that grows with a batch is the main process's: what the reporters and the synthesis
keep of each dossier until the end of the report (the workers each check one dossier at a time).
To measure it at 100 000 dossiers without checking 100 000 files (CPU hours on a small machine),
each measure runs in a fresh process that checks a few real dossiers once, then feeds N results
made from them (each with its own file name, content and SIRET, so that no two are duplicates
and each is a carrier of its own, as in a real call) through
the same path as the command: `Summary`, the format's reporter, `stream` into a file opened by
`open_report`. Its peak RSS (`getrusage`, RUSAGE_SELF) is printed, in MB.

`--cli CORPUS` measures instead the real command on a corpus (`make_corpus.py`): the largest
peak RSS of its process tree (the command and its workers, `getrusage` RUSAGE_CHILDREN).

`--growth A B` says what grows: in one process per format, `tracemalloc` snapshots taken after the
last dossier of a batch of A, then of B dossiers, compared line by line (bytes and objects per
dossier still alive, gc run first). `--markdown` prints the table as the README's.

    python benchmarks/memory.py                                  # 1 000 and 10 000, four formats
    python benchmarks/memory.py --sizes 100000 --formats xlsx    # one size, one format
    python benchmarks/memory.py --sizes 1000 10000 100000 --markdown
    python benchmarks/memory.py --growth 2000 10000 --formats json
    python benchmarks/memory.py --cli benchmarks/out/corpus-1000 --formats json csv
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("erreurs-typiques", "nouvelle-action", "renouvellement-scolaire", "association-droit-local")
SUFFIX = {"json": "json", "jsonl": "jsonl", "csv": "csv", "html": "html", "xlsx": "xlsx", "junit": "xml",
          "sarif": "sarif", "text": "txt"}


def feed(fmt: str, count: int, faulty: bool, after_last: Callable[[], None] | None = None) -> int:
    """In this process: `count` results through the `fmt` reporter into a file; peak RSS in MB.
    `after_last` is called after the last result is taken, before the end of the report."""
    from cdv_check import __version__
    from cdv_check.core.batch import check_one
    from cdv_check.core.checker import Settings
    from cdv_check.core.summary import Summary
    from cdv_check.core.synthesis import Builder
    from cdv_check.model.referentiel import load
    from cdv_check.reporters import BINARY, make, stream
    from cdv_check.reporters.output import open_report

    ref = load()
    settings = Settings(today=date(2016, 1, 6))
    names = EXAMPLES[:1] if faulty else EXAMPLES
    models = [check_one(str(ROOT / "examples" / name / "dossier.yaml"), ref, settings) for name in names]

    def results():  # type: ignore[no-untyped-def]
        for n in range(count):
            model = models[n % len(models)]
            file = f"lot/d{n:06}/dossier.yaml"
            demande = model.demande._replace(content_key=n.to_bytes(8, "big"), intitule=f"{model.demande.intitule} {n}",
                                             siret=f"{n:014}")
            yield model._replace(file=file, demande=demande)
        if after_last is not None:
            after_last()

    reporter = make(fmt, ref_id=ref.id, version=__version__, strict=False, ref=ref, color=False, width=100,
                    encoding="utf-8")
    summary = Summary(builder=Builder(ref))
    with tempfile.TemporaryDirectory() as folder, \
            open_report(Path(folder) / f"rapport.{SUFFIX[fmt]}", binary=fmt in BINARY) as out:
        stream(results(), reporter, out, summary)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def growth(fmt: str, small: int, large: int, faulty: bool, lines: int = 12) -> None:
    """In this process: what is still allocated after the last dossier, per dossier, from a
    batch of `small` to one of `large` dossiers, by line of source (the heaviest first)."""
    import gc
    import tracemalloc

    snapshots: list[tracemalloc.Snapshot] = []

    def snap() -> None:
        gc.collect()
        snapshots.append(tracemalloc.take_snapshot())

    tracemalloc.start()
    for count in (small, large):
        feed(fmt, count, faulty, snap)
    per = large - small
    stats = snapshots[1].compare_to(snapshots[0], "lineno")
    total = sum(stat.size_diff for stat in stats)
    print(f"{fmt} : {total / per:.0f} octets par dossier de {small} à {large} dossiers (tracemalloc)")
    for stat in stats[:lines]:
        frame = stat.traceback[0]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        print(f"  {stat.size_diff / per:8.1f} o/dossier {stat.count_diff / per:6.2f} objets/dossier  {where}")


def measure(fmt: str, count: int, faulty: bool) -> int:
    command = [sys.executable, __file__, "--one", fmt, str(count)] + (["--faulty"] if faulty else [])
    return int(subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()[-1])


def measure_cli(corpus: Path, fmt: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        program = (
            "import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:])\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
        )
        command = [sys.executable, "-c", program, sys.executable, "-m", "cdv_check", str(corpus), "--format", fmt,
                   "--output", str(Path(folder) / f"rapport.{SUFFIX[fmt]}")]
        return int(subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description="Mémoire de pointe d'un lot, format par format.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="tailles de lot")
    parser.add_argument("--formats", nargs="+", default=["json", "csv", "html", "xlsx"], help="formats")
    parser.add_argument("--faulty", action="store_true", help="des dossiers erronés (16 constats chacun)")
    parser.add_argument("--cli", type=Path, help="mesurer la commande sur ce corpus (make_corpus.py)")
    parser.add_argument("--growth", type=int, nargs=2, metavar=("A", "B"),
                        help="ce qui croît par dossier de A à B dossiers (tracemalloc)")
    parser.add_argument("--markdown", action="store_true", help="le tableau du README")
    parser.add_argument("--one", nargs=2, metavar=("FORMAT", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(feed(args.one[0], int(args.one[1]), args.faulty))
        return
    if args.growth:
        for fmt in args.formats:
            command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                       f"import memory; memory.growth({fmt!r}, {args.growth[0]}, {args.growth[1]}, {args.faulty})"]
            subprocess.run(command, check=True)
        return
    if args.cli:
        for fmt in args.formats:
            print(f"{args.cli.name} {fmt:5} {measure_cli(args.cli, fmt):6} Mo", flush=True)
        return
    if args.markdown:
        print("| dossiers | " + " | ".join(f"`{fmt}`" for fmt in args.formats) + " |")
        print("|---|" + "---|" * len(args.formats))
    else:
        print(f"{'dossiers':>9} " + " ".join(f"{fmt:>6}" for fmt in args.formats) + "   (Mo, pointe RSS)")
    for count in args.sizes:
        figures = [measure(fmt, count, args.faulty) for fmt in args.formats]
        if args.markdown:
            print(f"| {count:,} | ".replace(",", " ") + " | ".join(f"{mb} Mo" for mb in figures) + " |", flush=True)
        else:
            print(f"{count:>9} " + " ".join(f"{mb:>6}" for mb in figures), flush=True)


if __name__ == "__main__":
    main()
