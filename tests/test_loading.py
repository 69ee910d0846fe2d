"""The YAML traps a carrier falls into, and how the dossier is read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cdv_check.reading.loading import Document, parse_text
from conftest import MakeCase, located


def _read(text: str) -> Document:
    doc = Document("test.yaml")
    parse_text(text, doc)
    return doc


def test_codes_stay_as_typed() -> None:
    doc = _read("objectifs: [1.10, 2.7.3, 1.1]\n")
    assert doc.data == {"objectifs": ["1.10", "2.7.3", "1.1"]}


def test_leading_zero_and_norway_stay_text() -> None:
    doc = _read("telephone: 0312345670\nsigle: NO\nrna: 0o17\n")
    assert doc.data == {"telephone": "0312345670", "sigle": "NO", "rna": "0o17"}


def test_positions_are_one_based_and_missing_keys_fall_back_to_parent() -> None:
    doc = _read("porteur:\n  nom: X\n  siret: '1'\n")
    assert doc.locate(("porteur", "siret")) == (3, 10)
    assert doc.locate(("porteur", "siret"), key=True) == (3, 3)
    assert doc.locate(("porteur", "rna")) == (2, 3)


def test_unquoted_code_1_10_is_objective_1_10(make_case: MakeCase) -> None:
    case = make_case({"objectifs: [2.1.2, 2.12.2]": "objectifs: [1.10, 2.12.2]"})
    result = case.check()
    assert not [f for f in result.findings if f.rule == "ELG04"]
    ideas = [f for f in result.findings if f.rule == "OBJ01"]
    assert ideas and "1.10.1" in ideas[0].message  # 1.10 was read as 1.10, not 1.1


def test_oui_non_any_case(make_case: MakeCase) -> None:
    case = make_case({"premiere_demande: oui": "premiere_demande: OUI", "scolaire: non": "scolaire: Non"})
    assert [f.rule for f in case.check().findings if f.severity == "error"] == []


def test_not_a_boolean_is_sch04_at_its_value(make_case: MakeCase) -> None:
    case = make_case({"scolaire: non": "scolaire: peut-être"})
    [finding] = case.findings("SCH04")
    assert located([finding]) == [("SCH04", "action.public.scolaire", case.line_of("scolaire: peut-être"), 15)]
    assert finding.path == "action.public.scolaire"
    assert "oui" in finding.message


def test_duplicate_key_names_both_lines(make_case: MakeCase) -> None:
    case = make_case({"  lieu: Centre social de Bellecroix\n": "  lieu: Centre social de Bellecroix\n  lieu: Mairie\n"})
    [finding] = case.findings("SCH06")
    assert located([finding]) == [("SCH06", "action.lieu", case.line_of("lieu: Mairie"), 3)]
    assert f"ligne {case.line_of('lieu: Centre')}" in finding.message


def test_unknown_key_suggests_the_closest(make_case: MakeCase) -> None:
    case = make_case({"  partenaires:": "  partenaire:"})
    [finding] = case.findings("SCH05")
    assert located([finding]) == [("SCH05", "action.partenaire", case.line_of("partenaire:"), 3)]
    assert finding.column == 3
    assert "« partenaires »" in finding.advice


def test_french_amounts_and_dates(make_case: MakeCase) -> None:
    case = make_case(
        {"debut: 2016-02-01": "debut: 01/02/2016", "subvention_demandee: 7 000": "subvention_demandee: 7 000,00 €"}
    )
    result = case.check()
    assert [f for f in result.findings if f.severity == "error"] == []
    assert result.requested == Decimal("7000.00")


def test_bad_amount_is_reported_and_budget_rules_stay_quiet(make_case: MakeCase) -> None:
    case = make_case({"montant: 800}": "montant: huit cents}"})
    result = case.check()
    [finding] = [f for f in result.findings if f.rule == "SCH04"]
    assert finding.line == case.line_of("huit cents")
    assert finding.path == "budget.charges[1].montant"


def test_missing_required_key_is_placed_at_its_parent(make_case: MakeCase) -> None:
    case = make_case({"  intitule: Atelier couture, premier pas vers l'emploi\n": ""})
    [finding] = case.findings("SCH03")
    # the first key of the action mapping
    assert located([finding]) == [("SCH03", "action.intitule", case.line_of("action:") + 1, 3)]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("  intitule: Atelier couture, premier pas vers l'emploi\n", '  intitule: ""\n', "action.intitule"),
        ("  adresse: 3 rue de Toul, 57070 Metz\n", '  adresse: "  "\n', "porteur.adresse"),
        ("    qualite: Présidente\n", "    qualite:\n", "porteur.representant_legal.qualite"),
        ("    courriel: presidente@fil-aiguille-bellecroix.fr\n", '    courriel: ""\n',
         "porteur.representant_legal.courriel"),
        ("libelle: Achats de tissus et fournitures,", 'libelle: "",', "budget.charges[0].libelle"),
    ],
)
def test_a_blank_required_value_is_reported_once_at_its_place(
    make_case: MakeCase, old: str, new: str, path: str
) -> None:
    case = make_case({old: new})
    errors = [f for f in case.check().findings if f.severity == "error"]
    [finding] = errors
    assert (finding.rule, finding.path) == ("SCH03", path)
    assert finding.line == case.line_of(new.strip().rstrip(","))
    assert "vide" in finding.message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("beneficiaires_qpv: 22", "beneficiaires_qpv: 22.5", "action.public.beneficiaires_qpv"),
        ("axes_transversaux: [egalite_femmes_hommes]", "axes_transversaux: [egalite]",
         "action.axes_transversaux[0]"),
        ("    beneficiaires: 24\n    beneficiaires_qpv: 22\n", "    beneficiaires: [24]\n    beneficiaires_qpv: 22\n",
         "action.public.beneficiaires"),
    ],
)
def test_a_refused_value_is_not_also_called_absent(make_case: MakeCase, old: str, new: str, path: str) -> None:
    errors = [f for f in make_case({old: new}).check().findings if f.severity != "info"]
    assert [(f.rule, f.path) for f in errors] == [("SCH04", path)]


def test_a_refused_plain_value_where_a_list_is_read_does_not_stop_the_other_rules(make_case: MakeCase) -> None:
    case = make_case({
        "axes_transversaux: [egalite_femmes_hommes]": "axes_transversaux: inconnu",
        'siret: "443 061 841 00047"': 'siret: "443 061 841 00048"',
    })
    errors = [(f.rule, f.path) for f in case.check().findings if f.severity == "error"]
    assert errors == [("IDN01", "porteur.siret"), ("SCH04", "action.axes_transversaux[0]")]


def test_cp1252_file_is_read_with_a_warning(make_case: MakeCase) -> None:
    case = make_case()
    case.path.write_bytes(case.text.encode("cp1252", errors="replace"))
    result = case.check()
    assert [f.rule for f in result.findings if f.severity != "info"] == ["SCH08"]
    assert result.title == "Atelier couture, premier pas vers l'emploi"


@pytest.mark.parametrize(
    ("text", "where", "said"),
    [
        ("porteur: [\n", (2, 1), "une valeur manque"),
        ("porteur: b: c\n", (1, 11), "un « : » inattendu"),
        ("porteur:\n  nom: @x\n", (2, 8), "caractère réservé"),
        ('porteur:\n  nom: "abc\n', (2, 8), "le guillemet ouvert ligne 2 n'est jamais fermé"),
        ("porteur:\n  nom: x\n sigle: y\n", (3, 2), "une clé était attendue ici"),
        ("porteur: {nom: b\n", (2, 1), "un « , » ou une « } » manque"),
        ('{"porteur": [1, 2}\n', (1, 18), "un « , » ou un « ] » manque"),
    ],
)
def test_syntax_errors_are_said_in_french_at_their_place(text: str, where: tuple[int, int], said: str) -> None:
    [problem] = _read(text).problems
    assert (problem.rule, problem.line, problem.column) == ("SCH02", *where)
    assert said in problem.message
    assert not any(word in problem.message for word in ("found", "expected", "while", "allowed"))


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_reported_on_its_own_line(quote: str) -> None:
    text = f"porteur:\n  nom: {quote}Les Amis de Borny\n  statut: association\naction:\n  intitule: Foot\n"
    [problem] = _read(text).problems
    assert (problem.rule, problem.line, problem.column) == ("SCH02", 2, 8)
    assert "guillemet ouvert ligne 2" in problem.message and "ligne 2" in problem.advice


def test_a_quote_closed_lines_later_names_the_line_that_opened_it() -> None:
    text = 'porteur:\n  nom: "Les Amis\n  sigle: "LAB"\n  statut: association\n'
    [problem] = _read(text).problems
    assert problem.rule == "SCH02" and problem.line == 3
    assert "après un guillemet ouvert ligne 2 et pas fermé sur sa ligne" in problem.message


def test_quotes_closed_on_their_line_are_not_blamed() -> None:
    text = "porteur:\n  nom: 'l''école'\n  sigle: \"A \\\"B\\\"\"\n  statut: [\n"
    [problem] = _read(text).problems
    assert "guillemet" not in problem.message
