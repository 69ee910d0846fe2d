"""LOT01–LOT03: the batch rules, on batches given to the synthesis directly (file, statut, what
each dossier asks for)."""

from __future__ import annotations

from cdv_check.core.findings import Finding, Severity
from cdv_check.core.synthesis import Demande, synthesize
from cdv_check.model.referentiel import Referentiel

SIRET = "44306184100047"
LOT01_ADVICE = (
    "Gardez un seul dossier par action et retirez les autres du lot ; s'il s'agit de deux actions "
    "différentes, donnez-leur des intitulés qui les distinguent."
)
LOT02_ADVICE = (
    "Vérifiez le SIRET de chaque porteur (avis de situation SIRENE) et écrivez le nom de la "
    "structure de la même façon dans tous ses dossiers."
)
LOT03_ADVICE = (
    "Pour le comité : signalez-les aux porteurs des quartiers concernés, ou aidez un dossier qui "
    "les cite à être complété (leur texte : cdv-check qpv)."
)


def batch(ref: Referentiel, rule: str, *entries: tuple[str, str, Demande]) -> list[Finding]:
    return [f for f in synthesize(entries, ref).findings if f.rule == rule]


def copies(count: int) -> list[tuple[str, str, Demande]]:
    return [(f"{n}.yaml", "pret", Demande(content_key=b"the same data")) for n in range(1, count + 1)]


# --- LOT01 -------------------------------------------------------------------------------------


def test_the_same_dossier_sent_twice(ref: Referentiel) -> None:
    [finding] = batch(
        ref, "LOT01",
        ("a.yaml", "pret", Demande(content_key=b"k")),
        ("b.yaml", "pret", Demande(content_key=b"other")),
        ("c.yaml", "a_corriger", Demande(content_key=b"k")),
    )
    assert finding == Finding(
        "LOT01", Severity.WARNING,
        "Même dossier envoyé 2 fois : « a.yaml » et « c.yaml » disent la même chose."
        " Seul « a.yaml », le premier du lot, compte dans les totaux.",
        LOT01_ADVICE, "", None, None, ("a.yaml", "c.yaml"),
    )


def test_six_copies_are_all_named_a_seventh_is_counted(ref: Referentiel) -> None:
    [six] = batch(ref, "LOT01", *copies(6))
    assert six.message == (
        "Même dossier envoyé 6 fois : « 1.yaml », « 2.yaml », « 3.yaml », « 4.yaml », « 5.yaml » "
        "et « 6.yaml » disent la même chose."
        " Seul « 1.yaml », le premier du lot, compte dans les totaux."
    )
    [seven] = batch(ref, "LOT01", *copies(7))
    assert seven.message == (
        "Même dossier envoyé 7 fois : « 1.yaml », « 2.yaml », « 3.yaml », « 4.yaml », « 5.yaml », "
        "« 6.yaml » et 1 autre disent la même chose."
        " Seul « 1.yaml », le premier du lot, compte dans les totaux."
    )
    assert seven.files == tuple(f"{n}.yaml" for n in range(1, 8))


def test_the_same_action_under_one_siret(ref: Referentiel) -> None:
    [finding] = batch(
        ref, "LOT01",
        ("a.yaml", "pret", Demande(siret=SIRET, intitule="Atelier vélo", content_key=b"a")),
        ("b.yaml", "pret", Demande(siret=SIRET, intitule="ATELIER  VELO", content_key=b"b")),
        ("c.yaml", "pret", Demande(siret="73282932000074", intitule="Atelier vélo", content_key=b"c")),
    )
    assert finding == Finding(
        "LOT01", Severity.WARNING,
        "Même action envoyée 2 fois : « a.yaml » et « b.yaml » ont le même SIRET et le même "
        "intitulé « ATELIER VELO »."
        " Seul « a.yaml », le premier du lot, compte dans les totaux.",  # as the second file writes it, on one line
        LOT01_ADVICE, "", None, None, ("a.yaml", "b.yaml"),
    )


def test_a_title_of_61_characters_is_cut(ref: Referentiel) -> None:
    title = "Atelier vélo des vacances d'été pour les jeunes des quartiers"  # 61 characters
    [finding] = batch(
        ref, "LOT01",
        ("a.yaml", "pret", Demande(siret=SIRET, intitule=title, content_key=b"a")),
        ("b.yaml", "pret", Demande(siret=SIRET, intitule=title, content_key=b"b")),
    )
    assert finding.message == (
        "Même action envoyée 2 fois : « a.yaml » et « b.yaml » ont le même SIRET et le même "
        "intitulé « Atelier vélo des vacances d'été pour les jeunes des… »."
        " Seul « a.yaml », le premier du lot, compte dans les totaux."
    )


