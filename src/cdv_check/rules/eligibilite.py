"""ELG: the call's eligibility criteria (carrier, QPV, objectives, need, deadline)."""

from __future__ import annotations

from collections.abc import Iterator

from cdv_check.core.findings import Issue, Severity
from cdv_check.core.registry import Context, rule
from cdv_check.core.suggestions import Suggestions
from cdv_check.model.codes import closest_objective_codes
from cdv_check.model.derived import per_referentiel
from cdv_check.model.referentiel import Axe, Qpv, Referentiel, StatutPorteur, fold, walk
from cdv_check.text.french import french_date, join_fr, plural, quoted, shorten
from cdv_check.text.words import example_objective, first_qpv_name, objectives_table, of_objectives_table

_SECTION = "Critères d'éligibilité"
_MAX_SUGGESTED_CODES = 6


def referent(ref: Referentiel) -> str:
    """The referent who receives the dossiers, as « Nom (institution, courriel) », if listed."""
    for contact in ref.contacts:
        if ref.depot.courriel is not None and contact.courriel == ref.depot.courriel:
            return f"{contact.nom} ({contact.institution}, {contact.courriel})"
    return "un référent (liste des contacts de l'appel)"


# --- ELG01 -----------------------------------------------------------------------------------


def _status_name(status: StatutPorteur) -> str:
    return status.id if status.libelle == status.id else f"{status.id} ({status.libelle})"


@rule("ELG01", Severity.WARNING, section=_SECTION, title="Statut du porteur à confirmer")
def carrier_status(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : porteur.statut n'est pas « autre », un type de structure que l'appel ne
    nomme pas. Il n'est pas exclu (la liste de l'appel finit par « ... »), mais l'éligibilité est
    à confirmer avec un référent (avertissement).

    Exemple refusé :

        porteur:
          statut: autre

    Correction :

        porteur:
          statut: association

    Que faire : si la structure relève d'un des types cités, indiquez-le ; sinon vérifiez votre
    éligibilité avec un référent avant l'envoi.
    """
    porteur = ctx.dossier.porteur
    if porteur is None or porteur.statut is None:
        return
    statuses = {s.id: s for s in ctx.ref.statuts_porteur}
    status = statuses.get(porteur.statut)
    if status is None or status.eligible:
        return
    eligible = [_status_name(s) for s in ctx.ref.statuts_porteur if s.eligible]
    yield Issue(
        f"Statut « {status.id} » : ce type de structure n'est pas cité par l'appel à projets.",
        f"Si la structure est l'un des types cités, indiquez-le : {join_fr(eligible, 'ou')}. "
        f"Sinon, confirmez votre éligibilité avec {referent(ctx.ref)} avant l'envoi.",
        ("porteur", "statut"),
    )


# --- ELG02 -----------------------------------------------------------------------------------


@rule("ELG02", Severity.ERROR, section=_SECTION, title="Bénéficiaires habitant les QPV")
def qpv_beneficiaries(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : action.public.beneficiaires_qpv (le nombre de personnes touchées qui
    habitent un QPV) est donné et n'est pas 0, et ne dépasse pas le nombre total de personnes
    touchées (action.public.beneficiaires).

    Exemple refusé :

        action:
          public:
            beneficiaires: 40
            beneficiaires_qpv: 45

    Correction :

        action:
          public:
            beneficiaires: 40
            beneficiaires_qpv: 35

    Que faire : indiquez combien des personnes touchées habitent un QPV, sans dépasser le total.
    """
    action = ctx.dossier.action
    public = action.public if action else None
    if public is None:
        return
    path = ("action", "public", "beneficiaires_qpv")
    total = public.beneficiaires
    in_qpv = public.beneficiaires_qpv
    of_total = f"des {total} personnes touchées " if total else "des personnes touchées "
    if in_qpv is None:
        yield Issue(
            "Le nombre de bénéficiaires habitant un QPV (beneficiaires_qpv) n'est pas indiqué.",
            f"L'action doit bénéficier aux habitants des QPV : indiquez combien {of_total}"
            "y habitent (« beneficiaires_qpv: … » sous « public »).",
            path,
        )
    elif in_qpv == 0:
        yield Issue(
            "Aucun bénéficiaire n'habite un QPV (beneficiaires_qpv vaut 0).",
            "L'appel ne finance que des actions au bénéfice des habitants des QPV : corrigez le "
            "nombre si c'est une erreur, sinon l'action n'est pas éligible.",
            path,
        )
    elif total is not None and in_qpv > total:
        yield Issue(
            f"{in_qpv} bénéficiaires habitant un QPV, plus que les {total} personnes touchées.",
            "Les habitants des QPV font partie du total : corrigez beneficiaires_qpv ou "
            "beneficiaires.",
            path,
        )


