"""With another call's référentiel, no output of any command names a fact of the 2016 call.

Everything cdv-check writes about a call (the reports' headings, the rules' documentation and
its examples, the help texts, `init`'s questions) comes from the référentiel in use. The proof:
a référentiel derived from the 2016 one with every fact replaced (its QPV and communes, the
people, institutions, addresses and e-mails, the form number, the title, the dates moved fifteen
years on), and the other référentiels of `tests/referentiels/`, run through every command and
every format of `check`; no output may hold any of the 2016 facts, listed from
`data/referentiel.yaml` itself.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.model.referentiel import embedded_path, fold, load
from cdv_check.reporters import FORMATS
from cdv_check.text.french import french_date
from conftest import EXAMPLES, ROOT, yaml_data, yaml_text

ORIGINAL: dict[str, Any] = yaml_data(embedded_path().read_text(encoding="utf-8"))
YEARS_LATER = 15

# --- the facts of the 2016 call, from its référentiel ---------------------------------------

_NAMES = ("nom", "slug", "commune", "variantes", "institution", "telephone", "courriel",
          "saisie_en_ligne", "contact_codes_extranet", "contrat")
"""Keys whose values are names of places, people, institutions or addresses, wherever they are."""
_TITLES = ("titre", "demandes")
_FORM = re.compile(r"\b(\d{5})\*\d{2}\b")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _walk(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, str(k))
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)
    else:
        yield key, node


def _communes(data: dict[str, Any]) -> list[str]:
    return [c.strip() for q in data["qpv"] for c in str(q["commune"]).split("/")]


def _facts(data: dict[str, Any]) -> set[str]:
    """The 2016 call's facts: names of QPV, communes, people, institutions, addresses, e-mails,
    the form and its number, the call's titles, its dates (as cdv-check writes dates) and years;
    and the institutions among the signatories that name one of its communes."""
    facts: set[str] = set()
    communes = _communes(data)
    # the funders are institutions any call may name (État, CAF, Conseil Départemental): only the
    # communes in their names are the call's own, and those are facts already
    for key, value in _walk({k: v for k, v in data.items() if k != "financeurs"}):
        if not isinstance(value, str):
            continue
        if key in (*_NAMES, *_TITLES):
            facts.update(value.split("/") if key == "commune" else [value])
        for number in _FORM.finditer(value):
            facts.update({number.group(0), number.group(1)})
        if key == "signataires" and any(re.search(rf"\b{re.escape(c)}\b", value) for c in communes):
            facts.add(value)
        if match := _DATE.match(value):
            day = date(*(int(part) for part in match.groups()))
            facts.update({day.isoformat(), day.strftime("%d/%m/%Y"), french_date(day), str(day.year)})
    return {f.strip() for f in facts if fold(f)}


FACTS = _facts(ORIGINAL)
_FACT_WORDS = re.compile(  # the boundaries outside the alternatives: 30 times as fast as inside each
    r"(?<![a-z0-9])(?:"
    + "|".join(re.escape(fold(f)) for f in sorted(FACTS, key=len, reverse=True))
    + r")(?![a-z0-9])"
)


_BY_FOLD = {fold(f): f for f in FACTS}
_fold_line = functools.lru_cache(maxsize=1 << 16)(fold)


def fold_lines(text: str) -> str:
    """`fold(text)`, a line at a time (a new line is a space to `fold`, and nothing before it
    changes how what follows folds): a line of French folds by one translation, only a line with
    a character beyond it (a box drawing, « € ») goes through fold's loop, and a line met again
    (a report's headings, the same dossier in another format) is folded once."""
    return " ".join(filter(None, map(_fold_line, text.split("\n"))))


def facts_in(text: str, allowed: frozenset[str] = frozenset()) -> set[str]:
    """The 2016 facts `text` holds, compared as users read them (case, accents and punctuation
    aside: « PATROTTE », « patrotte-metz-nord » and « La Patrotte » all name the QPV), but those
    `allowed` (folded)."""
    return {_BY_FOLD[m.group(0)] for m in _FACT_WORDS.finditer(fold_lines(text)) if m.group(0) not in allowed}


def stated_by(referentiel: Path) -> frozenset[str]:
    """The 2016 facts that a référentiel states itself (a call may use the same national form):
    those may appear, since they come from the référentiel in use."""
    return frozenset(fold(f) for f in facts_in(referentiel.read_text(encoding="utf-8"))) | _IN_PIECE_FILES


_IN_PIECE_FILES = frozenset(
    fold(f) for pdf in sorted(EXAMPLES.rglob("*.pdf")) for f in facts_in(pdf.read_bytes().decode("latin-1"))
)
"""What the examples' PDF files say of themselves (« CERFA 12156*03 »): a message may quote the
user's own file (PCE11 names the version it read), which is not a fact of the référentiel."""


def test_the_facts_are_the_call_s_own() -> None:
    # what the sweep looks for: derived from the file, and neither empty nor made of common words
    for expected in ("Borny", "Metz", "Woippy", "Préfecture de Moselle", "contratdeville@metzmetropole.fr",
                     "extranet.lacse.fr", "12156", "12156*03", "10 janvier 2016", "2016-01-10", "2016",
                     "Sandy ARON", "Saint Eloy-Boileau Pré Génie", "Contrat de Ville de Metz Métropole 2016"):
        assert expected in FACTS, expected
    found = facts_in("Quartier de BORNY, la-patrotte, dépôt le 10/01/2016.")
    assert {fold(f) for f in found} == {"borny", "la patrotte", "10 01 2016"}
    assert facts_in("Alsace-Moselle, Pôle Emploi, 12 000 €, CERFA 15059*02, 2 016 personnes") == set()
    # the sweep folds a line at a time, as `fold` folds the whole text: box drawings, « € », an
    # accent alone at the start of a line, blank lines, a carriage return, line separators
    text = "╭─ Borny ─╮\n\u0301École  MÉTZ — 4\u202f000 €\r\n\n│ la-patrotte\u2028x │\n  \n½ ﬁn"
    assert fold_lines(text) == fold(text)


# --- a référentiel of another call: the 2016 one with every fact replaced --------------------

_TREES = ("Aulnes", "Bouleaux", "Cèdres", "Charmes", "Érables", "Frênes", "Hêtres", "Mélèzes", "Noyers", "Ormes")
_TOWNS = ("Brumeville", "Sorbiers-le-Haut", "Valcourt", "Roches-sur-Lin")


def _slug(text: str) -> str:
    return fold(text).replace(" ", "-")


def _replacements(data: dict[str, Any]) -> dict[str, str]:
    """Each fact of `data` → the fact of the other call, the longest first when applied."""
    new: dict[str, str] = {}
    for n, commune in enumerate(dict.fromkeys(_communes(data))):
        new[commune] = _TOWNS[n % len(_TOWNS)] + ("" if n < len(_TOWNS) else str(n))
    for n, q in enumerate(data["qpv"]):
        name = f"Les {_TREES[n % len(_TREES)]}{'' if n < len(_TREES) else n}"
        new[q["nom"]] = name
        new[q["slug"]] = _slug(name)
        for m, variant in enumerate(q.get("variantes") or []):
            new[variant] = f"{name} {m + 2}"
    towns = re.compile("|".join(rf"\b{re.escape(c)}\b" for c in new))
    for n, contact in enumerate(data.get("contacts") or []):
        if not towns.search(contact["institution"]):  # « Ville de Metz » becomes « Ville de Brumeville »
            new.setdefault(contact["institution"], f"Institution d'essai {n + 1}")
        new[contact["nom"]] = f"Camille ESSAI{n + 1}"
        new[contact["telephone"]] = f"01 00 00 00 {n + 10}"
        new.setdefault(contact["courriel"], f"contact{n + 1}@appel-essai.fr")
    for key, value in _walk(data):
        if not isinstance(value, str):
            continue
        if key in ("saisie_en_ligne", "contact_codes_extranet", "courriel"):
            new.setdefault(value, {"saisie_en_ligne": "depot.appel-essai.fr", "courriel": "depot@appel-essai.fr"}
                           .get(key, "Institution d'essai des codes"))
        for number in _FORM.finditer(value):
            new[number.group(0)] = "99999*01"
            new[number.group(1)] = "99999"
    return new


def derive(data: Any, new: dict[str, str]) -> Any:
    """`data` with every fact replaced and every year of the call fifteen years later."""
    pattern = re.compile("|".join(re.escape(k) for k in sorted(new, key=len, reverse=True)), re.IGNORECASE)
    folded = {k.casefold(): v for k, v in new.items()}

    def replaced(match: re.Match[str]) -> str:  # « acq-metz.fr » becomes « acq-brumeville.fr »
        found = match.group(0)
        replacement = new.get(found) or folded[found.casefold()]
        return replacement.lower() if found.islower() else replacement.upper() if found.isupper() else replacement

    years = {int(f) for f in FACTS if f.isdigit() and len(f) == 4}
    year_pattern = re.compile(r"\b(" + "|".join(str(y) for y in sorted(years)) + r")\b")

    def text(value: str) -> str:
        value = pattern.sub(replaced, value)
        return year_pattern.sub(lambda m: str(int(m.group(0)) + YEARS_LATER), value)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {walk(k) if isinstance(k, str) else k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str):
            return text(node)
        if isinstance(node, date) and node.year in years:
            return node.replace(year=node.year + YEARS_LATER, day=min(node.day, 28) if node.month == 2 else node.day)
        return node

    return walk(data)


NEW = _replacements(ORIGINAL)


@pytest.fixture(scope="module")
def derived_referentiel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("autre-appel") / "referentiel.yaml"
    data = derive(ORIGINAL, NEW)
    data["id"] = "appel-essai-derive"
    path.write_text(yaml_text(data), encoding="utf-8")
    return path


def test_the_derived_referentiel_is_another_call(derived_referentiel: Path) -> None:
    text = derived_referentiel.read_text(encoding="utf-8")
    assert facts_in(text) == set()
    ref = load(derived_referentiel)
    assert ref.qpv[0].nom == "Les Aulnes" and ref.calendrier.date_limite == date(2031, 1, 10)


def _dossiers(folder: Path) -> Path:
    """The examples, as dossiers of the other call (their facts replaced, their dates moved)."""
    for source in sorted(EXAMPLES.rglob("*")):
        if not source.is_file() or source.suffix == ".py":
            continue
        relative = Path(*(derive(part, NEW) for part in source.relative_to(EXAMPLES).parts))
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in (".yaml", ".json"):  # as written, comments and all
            target.write_text(derive(source.read_text(encoding="utf-8"), NEW), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    return folder


REFERENTIELS = ["derived", *sorted(p.name for p in (ROOT / "tests" / "referentiels").glob("*.yaml"))]


@pytest.fixture(scope="module", params=REFERENTIELS)
def referentiel(request: pytest.FixtureRequest, derived_referentiel: Path) -> Path:
    if request.param == "derived":
        return derived_referentiel
    return ROOT / "tests" / "referentiels" / str(request.param)


@pytest.fixture(scope="module")
def dossiers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = _dossiers(tmp_path_factory.mktemp("demandes"))
    assert facts_in("\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.y*ml"))) == set()
    return folder


