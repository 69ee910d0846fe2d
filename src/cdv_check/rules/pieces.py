"""PCE: the pieces sent with the request, as the call lists them.

Which pieces, under which condition and under which rule ID, comes from the référentiel
(`pieces`); this module only knows how to read the conditions and the files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from cdv_check.core.findings import Issue, Severity
from cdv_check.core.registry import Context, rule
from cdv_check.model.derived import per_referentiel
from cdv_check.model.dossier import Dossier
from cdv_check.model.referentiel import Piece, Referentiel
from cdv_check.reading.piece_files import Directories, PieceCheck, inspect_piece

if TYPE_CHECKING:
    from cdv_check.reading.pdf import PdfFacts

_SECTION = "Pièces du dossier"
_PDF_SIGNATURE = b"%PDF-"
# What a CERFA wrongly saved in another format usually starts with.
_SIGNATURES = (
    (b"PK\x03\x04", "un document Word ou OpenOffice (.docx, .odt) ou une archive ZIP"),
    (b"\xd0\xcf\x11\xe0", "un ancien document Word ou Excel (.doc, .xls)"),
    (b"{\\rtf", "un document RTF"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"\x89PNG", "une image PNG"),
)


def _given_paths(ctx: Context) -> dict[str, str]:
    """The path given for each piece of the référentiel that the dossier names (not absent, not
    blank), by piece id, in the référentiel's order; once per dossier."""
    key = ("given",)  # not a string: no declared path names it
    given: dict[str, str] | None = ctx.piece_checks.get(key)
    if given is None:
        given = ctx.piece_checks[key] = {}
        pieces = ctx.dossier.pieces
        if pieces:
            for piece in ctx.ref.pieces:
                value = pieces.get(piece.id)
                if isinstance(value, str) and value.strip():
                    given[piece.id] = value
    return given


class _Listed(NamedTuple):
    """The référentiel's pieces as the PCE rules read them, worked out once (`per_referentiel`)."""

    by_rule: dict[str, list[tuple[Piece, list[Piece]]]]
    """The pieces each rule lists (PCE01…PCE06), each with its alternatives."""
    forms_by_rule: dict[str, list[Piece]]
    """The form pieces each rule lists (the CERFA, under PCE01)."""
    forms: list[Piece]
    """The form pieces, whatever their rule."""
    rib: str | None
    """The id of the piece of bank details."""


def _listed(ref: Referentiel) -> _Listed:
    by_rule: dict[str, list[tuple[Piece, list[Piece]]]] = {}
    forms_by_rule: dict[str, list[Piece]] = {}
    for piece in ref.pieces:
        by_rule.setdefault(piece.regle, []).append((piece, [p for p in ref.pieces if p.alternative_a == piece.id]))
        if piece.formulaire:
            forms_by_rule.setdefault(piece.regle, []).append(piece)
    return _Listed(
        by_rule=by_rule,
        forms_by_rule=forms_by_rule,
        forms=[p for p in ref.pieces if p.formulaire],
        rib=next((p.id for p in ref.pieces if p.releve_bancaire), None),
    )


def _required(piece: Piece, dossier: Dossier) -> bool:
    porteur, action = dossier.porteur, dossier.action
    return piece.required(
        first_or_new_statutes=porteur is not None
        and (porteur.premiere_demande is True or porteur.changement_statuts is True),
        renewal=action is not None and action.nouvelle is False,
    )


def _why(condition: str) -> str:
    return {
        "premiere_demande_ou_changement_statuts": (
            " (première demande, ou statuts ou bureau modifiés)"
        ),
        "renouvellement": " (action existante ou déjà financée)",
    }.get(condition, "")


def _said(text: str, ref: Referentiel) -> str:
    """A piece's text with `{courriel}` replaced by the deposit address: the e-mail, else the
    platform, else (a paper call) the postal address; the référentiel always states one."""
    depot = ref.depot
    return text.replace("{courriel}", depot.courriel or depot.saisie_en_ligne or depot.adresse_postale or "")