def test_six_files_of_one_action_are_all_named_a_seventh_is_counted(ref: Referentiel) -> None:
    entries = [
        (f"{n}.yaml", "pret", Demande(siret=SIRET, intitule="Atelier vélo", content_key=bytes([n])))
        for n in range(1, 8)
    ]
    [six] = batch(ref, "LOT01", *entries[:6])
    assert six.message == (
        "Même action envoyée 6 fois : « 1.yaml », « 2.yaml », « 3.yaml », « 4.yaml », « 5.yaml » "
        "et « 6.yaml » ont le même SIRET et le même intitulé « Atelier vélo »."
        " Seul « 1.yaml », le premier du lot, compte dans les totaux."
    )
    [seven] = batch(ref, "LOT01", *entries)
    assert seven.message == (
        "Même action envoyée 7 fois : « 1.yaml », « 2.yaml », « 3.yaml », « 4.yaml », « 5.yaml », "
        "« 6.yaml » et 1 autre ont le même SIRET et le même intitulé « Atelier vélo »."
        " Seul « 1.yaml », le premier du lot, compte dans les totaux."
    )


# --- LOT02 -------------------------------------------------------------------------------------


def test_one_siret_under_two_names(ref: Referentiel) -> None:
    [finding] = batch(
        ref, "LOT02",
        ("0.yaml", "pret", Demande(siret="73282932000074", porteur_nom="Club de foot")),  # one name
        ("a.yaml", "pret", Demande(siret=SIRET, porteur_nom="Fabrique à vélos")),
        ("b.yaml", "pret", Demande(siret=SIRET, porteur_nom="Maison des jeunes")),
        ("c.yaml", "pret", Demande(siret=SIRET, porteur_nom="FABRIQUE A  VELOS")),
    )
    assert finding == Finding(
        "LOT02", Severity.WARNING,
        "Le SIRET 44306184100047 est donné sous 2 noms de porteur : « Fabrique à vélos » "
        "(« a.yaml » et « c.yaml ») et « Maison des jeunes » (« b.yaml »).",
        LOT02_ADVICE, "", None, None, ("a.yaml", "c.yaml", "b.yaml"),
    )


def test_three_files_of_a_name_are_named_a_fourth_is_counted(ref: Referentiel) -> None:
    entries = [(f"{n}.yaml", "pret", Demande(siret=SIRET, porteur_nom="Fabrique à vélos")) for n in range(1, 5)]
    long_name = "Association des habitants du quartier de Bellecroix"  # 51 characters
    [finding] = batch(ref, "LOT02", *entries, ("z.yaml", "pret", Demande(siret=SIRET, porteur_nom=long_name)))
    assert finding.message == (
        "Le SIRET 44306184100047 est donné sous 2 noms de porteur : « Fabrique à vélos » "
        "(« 1.yaml », « 2.yaml », « 3.yaml » et 1 autre) et « Association des habitants du "
        "quartier de… » (« z.yaml »)."
    )
    # The synthesis keeps the first three files of a name (and counts the others): the finding
    # is attached to those it names.
    assert finding.files == ("1.yaml", "2.yaml", "3.yaml", "z.yaml")


def test_one_name_per_siret_or_no_siret_is_no_lot02(ref: Referentiel) -> None:
    assert batch(
        ref, "LOT02",
        ("a.yaml", "pret", Demande(siret=SIRET, porteur_nom="Fabrique à vélos")),
        ("b.yaml", "pret", Demande(siret=SIRET, porteur_nom="Fabrique à Vélos")),
        ("c.yaml", "pret", Demande(siret=None, porteur_nom="Maison des jeunes")),
        ("d.yaml", "pret", Demande(siret=None, porteur_nom="Club de foot")),
    ) == []


# --- LOT03 -------------------------------------------------------------------------------------


def test_priorities_no_ready_dossier_claims_one_finding_per_qpv(ref: Referentiel) -> None:
    left = {"tous-public-cible", "borny-aide-aux-devoirs", "borny-jet-de-debris"}
    claimed = tuple(p.id for p in ref.priorites if p.id not in left)
    findings = batch(
        ref, "LOT03",
        ("ready.yaml", "pret", Demande(priorites=claimed)),
        ("fix1.yaml", "a_corriger", Demande(priorites=("borny-aide-aux-devoirs", "borny-jet-de-debris"))),
        ("fix2.yaml", "a_corriger", Demande(priorites=("borny-aide-aux-devoirs",))),
    )
    assert findings == [
        Finding(
            "LOT03", Severity.INFO,
            "Tous QPV : 1 priorité 2016 qu'aucun dossier prêt du lot ne reprend : tous-public-cible.",
            LOT03_ADVICE, "", None, None,
        ),
        Finding(
            "LOT03", Severity.INFO,
            "Borny : 2 priorités 2016 qu'aucun dossier prêt du lot ne reprend : borny-aide-aux-devoirs "
            "(citée par 2 dossiers à corriger) et borny-jet-de-debris (citée par 1 dossier à corriger).",
            LOT03_ADVICE, "", None, None,
        ),
    ]


def test_every_priority_claimed_by_a_ready_dossier_is_no_lot03(ref: Referentiel) -> None:
    every = tuple(p.id for p in ref.priorites)
    assert batch(ref, "LOT03", ("a.yaml", "pret", Demande(priorites=every)), ("b.yaml", "a_corriger", Demande())) == []