# --- ELG03 -----------------------------------------------------------------------------------


def _blank_item(key: str, index: int, expected: str) -> Issue:
    return Issue(
        f"Élément vide dans action.{key}.",
        f"Retirez-le, ou écrivez {expected}.",
        ("action", key, index),
    )


def closest_qpv(ref: Referentiel, text: str) -> Qpv | None:
    """The QPV whose spelling (slug, name, variants; folded) is nearest to an unknown one."""
    if len(text) > ref.longest_qpv_spelling * 4:
        return None
    import difflib

    by_spelling = {spelling: q for q in ref.qpv for spelling in q.spellings()}
    close = difflib.get_close_matches(fold(text), list(by_spelling), n=1, cutoff=0.6)
    return by_spelling[close[0]] if close else None


def _qpv_names(ref: Referentiel) -> str:
    return join_fr([_qpv_label(ref, q) for q in ref.qpv])


def _qpv_label(ref: Referentiel, qpv: Qpv) -> str:
    """The QPV's name, with its commune when another QPV bears the same name."""
    return f"{qpv.nom} ({qpv.commune})" if len(ref.qpv_named(qpv.nom)) > 1 else qpv.nom


@rule("ELG03", Severity.ERROR, section=_SECTION, title="QPV absent ou inconnu",
      reads={"action.quartiers[*]": "la liste des quartiers est incomplète"})
