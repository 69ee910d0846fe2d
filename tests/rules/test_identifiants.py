from __future__ import annotations

import pytest

from cdv_check.core.findings import Severity
from cdv_check.rules.identifiants import email_reason, is_french_phone, plainly_valid_email
from conftest import Case, MakeCase, located

SIRET = 'siret: "443 061 841 00047"'
RNA = "  rna: W572004321\n"
PRESIDENTE = "courriel: presidente@fil-aiguille-bellecroix.fr"
PHONE = "telephone: 03 87 74 12 34"


def porteur_line(case: Case) -> int:
    """Where something absent from `porteur` is reported: the mapping, from its first entry."""
    return case.line_of("porteur:") + 1


def test_valid_siret_of_the_example(make_case: MakeCase) -> None:
    assert make_case().findings("IDN01") == []


def test_la_poste_siret_uses_its_own_checksum(make_case: MakeCase) -> None:
    case = make_case({SIRET: 'siret: "356 000 000 00001"'})
    assert case.findings("IDN01") == []


def test_siret_with_a_wrong_checksum(make_case: MakeCase) -> None:
    case = make_case({SIRET: 'siret: "443 061 841 00048"'})
    [finding] = case.findings("IDN01")
    assert finding.message == (
        "SIRET « 443 061 841 00048 » invalide : sa clé de contrôle ne correspond pas (faute de "
        "frappe ?)."
    )
    assert finding.advice == (
        "Vérifiez chaque chiffre sur l'avis de situation SIRENE (ou sur "
        "annuaire-entreprises.data.gouv.fr)."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("IDN01", "porteur.siret", case.line_of("siret:"), 10)]
    assert "« 443 061 841 00048 »" in finding.message
    assert "clé de contrôle" in finding.message


def test_siret_with_13_digits(make_case: MakeCase) -> None:
    case = make_case({SIRET: 'siret: "443 061 841 0004"'})
    [finding] = case.findings("IDN01")
    assert finding.message == "SIRET « 443 061 841 0004 » : 13 chiffres au lieu de 14."
    assert finding.advice == (
        "Un SIRET a 14 chiffres (SIREN à 9 chiffres + établissement à 5) : recopiez-le depuis "
        "l'avis de situation SIRENE."
    )
    assert located([finding]) == [("IDN01", "porteur.siret", case.line_of("siret:"), 10)]
    assert "13 chiffres au lieu de 14" in finding.message


def test_siret_with_a_letter(make_case: MakeCase) -> None:
    case = make_case({SIRET: 'siret: "443 O61 841 00047"'})
    [finding] = case.findings("IDN01")
    assert finding.message == (
        "SIRET « 443 O61 841 00047 » : seuls des chiffres (et des espaces) sont permis."
    )
    assert finding.advice == "Recopiez les 14 chiffres du SIRET depuis l'avis de situation SIRENE."
    assert located([finding]) == [("IDN01", "porteur.siret", *case.at('"443 O61'))]
    assert "seuls des chiffres" in finding.message


def test_a_siret_with_nines_where_the_key_does_not_double_them(make_case: MakeCase) -> None:
    # 79123456000013: valid (stdnum agrees); a 9 not doubled by Luhn counts 9, not 9 - 9.
    case = make_case({SIRET: 'siret: "791 234 560 00013"'})
    assert case.findings("IDN01") == []


def test_missing_siret(make_case: MakeCase) -> None:
    case = make_case({f"  {SIRET}\n": ""})
    [finding] = case.findings("IDN01")
    assert finding.advice == (
        "Ajoutez « siret: » sous « porteur: » : les 14 chiffres de l'avis de situation SIRENE "
        "de la structure."
    )
    assert located([finding]) == [("IDN01", "porteur.siret", porteur_line(case), 3)]
    assert finding.message == "Numéro SIRET absent."


def test_lower_case_rna_is_refused_with_the_fix(make_case: MakeCase) -> None:
    case = make_case({RNA: "  rna: w572004321\n"})
    [finding] = case.findings("IDN02")
    assert finding.message == (
        "Numéro RNA « w572004321 » invalide : W majuscule suivi de 9 chiffres attendu."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("IDN02", "porteur.rna", case.line_of("rna:"), 8)]
    assert "« w572004321 » invalide" in finding.message
    assert finding.advice == "Écrivez « W572004321 »."


def test_rna_with_digits_of_another_script_is_refused(make_case: MakeCase) -> None:
    case = make_case({RNA: "  rna: W٥٧٢٠٠٤٣٢١\n"})
    assert case.located("IDN02") == [("IDN02", "porteur.rna", *case.at("W٥٧٢"))]


