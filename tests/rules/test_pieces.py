from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path

import pytest

from cdv_check.core.checker import Settings, check_path
from cdv_check.core.findings import Finding, Severity
from cdv_check.model.referentiel import Depot, Piece, Referentiel, load
from cdv_check.reading.limits import Limits
from conftest import TODAY, Case, MakeCase, located

CERFA = "  cerfa: pieces/cerfa-12156.pdf\n"
FIRST_REQUEST = "  premiere_demande: oui"
RENEWAL = "  nouvelle: oui"


def pieces_line(case: Case) -> int:
    """Where an absent piece is reported: the `pieces` mapping, which starts on its first entry."""
    return case.line_of("pieces:") + 1


@pytest.mark.parametrize(
    ("line", "rule", "named"),
    [
        (CERFA, "PCE01", "CERFA 12156*03"),
        ("  fiche_synthese: pieces/fiche-synthese.pdf\n", "PCE02", "fiche de synthèse"),
        ("  rib: pieces/rib.pdf\n", "PCE03", "RIB"),
        ("  rapport_activite: pieces/rapport-activite-2014.pdf\n", "PCE04", "rapport d'activité"),
        ("  statuts_bureau: pieces/statuts-bureau.pdf\n", "PCE05", "statuts et du bureau"),
    ],
)
def test_missing_piece_is_an_error_at_pieces(
    make_case: MakeCase, line: str, rule: str, named: str
) -> None:
    case = make_case({line: ""})
    [finding] = case.findings(rule)
    assert finding.severity is Severity.ERROR
    key = line.split(":")[0].strip()
    assert located([finding]) == [(rule, f"pieces.{key}", pieces_line(case), 3)]
    assert named in finding.message
    assert "contratdeville@metzmetropole.fr" in finding.advice


def test_blank_piece_counts_as_missing_and_points_at_it(make_case: MakeCase) -> None:
    case = make_case({CERFA: '  cerfa: ""\n'})
    [finding] = case.findings("PCE01")
    assert finding.message == "Pièce manquante : le dossier CERFA 12156*03 rempli en PDF."
    assert finding.advice == (
        "Ajoutez « cerfa: chemin/du/fichier » sous « pieces: » et envoyez la pièce à "
        "contratdeville@metzmetropole.fr avec le dossier : tout dossier incomplet ne sera pas "
        "instruit."
    )
    assert located([finding]) == [("PCE01", "pieces.cerfa", case.line_of('cerfa: ""'), 10)]
    assert case.findings("PCE07") == []


def test_no_pieces_at_all_gives_one_finding_per_required_piece(make_case: MakeCase) -> None:
    case = make_case()
    text = case.text.split("pieces:\n")[0]
    case = make_case(text=text)
    rules = sorted(f.rule for f in case.check().findings if f.rule.startswith("PCE0"))
    assert rules == ["PCE01", "PCE02", "PCE03", "PCE04", "PCE05", "PCE09"]


def test_complete_example_has_every_piece(make_case: MakeCase) -> None:
    findings = make_case().check().findings
    assert [f for f in findings if f.rule in {"PCE01", "PCE02", "PCE03", "PCE04", "PCE05"}] == []


STATUTS = "  statuts_bureau: pieces/statuts-bureau.pdf\n"


def test_statutes_not_needed_on_a_later_request_without_change(make_case: MakeCase) -> None:
    case = make_case({STATUTS: "", FIRST_REQUEST: "  premiere_demande: non"})
    assert case.findings("PCE05") == []


