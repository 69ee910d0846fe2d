"""The batch synthesis in-process, through its public functions (`demande_of`, `synthesize`,
`Builder.add`/`build`, `Synthesis.as_json`, `Summary`): what each dossier asks for, and every
total, status and column a referent reads in the reports. Fast, so that mutation testing
(README, « Développement : tests de mutation ») credits them; the CLI tests run workers it
cannot see."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Finding, Severity
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import (
    NOTHING,
    Builder,
    Demande,
    content_key,
    demande_of,
    money,
    shares,
    status_of,
    synthesize,
)
from cdv_check.model.dossier import Dossier
from cdv_check.model.referentiel import Referentiel

SIRET = "44306184100047"


def dossier(**parts: Any) -> Dossier:
    return Dossier.model_validate(parts)


def line(montant: str | None, financeur: str | None = None, *, pdv: bool | None = True,
         compte: str = "74") -> dict[str, Any]:
    return {"compte": compte, "libelle": "Ligne", "montant": montant, "politique_de_la_ville": pdv,
            "financeur": financeur}


def asked_of(ref: Referentiel, asked: str | None, *lines: dict[str, Any]) -> dict[str | None, Decimal]:
    """What `demande_of` says the dossier asks of each funder (None: « non précisé »)."""
    model = dossier(budget={"produits": list(lines), "subvention_demandee": asked})
    return dict(demande_of(model, ref, None).financeurs)


# --- money, shares, status ---------------------------------------------------------------------


def test_amounts_are_written_with_two_decimals_and_unknown_stays_unknown() -> None:
    assert money(Decimal("4000")) == "4000.00"
    assert money(Decimal("0.5")) == "0.50"
    assert money(None) is None


def test_shares_add_up_to_the_amount_the_first_ones_taking_the_cents() -> None:
    assert shares(Decimal("100"), 3) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert shares(Decimal("100.02"), 3) == [Decimal("33.34"), Decimal("33.34"), Decimal("33.34")]
    assert shares(Decimal("10.01"), 2) == [Decimal("5.01"), Decimal("5.00")]
    assert shares(Decimal("7000"), 1) == [Decimal("7000")]
    assert sum(shares(Decimal("1234.57"), 7)) == Decimal("1234.57")


def test_a_status_says_unreadable_to_fix_or_ready() -> None:
    for rule in ("SCH01", "SCH02", "SCH07"):
        assert status_of(["BUD01", rule], 0) == "illisible"
        assert status_of([rule], 3) == "illisible"
    assert status_of(["SCH03", "BUD01"], 2) == "a_corriger"
    assert status_of(["OBJ03"], 0) == "pret"
    assert status_of([], 0) == "pret"


# --- content_key -------------------------------------------------------------------------------


def test_the_content_key_reads_dates_and_any_text() -> None:
    # Values YAML gives as dates are keyed too (not one key for every such dossier).
    assert content_key({"debut": date(2016, 2, 1)}) is not None
    assert content_key({"debut": date(2016, 2, 1)}) != content_key({"debut": date(2016, 2, 2)})
    assert content_key({"debut": date(2016, 2, 1)}) == content_key({"debut": date(2016, 2, 1)})
    # A lone surrogate (a file read with errors kept) still gives a key, its own.
    assert content_key({"a": "\ud800"}) is not None
    assert content_key({"a": "\ud800"}) != content_key({"a": "\ud801"})
    assert content_key({"a": "é"}) != content_key({"a": "e"})


# --- demande_of --------------------------------------------------------------------------------


def test_an_unreadable_model_asks_for_nothing_but_keeps_its_key(ref: Referentiel) -> None:
    assert demande_of(None, ref, b"key") == Demande(content_key=b"key")
    assert demande_of(None, ref, None) == NOTHING


def test_a_whole_dossier_says_what_it_asks_for(ref: Referentiel) -> None:
    model = dossier(
        date_depot="2016-01-06",
        porteur={"nom": "  Fil  et Aiguille\tBellecroix ", "sigle": "FAB", "statut": "association",
                 "siret": "443 061 841 00047"},
        action={
            "intitule": "Atelier   couture", "nouvelle": False,
            "quartiers": ["Bellecroix", "BORNY", "Nulle part", "bellecroix"],
            "objectifs": ["2.1.2", "2.12.2", "9.9", "3.1", "2.1.2"],
            "axes_transversaux": ["jeunesse", "jeunesse", "egalite_femmes_hommes"],
            "priorites": ["bellecroix-emploi-femmes", "  "],
            "public": {"beneficiaires": 24, "beneficiaires_qpv": 22},
            "debut": "2016-02-01", "fin": "2016-12-15",
        },
        budget={
            "charges": [{"compte": "60", "libelle": "Achats", "montant": "1 200"},
                        {"compte": "64", "libelle": "Personnel", "montant": "7 400,50"},
                        {"compte": "86", "libelle": "Salle", "montant": "1 000"}],
            "produits": [line("4 000", "etat"), line("2 000", "Ville de Metz")],
            "subvention_demandee": "7 000",
            "subvention_precedente": "6 500",
        },
    )
    assert demande_of(model, ref, b"k") == Demande(
        porteur_nom="Fil et Aiguille Bellecroix", porteur_sigle="FAB", siret=SIRET,
        porteur_statut="association", intitule="Atelier couture", nouvelle=False,
        quartiers=("bellecroix", "borny"),  # known QPV only, each once, in the dossier's order
        objectifs=("2.1.2", "2.12.2", "9.9", "3.1"),
        axes_strategiques=("2", "3"),  # 9.9 is no objective of the call: no axis
        axes_transversaux=("jeunesse", "egalite_femmes_hommes"),
        priorites=("bellecroix-emploi-femmes",),
        debut=date(2016, 2, 1), fin=date(2016, 12, 15), beneficiaires=24, beneficiaires_qpv=22,
        cout_total=Decimal("8600.50"), contributions_nature=Decimal("1000"),
        subvention_demandee=Decimal("7000"), date_depot=date(2016, 1, 6), content_key=b"k",
        financeurs=(("etat", Decimal("4000")), ("ville-de-metz", Decimal("2000")), (None, Decimal("1000"))),
        subvention_precedente=Decimal("6500"),
    )


def test_a_dossier_of_one_part_asks_for_what_that_part_says(ref: Referentiel) -> None:
    only_carrier = demande_of(dossier(porteur={"nom": "Club", "siret": "en cours"}), ref, None)
    assert only_carrier == Demande(porteur_nom="Club", siret="en cours")
    only_action = demande_of(dossier(action={"intitule": "Atelier", "quartiers": ["Borny"]}), ref, None)
    assert only_action == Demande(intitule="Atelier", quartiers=("borny",))
    only_budget = demande_of(dossier(budget={"subvention_demandee": "500"}), ref, None)
    assert only_budget == Demande(subvention_demandee=Decimal(500), financeurs=((None, Decimal(500)),))
    no_public = demande_of(dossier(action={"public": None, "nouvelle": True}), ref, None)
    assert (no_public.beneficiaires, no_public.beneficiaires_qpv, no_public.nouvelle) == (None, None, True)
    no_charges = demande_of(dossier(budget={"produits": [], "charges": None}), ref, None)
    assert (no_charges.cout_total, no_charges.contributions_nature) == (None, None)
    empty_charges = demande_of(dossier(budget={"charges": []}), ref, None)
    assert (empty_charges.cout_total, empty_charges.contributions_nature) == (Decimal(0), Decimal(0))


def test_texts_are_written_on_one_line_and_blank_is_none(ref: Referentiel) -> None:
    model = dossier(porteur={"nom": " \t ", "sigle": "A\nB", "statut": "", "siret": None},
                    action={"intitule": "Lire\u00a0et   écrire", "objectifs": ["", "1.1"]})
    asked = demande_of(model, ref, None)
    assert (asked.porteur_nom, asked.porteur_sigle, asked.porteur_statut, asked.siret) == (None, "A B", None, None)
    assert asked.intitule == "Lire et écrire" and asked.objectifs == ("1.1",)


def test_a_siret_is_packed_when_it_is_digits_and_left_as_written_otherwise(ref: Referentiel) -> None:
    def siret(text: str) -> str | None:
        return demande_of(dossier(porteur={"siret": text}), ref, None).siret

    assert siret(" 443 061 841  00047 ") == SIRET
    assert siret("en  cours") == "en cours"
    arabic = "٤٤٣٠٦١٨٤١٠٠٠٤٧"  # digits, but not the ASCII ones a SIRET is made of
    assert siret(arabic) == arabic
    assert siret("443-061") == "443-061"


# --- funders -----------------------------------------------------------------------------------


def test_lines_marked_and_naming_a_funder_are_asked_of_it_the_rest_is_unspecified(ref: Referentiel) -> None:
    assert asked_of(ref, "7000", line("4000", "etat"), line("3000", "VILLE DE METZ")) == {
        "etat": Decimal(4000), "ville-de-metz": Decimal(3000)}  # nothing left: no « non précisé »
    assert asked_of(ref, "7000", line("4000", "etat"), line("1000", "etat")) == {
        "etat": Decimal(5000), None: Decimal(2000)}
    # Lines not marked, without amount, naming no funder or an unknown one: not counted for a funder.
    assert asked_of(ref, "7000", line("4000", "etat", pdv=False), line("1000", "etat", pdv=None),
                    line(None, "etat"), line("500", None), line("500", ""), line("800", "Mairie de Lune")) == {
        None: Decimal(7000)}
    # Each line is read, whatever comes before it.
    for ignored in (line("4000", "etat", pdv=False), line(None, "etat"), line("500", None), line("8", "Lune")):
        assert asked_of(ref, "7000", ignored, line("3000", "caf")) == {"caf": Decimal(3000), None: Decimal(4000)}


def test_unknown_request_asks_nothing_of_anyone_and_zero_is_unspecified(ref: Referentiel) -> None:
    assert asked_of(ref, None, line("4000", "etat")) == {}
    assert asked_of(ref, "0") == {None: Decimal(0)}
    # More named than asked: the difference is « non précisé », negative, so that the funders'
    # amounts still add up to the amount asked.
    assert asked_of(ref, "3000", line("4000", "etat")) == {"etat": Decimal(4000), None: Decimal(-1000)}


# --- pieces ------------------------------------------------------------------------------------


def pdf(pages: int, *, kids: bool = True) -> bytes:
    body = b"".join(b"<< /Type /Page >>\n" for _ in range(pages))
    return b"%PDF-1.4\n" + (b"<< /Type /Pages /Count 9 >>\n" if kids else b"") + body + b"%%EOF\n"


def test_pieces_give_name_size_and_pdf_pages_when_the_rules_read_them(ref: Referentiel, tmp_path: Path) -> None:
    (tmp_path / "pieces").mkdir()
    three = pdf(3)
    (tmp_path / "pieces" / "cerfa.pdf").write_bytes(three)
    (tmp_path / "pieces" / "rib.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 2000)
    (tmp_path / "pieces" / "statuts.pdf").write_bytes(b"not a pdf /Type /Page")
    model = dossier(pieces={
        "cerfa": "pieces/cerfa.pdf", "rib": "pieces/rib.pdf", "statuts_bureau": "pieces/statuts.pdf",
        "fiche_synthese": "pieces/absente.pdf", "rapport_activite": "pieces/refusee.pdf",
        "budget_previsionnel": "dossier\\sous-dossier\\budget.pdf",
    })
    checks = {
        "pieces/cerfa.pdf": SimpleNamespace(ok=True, header=three),
        "pieces/rib.pdf": SimpleNamespace(ok=True, header=b"%PDF-1.4\n"),  # the first bytes only
        "pieces/statuts.pdf": SimpleNamespace(ok=True, header=b"not a pdf /Type /Page"),
        "pieces/absente.pdf": SimpleNamespace(ok=True, header=b""),  # gone since: no size
        "pieces/refusee.pdf": SimpleNamespace(ok=False, header=b""),
    }
    assert demande_of(model, ref, None, checks, tmp_path).pieces == (
        ("cerfa", "cerfa.pdf", len(three), 3),
        ("rib", "rib.pdf", 2009, None),
        ("statuts_bureau", "statuts.pdf", 21, None),
        ("fiche_synthese", "absente.pdf", None, None),
        ("rapport_activite", "refusee.pdf", None, None),
        ("budget_previsionnel", "budget.pdf", None, None),  # a Windows path: its file name
    )
    # --no-files or standard input: the names only.
    assert demande_of(model, ref, None, checks, None).pieces[0] == ("cerfa", "cerfa.pdf", None, None)
    assert demande_of(model, ref, None, None, tmp_path).pieces[0] == ("cerfa", "cerfa.pdf", None, None)


def test_a_pdf_without_page_objects_in_clear_has_no_page_count(ref: Referentiel, tmp_path: Path) -> None:
    packed = pdf(0)
    (tmp_path / "cerfa.pdf").write_bytes(packed)
    model = dossier(pieces={"rib": "  ", "statuts_bureau": None, "cerfa": "cerfa.pdf"})
    checks = {"cerfa.pdf": SimpleNamespace(ok=True, header=packed)}
    # A blank path is no piece; those after it are listed.
    assert demande_of(model, ref, None, checks, tmp_path).pieces == (("cerfa", "cerfa.pdf", len(packed), None),)


def test_what_the_rules_read_of_another_kind_gives_no_size(ref: Referentiel, tmp_path: Path) -> None:
    # Only a file's check (`ok`) says the file was read; anything else the rules keep is not one.
    (tmp_path / "rib.pdf").write_bytes(pdf(1))
    model = dossier(pieces={"rib": "rib.pdf"})
    facts = SimpleNamespace(pages=1, header=pdf(1))
    assert demande_of(model, ref, None, {"rib.pdf": facts}, tmp_path).pieces == (("rib", "rib.pdf", None, None),)


def test_a_piece_named_like_what_the_rules_keep_of_the_cerfa_is_read_as_a_file(make_case: Any) -> None:
    # The rules once kept the CERFA's PDF facts under « pdf:<its path> »: a piece of that name
    # was then an internal error (SCH01) instead of a piece.
    case = make_case({"  rib: pieces/rib.pdf": '  rib: "pdf:pieces/cerfa-12156.pdf"'})
    (case.path.parent / "pdf:pieces").mkdir()
    (case.path.parent / "pdf:pieces" / "cerfa-12156.pdf").write_bytes(pdf(2))
    checked = case.check()
    assert checked.statut == "pret", checked.findings
    # Its size read from its file (its pages are counted only for the CERFA, read whole).
    assert [p[:3] for p in checked.demande.pieces if p[0] == "rib"] == [("rib", "cerfa-12156.pdf", len(pdf(2)))]
    assert ("cerfa", "cerfa-12156.pdf", 644, 1) in checked.demande.pieces


# --- Demande.as_json ---------------------------------------------------------------------------


def test_a_dossier_object_in_the_json_report(ref: Referentiel) -> None:
    asked = Demande(
        porteur_nom="Club", porteur_sigle="CL", siret=SIRET, porteur_statut="association",
        intitule="Atelier", nouvelle=False, quartiers=("borny", "bellecroix"), objectifs=("2.1.2",),
        axes_strategiques=("2",), axes_transversaux=("jeunesse",), priorites=("borny-aide-aux-devoirs",),
        debut=date(2016, 2, 1), fin=date(2016, 12, 15), beneficiaires=24, beneficiaires_qpv=22,
        cout_total=Decimal("9400"), contributions_nature=Decimal("1000.5"), subvention_demandee=Decimal(7000),
        date_depot=date(2016, 1, 6), content_key=b"k",
        financeurs=(("etat", Decimal(4000)), (None, Decimal(3000))), subvention_precedente=Decimal(6500),
        pieces=(("cerfa", "cerfa.pdf", 644, 1), ("rib", "rib.pdf", None, None)),
    )
    assert asked.as_json("doublon") == {
        "porteur": {"nom": "Club", "sigle": "CL", "siret": SIRET, "statut": "association"},
        "intitule": "Atelier", "nouvelle": False, "quartiers": ["borny", "bellecroix"],
        "objectifs": ["2.1.2"], "axes_strategiques": ["2"], "axes_transversaux": ["jeunesse"],
        "priorites": ["borny-aide-aux-devoirs"], "debut": "2016-02-01", "fin": "2016-12-15",
        "beneficiaires": 24, "beneficiaires_qpv": 22, "cout_total": "9400.00",
        "contributions_nature": "1000.50", "subvention_demandee": "7000.00", "date_depot": "2016-01-06",
        "statut": "doublon", "financeurs": {"etat": "4000.00", "non_precise": "3000.00"},
        "subvention_precedente": "6500.00",
        "pieces": {"cerfa": {"fichier": "cerfa.pdf", "taille": 644, "pages": 1},
                   "rib": {"fichier": "rib.pdf", "taille": None, "pages": None}},
    }
    nothing = NOTHING.as_json("illisible")
    assert nothing["debut"] is None and nothing["date_depot"] is None and nothing["cout_total"] is None
    assert nothing["financeurs"] == {} and nothing["pieces"] == {} and nothing["quartiers"] == []


# --- the fold: totals, statuses, columns -------------------------------------------------------


def ask(amount: str | None, **fields: Any) -> Demande:
    return Demande(subvention_demandee=None if amount is None else Decimal(amount), **fields)


def test_the_synthesis_as_the_json_report_writes_it(ref: Referentiel) -> None:
    built = synthesize([
        ("a.yaml", "pret", ask("7000", siret=SIRET, porteur_nom="Club", quartiers=("borny", "bellecroix"),
                               axes_strategiques=("2",), axes_transversaux=("jeunesse",),
                               cout_total=Decimal("9000"), priorites=("borny-aide-aux-devoirs",),
                               financeurs=(("etat", Decimal(4000)), ("caf", Decimal(3000))))),
        ("b.yaml", "a_corriger", ask("1000.01", quartiers=("sablon-sud",), priorites=("borny-aide-aux-devoirs",),
                                     financeurs=((None, Decimal("1000.01")),))),
        ("c.yaml", "illisible", NOTHING),
    ], ref)
    as_json = built.as_json()
    assert as_json["methode"].startswith("Un dossier de plusieurs QPV (ou axes) compte une fois")
    assert as_json["totaux"] == {
        "tous": {"dossiers": 3, "subvention_demandee": "8000.01", "cout_total": "9000.00", "sans_montant": 1},
        "prets": {"dossiers": 1, "subvention_demandee": "7000.00", "cout_total": "9000.00", "sans_montant": 0},
    }
    assert as_json["statuts"] == {"pret": 1, "a_corriger": 1, "illisible": 1, "doublon": 0}
    qpv = {r["cle"]: r for r in as_json["par_qpv"]}
    assert list(qpv) == [q.slug for q in ref.qpv] + [None]
    assert qpv["borny"] == {"cle": "borny", "libelle": "Borny", "dossiers": 1, "subvention_demandee": "3500.00",
                            "dossiers_prets": 1, "subvention_prets": "3500.00"}
    assert qpv["sablon-sud"] == {"cle": "sablon-sud", "libelle": "Sablon Sud", "dossiers": 1,
                                 "subvention_demandee": "1000.01", "dossiers_prets": 0, "subvention_prets": "0.00"}
    assert qpv[None] == {"cle": None, "libelle": "Aucun QPV reconnu", "dossiers": 1,
                         "subvention_demandee": "0.00", "dossiers_prets": 0, "subvention_prets": "0.00"}
    axes = {r["cle"]: r for r in as_json["par_axe_strategique"]}
    assert list(axes) == [a.code for a in ref.annexe1] + [None]
    assert axes["2"]["libelle"] == "Renforcer l'inclusion et la réussite des habitants"
    assert (axes["2"]["subvention_prets"], axes[None]["libelle"]) == ("7000.00", "Aucun objectif de l'Annexe 1")
    assert (axes[None]["dossiers"], axes[None]["subvention_demandee"]) == (2, "1000.01")
    transversal = {r["cle"]: r for r in as_json["par_axe_transversal"]}
    assert transversal["jeunesse"]["libelle"] == "la prise en compte de la jeunesse"
    assert transversal[None]["libelle"] == "Aucun axe transversal"
    funders = {r["cle"]: r for r in as_json["par_financeur"]}
    assert list(funders) == [f.id for f in ref.financeurs] + ["non_precise"]
    assert funders["etat"] == {"cle": "etat", "libelle": "État - politique de la ville", "dossiers": 1,
                               "subvention_demandee": "4000.00", "dossiers_prets": 1, "subvention_prets": "4000.00"}
    assert funders["non_precise"] == {"cle": "non_precise", "libelle": "Financeur non précisé", "dossiers": 1,
                                      "subvention_demandee": "1000.01", "dossiers_prets": 0,
                                      "subvention_prets": "0.00"}
    assert funders["region"]["dossiers"] == 0 and funders["caf"]["subvention_prets"] == "3000.00"
    crossed = {f["cle"]: f for f in as_json["par_financeur_qpv"]}
    assert list(crossed) == list(funders)
    assert crossed["caf"]["libelle"] == "Caisse d'Allocations Familiales"
    caf_qpv = {r["cle"]: r for r in crossed["caf"]["par_qpv"]}
    assert caf_qpv["borny"]["subvention_demandee"] == caf_qpv["bellecroix"]["subvention_demandee"] == "1500.00"
    assert caf_qpv[None]["libelle"] == "Aucun QPV reconnu"
    assert {r["cle"]: r["subvention_demandee"] for r in crossed["non_precise"]["par_qpv"]}["sablon-sud"] == "1000.01"
    by_axis = {f["cle"]: f for f in as_json["par_financeur_axe_strategique"]}
    assert list(by_axis) == list(funders) and by_axis["etat"]["libelle"] == "État - politique de la ville"
    etat_axes = {r["cle"]: r for r in by_axis["etat"]["par_axe_strategique"]}
    assert etat_axes["2"]["subvention_prets"] == "4000.00"
    assert etat_axes[None]["libelle"] == "Aucun objectif de l'Annexe 1"
    unspecified_axes = {r["cle"]: r["subvention_demandee"] for r in by_axis["non_precise"]["par_axe_strategique"]}
    assert unspecified_axes[None] == "1000.01"
    assert as_json["par_porteur"] == [
        {"siret": SIRET, "noms": ["Club"], "dossiers": 1, "subvention_demandee": "7000.00", "dossiers_prets": 1},
        {"siret": None, "noms": [], "dossiers": 2, "subvention_demandee": "1000.01", "dossiers_prets": 0},
    ]
    devoirs = next(p for p in as_json["priorites"] if p["id"] == "borny-aide-aux-devoirs")
    priority = next(p for p in ref.priorites if p.id == "borny-aide-aux-devoirs")
    assert devoirs == {"id": "borny-aide-aux-devoirs", "qpv": "borny", "qpv_nom": "Borny", "texte": priority.texte,
                       "dossiers": 2, "dossiers_prets": 1}
    everywhere = next(p for p in as_json["priorites"] if p["qpv"] is None)
    assert everywhere["qpv_nom"] == "Tous QPV"
    assert "borny-aide-aux-devoirs" not in as_json["priorites_non_couvertes"]
    assert len(as_json["priorites_non_couvertes"]) == len(ref.priorites) - 1
    lot03 = [f for f in as_json["findings"] if f["rule"] == "LOT03"]
    assert lot03 and all(f["dossiers"] == [] and f["severity"] == "info" and f["path"] == "" for f in lot03)
    assert all(f["line"] is None and f["column"] is None for f in lot03)
    assert lot03[0]["message"].endswith("(leur texte : cdv-check qpv).")  # the message and the advice


def test_every_column_adds_up_to_the_grand_total_and_ready_to_the_ready_total(ref: Referentiel) -> None:
    entries = [
        (f"{n}.yaml", "pret" if n % 3 else "a_corriger",
         ask(f"{1000 + n}.{n:02d}", quartiers=tuple(q.slug for q in ref.qpv[: 1 + n % 3]),
             axes_strategiques=("1", "3")[: 1 + n % 2], axes_transversaux=("jeunesse",) if n % 2 else (),
             financeurs=(("etat", Decimal(600)), ("ville-de-metz", Decimal(f"{400 + n}.{n:02d}"))),
             cout_total=Decimal(2000)))
        for n in range(10)
    ]
    built = synthesize(entries, ref)
    grand, ready = built.totals.subvention_demandee, built.ready.subvention_demandee
    assert grand == sum(Decimal(f"{1000 + n}.{n:02d}") for n in range(10))
    assert ready == sum(Decimal(f"{1000 + n}.{n:02d}") for n in range(10) if n % 3)
    assert (built.totals.cout_total, built.ready.cout_total) == (Decimal(20000), Decimal(12000))
    for rows in (built.by_qpv, built.by_strategic_axis, built.by_transversal_axis, built.by_funder):
        assert sum(r.subvention_demandee for r in rows) == grand
        assert sum(r.subvention_prets for r in rows) == ready
    for funder, rows in (*built.by_funder_qpv, *built.by_funder_axis):
        assert sum(r.subvention_demandee for r in rows) == funder.subvention_demandee
        assert sum(r.subvention_prets for r in rows) == funder.subvention_prets
    assert {r.key: r.dossiers for r in built.by_strategic_axis} == {"1": 10, "2": 0, "3": 5, "4": 0, None: 0}
    assert {r.key: r.dossiers_prets for r in built.by_qpv}["borny"] == 6
    assert {r.key: r.dossiers for r in built.by_transversal_axis}[None] == 5
    assert built.funder_labels == [f.nom for f in ref.financeurs] + ["Financeur non précisé"]


def test_a_duplicate_counts_in_no_total_but_is_listed_and_claims_no_ready_priority(ref: Referentiel) -> None:
    first = ask("9000", siret=SIRET, intitule="Médiation de rue Patrotte", porteur_nom="Médiation",
                quartiers=("patrotte-metz-nord",), content_key=b"a", priorites=("borny-aide-aux-devoirs",),
                financeurs=(("etat", Decimal(9000)),), cout_total=Decimal(10000))
    again = first._replace(intitule="MEDIATION DE RUE  PATROTTE", content_key=b"b")
    built = synthesize([("a.yaml", "pret", first), ("b.yaml", "pret", again)], ref)
    # 9 000 €, not 18 000 €: the committee sees the action once.
    assert (built.totals.dossiers, built.totals.subvention_demandee, built.totals.cout_total) == (
        1, Decimal(9000), Decimal(10000))
    assert (built.ready.dossiers, built.ready.subvention_demandee) == (1, Decimal(9000))
    assert built.statuses == {"pret": 1, "a_corriger": 0, "illisible": 0, "doublon": 1}
    patrotte = {r.key: r for r in built.by_qpv}["patrotte-metz-nord"]
    assert (patrotte.dossiers, patrotte.subvention_demandee, patrotte.subvention_prets) == (
        1, Decimal(9000), Decimal(9000))
    etat = {r.key: r for r in built.by_funder}["etat"]
    assert (etat.dossiers, etat.subvention_demandee) == (1, Decimal(9000))
    [carrier] = built.as_json()["par_porteur"]
    assert carrier == {"siret": SIRET, "noms": ["Médiation"], "dossiers": 2, "subvention_demandee": "9000.00",
                       "dossiers_prets": 1}
    devoirs = next(p for p in built.priorities if p.id == "borny-aide-aux-devoirs")
    assert (devoirs.dossiers, devoirs.prets) == (2, 1)
    [lot01] = [f for f in built.findings if f.rule == "LOT01"]
    assert lot01.files == ("a.yaml", "b.yaml") and built.findings_about("b.yaml") == [lot01]
    assert built.findings_about("c.yaml") == []


def test_a_duplicate_to_fix_keeps_its_status_and_an_unreadable_copy_stays_unreadable(ref: Referentiel) -> None:
    built = synthesize([
        ("a.yaml", "pret", ask("100", content_key=b"k")),
        ("b.yaml", "a_corriger", ask("100", content_key=b"k")),
        ("c.yaml", "illisible", Demande(content_key=b"k")),
    ], ref)
    assert built.statuses == {"pret": 1, "a_corriger": 1, "illisible": 1, "doublon": 0}
    assert (built.totals.dossiers, built.totals.subvention_demandee, built.totals.sans_montant) == (1, Decimal(100), 0)


def test_the_status_the_batch_gives_each_file(ref: Referentiel) -> None:
    builder = Builder(ref)
    same = ask("100", content_key=b"k")
    assert [builder.add(f, s, d) for f, s, d in (
        ("a.yaml", "pret", same), ("b.yaml", "pret", same), ("c.yaml", "a_corriger", same),
        ("d.yaml", "illisible", NOTHING), ("e.yaml", "pret", ask("5", content_key=b"e")),
    )] == ["pret", "doublon", "a_corriger", "illisible", "pret"]


def test_a_file_without_amount_counts_as_a_dossier_for_zero(ref: Referentiel) -> None:
    built = synthesize([("a.yaml", "pret", ask(None, quartiers=("borny",), cout_total=Decimal(50))),
                        ("b.yaml", "pret", ask("10", quartiers=("borny",)))], ref)
    assert (built.totals.dossiers, built.totals.subvention_demandee, built.totals.sans_montant) == (2, Decimal(10), 1)
    assert (built.ready.sans_montant, built.ready.cout_total) == (1, Decimal(50))
    assert {r.key: r.dossiers_prets for r in built.by_qpv}["borny"] == 2


def test_an_unknown_qpv_or_funder_key_is_counted_in_the_row_of_none(ref: Referentiel) -> None:
    built = synthesize([("a.yaml", "pret", ask("10", quartiers=("atlantide", "borny"),
                                               financeurs=(("lune", Decimal(10)),)))], ref)
    assert {r.key: r.subvention_demandee for r in built.by_qpv}["borny"] == 10  # the known one takes it all
    funders = {r.key: r for r in built.by_funder}
    assert (funders[None].dossiers, funders[None].subvention_prets) == (1, Decimal(10))
    assert {r.key: r.subvention_demandee for r in dict(built.by_funder_qpv)[funders[None]]}["borny"] == 10


def test_carriers_are_listed_by_siret_the_files_without_one_last(ref: Referentiel) -> None:
    built = synthesize([
        ("a.yaml", "pret", ask("1", siret="73282932000074", porteur_nom="Foot")),
        ("b.yaml", "pret", ask("2", porteur_nom="Sans SIRET")),
        ("c.yaml", "a_corriger", ask("4", siret=SIRET, porteur_nom="Fabrique")),
        ("d.yaml", "pret", ask("8", siret=SIRET, porteur_nom="FABRIQUE")),
        ("e.yaml", "pret", ask("16", siret=SIRET)),
    ], ref)
    assert built.as_json()["par_porteur"] == [
        {"siret": SIRET, "noms": ["Fabrique"], "dossiers": 3, "subvention_demandee": "28.00", "dossiers_prets": 2},
        {"siret": "73282932000074", "noms": ["Foot"], "dossiers": 1, "subvention_demandee": "1.00",
         "dossiers_prets": 1},
        {"siret": None, "noms": ["Sans SIRET"], "dossiers": 1, "subvention_demandee": "2.00", "dossiers_prets": 1},
    ]


def test_a_priority_names_three_files_and_counts_the_rest(ref: Referentiel) -> None:
    priority = "borny-aide-aux-devoirs"
    built = synthesize([(f"{n}.yaml", "a_corriger", Demande(priorites=(priority, "inconnue"))) for n in range(4)], ref)
    coverage = next(c for c in built.priorities if c.id == priority)
    assert (coverage.dossiers, coverage.prets, coverage.files) == (4, 0, ["0.yaml", "1.yaml", "2.yaml"])
    assert coverage in built.uncovered


# --- the batch rules in the fold: partial runs, selection, severity, cap -----------------------


def built_with(ref: Referentiel, entries: list[tuple[str, str, Demande]], **options: Any) -> list[Finding]:
    builder = Builder(ref, **options)
    for file, statut, demande in entries:
        builder.add(file, statut, demande)
    return builder.build().findings


TWINS = [("a.yaml", "pret", Demande(content_key=b"k", siret=SIRET, porteur_nom="Club")),
         ("b.yaml", "pret", Demande(content_key=b"k", siret=SIRET, porteur_nom="Autre club"))]


def test_the_minimum_severity_is_the_batchs_too(ref: Referentiel) -> None:
    assert [f.rule for f in synthesize(TWINS, ref, min_severity=Severity.WARNING).findings] == ["LOT01", "LOT02"]


def test_a_summary_counts_through_the_builder_it_is_given(ref: Referentiel) -> None:
    summary = Summary(builder=Builder(ref, whole=False))
    for file, statut, demande in TWINS:
        summary.add(result(file, statut, demande))
    assert [f.rule for f in summary.finish().findings] == ["LOT01", "LOT02"]  # a list of files: no LOT03


def test_a_partial_run_gives_no_programme_wide_finding(ref: Referentiel) -> None:
    whole = built_with(ref, TWINS)
    assert [f.rule for f in whole] == ["LOT01", "LOT02", *["LOT03"] * (len(ref.qpv) + 1)]
    partial = built_with(ref, TWINS, whole=False)
    assert [f.rule for f in partial] == ["LOT01", "LOT02"]  # the files given are still compared


def test_one_file_is_no_batch(ref: Referentiel) -> None:
    assert built_with(ref, TWINS[:1]) == []
    assert synthesize([], ref).findings == []


def test_batch_rules_are_chosen_shown_and_counted_like_a_dossiers(ref: Referentiel) -> None:
    assert [f.rule for f in built_with(ref, TWINS, select=("LOT02",))] == ["LOT02"]
    assert {f.rule for f in built_with(ref, TWINS, ignore=("LOT03", "LOT01"))} == {"LOT02"}
    assert [f.rule for f in built_with(ref, TWINS, min_severity=Severity.WARNING)] == ["LOT01", "LOT02"]
    assert [f.rule for f in built_with(ref, TWINS, cap=1)] == ["LOT01"]
    builder = Builder(ref, min_severity=Severity.WARNING, cap=1)
    for file, statut, demande in TWINS:
        builder.add(file, statut, demande)
    built = builder.build()
    # The exit code counts every batch finding, shown or not.
    assert built.counts == {"error": 0, "warning": 2, "info": len(ref.qpv) + 1}
    assert [f.severity for f in built.findings] == [Severity.WARNING]
    # Ignored, a rule is not counted either.
    builder = Builder(ref, ignore=("LOT03",))
    for file, statut, demande in TWINS:
        builder.add(file, statut, demande)
    assert builder.build().counts == {"error": 0, "warning": 2, "info": 0}


def test_a_priority_finding_is_about_no_file(ref: Referentiel) -> None:
    built = synthesize(TWINS, ref)
    assert built.unattached == [f for f in built.findings if f.rule == "LOT03"]
    assert [f.rule for f in built.findings_about("a.yaml")] == ["LOT01", "LOT02"]


# --- Summary: the batch's counts and verdict ---------------------------------------------------


def result(file: str, statut: str, demande: Demande, *severities: Severity, hidden: dict[str, int] | None = None,
           ) -> DossierResult:
    findings = tuple(Finding(f"R{n:02d}", s, "m", "", file, n + 1, 1) for n, s in enumerate(severities))
    return DossierResult(file, findings, statut=statut, demande=demande, hidden_counts=hidden or {})


def test_the_summary_counts_passed_failed_and_the_verdict(ref: Referentiel) -> None:
    summary = Summary(builder=Builder(ref))
    same = ask("100", content_key=b"k")
    shown = [summary.add(r) for r in (
        result("a.yaml", "pret", same, Severity.WARNING, Severity.INFO),
        result("b.yaml", "pret", same, Severity.INFO),
        result("c.yaml", "a_corriger", ask("5"), Severity.ERROR, Severity.ERROR, Severity.WARNING,
               hidden={"info": 2}),
        result("d.yaml", "illisible", NOTHING, Severity.ERROR),
    )]
    assert [r.statut for r in shown] == ["pret", "doublon", "a_corriger", "illisible"]
    assert shown[1].findings == (Finding("R00", Severity.INFO, "m", "", "b.yaml", 1, 1),)
    assert summary.as_dict() == {"dossiers": 4, "passed": 2, "failed": 2, "error": 3, "warning": 2, "info": 4}
    assert summary.hidden == {"info": 2}
    assert summary.rules == {"R00": 3, "R01": 1, "R02": 1}  # errors and warnings, by rule; no conseil
    assert summary.verdict() == "1 prêt(s), 1 doublon(s) possible(s), 2 à corriger"
    assert summary.exit_code == 1
    assert summary.finish() is summary.finish()  # computed once
    assert summary.finish().statuses["doublon"] == 1


def test_strict_fails_a_dossier_on_its_warnings_and_the_batch_on_its_own(ref: Referentiel) -> None:
    lenient, strict = Summary(builder=Builder(ref)), Summary(strict=True, builder=Builder(ref))
    for summary in (lenient, strict):
        summary.add(result("a.yaml", "pret", ask("1", siret=SIRET, porteur_nom="Club"), Severity.INFO))
        summary.add(result("b.yaml", "pret", ask("1", siret=SIRET, porteur_nom="Autre")))
    assert (lenient.passed, lenient.exit_code) == (2, 0)  # LOT02 warns: not a failure without --strict
    assert (strict.passed, strict.failed, strict.exit_code) == (2, 0, 1)
    assert lenient.verdict() == "2 prêt(s), 0 à corriger"
    warned = Summary(strict=True, builder=Builder(ref, ignore=("LOT02",)))
    warned.add(result("a.yaml", "pret", ask("1"), Severity.WARNING))
    assert (warned.passed, warned.failed, warned.exit_code) == (0, 1, 1)
    calm = Summary(strict=True, builder=Builder(ref))
    calm.add(result("a.yaml", "pret", ask("1"), Severity.INFO))
    calm.add(result("b.yaml", "pret", ask("1")))
    assert calm.exit_code == 0  # LOT03 is a conseil: it fails nothing


def test_a_summary_without_builder_uses_the_default_referentiel() -> None:
    summary = Summary()
    summary.add(result("a.yaml", "pret", ask("1", quartiers=("borny",))))
    assert {r.key: r.dossiers for r in summary.finish().by_qpv}["borny"] == 1
    assert summary.exit_code == 0 and summary.interrupted is False


@pytest.mark.parametrize("strict", [False, True])
def test_the_exit_code_is_zero_when_every_dossier_passes(ref: Referentiel, strict: bool) -> None:
    summary = Summary(strict=strict, builder=Builder(ref))
    summary.add(result("a.yaml", "pret", ask("1")))
    assert (summary.exit_code, summary.passed, summary.failed) == (0, 1, 0)


# --- the one screen: what a report lists, of the batch as of a dossier -------------------------


def found(rule: str, severity: Severity, line: int | None = None, column: int | None = None) -> Finding:
    return Finding(rule, severity, f"{rule} dit", "", "a.yaml" if line else "", line, column)


def test_findings_are_listed_errors_first_then_in_the_files_order() -> None:
    from cdv_check.core.findings import screen

    mixed = [
        found("OBJ01", Severity.INFO, 2, 1), found("BUD01", Severity.ERROR, 30, 5), found("LOT01", Severity.WARNING),
        found("ELG02", Severity.ERROR, 12, 9), found("ELG01", Severity.ERROR, 12, 3),
        found("SCH04", Severity.WARNING, 1, 1),
        found("IDN02", Severity.ERROR, 12, 3), found("PCE01", Severity.ERROR),
    ]
    at_line = [found("SCH09", Severity.ERROR, 12, None), found("BUD03", Severity.ERROR, 12, 1)]
    screened = screen(mixed + at_line, Severity.INFO, 100)
    assert [f.rule for f in screened.shown] == [
        "SCH09", "BUD03", "ELG01", "IDN02", "ELG02", "BUD01", "PCE01",  # by line, column, rule; no line last
        "SCH04", "LOT01", "OBJ01",
    ]
    assert screened.omitted == [] and screened.hidden_counts == {}


def test_below_the_minimum_severity_findings_are_counted_beyond_the_cap_listed_no_more() -> None:
    from cdv_check.core.findings import screen

    mixed = [found("OBJ01", Severity.INFO, 1), found("OBJ02", Severity.INFO, 2), found("SCH04", Severity.WARNING, 3),
             found("BUD01", Severity.ERROR, 4), found("BUD02", Severity.ERROR, 5)]
    warnings = screen(mixed, Severity.WARNING, 100)
    assert [f.rule for f in warnings.shown] == ["BUD01", "BUD02", "SCH04"] and warnings.hidden_counts == {"info": 2}
    errors = screen(mixed, Severity.ERROR, 100)
    assert [f.rule for f in errors.shown] == ["BUD01", "BUD02"]
    assert errors.hidden_counts == {"info": 2, "warning": 1}
    capped = screen(mixed, Severity.INFO, 2)
    assert [f.rule for f in capped.shown] == ["BUD01", "BUD02"]
    assert [f.rule for f in capped.omitted] == ["SCH04", "OBJ01", "OBJ02"]
    assert screen(mixed, Severity.INFO, 0).shown == []


def test_a_batch_finding_in_the_json_report_and_its_words() -> None:
    finding = Finding("LOT01", Severity.WARNING, "Même dossier.", "Gardez-en un.", "", None, None, ("a.yaml", "b.yaml"))
    assert finding.as_json() == {"rule": "LOT01", "severity": "warning", "message": "Même dossier. Gardez-en un.",
                                 "path": "", "line": None, "column": None, "dossiers": ["a.yaml", "b.yaml"]}
    assert finding._replace(advice="").text == "Même dossier."
    assert finding._replace(message="", advice="Gardez-en un.").text == "Gardez-en un."
    assert [s.label for s in Severity] == ["erreur", "avertissement", "conseil"]


# --- memory: the growing tables leave memory past their bound ----------------------------------


def test_past_the_bound_the_lot01_keys_and_the_carriers_leave_memory(ref: Referentiel) -> None:
    """A batch's memory does not grow with its dossiers (README, « Performances »): each new
    SIRET, content and title is kept on disk once a table holds `in_memory` rows. In memory,
    these 1 000 dossiers would hold some 150 KB per table."""
    import tracemalloc

    builder = Builder(ref, in_memory=8)

    def add(n: int) -> None:
        builder.add(f"lot/{n:05}/dossier.yaml", "pret", Demande(
            siret=f"{n:014}", intitule=f"Action {n}", porteur_nom="Club", content_key=n.to_bytes(4, "big"),
            subvention_demandee=Decimal(1)))

    tracemalloc.start()
    try:
        for n in range(100):  # the tables moved, the database opened
            add(n)
        before = tracemalloc.get_traced_memory()[0]
        for n in range(100, 1100):
            add(n)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 50_000, f"{grown} bytes for 1 000 dossiers"
    built = builder.build()
    assert (built.totals.dossiers, built.totals.subvention_demandee, len(built.carriers)) == (1100, Decimal(1100), 1100)


def test_a_piece_found_as_written_keeps_the_size_its_check_read(ref: Referentiel, tmp_path: Path) -> None:
    from cdv_check.reading.piece_files import inspect_piece

    (tmp_path / "pieces").mkdir()
    (tmp_path / "pieces" / "rib.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 50)
    model = dossier(pieces={"rib": "pieces/rib.pdf", "cerfa": "./pieces/rib.pdf"})
    checks = {path: inspect_piece(tmp_path, path, 8) for path in ("pieces/rib.pdf", "./pieces/rib.pdf")}
    assert checks["pieces/rib.pdf"].path == str(tmp_path / "pieces" / "rib.pdf")
    (tmp_path / "pieces" / "rib.pdf").write_bytes(b"%PDF-1.4\n")  # rewritten since: only the other is looked up
    assert demande_of(model, ref, None, checks, tmp_path).pieces == (
        ("rib", "rib.pdf", 59, None),
        ("cerfa", "rib.pdf", 9, None),
    )
