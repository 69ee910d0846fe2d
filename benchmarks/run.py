"""The benchmark: cdv-check against the parse floor and a peer, in one run, on the same files.

`python benchmarks/run.py` generates the corpora it needs under `benchmarks/out/` (kept for the
next run), then times, interleaving the commands so that a busy machine slows them all alike:

- cdv-check on one dossier (median of `--repetitions` process runs) and on 1 000 dossiers
  (pieces checked, default jobs), with `--format json`;
- the floor: a python process that only parses the same files with `yaml.CSafeLoader`, and for
  one dossier a process that imports pydantic and yaml and parses it, and one that also builds
  and fills a one-field pydantic model (for information: what any pydantic tool pays);
- the peer: check-jsonschema with the dossier schema (`cdv-check schema`) on the same files;
- peak memory for 1 000 and 100 000 dossiers (`--format jsonl` and `--format json`), and the time
  for 100 000 to show that it grows linearly.

Peak memory is given two ways: the largest max RSS of one process of the tree (from `wait4`, which
the kernel keeps for the process and every descendant it reaped), and the peak of the tree's total
PSS sampled every 100 ms from /proc (shared pages counted once, split between the processes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_corpus import generate  # noqa: E402

PARSE_FLOOR = """
import os, sys, yaml
loader = yaml.CSafeLoader
for root, dirs, names in os.walk(sys.argv[1]):
    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    for name in sorted(names):
        if name.endswith((".yaml", ".yml", ".json")):
            with open(os.path.join(root, name), "rb") as f:
                yaml.load(f, Loader=loader)
"""
IMPORT_FLOOR = """
import sys, yaml
from pydantic import BaseModel
with open(sys.argv[1], "rb") as f:
    yaml.load(f, Loader=yaml.CSafeLoader)
"""
MODEL_FLOOR = """
import os, sys
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # as cdv-check does
import yaml
from pydantic import BaseModel
class Dossier(BaseModel):
    data: dict
with open(sys.argv[1], "rb") as f:
    Dossier(data=yaml.load(f, Loader=yaml.CSafeLoader))
"""
"""The same, building and using one pydantic model: the first model of a process imports the rest
of pydantic (fields, types, the plugin loader and importlib.metadata), which any pydantic tool pays."""
SCHEMA_FALLBACK = (
    "import json; from cdv_check.model.dossier import Dossier; "
    "print(json.dumps(Dossier.model_json_schema(), ensure_ascii=False))"
)
SYNTHESIS_COST = """
import json, sys, time
from datetime import date
import cdv_check
import cdv_check.core.checker as checker
from cdv_check.core.synthesis import synthesize
ref, files = cdv_check.load_referentiel(), sys.argv[1:]
spent = [0.0]
def timed(function):
    def wrapper(*args):
        start = time.perf_counter()
        try:
            return function(*args)
        finally:
            spent[0] += time.perf_counter() - start
    return wrapper
checker.demande_of, checker.content_key = timed(checker.demande_of), timed(checker.content_key)
start = time.perf_counter()
results = [cdv_check.check(f, referentiel=ref, today=date(2016, 1, 5)) for f in files]
checks = time.perf_counter() - start
folds = []
for _ in range(5):
    start = time.perf_counter()
    synthesize([(r.file, r.statut, r.demande) for r in results], ref)
    folds.append(time.perf_counter() - start)
print(json.dumps({"extraction": spent[0], "checks": checks, "fold": min(folds)}))
"""
"""In one process, through the library (`cdv_check.check`), but for the synthesis' fold, which
it times alone: what reading the synthesis' data costs (the time spent in `demande_of` and
`content_key` during the checks of the batch), and the synthesis itself (the fold over the results)."""
TARGET_BATCH_FORMAT = 1.10
"""csv and html (and the synthesis they and json share) add at most 10 % to the json batch run."""
TARGET_BATCH_FLOOR = 1.6
TARGET_BATCH_PEER = 0.15
TARGET_ONE_FLOOR = 1.3
"""One dossier against the one-model floor (issue 10); the batch against the parse floor (2.0 at
first, 1.6 since issue 21)."""
TARGET_MEMORY_MB = 150


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    code: int
    max_rss_mb: float
    """Largest max RSS of one process of the tree."""
    tree_pss_mb: float | None
    """Peak of the whole tree's PSS, sampled (None when not sampled)."""


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo.extend(int(child) for child in f.read().split())
        except OSError:
            pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(self.pid)))