def test_statutes_needed_after_a_change_of_board(make_case: MakeCase) -> None:
    case = make_case(
        {STATUTS: "", FIRST_REQUEST: "  premiere_demande: non\n  changement_statuts: oui"}
    )
    [finding] = case.findings("PCE05")
    assert finding.message == (
        "Pièce manquante (première demande, ou statuts ou bureau modifiés) : une copie des "
        "statuts et du bureau (si changement ou s'il s'agit d'une première demande de "
        "subvention)."
    )
    assert finding.advice == (
        "Ajoutez « statuts_bureau: chemin/du/fichier » sous « pieces: » et envoyez la pièce à "
        "contratdeville@metzmetropole.fr avec le dossier : tout dossier incomplet ne sera pas "
        "instruit."
    )
    assert located([finding]) == [("PCE05", "pieces.statuts_bureau", pieces_line(case), 3)]
    assert "statuts ou bureau modifiés" in finding.message


def test_renewal_without_any_report_is_an_error(make_case: MakeCase) -> None:
    case = make_case({RENEWAL: "  nouvelle: non"})
    [finding] = case.findings("PCE06")
    assert finding.message == (
        "Renouvellement sans bilan : le bilan financier et qualitatif de l'année précédente "
        "manque."
    )
    assert finding.advice == (
        "Ajoutez « bilan_precedent: chemin/du/fichier » sous « pieces: » ; si l'action de l'an "
        "dernier n'est pas terminée, joignez un bilan intermédiaire (« bilan_intermediaire: … "
        "»)."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("PCE06", "pieces.bilan_precedent", pieces_line(case), 3)]
    assert "bilan financier et qualitatif" in finding.message


def test_renewal_with_only_the_interim_report_is_a_warning(make_case: MakeCase) -> None:
    case = make_case(
        {RENEWAL: "  nouvelle: non", STATUTS: STATUTS + "  bilan_intermediaire: pieces/rib.pdf\n"}
    )
    [finding] = case.findings("PCE06")
    assert finding.message == (
        "Seul un bilan intermédiaire est joint : le bilan définitif de l'année précédente "
        "reste dû."
    )
    assert finding.advice == (
        "Envoyez le bilan définitif dès que possible à contratdeville@metzmetropole.fr, puis "
        "ajoutez « bilan_precedent: … » sous « pieces: »."
    )
    assert finding.severity is Severity.WARNING
    assert located([finding]) == [("PCE06", "pieces.bilan_intermediaire", case.line_of("bilan_intermediaire:"), 24)]
    assert "bilan définitif dès que possible" in finding.advice


def test_renewal_with_last_year_report_is_complete(make_case: MakeCase) -> None:
    case = make_case(
        {RENEWAL: "  nouvelle: non", STATUTS: STATUTS + "  bilan_precedent: pieces/rib.pdf\n"}
    )
    assert case.findings("PCE06") == []


def test_new_action_needs_no_report(make_case: MakeCase) -> None:
    assert make_case().findings("PCE06") == []


def test_declared_file_that_does_not_exist(make_case: MakeCase) -> None:
    case = make_case({"pieces/rib.pdf": "pieces/RIB-2016.pdf"})
    [finding] = case.findings("PCE07")
    assert finding.message == (
        "Pièce « rib » : le fichier « pieces/RIB-2016.pdf » est introuvable dans le répertoire "
        "du dossier."
    )
    assert finding.advice == (
        "Le nom s'écrit exactement comme sur le disque (majuscules, accents, extension) ; le "
        "chemin est relatif au répertoire du fichier du dossier."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("PCE07", "pieces.rib", case.line_of("RIB-2016.pdf"), 8)]
    assert "« pieces/RIB-2016.pdf » est introuvable" in finding.message


@pytest.mark.parametrize("on_disk", ["Fiche de synthèse.pdf", unicodedata.normalize("NFD", "Fiche de synthèse.pdf")])
@pytest.mark.parametrize("typed", ["Fiche de synthese.pdf", "fiche de synthèse.pdf", "FICHE DE SYNTHESE.PDF"])
def test_a_name_differing_by_case_or_accents_is_suggested(make_case: MakeCase, on_disk: str, typed: str) -> None:
    case = make_case({"pieces/fiche-synthese.pdf": f'"pieces/{typed}"'})
    (case.path.parent / "pieces" / "fiche-synthese.pdf").rename(case.path.parent / "pieces" / on_disk)
    [finding] = case.findings("PCE07")
    assert f"« pieces/{typed} » est introuvable" in finding.message
    assert finding.advice.startswith(f"Vouliez-vous dire « pieces/{on_disk} » ?")