def _missing_pieces(ctx: Context, rule_id: str) -> Iterator[Issue]:
    """The pieces of the référentiel listed under `rule_id`, required here and not declared (nor
    replaced by an alternative); an alternative that is provisional, given alone, is a warning.
    The form given under this rule that is a RIB is said too."""
    ref = ctx.ref
    paths = _given_paths(ctx)
    listed = per_referentiel(ref, _listed)
    for piece, alternatives in listed.by_rule.get(rule_id, ()):
        if piece.id in paths or not _required(piece, ctx.dossier):
            continue
        given = [p for p in alternatives if p.id in paths]
        if any(not p.provisoire for p in given):
            continue
        if given:
            stand_in = given[0]
            if stand_in.textes is not None:
                message, advice = _said(stand_in.textes.message, ref), _said(stand_in.textes.conseil, ref)
            else:
                message = f"Seule une pièce provisoire est jointe ({stand_in.libelle}) : {piece.libelle} reste due."
                advice = (
                    f"Envoyez {piece.libelle} dès que possible {ref.depot.envoi}, puis ajoutez "
                    f"« {piece.id}: … » sous « pieces: »."
                )
            yield Issue(message, advice, ("pieces", stand_in.id), severity=Severity.WARNING)
            continue
        if piece.textes is not None:
            message, advice = _said(piece.textes.message, ref), _said(piece.textes.conseil, ref)
        else:
            message = f"Pièce manquante{_why(piece.condition)} : {piece.libelle}."
            advice = (
                f"Ajoutez « {piece.id}: chemin/du/fichier » sous « pieces: » et envoyez la pièce "
                f"{ref.depot.envoi} avec le dossier : tout dossier incomplet ne sera pas "
                "instruit."
            )
            if alternatives:
                advice += " À défaut : " + " ; ".join(f"{p.libelle} (« {p.id}: … »)" for p in alternatives) + "."
        yield Issue(message, advice, ("pieces", piece.id))
    if rule_id in listed.forms_by_rule:
        yield from _forms_sent_as_rib(ctx, listed.forms_by_rule[rule_id], listed.rib)


def _forms_sent_as_rib(ctx: Context, forms: list[Piece], rib: str | None) -> Iterator[Issue]:
    """A form piece of `forms` whose PDF shows bank details and no form number."""
    ref = ctx.ref
    paths = _given_paths(ctx)
    for piece in forms:
        declared = paths.get(piece.id)
        facts = _cerfa_facts(ctx, declared) if declared is not None else None
        if facts is not None and facts.readable and facts.bank_details and not facts.form_number:
            advice = f"Indiquez sous « {piece.id}: » le CERFA saisi{ref.depot.saisie} et imprimé en PDF"
            advice += f" ; le RIB va sous « {rib}: »." if rib is not None else "."
            yield Issue(
                f"« {declared} » n'est pas le CERFA {ref.depot.cerfa} : on dirait un RIB "
                "(coordonnées bancaires, et nulle part le numéro du formulaire).",
                advice,
                ("pieces", piece.id),
            )


