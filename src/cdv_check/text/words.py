"""The words users read about the call, taken from the référentiel in use.

Nothing shared by every référentiel names a city, a year, a QPV, an address or a form number:
the reports' headings, the rules' sections and the examples of their documentation are filled
from the référentiel. `doc_words` is computed only when a rule's documentation is shown
(`cdv-check rules ID`, SARIF); the everyday check reads the few words it needs directly.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from cdv_check.text.french import french_date, of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cdv_check.model.referentiel import Referentiel

_NUMBERS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
            "onze", "douze", "treize", "quatorze", "quinze", "seize")


def number_words(n: int) -> str:
    """6 → « six » (up to seize, as French prose writes them), then digits."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def call_title(ref: Referentiel) -> str:
    """The call in a few words (`textes.titre`, else `appel.titre`), for page titles."""
    return ref.textes.titre or ref.appel.titre


def requests_heading(ref: Referentiel) -> str:
    """The reports' heading (« Demandes de subvention au Contrat de Ville de … »)."""
    return ref.textes.demandes or f"Demandes de subvention — {call_title(ref)}"


def priorities(ref: Referentiel, *, plural: bool = True, capital: bool = False) -> str:
    """« priorités » followed by `textes.priorites`, else « priorités de l'appel »."""
    word = "priorités" if plural else "priorité"
    if capital:
        word = word.capitalize()
    qualifier = ref.textes.priorites
    return f"{word} {qualifier}" if qualifier else f"{word} de l'appel"


def objectives_table(ref: Referentiel) -> str:
    """How the call names its table of objectives, with its article; else « l'appel »."""
    return ref.textes.objectifs or "l'appel"


def of_objectives_table(ref: Referentiel) -> str:
    """« de » followed by the call's table of objectives (« du tableau … », « de l'annexe 2 »)."""
    return of(objectives_table(ref))


def objectives_heading(ref: Referentiel) -> str:
    """The heading of `cdv-check objectives`, before the call's title."""
    return ref.textes.titre_objectifs or "Objectifs de l'appel"


def section_number(ref: Referentiel, family: str) -> str | None:
    """The number of the call's section a family of rules comes from (`textes.sections`), when
    that section starts with one."""
    match = re.match(r"[0-9]+(?:\.[0-9]+)*", ref.textes.sections.get(family, ""))
    return match.group(0) if match else None


def the_call(ref: Referentiel, family: str) -> str:
    """« l'appel », followed by the section a family of rules comes from when numbered."""
    number = section_number(ref, family)
    return f"l'appel ({number})" if number else "l'appel"


def family_heading(ref: Referentiel, family: str, label: str) -> str:
    """A report's heading for a family of rules: its label, and where the call says it."""
    where = ref.textes.rubriques.get(family)
    return f"{label} ({where})" if where else label


def rule_section(ref: Referentiel, rule_id: str, default: str) -> str:
    """The call's section a rule comes from: the rule's own, else its family's, else `default`."""
    sections = ref.textes.sections
    return sections.get(rule_id) or sections.get(rule_id.rstrip("0123456789")) or default


def form_name(ref: Referentiel) -> str:
    """« CERFA » and the form's number with its version."""
    return f"CERFA {ref.depot.cerfa}"


def first_qpv_name(ref: Referentiel) -> str:
    return ref.qpv[0].nom if ref.qpv else "nom du quartier"


def first_commune(ref: Referentiel) -> str:
    """The commune of the call's first QPV: a likely answer where a commune is asked."""
    return ref.qpv[0].commune.split("/")[0].strip() if ref.qpv else ""


def example_objective(ref: Referentiel) -> str:
    """A code of the call's objectives to show in a message (a finer one if any)."""
    codes = ref.objective_codes()
    finer = [c for c in codes if c.count(".") >= 2]
    return (finer or list(codes) or ["code"])[0]


_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def render(text: str, words: Mapping[str, str]) -> str:
    """`text` with each `{{name}}` replaced by its word; an unknown name is a programming error."""
    return _PLACEHOLDER.sub(lambda m: words[m.group(1)], text)


def _iso(d: date) -> str:
    return d.isoformat()


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


_SPREADSHEET_EPOCH = date(1899, 12, 30)

_DOC_WORDS: dict[int, tuple[Referentiel, dict[str, str]]] = {}


def doc_words(ref: Referentiel) -> dict[str, str]:
    """The words the rules' documentation is filled with (`{{name}}` in their docstrings), once
    per référentiel. Examples are derived from the référentiel's own QPV, codes and dates, so
    that they stay true for it."""
    known = _DOC_WORDS.get(id(ref))
    if known is not None and known[0] is ref:
        return known[1]
    words = _compute(ref)
    _DOC_WORDS[id(ref)] = (ref, words)
    return words