def test_a_folder_differing_by_case_is_suggested(make_case: MakeCase) -> None:
    case = make_case({"pieces/rib.pdf": "Pieces/rib.pdf"})
    [finding] = case.findings("PCE07")
    assert finding.message == (
        "Pièce « rib » : le répertoire « Pieces » est introuvable dans le répertoire du "
        "dossier."
    )
    assert finding.advice == (
        "Vouliez-vous dire « pieces » ? Le nom s'écrit exactement comme sur le disque "
        "(majuscules, accents, extension) ; le chemin est relatif au répertoire du fichier du "
        "dossier."
    )
    assert "le répertoire « Pieces » est introuvable" in finding.message
    assert finding.advice.startswith("Vouliez-vous dire « pieces » ?")


def test_a_misspelt_name_is_suggested_but_not_a_different_one(make_case: MakeCase) -> None:
    [finding] = make_case({"pieces/rib.pdf": "pieces/ribb.pdf"}).findings("PCE07")
    assert finding.advice.startswith("Vouliez-vous dire « pieces/rib.pdf » ?")
    [finding] = make_case({"pieces/rib.pdf": "pieces/releve.pdf"}).findings("PCE07")
    assert "Vouliez-vous dire" not in finding.advice


def test_absolute_path_to_a_device_is_refused(make_case: MakeCase) -> None:
    case = make_case({"pieces/rib.pdf": "/dev/zero"})
    [finding] = case.findings("PCE07")
    assert finding.message == (
        "Pièce « rib » : « /dev/zero » est un chemin absolu : seules les pièces du répertoire "
        "du dossier sont lues."
    )
    assert finding.advice == (
        "Écrivez un chemin relatif au répertoire du fichier du dossier, avec des « / » (ex. "
        "pieces/rib.pdf), et placez-y le fichier."
    )
    assert located([finding]) == [("PCE07", "pieces.rib", case.line_of("/dev/zero"), 8)]
    assert "chemin absolu" in finding.message


def test_link_to_a_device_inside_the_folder_is_refused(make_case: MakeCase) -> None:
    case = make_case({"pieces/rib.pdf": "pieces/zero.pdf"})
    (case.path.parent / "pieces" / "zero.pdf").symlink_to("/dev/zero")
    [finding] = case.findings("PCE07")
    assert finding.message == (
        "Pièce « rib » : « pieces/zero.pdf » est un lien symbolique : les liens ne sont jamais "
        "suivis."
    )
    assert finding.advice == "Copiez le fichier lui-même dans le répertoire du dossier."
    assert located([finding]) == [("PCE07", "pieces.rib", case.line_of("zero.pdf"), 8)]
    assert "lien symbolique" in finding.message


def test_fifo_piece_is_refused(make_case: MakeCase) -> None:
    case = make_case({"pieces/rib.pdf": "pieces/tube.pdf"})
    os.mkfifo(case.path.parent / "pieces" / "tube.pdf")
    [finding] = case.findings("PCE07")
    assert finding.message == "Pièce « rib » : c'est un tube nommé (FIFO), pas un fichier."
    assert finding.advice == (
        "Écrivez un chemin relatif au répertoire du fichier du dossier, avec des « / » (ex. "
        "pieces/rib.pdf), et placez-y le fichier."
    )
    assert located([finding]) == [("PCE07", "pieces.rib", *case.at("pieces/tube.pdf"))]
    assert "tube nommé" in finding.message


