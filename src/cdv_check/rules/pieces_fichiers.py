"""PCE10 and PCE11: the pieces are really the pieces (sections 3.2 and 4 of the call).

PCE07 and PCE08 say whether each piece's file is there and readable; these say whether the files
are the documents they stand for: no two pieces sent as one file, and the form as the
référentiel's form (its number and version). The files are read as PCE07 reads them (bounded, no
link followed), once per dossier (`rules.pieces` keeps what was read in `ctx.piece_checks`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from cdv_check.core.findings import Issue, Severity
from cdv_check.core.registry import Context, rule
from cdv_check.model.derived import per_referentiel
from cdv_check.model.referentiel import Piece, Referentiel
from cdv_check.reading.piece_files import PieceCheck, piece_digest

# The pieces' accessor and their reading, kept in one place (rules.pieces).
from cdv_check.rules.pieces import _cerfa_facts as _form_facts
from cdv_check.rules.pieces import _directories as _directories
from cdv_check.rules.pieces import _given_paths as _given_paths
from cdv_check.rules.pieces import _inspect as _inspect

_SECTION = "4 La démarche à suivre (pièces)"


def _given(ctx: Context) -> list[tuple[str, str, PieceCheck]]:
    """(piece id, declared path, file check) of each piece whose file was found, in the
    référentiel's order; nothing when files are not checked."""
    found = []
    for piece_id, declared in _given_paths(ctx).items():
        result = _inspect(ctx, declared)
        if result is not None and result.ok and result.identity is not None:
            found.append((piece_id, declared, result))
    return found


def _by_id(ref: Referentiel) -> dict[str, Piece]:
    return {p.id: p for p in ref.pieces}


def _may_share(ctx: Context, first: str, second: str) -> bool:
    """The référentiel lets one file serve both; or the form is a RIB, which PCE01 already says
    (one cause, one finding)."""
    pieces = per_referentiel(ctx.ref, _by_id)
    if second in pieces[first].meme_fichier_que or first in pieces[second].meme_fichier_que:
        return True
    for one, other in ((first, second), (second, first)):
        if pieces[one].formulaire and pieces[other].releve_bancaire:
            declared = _given_paths(ctx).get(one)
            facts = _form_facts(ctx, declared) if declared is not None else None
            if facts is not None and facts.bank_details and not facts.form_number:
                return True
    return False