Run = Callable[..., str]
Sweep = Callable[[str, str], None]


@pytest.fixture
def no_facts(referentiel: Path) -> Sweep:
    allowed = stated_by(referentiel)

    def sweep(what: str, text: str) -> None:
        found = facts_in(text, allowed)
        assert not found, f"{what} names facts of the 2016 call: {sorted(found)}"

    return sweep


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    runner = CliRunner()

    def invoke(*args: str, ok: tuple[int, ...] = (0, 1)) -> str:
        result = runner.invoke(app, list(args))
        said = result.output
        assert result.exit_code in ok, (args, said, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert "Traceback" not in said, said
        return said

    return invoke


@pytest.mark.parametrize("format", FORMATS)
def test_check_in_every_format_names_no_fact_of_2016(no_facts: Sweep,
    run: Run, referentiel: Path, dossiers: Path, tmp_path: Path, format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    output = tmp_path / f"rapport.{format}"
    said = run("check", str(dossiers), "--referentiel", str(referentiel), "--format", format, "--output", str(output),
               "--jobs", "1")
    no_facts(f"check --format {format} (terminal)", said)
    if format == "xlsx":
        with zipfile.ZipFile(output) as book:
            written = "\n".join(unescape(book.read(name).decode("utf-8")) for name in book.namelist()
                                if name.endswith(".xml"))
    else:
        written = output.read_text(encoding="utf-8")
        if format in ("json", "sarif"):  # \u escapes read back as the characters they stand for
            written = json.dumps(json.loads(written), ensure_ascii=False)
        elif format == "jsonl":
            written = "\n".join(json.dumps(json.loads(line), ensure_ascii=False) for line in written.splitlines())
        elif format in ("html", "junit"):
            written = unescape(written)
    assert len(written) > 500, written  # a report, with the dossiers in it
    no_facts(f"check --format {format}", written)
    if summary.exists():
        no_facts("the GitHub job summary", summary.read_text(encoding="utf-8"))


def test_browsing_commands_name_no_fact_of_2016(no_facts: Sweep, run: Run, referentiel: Path) -> None:
    ref = load(referentiel)
    names = [q.nom for q in ref.qpv]
    first = next(q for q in ref.qpv if names.count(q.nom) == 1)  # a name that names one QPV
    code = next(iter(ref.objective_codes()), None)
    said = [
        run("objectives", "--referentiel", str(referentiel)),
        run("objectives", "--referentiel", str(referentiel), "--format", "json"),
        run("objectives", "--referentiel", str(referentiel), "--search", "quartier"),
        run("objectives", "--referentiel", str(referentiel), "--search", "jeunes", "--format", "json"),
        run("objectives", "--referentiel", str(referentiel), "9.9.9", ok=(2,)),
        run("qpv", "--referentiel", str(referentiel)),
        run("qpv", "--referentiel", str(referentiel), "--format", "json"),
        run("qpv", first.nom, "--referentiel", str(referentiel)),
        run("qpv", first.nom[:-1], "--referentiel", str(referentiel), ok=(0, 2)),
        run("qpv", "Nulle-Part", "--referentiel", str(referentiel), ok=(2,)),
        run("schema", "--referentiel", str(referentiel)),
    ]
    if code is not None:
        said.append(run("objectives", code, "--referentiel", str(referentiel)))
    for text in said:
        no_facts("objectives, qpv, schema", text)
    assert first.nom in said[5]


def test_the_rules_and_their_documentation_name_no_fact_of_2016(no_facts: Sweep, run: Run, referentiel: Path) -> None:
    from cdv_check.core.registry import all_rules

    catalogue = run("rules", "--referentiel", str(referentiel))
    no_facts("rules", catalogue)
    for rule_id in all_rules():
        no_facts(f"rules {rule_id}", run("rules", rule_id, "--referentiel", str(referentiel)))


def test_init_writes_a_template_that_names_no_fact_of_2016(
    no_facts: Sweep, run: Run, referentiel: Path, tmp_path: Path
) -> None:
    no_facts("init -", run("init", "-", "--referentiel", str(referentiel)))
    said = run("init", "dossier.yaml", "--no-input", "--referentiel", str(referentiel))
    no_facts("init --no-input", said + (tmp_path / "dossier.yaml").read_text(encoding="utf-8"))


def test_help_texts_name_no_fact_of_2016(run: Run) -> None:
    commands = [name for name in ("check", "objectives", "qpv", "rules", "schema", "init", "referentiel")]
    texts = [run("--help")]
    for command in commands:
        result = CliRunner().invoke(app, [command, "--help"])
        if result.exit_code == 0:
            texts.append(result.stdout)
    assert len(texts) >= 7
    for text in texts:
        assert not facts_in(text), (facts_in(text), text)


pexpect = pytest.importorskip("pexpect")


def test_init_in_a_terminal_names_no_fact_of_2016(no_facts: Sweep, referentiel: Path, tmp_path: Path) -> None:
    """The questionnaire, driven as a hurried person would: Entrée everywhere, and when a question
    comes back (an answer is required), the first choice, « non », or a sentence."""
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    child = pexpect.spawn(
        sys.executable, ["-m", "cdv_check", "init", "dossier.yaml", "--referentiel", str(referentiel)],
        cwd=str(tmp_path), encoding="utf-8", timeout=30, dimensions=(50, 100),
        env={**env, "TERM": "xterm", "NO_COLOR": "1"},
    )
    fallbacks = ["1", "non", "Une phrase d'essai assez longue pour dire ce que fait l'action, et pour qui.",
                 "01/02/2031", "1 000"]
    transcript: list[str] = []
    last, tries = "", 0
    for _ in range(300):
        if child.expect([r" : (?: \r)?$", pexpect.EOF]) == 1:
            transcript.append(child.before)
            break
        prompt = (child.before + child.after).strip().splitlines()[-1]
        transcript.append(child.before + child.after)
        tries = tries + 1 if prompt == last else 0
        last = prompt
        child.sendline("" if tries == 0 else fallbacks[(tries - 1) % len(fallbacks)])
    else:
        child.sendintr()
    child.close()
    said = "".join(transcript)
    assert "Traceback" not in said, said
    assert len(transcript) > 20, said  # the questionnaire went well beyond its first questions
    no_facts("init (terminal)", said)
    if (tmp_path / "dossier.yaml").exists():
        no_facts("the dossier init wrote", (tmp_path / "dossier.yaml").read_text(encoding="utf-8"))


def test_the_sweep_sees_the_2016_call_when_it_is_in_use(run: Run, dossiers: Path, tmp_path: Path) -> None:
    # the same commands with the embedded référentiel do name its facts: the sweep can tell
    said = run("rules", "ELG06") + run("qpv") + run("check", str(dossiers), "--format", "html", "--output", "r.html")
    found = {fold(f) for f in facts_in(said + unescape((tmp_path / "r.html").read_text(encoding="utf-8")))}
    assert {"10 janvier 2016", "borny", "woippy"} <= found


def test_the_source_names_no_fact_of_2016() -> None:
    # the code, its docstrings and templates hold no fact of a call: they all live in the référentiel
    sources = [p for p in (ROOT / "src" / "cdv_check").rglob("*")
               if p.suffix in (".py", ".j2", ".css", ".js", ".html") and "data" not in p.parts]
    assert len(sources) > 50
    found = {str(p.relative_to(ROOT)): facts_in(p.read_text(encoding="utf-8")) for p in sources}
    assert {path: facts for path, facts in found.items() if facts} == {}