@pytest.mark.own_pieces
def test_empty_piece_is_refused(make_case: MakeCase) -> None:
    case = make_case()
    (case.path.parent / "pieces" / "rib.pdf").write_bytes(b"")
    [finding] = case.findings("PCE07")
    assert finding.message == "Pièce « rib » : le fichier est vide (0 octet)."
    assert finding.advice == (
        "Enregistrez de nouveau la pièce ; un fichier vide vient souvent d'un envoi interrompu."
    )
    assert located([finding]) == [("PCE07", "pieces.rib", case.line_of("pieces/rib.pdf"), 8)]
    assert "vide" in finding.message


def test_files_are_not_read_when_asked_not_to(make_case: MakeCase) -> None:
    case = make_case({"pieces/rib.pdf": "/dev/zero"})
    assert case.findings("PCE07", check_files=False) == []


def test_no_file_lookup_for_standard_input(make_case: MakeCase) -> None:
    case = make_case({"pieces/rib.pdf": "/dev/zero"})
    stdin = io.BytesIO(case.text.encode("utf-8"))
    result = check_path("-", load(), Settings(today=TODAY), stdin=stdin)
    assert [f for f in result.findings if f.rule in {"PCE07", "PCE08"}] == []


def _replace_cerfa(folder: Path, content: bytes) -> None:
    (folder / "pieces" / "cerfa-12156.pdf").write_bytes(content)


@pytest.mark.own_pieces
def test_cerfa_that_is_a_word_document(make_case: MakeCase) -> None:
    case = make_case()
    _replace_cerfa(case.path.parent, b"PK\x03\x04\x14\x00\x06\x00rest of a docx")
    [finding] = case.findings("PCE08")
    assert finding.message == (
        "« pieces/cerfa-12156.pdf » n'est pas un PDF (il ne commence pas par « %PDF- ») : on "
        "dirait un document Word ou OpenOffice (.docx, .odt) ou une archive ZIP."
    )
    assert finding.advice == (
        "Envoyez le dossier CERFA 12156*03 rempli en PDF : saisissez-le sur extranet.lacse.fr, "
        "imprimez-le en PDF et indiquez ce fichier."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("PCE08", "pieces.cerfa", case.line_of("cerfa-12156.pdf"), 10)]
    assert "n'est pas un PDF" in finding.message
    assert "Word" in finding.message
    assert "extranet.lacse.fr" in finding.advice


@pytest.mark.own_pieces
def test_other_pieces_need_not_be_pdf(make_case: MakeCase) -> None:
    case = make_case()
    (case.path.parent / "pieces" / "rib.pdf").write_bytes(b"\xff\xd8\xff\xe0 a scanned RIB")
    assert case.findings("PCE08") == []


def test_missing_cerfa_file_is_only_pce07(make_case: MakeCase) -> None:
    case = make_case({"cerfa-12156.pdf": "cerfa.pdf"})
    assert [f.rule for f in case.check().findings if f.rule in {"PCE07", "PCE08"}] == ["PCE07"]


@pytest.mark.own_pieces
def test_cerfa_not_read_without_file_checks(make_case: MakeCase) -> None:
    case = make_case()
    _replace_cerfa(case.path.parent, b"not a pdf")
    assert case.findings("PCE08", check_files=False) == []


def test_first_request_gives_the_prefecture_contacts(make_case: MakeCase) -> None:
    case = make_case()
    [finding] = case.findings("PCE09")
    assert finding.message == (
        "Première demande : la saisie en ligne sur extranet.lacse.fr demande des codes d'accès."
    )
    assert finding.advice == (
        "Demandez-les d'abord (Préfecture de Moselle) : Patricia METZEN (03.87.34.88.67, "
        "patricia.metzen@moselle.gouv.fr) ou Jennifer NICOLAS (03.87.34.88.68, "
        "jennifer.nicolas@moselle.gouv.fr)."
    )
    assert finding.severity is Severity.INFO
    assert located([finding]) == [("PCE09", "porteur.premiere_demande", case.line_of("premiere_demande:"), 21)]
    assert "codes" in finding.message
    assert "Préfecture de Moselle" in finding.advice
    assert "Patricia METZEN (03.87.34.88.67, patricia.metzen@moselle.gouv.fr)" in finding.advice
    assert "Jennifer NICOLAS" in finding.advice
    assert "Sandy ARON" not in finding.advice