@rule("PCE10", Severity.ERROR, section=_SECTION, title="Deux pièces sont le même fichier")
def same_file(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : deux pièces ne sont pas un seul et même fichier : même chemin, même
    fichier sous deux noms (lien physique), ou deux fichiers au contenu identique (comparé par
    empreinte SHA-256, pour les fichiers de même taille). Chaque pièce est nommée. Le référentiel
    peut permettre qu'un fichier serve à deux pièces (meme_fichier_que) ; sans cela, aucune
    pièce ne le peut. La règle ne lit que les fichiers trouvés (voir PCE07), et seulement quand
    les fichiers sont vérifiés.

    Exemple refusé :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf
          fiche_synthese: pieces/fiche-synthese.pdf
          rib: pieces/cerfa-{{numero_formulaire}}.pdf
          rapport_activite: pieces/rapport-activite-2014.pdf
          statuts_bureau: pieces/statuts-bureau.pdf

    Correction :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf
          fiche_synthese: pieces/fiche-synthese.pdf
          rib: pieces/rib.pdf
          rapport_activite: pieces/rapport-activite-2014.pdf
          statuts_bureau: pieces/statuts-bureau.pdf

    Que faire : joignez pour chaque pièce son propre document, et indiquez son chemin sous
    « pieces: ».
    """
    given = _given(ctx)
    by_identity: dict[tuple[int, int], tuple[str, str]] = {}
    by_size: dict[int, list[tuple[str, str, PieceCheck]]] = {}
    reported: set[str] = set()
    for piece_id, declared, result in given:
        assert result.identity is not None
        first = by_identity.get(result.identity)
        if first is None:
            by_identity[result.identity] = (piece_id, declared)
            by_size.setdefault(result.size, []).append((piece_id, declared, result))
            continue
        if _may_share(ctx, first[0], piece_id):
            continue
        reported.add(piece_id)
        how = f"le même fichier « {declared} »" if first[1] == declared else (
            f"le même fichier sous deux noms (« {first[1]} » et « {declared} »)"
        )
        yield Issue(
            f"Les pièces « {first[0]} » et « {piece_id} » sont {how} : chaque pièce est un document à part.",
            f"Indiquez sous « {piece_id}: » le fichier de cette pièce-là ; tout dossier incomplet ne sera pas "
            "instruit.",
            ("pieces", piece_id),
        )
    if ctx.folder is None:
        return
    for same_size in by_size.values():
        if len(same_size) < 2:
            continue
        digests: dict[str, tuple[str, str]] = {}
        for piece_id, declared, result in same_size:
            digest = _digest(ctx, declared, result)
            if digest is None:
                continue
            first = digests.setdefault(digest, (piece_id, declared))
            if first[0] == piece_id or piece_id in reported or _may_share(ctx, first[0], piece_id):
                continue
            yield Issue(
                f"Les pièces « {first[0]} » (« {first[1]} ») et « {piece_id} » (« {declared} ») ont exactement le "
                "même contenu : c'est deux fois le même document.",
                f"Indiquez sous « {piece_id}: » le fichier de cette pièce-là ; tout dossier incomplet ne sera pas "
                "instruit.",
                ("pieces", piece_id),
            )


def _digest(ctx: Context, declared: str, result: PieceCheck) -> str | None:
    """The SHA-256 of a piece's content: of the bytes read by its check when it was read whole,
    else read again (`piece_digest`); None when it cannot be read or is larger than the PDF limit."""
    if result.content is None:
        assert ctx.folder is not None
        return piece_digest(ctx.folder, declared, ctx.limits.pdf_bytes, _directories(ctx))
    if len(result.content) > ctx.limits.pdf_bytes:
        return None
    return hashlib.sha256(result.content).hexdigest()


@rule("PCE11", (Severity.ERROR, Severity.WARNING, Severity.INFO), section=_SECTION,
      title="Le formulaire n'est pas celui de l'appel")
def form_number(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : le PDF du formulaire (la pièce que le référentiel désigne comme
    formulaire : le CERFA) porte le numéro du formulaire de l'appel, lu dans son texte, ses
    champs ou ses métadonnées. Une autre version du formulaire ({{numero_formulaire}}*02) est une erreur qui
    nomme la version attendue ; un texte lisible sans le numéro du formulaire, un avertissement ;
    un PDF sans texte lisible (un scan), un conseil qui dit ce qui n'a pas pu être vérifié. La
    lecture est bornée comme celle de PCE01 et PCE08 (taille, pages) ; elle n'a lieu que quand les
    fichiers sont vérifiés.

    Exemple refusé :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}-02.pdf

    Correction :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf

    Que faire : saisissez la demande sur le formulaire de l'appel ({{formulaire}}, en ligne),
    imprimez-le en PDF et indiquez ce fichier.
    """
    expected = ctx.ref.depot.cerfa
    number, _, version = expected.partition("*")
    site = ctx.ref.depot.saisie_en_ligne  # none for a call by e-mail or on paper
    paths = _given_paths(ctx)
    for piece in ctx.ref.pieces:
        if not piece.formulaire:
            continue
        declared = paths.get(piece.id)
        facts = _form_facts(ctx, declared) if declared is not None else None
        if facts is None or not facts.readable:
            continue  # not read (no files, not found, not a PDF, too large) or unreadable: PCE07, PCE08
        where = ("pieces", piece.id)
        if facts.form_number:
            other = [v for v in facts.versions if version and v != version.zfill(2)]
            if other and version.zfill(2) not in facts.versions:
                shown = ", ".join(f"{number}*{v}" for v in other)
                yield Issue(
                    f"« {declared} » est le formulaire {shown}, une autre version : l'appel demande le CERFA "
                    f"{expected}.",
                    f"Saisissez la demande sur le CERFA {expected}{f' ({site})' if site else ''}, imprimez-le "
                    "en PDF et indiquez ce fichier.",
                    where,
                )
        elif facts.bank_details:
            continue  # a RIB in the form's place: PCE01 says so
        elif facts.over_budget:
            yield Issue(
                f"« {declared} » est un PDF trop lourd à lire dans les limites de cdv-check : le numéro du "
                f"formulaire ({expected}) n'a pas pu être vérifié.",
                f"Vérifiez vous-même que c'est le CERFA {expected} ; mieux, joignez le PDF imprimé"
                f"{f' depuis {site}' if site else ''}, plus léger, dont le texte se lit.",
                where,
                severity=Severity.INFO,
            )
        elif facts.text:
            yield Issue(
                f"« {declared} » ne porte nulle part le numéro du formulaire {expected} (ni dans son texte, ni "
                "dans ses champs) : est-ce bien le CERFA ?",
                f"Vérifiez que c'est le CERFA {expected} saisi{ctx.ref.depot.saisie} et imprimé en "
                "PDF, pas un autre document.",
                where,
                severity=Severity.WARNING,
            )
        else:
            yield Issue(
                f"« {declared} » n'a pas de texte lisible (un scan ?) : le numéro du formulaire ({expected}) n'a "
                "pas pu être vérifié.",
                f"Vérifiez vous-même que c'est le CERFA {expected} ; mieux, joignez le PDF imprimé"
                f"{f' depuis {site}' if site else ''}, dont le texte se lit.",
                where,
                severity=Severity.INFO,
            )