def measure(cmd: Sequence[str], *, stdout: Path | None = None, sample: bool = False) -> Run:
    """Run `cmd` once: wall time, exit code and peak memory; stops the benchmark on a crash."""
    with tempfile.TemporaryFile() as err, open(stdout or os.devnull, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err)
        sampler = _Sampler(proc.pid) if sample and Path("/proc/self/smaps_rollup").exists() else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.done.set()
            sampler.join()
        if code not in (0, 1):
            err.seek(0)
            sys.exit(f"échec ({code}) de {' '.join(cmd[:4])}… :\n{err.read().decode(errors='replace')[-2000:]}")
    rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return Run(seconds, code, rss_mb, sampler.peak_kb / 1024 if sampler else None)


def interleaved(commands: dict[str, Callable[[], Run]], repetitions: int) -> dict[str, list[Run]]:
    """Each command `repetitions` times, in turn, so that load from elsewhere hits them alike."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repetitions):
        for name, command in commands.items():
            runs[name].append(command())
    return runs


def median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def corpus(out: Path, count: int, seed: int) -> Path:
    """The corpus of `count` dossiers, generated once and kept (a marker says it is complete)."""
    folder = out / f"corpus-{count}"
    marker = folder / ".complet"
    if marker.exists() and marker.read_text() == f"{count} {seed}":
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    print(f"Génération de {count} dossiers dans {folder}…", flush=True)
    generate(count, folder, seed=seed)
    marker.write_text(f"{count} {seed}")
    return folder


def dossier_files(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.glob("d*/dossier.yaml"))


def cdv_check_command() -> list[str]:
    script = Path(sys.executable).parent / "cdv-check"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cdv_check"]


def compile_cdv_check() -> None:
    """Compile cdv-check's modules first, as pip does when it installs the wheel: an editable
    checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile them at every start (some
    40 ms), which no installed cdv-check pays and the floors, already compiled, do not pay."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("cdv_check")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def write_schema(cdv: list[str], target: Path) -> str:
    """The dossier's JSON Schema from `cdv-check schema` (or the model itself, if not there yet)."""
    done = subprocess.run([*cdv, "schema"], capture_output=True, text=True)
    how = "cdv-check schema"
    if done.returncode != 0 or not done.stdout.lstrip().startswith("{"):
        done = subprocess.run([sys.executable, "-c", SCHEMA_FALLBACK], capture_output=True, text=True, check=True)
        how = "Dossier.model_json_schema() (cdv-check schema absent)"
    json.loads(done.stdout)
    target.write_text(done.stdout, encoding="utf-8")
    return how


def peer_command() -> list[str] | None:
    found = Path(sys.executable).parent / "check-jsonschema"
    if found.exists():
        return [str(found)]
    which = shutil.which("check-jsonschema")
    return [which] if which else None


def check_report(path: Path, expected: int) -> None:
    report = json.loads(path.read_text(encoding="utf-8"))
    if len(report["dossiers"]) != expected:
        sys.exit(f"rapport incomplet : {len(report['dossiers'])} dossiers au lieu de {expected}")


# --- table ------------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def verdict(ok: bool) -> str:
    return "tenu" if ok else "DÉPASSÉ"


def row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"