def test_rna_with_eight_digits(make_case: MakeCase) -> None:
    case = make_case({RNA: "  rna: W57200432\n"})
    [finding] = case.findings("IDN02")
    assert finding.message == (
        "Numéro RNA « W57200432 » invalide : W majuscule suivi de 9 chiffres attendu."
    )
    assert finding.advice == (
        "Recopiez le numéro RNA du récépissé de la préfecture : W suivi de 9 chiffres."
    )
    assert located([finding]) == [("IDN02", "porteur.rna", case.line_of("rna:"), 8)]
    assert "W suivi de 9 chiffres" in finding.advice


def test_association_without_rna_nor_register(make_case: MakeCase) -> None:
    case = make_case({RNA: ""})
    [finding] = case.findings("IDN02")
    assert finding.message == "Association sans numéro RNA ni inscription au registre du tribunal."
    assert finding.advice == (
        "Indiquez « rna: » (W + 9 chiffres) pour une association loi 1901, ou « "
        "registre_tribunal: » (tribunal, volume, folio) pour une association de droit local "
        "d'Alsace-Moselle."
    )
    assert finding.severity is Severity.WARNING
    assert located([finding]) == [("IDN02", "porteur.rna", porteur_line(case), 3)]
    assert "registre_tribunal" in finding.advice


def test_local_law_association_has_a_register_entry(make_case: MakeCase) -> None:
    register = "  registre_tribunal:\n    tribunal: Metz\n    volume: \"142\"\n    folio: \"37\"\n"
    assert make_case({RNA: register}).findings("IDN02") == []


def test_a_collectivity_has_no_rna(make_case: MakeCase) -> None:
    case = make_case({RNA: "", "statut: association": "statut: collectivite"})
    assert case.findings("IDN02") == []


def test_invalid_email_gives_a_french_reason(make_case: MakeCase) -> None:
    case = make_case({PRESIDENTE: "courriel: presidente@fil-aiguille-bellecroix"})
    [finding] = case.findings("IDN03")
    assert finding.message == (
        "Courriel du représentant légal « presidente@fil-aiguille-bellecroix » invalide : le "
        "domaine après le « @ » n'a pas de point (ex. .fr)."
    )
    assert finding.advice == "Recopiez l'adresse exacte, de la forme nom@domaine.fr."
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("IDN03", "porteur.representant_legal.courriel", case.line_of("presidente@"), 15)]
    assert "Courriel du représentant légal" in finding.message
    assert "n'a pas de point" in finding.message


def test_invalid_contact_email(make_case: MakeCase) -> None:
    case = make_case({"julie.marchal@": "julie marchal@"})
    [finding] = case.findings("IDN03")
    assert finding.message == (
        "Courriel du contact « julie marchal@fil-aiguille-bellecroix.fr » invalide : caractère "
        "interdit avant le « @ » (espace)."
    )
    assert finding.advice == "Recopiez l'adresse exacte, de la forme nom@domaine.fr."
    assert located([finding]) == [("IDN03", "porteur.contact.courriel", case.line_of("julie marchal@"), 15)]
    assert "Courriel du contact" in finding.message
    assert "caractère interdit avant le « @ » (espace)" in finding.message


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("presidente.fil-aiguille.fr", "il manque le « @ »"),
        ("a@b@c.fr", "plusieurs « @ » (une seule adresse par champ)"),
        ("a..b@asso.fr", "deux points se suivent"),
        ("a@asso.test", "le domaine après le « @ » est réservé et ne reçoit pas de courriel"),
        (" ", "adresse vide"),
        ("", "adresse vide"),
        (".julie@asso.fr", "un point au début"),
        ("julie@-asso.fr", "un tiret juste après le « @ »"),
        ("julie.@asso.fr", "un point juste avant le « @ »"),
        ("julie@as so.fr", "caractère interdit après le « @ » (espace)"),
        ("julie@[192.0.2.1]", "forme non reconnue"),  # a message email_validator has not in French here
    ],
)
def test_email_reasons(address: str, reason: str) -> None:
    assert email_reason(address) == reason


# The everyday shape is accepted without email_validator up to the limits of an address (64
# characters before the « @ », 63 between two points, 254 in all, a domain with a point and an
# extension of 2 letters or more); one past a limit, email_validator decides.
LOCAL_64 = "a" * 64
DOMAIN_189 = f"{'b' * 63}.{'c' * 63}.{'d' * 58}.fr"