@rule("PCE01", Severity.ERROR, section=_SECTION, title="Dossier CERFA absent")
def cerfa_present(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : pieces donne le chemin du CERFA (clé cerfa). Quand les fichiers sont
    vérifiés, le PDF donné est lu (texte des premières pages, champs du formulaire, métadonnées) :
    s'il ne porte nulle part le numéro du formulaire ({{numero_formulaire}}) mais des coordonnées bancaires
    (IBAN, « Relevé d'identité bancaire »), c'est un RIB envoyé à la place du CERFA, et le dossier
    n'a donc pas de CERFA.

    Exemple refusé :

        pieces:
          rib: pieces/rib.pdf

    Correction :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf
          rib: pieces/rib.pdf

    Que faire : imprimez en PDF le {{formulaire}} saisi en ligne et indiquez son chemin sous
    « pieces: ».
    """
    yield from _missing_pieces(ctx, "PCE01")


def _cerfa_facts(ctx: Context, declared: str) -> PdfFacts | None:
    """What the CERFA's PDF shows of itself (read once per dossier), or None when it is not
    read: files not checked, refused by PCE07, not a PDF (PCE08), larger than the limit."""
    result = _inspect(ctx, declared)
    if result is None or not result.ok or not result.header.startswith(_PDF_SIGNATURE):
        return None
    if len(result.header) > ctx.limits.pdf_bytes:  # the limit and one byte more were read
        return None
    key = ("pdf", declared)  # not a string: no declared path names it (« pdf:… » is a file name)
    if key not in ctx.piece_checks:
        from cdv_check.reading.pdf import pdf_facts

        form = ctx.ref.depot.cerfa.split("*")[0]
        ctx.piece_checks[key] = pdf_facts(result.header, form, ctx.limits.pdf_pages)
    facts: PdfFacts | None = ctx.piece_checks[key]
    return facts


@rule("PCE02", Severity.ERROR, section=_SECTION, title="Fiche de synthèse absente")
def fiche_synthese_present(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : pieces donne le chemin de la fiche de synthèse (clé fiche_synthese).

    Exemple refusé :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf

    Correction :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf
          fiche_synthese: pieces/fiche-synthese.pdf

    Que faire : remplissez la fiche de synthèse et indiquez son chemin sous « pieces: ».
    """
    yield from _missing_pieces(ctx, "PCE02")


@rule("PCE03", Severity.ERROR, section=_SECTION, title="RIB absent")
def rib_present(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : pieces donne le chemin d'un RIB (clé rib).

    Exemple refusé :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf

    Correction :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf
          rib: pieces/rib.pdf

    Que faire : joignez le relevé d'identité bancaire de la structure et indiquez son chemin sous
    « pieces: ».
    """
    yield from _missing_pieces(ctx, "PCE03")


@rule("PCE04", Severity.ERROR, section=_SECTION, title="Rapport d'activité absent")
def rapport_activite_present(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : pieces donne le chemin de ce rapport (clé rapport_activite).

    Exemple refusé :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf

    Correction :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf
          rapport_activite: pieces/rapport-activite-2014.pdf

    Que faire : joignez le dernier rapport d'activité approuvé et indiquez son chemin sous
    « pieces: ».
    """
    yield from _missing_pieces(ctx, "PCE04")


@rule("PCE05", Severity.ERROR, section=_SECTION, title="Statuts et bureau absents")
def statuts_present(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : pour une première demande (porteur.premiere_demande: oui) ou après un
    changement de statuts ou de bureau (porteur.changement_statuts: oui), pieces donne le chemin
    de la copie des statuts et du bureau (clé statuts_bureau).

    Exemple refusé :

        porteur:
          premiere_demande: oui
        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf

    Correction :

        porteur:
          premiere_demande: oui
        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf
          statuts_bureau: pieces/statuts-bureau.pdf

    Que faire : joignez la copie des statuts et de la composition du bureau, et indiquez son
    chemin sous « pieces: ».
    """
    yield from _missing_pieces(ctx, "PCE05")


@rule(
    "PCE06",
    (Severity.ERROR, Severity.WARNING),
    section="Critères d'examen (renouvellement)",
    title="Bilan de l'année précédente absent",
)
def bilan_present(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : quand l'action n'est pas nouvelle (action.nouvelle: non), pieces donne
    bilan_precedent ou bilan_intermediaire (erreur si aucun) ; le bilan intermédiaire seul donne
    un avertissement : le bilan définitif reste à envoyer.

    Exemple refusé :

        action:
          nouvelle: non
        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf

    Correction :

        action:
          nouvelle: non
        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf
          bilan_precedent: pieces/bilan-{{annee_precedente}}.pdf

    Que faire : joignez le bilan de l'année précédente ; à défaut, le bilan intermédiaire, puis
    envoyez le bilan définitif dès que possible.
    """
    yield from _missing_pieces(ctx, "PCE06")


def _forms(ctx: Context) -> frozenset[str]:
    """The paths declared for the référentiel's forms (the CERFA), once per dossier."""
    key = ("forms",)  # not a string: no declared path names it
    forms: frozenset[str] | None = ctx.piece_checks.get(key)
    if forms is None:
        paths = _given_paths(ctx)
        forms = ctx.piece_checks[key] = frozenset(
            paths[p.id] for p in per_referentiel(ctx.ref, _listed).forms if p.id in paths
        )
    return forms


def _directories(ctx: Context) -> Directories:
    """The folders the dossier's pieces were found in, walked once per dossier (`inspect_piece`)."""
    directories: Directories = ctx.piece_checks.setdefault(("directories",), {})
    return directories


def _inspect(ctx: Context, declared: str) -> PieceCheck | None:
    """The file check, or None when files are not checked (`--no-files`, standard input)."""
    if not ctx.check_files or ctx.folder is None:
        return None
    if declared not in ctx.piece_checks:
        # The CERFA is read whole, up to the PDF limit and one byte more (to know it is over),
        # in the same walk and open as its check: its text is read (_cerfa_facts). The other
        # pieces show their first bytes only.
        cerfa = declared in _forms(ctx)
        size = ctx.limits.pdf_bytes + 1 if cerfa else ctx.limits.piece_header_bytes
        ctx.piece_checks[declared] = inspect_piece(ctx.folder, declared, size, _directories(ctx))
    result: PieceCheck = ctx.piece_checks[declared]
    return result


@rule("PCE07", Severity.ERROR, section=_SECTION, title="Fichier de pièce introuvable ou invalide")
def piece_files(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : chaque chemin donné sous pieces, lu relativement au répertoire du fichier
    du dossier, nomme un fichier ordinaire, non vide, dans ce répertoire. Sont refusés : un
    fichier absent, un répertoire, un chemin absolu ou qui remonte (« .. »), un chemin Windows
    (C:\\, \\\\serveur, « \\ »), tout lien symbolique (jamais suivi), un tube, un périphérique, un
    fichier vide. Un nom écrit avec des accents composés ou décomposés (macOS) est reconnu. Pour
    un fichier ou un répertoire introuvable, le nom présent sur le disque qui n'en diffère que par
    les majuscules, les accents ou une faute de frappe est proposé (« Fiche de synthese.pdf » :
    « Vouliez-vous dire « Fiche de synthèse.pdf » ? »). La règle ne s'applique pas quand les
    fichiers ne sont pas vérifiés (--no-files, ou dossier lu sur l'entrée standard).

    Exemple refusé :

        pieces:
          rib: C:\\Mes documents\\rib.pdf
          cerfa: ../../cerfa.pdf

    Correction :

        pieces:
          rib: pieces/rib.pdf
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf

    Que faire : placez la pièce dans le répertoire du dossier (ou un sous-répertoire) et écrivez
    son chemin relatif avec des « / », par exemple « pieces/rib.pdf ».
    """
    for name, declared in _given_paths(ctx).items():
        result = _inspect(ctx, declared)
        if result is not None and not result.ok:
            yield Issue(f"Pièce « {name} » : {result.reason}.", result.advice, ("pieces", name))


def _looks_like(header: bytes) -> str:
    for signature, what in _SIGNATURES:
        if header.startswith(signature):
            return f" : on dirait {what}"
    return ""


@rule("PCE08", Severity.ERROR, section=_SECTION, title="Le CERFA n'est pas un PDF")
def cerfa_is_pdf(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : les pièces que le référentiel veut en PDF (le CERFA) commencent par
    « %PDF- », la signature de tout PDF, et le CERFA se lit comme un PDF (un fichier abîmé ou
    tronqué qui commence par « %PDF- » n'est pas lisible par les référents non plus). La règle ne
    lit que les fichiers trouvés (voir PCE07), et seulement quand les fichiers sont vérifiés ; un
    CERFA de plus de 20 Mo n'est pas lu au-delà de sa signature.

    Exemple refusé :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.docx

    Correction :

        pieces:
          cerfa: pieces/cerfa-{{numero_formulaire}}.pdf

    Que faire : saisissez le CERFA en ligne, imprimez-le en PDF (« Imprimer » puis « Enregistrer
    au format PDF »), et indiquez ce fichier ; un document Word renommé en .pdf reste un document
    Word.
    """
    paths = _given_paths(ctx)
    for piece in ctx.ref.pieces:
        if not piece.pdf:
            continue
        declared = paths.get(piece.id)
        result = _inspect(ctx, declared) if declared is not None else None
        if result is not None and result.ok and not result.header.startswith(_PDF_SIGNATURE):
            yield _not_pdf(ctx, piece, declared or "", result.header)
        elif piece.formulaire and declared is not None:
            facts = _cerfa_facts(ctx, declared)
            if facts is not None and not facts.readable:
                yield Issue(
                    f"« {declared} » commence comme un PDF mais ne se lit pas comme un PDF "
                    "(fichier abîmé ou tronqué ?).",
                    "Imprimez de nouveau le CERFA en PDF"
                    + (f" depuis {ctx.ref.depot.saisie_en_ligne}" if ctx.ref.depot.saisie_en_ligne else "")
                    + ", vérifiez qu'il s'ouvre, et indiquez ce fichier.",
                    ("pieces", piece.id),
                )


def _not_pdf(ctx: Context, piece: Piece, declared: str, header: bytes) -> Issue:
    return Issue(
        f"« {declared} » n'est pas un PDF (il ne commence pas par « %PDF- »){_looks_like(header)}.",
        f"Envoyez {piece.libelle} : saisissez-le{ctx.ref.depot.saisie}, "
        "imprimez-le en PDF et indiquez ce fichier.",
        ("pieces", piece.id),
    )


@rule(
    "PCE09",
    Severity.INFO,
    section="Pièces du dossier (1ère demande)",
    title="Première demande : codes d'accès à la saisie en ligne",
)
def extranet_codes(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : quand porteur.premiere_demande vaut oui, un conseil rappelle cette
    démarche, avec les contacts que donne l'appel. Il n'y a rien à corriger dans le dossier : le
    conseil disparaît quand ce n'est plus une première demande.

    Exemple refusé :

        porteur:
          premiere_demande: oui

    Correction :

        porteur:
          premiere_demande: non

    Que faire : demandez les codes d'accès à {{saisie_en_ligne}} au plus tôt, avant la date
    limite, pour pouvoir saisir le CERFA en ligne.
    """
    porteur = ctx.dossier.porteur
    if porteur is None or porteur.premiere_demande is not True:
        return
    issue = per_referentiel(ctx.ref, _codes_advice)
    if issue is not None:  # else no codes to request for this call's platform
        yield issue


def _codes_advice(ref: Referentiel) -> Issue | None:
    """PCE09's advice, the same for every first request of the call (it names its contacts)."""
    depot = ref.depot
    if depot.contact_codes_extranet is None:
        return None
    contacts = [c for c in ref.contacts if c.institution == depot.contact_codes_extranet]
    people = " ou ".join(f"{c.nom} ({c.telephone}, {c.courriel})" for c in contacts)
    advice = f"Demandez-les d'abord ({depot.contact_codes_extranet})"
    advice += f" : {people}." if people else "."
    return Issue(
        f"Première demande : la saisie en ligne sur {depot.saisie_en_ligne} demande des codes "
        "d'accès.",
        advice,
        ("porteur", "premiere_demande"),
    )