def test_later_request_needs_no_extranet_codes(make_case: MakeCase) -> None:
    case = make_case({FIRST_REQUEST: "  premiere_demande: non"})
    assert case.findings("PCE09") == []


def test_each_piece_file_is_read_once_per_dossier(make_case: MakeCase, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdv_check.reading.piece_files import Directories, PieceCheck
    from cdv_check.reading.piece_files import inspect_piece as real
    from cdv_check.rules import pieces

    opened: list[str] = []

    def counting(folder: Path, declared: str, header_bytes: int, directories: Directories | None = None) -> PieceCheck:
        opened.append(declared)
        return real(folder, declared, header_bytes, directories)

    monkeypatch.setattr(pieces, "inspect_piece", counting)
    result = make_case().check()
    assert [f for f in result.findings if f.rule in {"PCE07", "PCE08"}] == []
    assert "pieces/cerfa-12156.pdf" in opened
    assert sorted(opened) == sorted(set(opened))


def test_the_run_limits_bound_what_is_read_of_a_piece(make_case: MakeCase) -> None:
    # Settings.limits reaches the piece rules: with 4 bytes read of a piece wanted in PDF (the RIB,
    # in another call), « %PDF- » cannot be seen. The CERFA, whose text is read, is read whole.
    ref = _with_pieces(load(), rib={"pdf": True})
    case = make_case()

    def pce08(**limits: int) -> list[Finding]:
        settings = Settings(today=TODAY, limits=Limits(**limits))
        return [f for f in check_path(case.path, ref, settings).findings if f.rule == "PCE08"]

    assert pce08() == []
    [finding] = pce08(piece_header_bytes=4)
    assert finding.message == "« pieces/rib.pdf » n'est pas un PDF (il ne commence pas par « %PDF- »)."
    assert located([finding]) == [("PCE08", "pieces.rib", *case.at("pieces/rib.pdf"))]
    assert pce08(piece_header_bytes=5) == []


# --- the pieces follow the référentiel: another call's list, conditions and contacts ---------


def _with_pieces(ref: Referentiel, **changes: dict[str, object]) -> Referentiel:
    """The 2016 référentiel with some pieces changed (as another year's call could list them)."""
    pieces = [p.model_copy(update=changes.get(p.id, {})) for p in ref.pieces]
    return ref.model_copy(update={"pieces": pieces})


def test_a_renewal_piece_under_a_presence_rule_is_asked_of_a_renewal_only(make_case: MakeCase) -> None:
    ref = _with_pieces(load(), bilan_precedent={"regle": "PCE04", "textes": None})
    renewal = make_case({RENEWAL: "  nouvelle: non"})
    [finding] = [f for f in check_path(renewal.path, ref, Settings(today=TODAY)).findings if f.rule == "PCE04"]
    assert finding.message == (
        "Pièce manquante (action existante ou déjà financée) : le bilan financier et qualitatif "
        "de l'année précédente."
    )
    assert located([finding]) == [("PCE04", "pieces.bilan_precedent", pieces_line(renewal), 3)]
    new = make_case()
    assert [f for f in check_path(new.path, ref, Settings(today=TODAY)).findings if f.rule == "PCE04"] == []


@pytest.mark.own_pieces
def test_every_piece_the_referentiel_wants_in_pdf_is_checked(make_case: MakeCase) -> None:
    ref = _with_pieces(load(), rib={"pdf": True})
    case = make_case()
    (case.path.parent / "pieces" / "rib.pdf").write_bytes(b"\xff\xd8\xff\xe0 a scanned RIB")
    findings = [f for f in check_path(case.path, ref, Settings(today=TODAY)).findings if f.rule == "PCE08"]
    assert located(findings) == [("PCE08", "pieces.rib", *case.at("pieces/rib.pdf"))]
    assert findings[0].message == (
        "« pieces/rib.pdf » n'est pas un PDF (il ne commence pas par « %PDF- ») : on dirait une "
        "image JPEG."
    )


def test_the_extranet_advice_without_a_contact_still_ends_its_sentence(make_case: MakeCase) -> None:
    ref = load().model_copy(update={"contacts": []})
    case = make_case()
    [finding] = [f for f in check_path(case.path, ref, Settings(today=TODAY)).findings if f.rule == "PCE09"]
    assert finding.advice == "Demandez-les d'abord (Préfecture de Moselle)."


@pytest.mark.parametrize(
    ("depot", "address"),
    [
        # No e-mail: the pieces go to the platform where the request is typed.
        ({"plateforme": "dauphin", "saisie_en_ligne": "dauphin.example.fr"}, "dauphin.example.fr"),
        # A paper call: the pieces go by post, and the address is said, not left blank.
        ({"plateforme": "papier", "adresse_postale": "Mairie, 1 place de la Gare"}, "Mairie, 1 place de la Gare"),
    ],
)
def test_a_piece_text_names_the_deposit_address_of_a_call_without_email(
    make_case: MakeCase, depot: dict[str, str], address: str
) -> None:
    ref = load()
    ref = ref.model_copy(update={"depot": Depot(cerfa=ref.depot.cerfa, **depot)})  # type: ignore[arg-type]
    case = make_case({RENEWAL: "  nouvelle: non", STATUTS: STATUTS + "  bilan_intermediaire: pieces/rib.pdf\n"})
    [finding] = [f for f in check_path(case.path, ref, Settings(today=TODAY)).findings if f.rule == "PCE06"]
    assert finding.advice == (
        f"Envoyez le bilan définitif dès que possible à {address}, puis ajoutez « bilan_precedent: … » "
        "sous « pieces: »."
    )


def test_each_form_piece_is_read_from_its_own_file(make_case: MakeCase) -> None:
    # A call with two forms (the CERFA and its own synthesis form): a RIB given as the second
    # form is said to be a RIB under its own key, though the CERFA read first is the real form.
    ref = _with_pieces(load(), fiche_synthese={"formulaire": True, "pdf": True})
    case = make_case({"  fiche_synthese: pieces/fiche-synthese.pdf\n": "  fiche_synthese: pieces/rib.pdf\n"})
    findings = [f for f in check_path(case.path, ref, Settings(today=TODAY)).findings if f.rule in {"PCE01", "PCE02"}]
    assert located(findings) == [("PCE02", "pieces.fiche_synthese", *case.at("pieces/rib.pdf"))]
    assert findings[0].message.startswith("« pieces/rib.pdf » n'est pas le CERFA 12156*03 : on dirait un RIB")
    assert findings[0].advice.startswith("Indiquez sous « fiche_synthese: » le CERFA")


def _with_insurance(ref: Referentiel, **interim: object) -> Referentiel:
    """2016 with one more renewal piece under PCE06, listed after the report and its interim
    stand-in (changed by `interim`): another call's list."""
    insurance = Piece(
        id="attestation_assurance", libelle="l'attestation d'assurance", condition="renouvellement", regle="PCE06"
    )
    ref = _with_pieces(ref, bilan_intermediaire=dict(interim))
    return ref.model_copy(update={"pieces": [*ref.pieces, insurance]})


def _pce06(case: Case, ref: Referentiel) -> list[Finding]:
    return [f for f in check_path(case.path, ref, Settings(today=TODAY)).findings if f.rule == "PCE06"]


INTERIM_ONLY = {RENEWAL: "  nouvelle: non", STATUTS: STATUTS + "  bilan_intermediaire: pieces/rib.pdf\n"}


@pytest.mark.parametrize("provisional", [True, False])
def test_a_piece_after_one_given_by_its_alternative_is_still_checked(make_case: MakeCase, provisional: bool) -> None:
    case = make_case(INTERIM_ONLY)
    findings = _pce06(case, _with_insurance(load(), provisoire=provisional))
    missing = ("PCE06", "pieces.attestation_assurance", pieces_line(case), 3)
    interim = ("PCE06", "pieces.bilan_intermediaire", case.line_of("bilan_intermediaire:"), 24)
    assert sorted(located(findings)) == sorted([interim, missing] if provisional else [missing])
    assert [f.message for f in findings if f.path == "pieces.attestation_assurance"] == [
        "Pièce manquante (action existante ou déjà financée) : l'attestation d'assurance."
    ]


def test_a_provisional_piece_without_texts_of_its_own_says_the_piece_still_due(make_case: MakeCase) -> None:
    case = make_case(INTERIM_ONLY)
    ref = _with_pieces(load(), bilan_intermediaire={"textes": None})
    [finding] = _pce06(case, ref)
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "Seule une pièce provisoire est jointe (un bilan intermédiaire, à la place du bilan tant que "
        "l'action n'est pas terminée (et envoyer le bilan définitif dès que possible)) : le bilan "
        "financier et qualitatif de l'année précédente reste due."
    )
    assert finding.advice == (
        "Envoyez le bilan financier et qualitatif de l'année précédente dès que possible à "
        "contratdeville@metzmetropole.fr, puis ajoutez « bilan_precedent: … » sous « pieces: »."
    )