def _compute(ref: Referentiel) -> dict[str, str]:
    from cdv_check.model.referentiel import fold

    qpv = list(ref.qpv)
    qpv_a = qpv[0] if qpv else None
    qpv_b = qpv[1] if len(qpv) > 1 else qpv_a
    qpv_c = qpv[2] if len(qpv) > 2 else qpv_b
    name_a = qpv_a.nom if qpv_a else "Quartier"
    name_b = qpv_b.nom if qpv_b else name_a

    def commune_of(name: str) -> str:
        return name.split("/")[0].strip()

    communes: dict[str, list[str]] = {}
    for q in qpv:
        for c in q.commune.split("/"):
            communes.setdefault(c.strip(), []).append(q.nom)
    if communes:
        fewest = min(communes, key=lambda c: len(communes[c]))  # the first with the fewest QPV
        commune_example = f"{fewest} : {', '.join(communes[fewest])}"
    else:
        commune_example = "une commune : ses QPV"

    def priority_of(slug: str | None) -> str | None:
        return next((p.id for p in ref.priorites if slug is not None and p.qpv == slug), None)

    any_priority = ref.priorites[0].id if ref.priorites else "identifiant-de-priorite"
    priority_a = priority_of(qpv_a.slug if qpv_a else None) or any_priority
    priority_b = priority_of(qpv_b.slug if qpv_b else None) or any_priority

    codes = ref.objective_codes()
    finer = [c for c in codes if c.count(".") >= 2]
    operational = [c for c in codes if c.count(".") == 1]
    refined = next((c for c in operational if any(f.startswith(c + ".") for f in finer)), None)
    code_fin = finer[0] if finer else (list(codes) or ["1.1"])[0]
    code_op = operational[0] if operational else code_fin
    unknown = code_op + "1"
    while unknown in codes:
        unknown += "1"
    axis = ref.annexe1[0].code if ref.annexe1 else "1"
    doubled = [c for c, labels in codes.items() if len(labels) > 1]
    doubled_words = (
        f" ; {', '.join(doubled)}, imprimé{'s' if len(doubled) > 1 else ''} deux fois dans l'appel, "
        f"{'sont admis' if len(doubled) > 1 else 'est admis'}" if doubled else ""
    )

    calendar = ref.calendrier
    action = calendar.annee_action
    same_year = action.debut.year == action.fin.year
    year = str(action.debut.year) if same_year else f"{action.debut.year}-{action.fin.year}"
    schools = list(calendar.annees_scolaires)
    school_start = schools[0].debut if schools else action.debut - timedelta(days=122)
    school_end = min(schools[0].fin, action.fin) - timedelta(days=62) if schools else action.debut + timedelta(days=180)
    sample = action.debut + timedelta(days=31)
    sample_b = action.debut + timedelta(days=60)
    sample_end = action.fin - timedelta(days=16)
    deadline = calendar.date_limite
    before = deadline - timedelta(days=2)
    late = deadline + timedelta(days=5)

    def period(p: object) -> str:
        from cdv_check.model.referentiel import Periode

        assert isinstance(p, Periode)
        return f"du {french_date(p.debut)} au {french_date(p.fin)}"

    return {
        "titre": call_title(ref),
        "formulaire": form_name(ref),
        "numero_formulaire": ref.depot.cerfa.split("*")[0],
        "saisie_en_ligne": ref.depot.saisie_en_ligne or "la plateforme de dépôt",
        "priorites": priorities(ref),
        "table_objectifs": objectives_table(ref),
        "Priorites": priorities(ref, capital=True),
        "priorite": priorities(ref, plural=False),
        "Priorite": priorities(ref, plural=False, capital=True),
        "nombre_qpv": number_words(len(qpv)),
        "qpv_a": name_a,
        "qpv_a_id": qpv_a.slug if qpv_a else "quartier",
        "qpv_b": name_b,
        "qpv_b_id": qpv_b.slug if qpv_b else "quartier",
        "qpv_b_variante": (qpv_b.variantes[0] if qpv_b and qpv_b.variantes else name_b.upper()),
        "qpv_c_majuscules": fold(qpv_c.nom).upper() if qpv_c else name_a.upper(),
        "commune_a": commune_of(qpv_a.commune) if qpv_a else "la commune",
        "commune_exemple": commune_example,
        "priorite_a": priority_a,
        "priorite_b": priority_b,
        "axe": axis,
        "codes_doubles": doubled_words,
        "objectif_fin": code_fin,
        "objectif_op": code_op,
        "objectif_inconnu": unknown,
        "objectif_a_preciser": refined or code_op,
        "objectif_precise": next((c for c in finer if refined and c.startswith(refined + ".")), code_fin),
        "annee_action": year if same_year else "la période de l'action",
        "debut_action": french_date(action.debut),
        "fin_action": french_date(action.fin),
        "annees_scolaires": " ou ".join(period(p) for p in schools) or "(l'appel n'en donne pas)",
        "annee_precedente": str(action.debut.year - 1),
        "scolaire_debut": _iso(school_start),
        "scolaire_fin": _iso(school_end),
        "date_limite": french_date(deadline),
        "date_avant": _iso(before),
        "date_avant_jjmmaaaa": _dmy(before),
        "date_avant_en_lettres": french_date(before),
        "date_apres": _iso(late),
        "date_a": _iso(sample),
        "date_a_en_lettres": french_date(sample),
        "date_b": _iso(sample_b),
        "date_b_tableur": f"{_iso(sample_b)}T00:00:00.000Z",
        "date_b_numero": str((sample_b - _SPREADSHEET_EPOCH).days),
        "date_fin": _iso(sample_end),
    }
