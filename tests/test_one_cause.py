"""One cause, one finding: a value refused by reading (SCH03, SCH04, SCH05, SCH09) or by a rule
that refuses it (BUD04) silences the rules that would only repeat it, and says what waits."""

from __future__ import annotations

from conftest import MakeCase

PERSONNEL = '{compte: "64", libelle: Charges de personnel (animatrice)'


def _errors_and_warnings(case: object, **settings: object) -> list[tuple[str, str]]:
    result = case.check(**settings)  # type: ignore[attr-defined]
    return [(f.rule, f.path) for f in result.findings if f.severity != "info"]


def test_an_unreadable_deposit_date_is_not_replaced_by_today(make_case: MakeCase) -> None:
    case = make_case({"date_depot: 2016-01-06": "date_depot: 8 janvier 2016"})
    result = case.check()
    [finding] = [f for f in result.findings if f.rule in ("SCH04", "ELG06")]
    assert (finding.rule, finding.path) == ("SCH04", "date_depot")
    assert "8 janvier 2016" in finding.message
    assert "la date de dépôt du dossier est inconnue" in finding.advice
    assert "ELG06" in finding.advice
    assert result.deposit_date is None  # no « J-… » nor « hors délais » computed from today
    assert _errors_and_warnings(case) == [("SCH04", "date_depot")]


def test_a_refused_account_gives_no_totals_over_its_line(make_case: MakeCase) -> None:
    case = make_case({PERSONNEL: PERSONNEL.replace('"64"', "641 - Salaires")})
    [finding] = [f for f in case.check().findings if f.severity == "error"]
    assert (finding.rule, finding.path) == ("BUD04", "budget.charges[2].compte")
    assert "le total des charges est incomplet" in finding.advice
    assert "BUD01" in finding.advice and "BUD03" in finding.advice
    assert "« 641 »" in finding.advice  # the account alone, in figures


def test_an_accented_required_key_is_one_finding_naming_the_key_meant(make_case: MakeCase) -> None:
    case = make_case({"  intitule:": "  intitulé:"})
    [finding] = [f for f in case.check().findings if f.severity == "error"]
    assert finding.rule == "SCH05"
    assert "« intitule », clé obligatoire absente" in finding.message
    assert "Renommez « intitulé » en « intitule »" in finding.advice
    assert finding.line == case.line_of("intitulé:")


def test_a_misspelt_list_key_is_one_finding_not_also_no_qpv(make_case: MakeCase) -> None:
    case = make_case({"  quartiers:": "  quartier:"})
    [finding] = [f for f in case.check().findings if f.severity == "error"]
    assert finding.rule == "SCH05"
    assert "vouliez-vous dire « quartiers »" in finding.message
    assert "ELG03" in finding.advice  # what is not checked meanwhile
    assert [f.rule for f in case.check().findings if f.rule in ("ELG03", "SCH03", "OBJ03", "OBJ04")] == []


def test_a_misspelt_key_beside_the_right_one_is_only_unknown(make_case: MakeCase) -> None:
    case = make_case({"  quartiers:": "  quartier: [borny]\n  quartiers:"})
    [finding] = [f for f in case.check().findings if f.severity == "error"]
    assert finding.rule == "SCH05" and "Vouliez-vous dire « quartiers » ? Sinon retirez-la" in finding.advice
    assert "absente" not in finding.message


def test_a_placeholder_account_is_one_sch09_and_no_total(make_case: MakeCase) -> None:
    case = make_case({PERSONNEL: PERSONNEL.replace('"64"', "TODO")})
    errors = [(f.rule, f.path) for f in case.check().findings if f.severity == "error"]
    assert errors == [("SCH09", "budget.charges[2].compte")]


def test_a_refusal_that_silences_a_selected_rule_is_shown_whatever_the_selection(make_case: MakeCase) -> None:
    case = make_case({"date_depot: 2016-01-06": "date_depot: 8 janvier 2016"})
    result = case.check(select=("ELG06",))
    assert [(f.rule, f.path) for f in result.findings] == [("SCH04", "date_depot")]
    siret = make_case({'siret: "443 061 841 00047"': 'siret: "À compléter : 14 chiffres"'})
    assert [(f.rule, f.path) for f in siret.check(select=("IDN",)).findings] == [("SCH09", "porteur.siret")]
    assert [f.rule for f in siret.check(select=("ELG",)).findings if f.rule.startswith("SCH")] == []
    assert siret.check(select=("IDN",), ignore=("SCH09",)).findings == ()
