"""PCE11's advice, whole, for the 2016 call and for a call without an online platform (the form
then comes from nowhere named: no « None » in what the user reads)."""

from __future__ import annotations

import sys

import pytest

from cdv_check.core.checker import Settings, check_path
from cdv_check.model.referentiel import Depot, Referentiel, load
from conftest import EXAMPLES, TODAY, MakeCase, located

sys.path.insert(0, str(EXAMPLES))
from make_pdf import tiny_pdf


def _by_email() -> Referentiel:
    ref = load()
    return ref.model_copy(update={"depot": Depot(plateforme="courriel", courriel="depot@example.fr", cerfa="12156*03")})


CASES = [
    (
        "Cerfa 12156*02 - Demande de subvention",
        "error",
        "« pieces/cerfa-12156.pdf » est le formulaire 12156*02, une autre version : l'appel demande le CERFA 12156*03.",
        "Saisissez la demande sur le CERFA 12156*03 (extranet.lacse.fr), imprimez-le en PDF et indiquez ce fichier.",
        "Saisissez la demande sur le CERFA 12156*03, imprimez-le en PDF et indiquez ce fichier.",
    ),
    (
        "Document",
        "warning",
        "« pieces/cerfa-12156.pdf » ne porte nulle part le numéro du formulaire 12156*03 (ni dans son texte, ni dans "
        "ses champs) : est-ce bien le CERFA ?",
        "Vérifiez que c'est le CERFA 12156*03 saisi sur extranet.lacse.fr et imprimé en PDF, pas un autre document.",
        "Vérifiez que c'est le CERFA 12156*03 saisi et imprimé en PDF, pas un autre document.",
    ),
    (
        "",
        "info",
        "« pieces/cerfa-12156.pdf » n'a pas de texte lisible (un scan ?) : le numéro du formulaire (12156*03) n'a pas "
        "pu être vérifié.",
        "Vérifiez vous-même que c'est le CERFA 12156*03 ; mieux, joignez le PDF imprimé depuis extranet.lacse.fr, "
        "dont le texte se lit.",
        "Vérifiez vous-même que c'est le CERFA 12156*03 ; mieux, joignez le PDF imprimé, dont le texte se lit.",
    ),
]


@pytest.mark.own_pieces
@pytest.mark.parametrize(
    ("text", "severity", "message", "advice_2016", "advice_by_email"), CASES, ids=["other-version", "no-number", "scan"]
)
def test_the_form_advice_names_the_platform_only_where_there_is_one(
    make_case: MakeCase, text: str, severity: str, message: str, advice_2016: str, advice_by_email: str
) -> None:
    case = make_case()
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(tiny_pdf(text))
    for ref, advice in ((load(), advice_2016), (_by_email(), advice_by_email)):
        [finding] = [f for f in check_path(case.path, ref, Settings(today=TODAY)).findings if f.rule == "PCE11"]
        assert (finding.severity, finding.message, finding.advice) == (severity, message, advice)
        assert located([finding]) == [("PCE11", "pieces.cerfa", *case.at("pieces/cerfa-12156.pdf"))]


@pytest.mark.own_pieces
def test_the_form_of_the_call_says_nothing_and_a_call_naming_no_version_takes_any(make_case: MakeCase) -> None:
    case = make_case()
    pce11 = [f for f in check_path(case.path, load(), Settings(today=TODAY)).findings if f.rule == "PCE11"]
    assert pce11 == []  # the example's CERFA 12156*03
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(tiny_pdf("Cerfa 12156*02 - Demande de subvention"))
    ref = load()
    any_version = ref.model_copy(update={"depot": ref.depot.model_copy(update={"cerfa": "12156"})})
    assert [f for f in check_path(case.path, any_version, Settings(today=TODAY)).findings if f.rule == "PCE11"] == []