def qpv_known(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : action.quartiers est donné et non vide, et chaque quartier est l'un des
    {{nombre_qpv}}, écrit par son nom ou son identifiant, sans souci de majuscules ni d'accents
    ({{qpv_a}}, {{qpv_a_id}}, {{qpv_c_majuscules}}). Pour un nom inconnu, le QPV le plus proche
    est proposé ; pour une commune, ses QPV ({{commune_exemple}}).

    Exemple refusé :

        action:
          quartiers: [{{qpv_b_variante}}, {{commune_a}} centre]

    Correction :

        action:
          quartiers: [{{qpv_b}}]

    Que faire : nommez le ou les QPV où l'action se déroule ; une action hors QPV n'est pas
    éligible.
    """
    action = ctx.dossier.action
    if action is None:
        return
    names = per_referentiel(ctx.ref, _qpv_names)
    if not action.quartiers:
        yield Issue(
            "Aucun QPV n'est indiqué (action.quartiers).",
            f"Le projet doit concerner un ou plusieurs QPV : indiquez-les, parmi {names} "
            f"(ex. « quartiers: [{first_qpv_name(ctx.ref)}] »).",
            ("action", "quartiers"),
        )
        return
    suggest: Suggestions[Qpv | None] = Suggestions(
        lambda name: closest_qpv(ctx.ref, name), None, ctx.limits.findings_per_dossier
    )
    for index, name in enumerate(action.quartiers):
        if not name.strip():
            yield _blank_item("quartiers", index, f"le nom d'un QPV ({names})")
            continue
        if ctx.ref.qpv_by_spelling(name) is not None:
            continue
        namesakes = ctx.ref.qpv_named(name)
        if namesakes:
            yield Issue(
                f"« {shorten(name, 40)} » désigne plusieurs QPV : "
                f"{join_fr([f'{q.nom} ({q.commune})' for q in namesakes], 'et')}. Lequel ?",
                "Écrivez son identifiant : "
                + join_fr([f"{q.slug} ({q.nom}, {q.commune})" for q in namesakes], "ou")
                + " ; ou son nom suivi de sa commune, « "
                + f"{namesakes[0].nom} ({namesakes[0].commune}) ».",
                ("action", "quartiers", index),
            )
            continue
        in_commune = ctx.ref.qpv_in_commune(name)
        if in_commune:
            hint = (
                f"« {shorten(name, 40)} » est une commune, pas un QPV : vouliez-vous dire "
                f"{join_fr([quoted(_qpv_label(ctx.ref, q)) for q in in_commune], 'ou')} ? "
            )
        else:
            close = suggest(name)
            meant = (ctx.ref.qpv_named(close.nom) or (close,)) if close else ()
            shown = join_fr([quoted(_qpv_label(ctx.ref, q)) for q in meant], "ou")
            hint = f"Vouliez-vous dire {shown} ? " if meant else ""
        yield Issue(
            f"Quartier « {shorten(name, 40)} » inconnu : ce n'est pas un des QPV de l'appel.",
            f"{hint}Les QPV sont : {names}.",
            ("action", "quartiers", index),
        )


# --- ELG04 -----------------------------------------------------------------------------------


def _labelled(ref: Referentiel, code: str) -> str:
    labels = ref.objective_labels.get(code, [])
    return f"{code} {quoted(shorten(labels[0], 60))}" if labels else code


def _axis(ref: Referentiel, code: str) -> Axe | None:
    return next((a for a in ref.annexe1 if a.code == code), None)


def _axis_issue(axe: Axe, index: int) -> Issue:
    operational = [p.operationnel.code for p in walk([axe]) if p.objectif is None and p.operationnel is not None]
    return Issue(
        f"« {axe.code} » désigne l'axe stratégique {axe.code} {quoted(axe.libelle)}, "
        "pas un objectif opérationnel.",
        f"Choisissez un ou plusieurs de ses objectifs opérationnels : {join_fr(operational, 'ou')} "
        f"(cdv-check objectives {axe.code} les détaille).",
        ("action", "objectifs", index),
    )


_REMEMBERED_CODES = 1024
"""Unknown codes whose suggestions a référentiel keeps: a lot repeats a few typos (a few
milliseconds of comparisons each); beyond this many, a hostile lot is forgotten and started again."""
_REMEMBERED_LENGTH = 200
"""Longer texts are no codes: not worth the memory."""


def _codes_suggested(ref: Referentiel) -> dict[str, list[str]]:
    return {}


def _closest_codes(ref: Referentiel, code: str) -> list[str]:
    """`closest_objective_codes` of an unknown code, remembered per référentiel (never changed)."""
    known = per_referentiel(ref, _codes_suggested)
    found = known.get(code)
    if found is None:
        found = closest_objective_codes(ref, code, n=_MAX_SUGGESTED_CODES)
        if len(code) <= _REMEMBERED_LENGTH:
            if len(known) >= _REMEMBERED_CODES:
                known.clear()
            known[code] = found
    return found


@rule("ELG04", Severity.ERROR, section=_SECTION, title="Objectif opérationnel absent ou inconnu",
      reads={"action.objectifs[*]": "la liste des objectifs est incomplète"})
def objectives_known(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : action.objectifs est donné et non vide, et chaque code est dans l'Annexe
    1 (les codes proches sont proposés). Les codes x.y et x.y.z sont admis{{codes_doubles}}. Un
    axe seul (« {{axe}} ») n'est pas un objectif.

    Exemple refusé :

        action:
          objectifs: [{{axe}}, {{objectif_inconnu}}]

    Correction :

        action:
          objectifs: [{{objectif_fin}}, {{objectif_op}}]

    Que faire : choisissez les codes dans {{table_objectifs}} (cdv-check objectives, ou cdv-check
    objectives --search MOT).
    """
    action = ctx.dossier.action
    if action is None:
        return
    if not action.objectifs:
        yield Issue(
            "Aucun objectif opérationnel n'est indiqué (action.objectifs).",
            f"Le projet doit répondre aux objectifs opérationnels {of_objectives_table(ctx.ref)} : indiquez leurs "
            f"codes (ex. « objectifs: [{example_objective(ctx.ref)}] ») ; cdv-check objectives --search MOT aide à les "
            "trouver.",
            ("action", "objectifs"),
        )
        return
    valid = ctx.ref.objective_labels
    suggest: Suggestions[list[str]] = Suggestions(
        lambda code: _closest_codes(ctx.ref, code), [], ctx.limits.findings_per_dossier
    )
    for index, raw in enumerate(action.objectifs):
        code = raw.strip()
        if code in valid:
            continue
        if not code:
            yield _blank_item("objectifs", index, f"un code {of_objectives_table(ctx.ref)}")
            continue
        axe = _axis(ctx.ref, code.rstrip("."))
        if axe is not None:
            yield _axis_issue(axe, index)
            continue
        close = suggest(code)
        hint = (
            f"Codes proches : {' ; '.join(_labelled(ctx.ref, c) for c in close)}. "
            if close
            else ""
        )
        yield Issue(
            f"L'objectif « {shorten(raw, 30)} » n'existe pas dans {objectives_table(ctx.ref)}.",
            f"{hint}Vérifiez le code avec cdv-check objectives.",
            ("action", "objectifs", index),
        )


# --- ELG05 -----------------------------------------------------------------------------------


@rule(
    "ELG05",
    (Severity.ERROR, Severity.WARNING),
    section=_SECTION,
    title="Besoin avéré non décrit",
)
def need_described(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : action.besoin est donné (erreur sinon) et n'est pas plus court que le
    minimum fixé par cdv-check dans le référentiel (seuils.besoin_longueur_min, avertissement) :
    un besoin en une ligne ne montre pas qu'il est avéré.

    Exemple refusé :

        action:
          besoin: Les jeunes s'ennuient.

    Correction :

        action:
          besoin: >
            Le diagnostic du centre social ({{annee_precedente}}) compte 140 femmes du quartier inscrites à Pôle
            Emploi sans qualification ; la garde des enfants est le frein cité le plus souvent.

    Que faire : décrivez le besoin et d'où vient le constat (diagnostic, chiffres, partenaires
    qui le signalent).
    """
    action = ctx.dossier.action
    if action is None:
        return
    path = ("action", "besoin")
    text = " ".join((action.besoin or "").split())
    minimum = ctx.ref.seuils.besoin_longueur_min
    if not text:
        yield Issue(
            "Le besoin auquel répond l'action n'est pas décrit (action.besoin).",
            "Le projet doit répondre à un besoin avéré du territoire : décrivez-le, avec ce qui "
            "le prouve (diagnostic, chiffres, partenaires qui le constatent).",
            path,
        )
    elif len(text) < minimum:
        yield Issue(
            f"Le besoin est décrit en {plural(len(text), 'caractère')} seulement "
            f"(minimum conseillé : {minimum}).",
            "Montrez que le besoin est avéré : d'où vient le constat, combien d'habitants sont "
            "concernés, qui le signale.",
            path,
            severity=Severity.WARNING,
        )


# --- ELG06 -----------------------------------------------------------------------------------


def _how_to_send(ref: Referentiel) -> str:
    depot = ref.depot
    if depot.saisie_en_ligne is not None and depot.courriel is not None:
        return (
            f"Saisissez la demande sur {depot.saisie_en_ligne}, puis envoyez le CERFA en PDF et les pièces "
            f"à {depot.courriel}"
        )
    if depot.saisie_en_ligne is not None:
        return f"Déposez la demande, le CERFA et les pièces sur {depot.saisie_en_ligne}"
    return f"Envoyez le CERFA et les pièces {depot.envoi}"


@rule(
    "ELG06",
    (Severity.ERROR, Severity.INFO),
    section=_SECTION,
    title="Date limite de dépôt",
    reads={"date_depot": "la date de dépôt du dossier est inconnue"},
)
def deadline(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : la date de dépôt (date_depot dans le dossier, sinon l'option
    --date-depot, sinon la date du jour) n'est pas après la date limite (erreur). Avant la date
    limite, un conseil donne les jours qui restent. Une date_depot écrite mais illisible
    (« {{date_avant_en_lettres}} », SCH04) n'est remplacée ni par --date-depot ni par la date du jour : la
    règle attend qu'elle soit corrigée, et le SCH04 le dit.

    Exemple refusé :

        date_depot: {{date_apres}}

    Correction :

        date_depot: {{date_avant}}

    Que faire : envoyez le dossier complet avant la date limite ; en retard, prenez contact avec
    un référent.
    """
    limit = ctx.ref.calendrier.date_limite
    deposit = ctx.deposit_date
    path = ("date_depot",) if ctx.dossier.date_depot is not None else ()
    days = (limit - deposit).days
    if days < 0:
        yield Issue(
            f"Dépôt le {french_date(deposit)}, {plural(-days, 'jour')} après la date limite du "
            f"{french_date(limit)} : le dossier ne sera pas instruit.",
            "Tout dossier hors délais ne sera pas instruit. Si la date de dépôt est fausse, "
            "corrigez date_depot (ou --date-depot) ; sinon prenez contact avec "
            f"{referent(ctx.ref)}.",
            path,
        )
        return
    opening = ctx.ref.calendrier.date_ouverture
    if opening is not None and deposit < opening:
        yield Issue(
            f"Dépôt le {french_date(deposit)}, avant l'ouverture de l'appel le {french_date(opening)}.",
            f"Déposez le dossier entre le {french_date(opening)} et le {french_date(limit)}.",
            path,
            severity=Severity.INFO,
        )
        return
    countdown = "Jour J" if days == 0 else f"J-{days}"
    yield Issue(
        f"{countdown} : dépôt au plus tard le {french_date(limit)} "
        f"(date de dépôt retenue : {french_date(deposit)}).",
        _how_to_send(ctx.ref) + " : tout dossier incomplet ou hors délais ne sera pas instruit.",
        path,
        severity=Severity.INFO,
    )