@pytest.mark.parametrize(
    "address",
    [f"{LOCAL_64}@{DOMAIN_189}", f"a@{'b' * 63}.fr", "a@x.eu"],
)
def test_everyday_addresses_up_to_the_limits_are_valid_without_email_validator(address: str) -> None:
    assert plainly_valid_email(address)
    assert email_reason(address) is None


def test_an_address_of_255_characters_is_too_long() -> None:
    address = f"{LOCAL_64}@{DOMAIN_189}x"
    assert len(address) == 255
    assert not plainly_valid_email(address)
    assert email_reason(address) == "adresse trop longue"


def test_a_domain_label_of_64_characters_is_refused() -> None:
    address = f"a@{'b' * 64}.fr"
    assert not plainly_valid_email(address)
    assert email_reason(address) == "une partie du domaine entre deux points dépasse 63 caractères"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        (f"{'a' * 65}@asso.fr", None),  # email_validator allows more than 64 before the « @ »
        ("a@asso.f", None),  # and a one-letter extension
        ("a@asso", "le domaine après le « @ » n'a pas de point (ex. .fr)"),
    ],
)
def test_past_the_everyday_shape_email_validator_decides(address: str, reason: str | None) -> None:
    assert not plainly_valid_email(address)
    assert email_reason(address) == reason


def test_the_contact_email_is_checked_when_the_legal_representative_has_none(make_case: MakeCase) -> None:
    case = make_case({f"    {PRESIDENTE}\n": "", "julie.marchal@": "julie..marchal@"})
    [finding] = case.findings("IDN03")
    assert finding.message == (
        "Courriel du contact « julie..marchal@fil-aiguille-bellecroix.fr » invalide : deux points "
        "se suivent."
    )
    assert located([finding]) == [("IDN03", "porteur.contact.courriel", *case.at("julie..marchal@"))]


def test_valid_emails(make_case: MakeCase) -> None:
    assert email_reason("aïcha@bellecroix.fr") is None
    assert make_case().findings("IDN03") == []


def test_foreign_phone_is_a_warning(make_case: MakeCase) -> None:
    case = make_case({PHONE: 'telephone: "+44 20 7946 0958"'})
    [finding] = case.findings("IDN04")
    assert finding.message == (
        "Téléphone du représentant légal « +44 20 7946 0958 » : ce n'est pas un numéro "
        "français."
    )
    assert finding.advice == (
        "Écrivez 10 chiffres commençant par 0 (ex. 03 87 74 12 34), ou +33 suivi de 9 chiffres "
        "(ex. +33 3 87 74 12 34)."
    )
    assert finding.severity is Severity.WARNING
    assert located([finding]) == [("IDN04", "porteur.representant_legal.telephone", case.line_of("+44 20"), 16)]
    assert "Téléphone du représentant légal « +44 20 7946 0958 »" in finding.message


def test_short_contact_phone(make_case: MakeCase) -> None:
    case = make_case({"telephone: 06 12 34 56 78": "telephone: 06 12 34 56"})
    [finding] = case.findings("IDN04")
    assert finding.message == "Téléphone du contact « 06 12 34 56 » : ce n'est pas un numéro français."
    assert finding.advice == (
        "Écrivez 10 chiffres commençant par 0 (ex. 03 87 74 12 34), ou +33 suivi de 9 chiffres "
        "(ex. +33 3 87 74 12 34)."
    )
    assert located([finding]) == [("IDN04", "porteur.contact.telephone", case.line_of("06 12 34 56"), 16)]
    assert "Téléphone du contact" in finding.message


@pytest.mark.parametrize(
    "number",
    ["03 87 74 12 34", "0387741234", "03.87.74.12.34", "03-87-74-12-34", "+33 3 87 74 12 34",
     "0033 6 12 34 56 78", "+33612345678", "+33 (0)3 87 74 12 34"],
)
def test_french_phone_forms(number: str) -> None:
    assert is_french_phone(number)


@pytest.mark.parametrize(
    "number",
    ["00 87 74 12 34", "3 87 74 12 34", "03 87 74 12 34 5", "+33 0 3 87 74 12 34",
     "+33 (0)0 87 74 12 34", "(0)3 87 74 12 34", "03 87 74 12 AB", "٠٣ ٨٧ ٧٤ ١٢ ٣٤", ""],
)
def test_not_french_phones(number: str) -> None:
    assert not is_french_phone(number)


def test_example_phones_are_french(make_case: MakeCase) -> None:
    assert make_case().findings("IDN04") == []
