"""Writes a corpus of realistic dossiers for the benchmark: `python make_corpus.py N OUT`.

Each dossier is a folder `OUT/dNNNNNN/` with a `dossier.yaml` and its `pieces/`, varied from
`examples/nouvelle-action/` (QPV, objectives, priorities, amounts always balanced, new actions and
renewals). About one dossier in ten carries one typical error: late deposit, missing piece,
unbalanced budget, unknown objective. The pieces are hard links to one shared set of tiny PDFs
(under `OUT/.pieces/`, skipped by cdv-check as a hidden folder), so that 100 000 dossiers cost little
disk and time; `--copies` writes real files instead.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from make_pdf import tiny_pdf

QPV = {
    "borny": ["Borny", "borny"],
    "bellecroix": ["Bellecroix"],
    "hauts-de-vallieres": ["Hauts-de-Vallières", "Hauts de Vallières"],
    "sablon-sud": ["Sablon Sud", "Sablon-Sud"],
    "patrotte-metz-nord": ["La Patrotte/Metz Nord"],
    "saint-eloy-boileau-pre-genie": ["Saint Eloy-Boileau Pré Génie"],
}
PRIORITIES = {
    "borny": ["borny-hors-les-murs", "borny-aide-aux-devoirs", "borny-animation-commerciale"],
    "bellecroix": ["bellecroix-emploi-femmes", "bellecroix-hors-les-murs"],
    "hauts-de-vallieres": ["hauts-de-vallieres-espace-public"],
    "sablon-sud": ["sablon-sud-place-sans-nom", "sablon-sud-entrees-immeuble"],
    "patrotte-metz-nord": ["patrotte-metz-nord-aide-aux-devoirs", "patrotte-metz-nord-espace-public"],
    "saint-eloy-boileau-pre-genie": [
        "saint-eloy-boileau-pre-genie-parentalite",
        "saint-eloy-boileau-pre-genie-sante",
    ],
}
ALL_QPV_PRIORITIES = ["tous-implication-habitants", "tous-sante-bien-etre", "tous-mediations"]
OBJECTIVES = [
    "1.1.1", "1.1.2", "1.2.1", "1.3.2", "1.4.1", "1.5.2", "1.7.3", "1.8.1", "1.10.2",
    "2.1.2", "2.2.1", "2.3.3", "2.5.1", "2.6.4", "2.7.2", "2.8.1", "2.12.2",
]
AXES = ["egalite_femmes_hommes", "lutte_discriminations", "jeunesse"]
ACTIONS = [
    ("Atelier couture, premier pas vers l'emploi", "Femmes éloignées de l'emploi"),
    ("Aide aux devoirs au pied des immeubles", "Collégiens du quartier"),
    ("Jardin partagé et cuisine du monde", "Familles du quartier"),
    ("Permanence d'écrivain public", "Habitants ayant besoin d'aide pour leurs démarches"),
    ("École des sports du mercredi", "Enfants de 6 à 12 ans"),
    ("Ateliers de français langue étrangère", "Adultes primo-arrivants"),
]
FIRST_NAMES = ["Aïcha", "Julie", "Karim", "Nadia", "Thomas", "Fatou", "Éric", "Inès"]
LAST_NAMES = ["Mansouri", "Marchal", "Schmitt", "Diallo", "Keller", "Benali", "Muller"]
PIECES = {
    "cerfa": ("cerfa-12156.pdf", "Dossier CERFA 12156*03"),
    "fiche_synthese": ("fiche-synthese.pdf", "Fiche de synthese"),
    "rib": ("rib.pdf", "Releve d'identite bancaire"),
    "rapport_activite": ("rapport-activite-2014.pdf", "Rapport d'activite 2014"),
    "statuts_bureau": ("statuts-bureau.pdf", "Statuts et bureau"),
    "bilan_precedent": ("bilan-2015.pdf", "Bilan 2015"),
}
ERRORS = ("late_date", "missing_piece", "unbalanced_budget", "unknown_objective")


def luhn_complete(digits: str) -> str:
    """`digits` followed by the check digit that makes the whole number pass Luhn."""
    for last in "0123456789":
        number = digits + last
        total = 0
        for index, char in enumerate(reversed(number)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return number
    raise AssertionError("unreachable")


def siret(rng: random.Random) -> str:
    siren = luhn_complete("".join(rng.choice("0123456789") for _ in range(8)))
    full = luhn_complete(siren + "".join(rng.choice("0123456789") for _ in range(4)))
    return f"{full[:3]} {full[3:6]} {full[6:9]} {full[9:]}"


def amounts(rng: random.Random, subsidy: int) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int, bool]]]:
    """Balanced charges and produits; the politique-de-la-ville produits sum to `subsidy`."""
    in_kind = rng.choice([0, 500, 1000])
    other = rng.randrange(3, 40) * 100
    total = subsidy + other + in_kind
    cash = total - in_kind
    supplies = cash // 10 // 50 * 50
    rent = cash // 8 // 50 * 50
    charges = [
        ("60", "Achats et fournitures", supplies),
        ("61", "Locations", rent),
        ("64", "Charges de personnel", cash - supplies - rent),
    ]
    state = subsidy // 2 // 100 * 100
    produits = [
        ("74", "État - politique de la ville", state, True),
        ("74", "Ville de Metz - politique de la ville", subsidy - state, True),
        ("74", "Département de la Moselle", other - 300, False),
        ("75", "Cotisations des adhérents", 300, False),
    ]
    if in_kind:
        charges.append(("86", "Mise à disposition de la salle", in_kind))
        produits.append(("87", "Salle prêtée", in_kind, False))
    return charges, produits


def french_amount(value: int, rng: random.Random) -> str:
    if value >= 1000 and rng.random() < 0.5:
        return f'"{value // 1000} {value % 1000:03d},00"'
    return str(value)


def dossier_yaml(rng: random.Random, index: int, error: str | None) -> tuple[str, list[str]]:
    """The text of one dossier and the piece files it declares."""
    slugs = rng.sample(sorted(QPV), rng.choice([1, 1, 1, 2]))
    names = [rng.choice(QPV[s]) for s in slugs]
    priorities = [rng.choice(PRIORITIES[s]) for s in slugs] + rng.sample(ALL_QPV_PRIORITIES, rng.randrange(2))
    objectives = rng.sample(OBJECTIVES, rng.choice([1, 2, 2, 3]))
    if error == "unknown_objective":
        objectives[0] = rng.choice(["9.1", "2.9.7", "1.11"])
    title, public = rng.choice(ACTIONS)
    renewal = rng.random() < 0.3
    subsidy = rng.randrange(10, 150) * 100
    charges, produits = amounts(rng, subsidy)
    if error == "unbalanced_budget":
        name, label, amount = charges[0]
        charges[0] = (name, label, amount + rng.randrange(1, 20) * 50)
    day = rng.randrange(11, 29) if error == "late_date" else rng.randrange(4, 10)
    deposit = f"2016-01-{day:02d}"
    person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    contact = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    pieces = ["cerfa", "fiche_synthese", "rib", "rapport_activite"]
    pieces.append("bilan_precedent" if renewal else "statuts_bureau")
    if error == "missing_piece":
        pieces.remove(rng.choice(pieces))
    beneficiaries = rng.randrange(10, 200)
    lines = [
        f"# Dossier de banc d'essai n° {index}",
        f"date_depot: {deposit}",
        "porteur:",
        f"  nom: Association de quartier n° {index}",
        "  statut: association",
        f'  siret: "{siret(rng)}"',
        f"  rna: W57{rng.randrange(10**7):07d}",
        f"  adresse: {rng.randrange(1, 99)} rue de Toul, 57070 Metz",
        "  representant_legal:",
        f"    nom: {person}",
        "    qualite: Présidente",
        f"    courriel: presidence@asso-{index}.fr",
        f"    telephone: 03 87 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
        "  contact:",
        f"    nom: {contact}",
        "    qualite: Coordinatrice",
        f"    courriel: contact@asso-{index}.fr",
        f"    telephone: 06 12 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
        f"  premiere_demande: {'non' if renewal else 'oui'}",
        "action:",
        f"  intitule: {title} ({index})",
        f"  nouvelle: {'non' if renewal else 'oui'}",
        f"  quartiers: [{', '.join(names)}]",
        f"  objectifs: [{', '.join(objectives)}]",
        f"  axes_transversaux: [{rng.choice(AXES)}]",
        f"  priorites: [{', '.join(priorities)}]",
        "  besoin: >",
        "    Le diagnostic partagé avec le centre social (2015) montre un besoin que l'offre actuelle",
        "    du quartier ne couvre pas ; les habitants l'ont exprimé lors des permanences.",
        "  description: >",
        "    Des séances hebdomadaires animées par une professionnelle, avec les partenaires du",
        "    quartier, pour accompagner les habitants vers l'autonomie.",
        "  public:",
        f"    description: {public}",
        "    scolaire: non",
        f"    beneficiaires: {beneficiaries}",
        f"    beneficiaires_qpv: {beneficiaries - rng.randrange(0, 10)}",
        f"  debut: 2016-{rng.randrange(2, 6):02d}-01",
        f"  fin: 2016-12-{rng.randrange(1, 31):02d}",
        "  lieu: Centre social du quartier",
        "  partenaires: [Centre social, Mission locale du Pays Messin]",
        "  evaluation:",
        "    modalites: Bilan à mi-parcours et en fin d'année avec les partenaires.",
        "    indicateurs: [Nombre de participants assidus, Sorties positives]",
    ]
    if renewal:
        lines.append("  lien_contrat_de_ville: L'action répond au pilier cohésion sociale du nouveau contrat.")
    lines.append("budget:")
    lines.append("  charges:")
    lines += [
        f'    - {{compte: "{c}", libelle: {label}, montant: {french_amount(m, rng)}}}'
        for c, label, m in charges
    ]
    lines.append("  produits:")
    for c, label, m, pdv in produits:
        flag = ", politique_de_la_ville: oui" if pdv else ""
        lines.append(f'    - {{compte: "{c}", libelle: "{label}", montant: {french_amount(m, rng)}{flag}}}')
    lines.append(f"  subvention_demandee: {subsidy}")
    lines.append("pieces:")
    lines += [f"  {key}: pieces/{PIECES[key][0]}" for key in pieces]
    return "\n".join(lines) + "\n", [PIECES[key][0] for key in pieces]


LINKS_PER_SET = 50_000
"""Dossiers sharing one set of piece files: ext4 allows 65 000 links to a file."""


def shared_pieces(out: Path, group: int) -> Path:
    source = out / ".pieces" / f"{group:03d}"
    source.mkdir(parents=True, exist_ok=True)
    for name, title in PIECES.values():
        target = source / name
        if not target.exists():
            target.write_bytes(tiny_pdf(title))
    return source


def generate(count: int, out: Path, *, seed: int = 2016, error_rate: float = 0.1, copies: bool = False) -> None:
    rng = random.Random(seed)
    put: Callable[[Path, Path], object] = shutil.copyfile if copies else os.link
    width = max(6, len(str(count)))
    for index in range(1, count + 1):
        error = rng.choice(ERRORS) if rng.random() < error_rate else None
        text, files = dossier_yaml(rng, index, error)
        if index == 1 or index % LINKS_PER_SET == 0:
            source = shared_pieces(out, index // LINKS_PER_SET)
        folder = out / f"d{index:0{width}d}"
        (folder / "pieces").mkdir(parents=True, exist_ok=True)
        (folder / "dossier.yaml").write_text(text, encoding="utf-8")
        for name in files:
            target = folder / "pieces" / name
            if not target.exists():
                put(source / name, target)


def main() -> None:
    parser = argparse.ArgumentParser(description="Écrit un corpus de dossiers pour le banc d'essai.")
    parser.add_argument("count", type=int, help="nombre de dossiers")
    parser.add_argument("out", type=Path, help="répertoire où les écrire (créé au besoin)")
    parser.add_argument("--seed", type=int, default=2016, help="graine du tirage (par défaut : 2016)")
    parser.add_argument("--erreurs", type=float, default=0.1, help="part des dossiers avec une erreur (0,1)")
    parser.add_argument("--copies", action="store_true", help="copie les pièces au lieu de liens physiques")
    args = parser.parse_args()
    generate(args.count, args.out, seed=args.seed, error_rate=args.erreurs, copies=args.copies)


if __name__ == "__main__":
    main()