def table(header: Sequence[str], rows: list[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [row(header, widths), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    return "\n".join([*lines, *(row(r, widths) for r in rows)])


def memory(runs: list[Run]) -> str:
    """The highest peak over `runs`."""
    rss = max(r.max_rss_mb for r in runs)
    trees = [r.tree_pss_mb for r in runs if r.tree_pss_mb is not None]
    tree = f" (arbre : {max(trees):.0f} Mo PSS)" if trees else ""
    return f"{rss:.0f} Mo{tree}"


def peak_mb(runs: list[Run]) -> float:
    return max(max(r.max_rss_mb, r.tree_pss_mb or 0) for r in runs)


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description="Banc d'essai de cdv-check contre le plancher et un pair.")
    parser.add_argument("--dossiers", type=int, default=1000, help="taille du lot (1000)")
    parser.add_argument("--moyen", type=int, default=10_000, help="lot intermédiaire ; 0 pour l'omettre")
    parser.add_argument("--grand", type=int, default=100_000, help="taille du grand lot ; 0 pour l'omettre")
    parser.add_argument("--repetitions", type=int, default=15, help="exécutions pour un dossier (15)")
    parser.add_argument("--lots", type=int, default=5, help="exécutions pour le lot (5)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="répertoire de travail")
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    small = corpus(args.out, args.dossiers, args.seed)
    middle = corpus(args.out, args.moyen, args.seed) if args.moyen else None
    big = corpus(args.out, args.grand, args.seed) if args.grand else None
    files = dossier_files(small)
    one = files[0]
    cdv = cdv_check_command()
    compile_cdv_check()
    schema = args.out / "dossier.schema.json"
    schema_how = write_schema(cdv, schema)
    peer = peer_command()
    if peer is None:
        print("check-jsonschema absent : pip install check-jsonschema (voir benchmarks/README.md)")
    report = args.out / "rapport-lot.json"
    py = sys.executable
    print(f"Machine : {os.cpu_count()} cœurs ; Python {sys.version.split()[0]} ; schéma : {schema_how}", flush=True)

    # Warm up the file cache and the bytecode caches once, unmeasured.
    for cmd in ([*cdv, one, "--format", "json"], [py, "-c", IMPORT_FLOOR, one]):
        measure(cmd)

    one_commands: dict[str, Callable[[], Run]] = {
        "cdv": lambda: measure([*cdv, one, "--format", "json"]),
        "parse": lambda: measure([py, "-c", PARSE_FLOOR, str(Path(one).parent)]),
        "import": lambda: measure([py, "-c", IMPORT_FLOOR, one]),
        "model": lambda: measure([py, "-c", MODEL_FLOOR, one]),
    }
    if peer:
        one_commands["peer"] = lambda: measure([*peer, "--schemafile", str(schema), one])
    print(f"Un dossier : {args.repetitions} exécutions de chaque commande…", flush=True)
    ones = interleaved(one_commands, args.repetitions)

    def batch_cdv() -> Run:
        report.unlink(missing_ok=True)
        return measure([*cdv, str(small), "--format", "json"], stdout=report, sample=True)

    batch_commands: dict[str, Callable[[], Run]] = {
        "cdv": batch_cdv,
        "jsonl": lambda: measure([*cdv, str(small), "--format", "jsonl"], sample=True),
        "csv": lambda: measure([*cdv, str(small), "--format", "csv"]),
        "html": lambda: measure([*cdv, str(small), "--format", "html"]),
        "parse": lambda: measure([py, "-c", PARSE_FLOOR, str(small)]),
    }
    if peer:
        batch_commands["peer"] = lambda: measure([*peer, "--schemafile", str(schema), *files])
    print(f"Lot de {len(files)} dossiers : {args.lots} exécutions de chaque commande…", flush=True)
    batches = interleaved(batch_commands, args.lots)
    check_report(report, len(files))

    larger: list[tuple[int, str, Run]] = []
    for count, folder in ((args.moyen, middle), (args.grand, big)):
        for fmt in ("jsonl", "json"):
            if folder is not None:
                print(f"Lot de {count} dossiers, --format {fmt}…", flush=True)
                larger.append((count, fmt, measure([*cdv, str(folder), "--format", fmt], sample=True)))

    # --- figures
    t_one, t_parse1, t_import = median(ones["cdv"]), median(ones["parse"]), median(ones["import"])
    t_model = median(ones["model"])
    t_batch, t_floor = median(batches["cdv"]), median(batches["parse"])
    rows = [
        ["cdv-check, 1 dossier (json)", seconds(t_one), f"{t_one / t_model:.2f} × un modèle pydantic",
         f"≤ {TARGET_ONE_FLOOR} : {verdict(t_one / t_model <= TARGET_ONE_FLOOR)}"],
        ["plancher : analyse CSafeLoader, 1 dossier", seconds(t_parse1), "", ""],
        ["plancher : import pydantic + yaml, 1 dossier", seconds(t_import),
         f"cdv-check = {t_one / t_import:.2f} ×", "(pour information)"],
        ["plancher : de même, avec un modèle pydantic", seconds(t_model), "", ""],
    ]
    if peer:
        t_peer1 = median(ones["peer"])
        rows.append(
            ["pair : check-jsonschema, 1 dossier", seconds(t_peer1), f"cdv-check = {t_one / t_peer1:.2f} ×", ""]
        )
    rows += [
        [f"cdv-check, {len(files)} dossiers (json, pièces)", seconds(t_batch),
         f"{t_batch / t_floor:.2f} × plancher",
         f"≤ {TARGET_BATCH_FLOOR} : {verdict(t_batch / t_floor <= TARGET_BATCH_FLOOR)}"],
        [f"plancher : analyse CSafeLoader, {len(files)} dossiers", seconds(t_floor), "", ""],
    ]
    if peer:
        t_peer = median(batches["peer"])
        rows.append([f"pair : check-jsonschema, {len(files)} dossiers", seconds(t_peer),
                     f"cdv-check = {t_batch / t_peer:.3f} × pair",
                     f"≤ {TARGET_BATCH_PEER} : {verdict(t_batch / t_peer <= TARGET_BATCH_PEER)}"])
    print()
    print(table(["Mesure (médiane)", "Temps", "Rapport", "Cible"], rows))

    # --- the batch's reports for referents, and the synthesis they share with json
    print(f"\nSynthèse en un processus, {len(files)} dossiers…", flush=True)
    cost = json.loads(subprocess.run([py, "-c", SYNTHESIS_COST, *files], capture_output=True, text=True,
                                     check=True).stdout)
    synthesis_share = (cost["extraction"] + cost["fold"]) / cost["checks"]
    format_rows = []
    for fmt in ("csv", "html"):
        t_fmt = median(batches[fmt])
        format_rows.append([f"cdv-check, {len(files)} dossiers ({fmt})", seconds(t_fmt),
                            f"{t_fmt / t_batch:.3f} × json",
                            f"≤ {TARGET_BATCH_FORMAT} : {verdict(t_fmt / t_batch <= TARGET_BATCH_FORMAT)}"])
    format_rows += [
        [f"synthèse : lecture de ce que demande chaque dossier ({len(files)})", seconds(max(0.0, cost["extraction"])),
         f"{100 * cost['extraction'] / cost['checks']:.1f} % des vérifications", ""],
        [f"synthèse : totaux, porteurs, priorités, LOT ({len(files)})", seconds(cost["fold"]),
         f"{100 * cost['fold'] / cost['checks']:.1f} % des vérifications",
         f"≤ 10 % : {verdict(synthesis_share <= TARGET_BATCH_FORMAT - 1)}"],
    ]
    print()
    print(table(["Rapports du lot (médiane)", "Temps", "Rapport", "Cible"], format_rows))

    t_small = {"json": t_batch, "jsonl": median(batches["jsonl"])}
    mem_rows = [
        [f"{len(files)} dossiers, {fmt}", memory(batches["cdv" if fmt == "json" else fmt]), seconds(t), ""]
        for fmt, t in t_small.items()
    ]
    previous = {fmt: (len(files), t) for fmt, t in t_small.items()}
    for count, fmt, run in larger:
        before_n, before_t = previous[fmt]
        slope = (run.seconds - before_t) / (count - before_n)
        note = f"{slope * 1000:.2f} ms par dossier de plus (de {before_n} à {count})"
        if count == args.grand:
            note += f" ; mémoire ≤ {TARGET_MEMORY_MB} Mo : {verdict(peak_mb([run]) <= TARGET_MEMORY_MB)}"
        mem_rows.append([f"{count} dossiers, {fmt}", memory([run]), seconds(run.seconds), note])
        previous[fmt] = (count, run.seconds)
    print()
    print(table(["Lot", "Mémoire de pointe (max RSS d'un processus)", "Temps", "Linéarité, cible"], mem_rows))
    print("\nTemps linéaire : le coût d'un dossier de plus reste le même d'un palier à l'autre.")


if __name__ == "__main__":
    main()