def test_a_missing_piece_without_texts_of_its_own_names_each_alternative(make_case: MakeCase) -> None:
    ref = _with_pieces(load(), bilan_precedent={"textes": None})
    account = Piece(
        id="compte_rendu_financier", libelle="le compte rendu financier", regle="PCE06", alternative_a="bilan_precedent"
    )
    ref = ref.model_copy(update={"pieces": [*ref.pieces, account]})
    case = make_case({RENEWAL: "  nouvelle: non"})
    [finding] = _pce06(case, ref)
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "Pièce manquante (action existante ou déjà financée) : le bilan financier et qualitatif de l'année précédente."
    )
    assert finding.advice == (
        "Ajoutez « bilan_precedent: chemin/du/fichier » sous « pieces: » et envoyez la pièce à "
        "contratdeville@metzmetropole.fr avec le dossier : tout dossier incomplet ne sera pas instruit. À défaut : "
        "un bilan intermédiaire, à la place du bilan tant que l'action n'est pas terminée (et envoyer le bilan "
        "définitif dès que possible) (« bilan_intermediaire: … ») ; le compte rendu financier "
        "(« compte_rendu_financier: … »)."
    )


def test_a_rib_sent_as_the_form_in_a_call_without_a_rib_piece_is_told_where_the_form_goes(
    make_case: MakeCase,
) -> None:
    ref = _with_pieces(load(), rib={"releve_bancaire": False})
    case = make_case({CERFA: "  cerfa: pieces/rib.pdf\n"})
    [finding] = [f for f in check_path(case.path, ref, Settings(today=TODAY)).findings if f.rule == "PCE01"]
    assert finding.message.startswith("« pieces/rib.pdf » n'est pas le CERFA 12156*03 : on dirait un RIB")
    assert finding.advice == "Indiquez sous « cerfa: » le CERFA saisi sur extranet.lacse.fr et imprimé en PDF."


@pytest.mark.own_pieces
def test_a_broken_form_in_a_call_without_an_online_platform_is_printed_again_from_nowhere_named(
    make_case: MakeCase,
) -> None:
    ref = load()
    ref = ref.model_copy(
        update={"depot": Depot(plateforme="courriel", courriel="depot@example.fr", cerfa=ref.depot.cerfa)}
    )
    case = make_case()
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    [finding] = [f for f in check_path(case.path, ref, Settings(today=TODAY)).findings if f.rule == "PCE08"]
    assert finding.message.endswith("ne se lit pas comme un PDF (fichier abîmé ou tronqué ?).")
    assert finding.advice == "Imprimez de nouveau le CERFA en PDF, vérifiez qu'il s'ouvre, et indiquez ce fichier."
