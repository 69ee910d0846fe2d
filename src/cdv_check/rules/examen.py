"""EXA: the call's examination criteria (dates, evaluation, renewal, partnership).

The completeness of the dossier (first criterion of 3.2) is checked by the PCE rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cdv_check.core.findings import Issue, Severity
from cdv_check.core.registry import Context, rule
from cdv_check.model.dossier import blank
from cdv_check.model.referentiel import Periode
from cdv_check.reading.loading import Loc
from cdv_check.text.french import french_date, join_fr
from cdv_check.text.words import of_objectives_table

_SECTION = "Critères d'examen des dossiers"


# --- EXA01 -----------------------------------------------------------------------------------


def period_fr(period: Periode) -> str:
    """« du 1er janvier AAAA au 31 décembre AAAA »."""
    return f"du {french_date(period.debut)} au {french_date(period.fin)}"


def _school_periods(periods: list[Periode]) -> str:
    return join_fr([period_fr(p) for p in periods], "ou")


def _outside_date(debut: date, allowed: list[Periode]) -> Loc:
    """Point at `debut` when no allowed period contains it, else at `fin` (which overshoots)."""
    starts_inside = any(p.debut <= debut <= p.fin for p in allowed)
    return ("action", "fin") if starts_inside else ("action", "debut")


@rule(
    "EXA01",
    Severity.ERROR,
    section=_SECTION,
    title="Dates de l'action hors de la période admise",
    reads={"action.public.scolaire": "on ne sait pas si l'action est scolaire"},
)
def action_dates(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : action.fin ne précède pas action.debut, et l'action tient entre le
    {{debut_action}} et le {{fin_action}}. L'exception scolaire est lue ainsi par cdv-check
    (l'appel ne donne pas de dates) : une action marquée « scolaire: oui » sous « public » peut à
    la place tenir tout entière dans UNE année scolaire qui touche {{annee_action}},
    {{annees_scolaires}}, à condition de se dérouler au moins en partie en {{annee_action}}. Une
    action scolaire qui court sur deux années scolaires, ou qui finit avant {{annee_action}}, est
    refusée. En cas de doute sur une action particulière, le référent tranche.

    Exemple refusé :

        action:
          public:
            scolaire: non
          debut: {{scolaire_debut}}
          fin: {{scolaire_fin}}

    Correction :

        action:
          public:
            scolaire: oui   # aide aux devoirs au collège : l'action suit l'année scolaire
          debut: {{scolaire_debut}}
          fin: {{scolaire_fin}}

    Que faire : ne présentez que la partie de l'action qui tombe dans la période admise (dates et
    budget), ou découpez l'action en plusieurs demandes ; pour une action scolaire, indiquez
    « scolaire: oui » et restez dans une seule année scolaire.
    """
    action = ctx.dossier.action
    if action is None or action.debut is None or action.fin is None:
        return
    debut, fin = action.debut, action.fin
    if fin < debut:
        yield Issue(
            f"L'action finit le {french_date(fin)}, avant son début le {french_date(debut)}.",
            "Corrigez les dates (jour et mois inversés ?) : fin doit suivre debut.",
            ("action", "fin"),
        )
        return
    calendar = ctx.ref.calendrier
    civil = calendar.annee_action
    if civil.contains(debut, fin):
        return
    # A call without a school-year exception treats a school action as any other.
    school = bool(action.public and action.public.scolaire) and bool(calendar.annees_scolaires)
    if school and any(p.contains(debut, fin) for p in calendar.annees_scolaires):
        if debut <= civil.fin and civil.debut <= fin:
            return
        yield Issue(
            f"L'action va du {french_date(debut)} au {french_date(fin)} : elle tient dans une année "
            f"scolaire, mais ne se déroule à aucun moment {period_fr(civil)}.",
            "Une action scolaire peut suivre l'année scolaire, à condition de se dérouler au moins en "
            f"partie {period_fr(civil)} : corrigez les dates, ou présentez-la à l'appel de son année.",
            ("action", "fin") if fin < civil.debut else ("action", "debut"),
        )
        return
    span = f"L'action va du {french_date(debut)} au {french_date(fin)}"
    if school:
        yield Issue(
            f"{span} : hors de l'année civile ({period_fr(civil)}) et de chaque année scolaire "
            f"admise ({_school_periods(calendar.annees_scolaires)}).",
            "Découpez l'action par année scolaire (une demande par année), ou présentez sa partie "
            f"{period_fr(civil)}, avec un budget sur l'année civile.",
            _outside_date(debut, [civil, *calendar.annees_scolaires]),
        )
        return
    would_fit_school = any(p.contains(debut, fin) for p in calendar.annees_scolaires)
    school_hint = (
        " Si l'action s'adresse à un public scolaire ou se déroule en milieu scolaire, indiquez "
        "« scolaire: oui » sous « public » : elle peut alors suivre l'année scolaire."
        if would_fit_school
        else ""
    )
    yield Issue(
        f"{span} : hors de la période admise ({period_fr(civil)}).",
        f"Ne présentez que la partie de l'action qui se déroule {period_fr(civil)} (dates et "
        f"budget sur l'année civile) ; le reste relève d'une autre demande.{school_hint}",
        _outside_date(debut, [civil]),
    )


# --- EXA02 -----------------------------------------------------------------------------------


@rule(
    "EXA02",
    (Severity.ERROR, Severity.WARNING),
    section=_SECTION,
    title="Modalités d'évaluation absentes",
    reads={"action.evaluation.indicateurs[*]": "la liste des indicateurs est incomplète"},
)
def evaluation(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : action.evaluation.modalites est donné (erreur sinon), et au moins un
    indicateur est donné dans action.evaluation.indicateurs (avertissement sinon).

    Exemple refusé :

        action:
          evaluation:
            indicateurs: []

    Correction :

        action:
          evaluation:
            modalites: Bilan à mi-parcours et en fin d'année avec les partenaires.
            indicateurs: [Nombre de participantes assidues]

    Que faire : dites qui évalue, quand et comment (bilans, réunions, questionnaires), et quels
    indicateurs chiffrés seront suivis.
    """
    action = ctx.dossier.action
    if action is None:
        return
    modalities_advice = (
        "Chaque action fait l'objet d'une évaluation annuelle : décrivez les modalités choisies "
        "(qui évalue, quand, comment)"
    )
    found = action.evaluation
    if found is None:
        yield Issue(
            "Les modalités d'évaluation de l'action ne sont pas indiquées (action.evaluation).",
            f"{modalities_advice} sous « evaluation: » avec « modalites: … », et les indicateurs "
            "suivis avec « indicateurs: [...] ».",
            ("action", "evaluation"),
        )
        return
    if blank(found.modalites):
        yield Issue(
            "Les modalités d'évaluation de l'action ne sont pas décrites (evaluation.modalites).",
            f"{modalities_advice} dans « modalites: … ».",
            ("action", "evaluation", "modalites"),
        )
    if not [i for i in found.indicateurs or [] if i.strip()]:
        yield Issue(
            "Aucun indicateur d'évaluation n'est donné (evaluation.indicateurs).",
            "Indiquez ce qui sera mesuré (ex. « indicateurs: [Nombre de participants assidus, "
            "Nombre d'entrées en formation] ») : le référent les demandera au bilan.",
            ("action", "evaluation", "indicateurs"),
            severity=Severity.WARNING,
        )


# --- EXA03 -----------------------------------------------------------------------------------


@rule(
    "EXA03",
    Severity.ERROR,
    section=_SECTION,
    title="Renouvellement sans lien avec le nouveau Contrat de Ville",
)
def renewal_link(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : quand l'action n'est pas nouvelle (action.nouvelle: non),
    action.lien_contrat_de_ville est donné et non vide.

    Exemple refusé :

        action:
          nouvelle: non

    Correction :

        action:
          nouvelle: non
          lien_contrat_de_ville: >
            L'action répond à l'objectif {{objectif_fin}} et à une priorité du quartier
            {{qpv_b}} ({{priorite_b}}).

    Que faire : expliquez, dans lien_contrat_de_ville, en quoi l'action répond aux axes et
    objectifs du nouveau Contrat de Ville (cdv-check objectives).
    """
    action = ctx.dossier.action
    if action is None or action.nouvelle is not False:
        return
    if not blank(action.lien_contrat_de_ville):
        return
    yield Issue(
        "Action existante (nouvelle: non) sans explication de son lien avec le nouveau Contrat "
        "de Ville (lien_contrat_de_ville).",
        "Expliquez dans « lien_contrat_de_ville: … » en quoi l'action répond aux orientations du "
        f"nouveau Contrat de Ville (axes et objectifs {of_objectives_table(ctx.ref)} : cdv-check objectives).",
        ("action", "lien_contrat_de_ville"),
    )


# --- EXA04 -----------------------------------------------------------------------------------


@rule("EXA04", Severity.WARNING, section=_SECTION, title="Aucun partenaire",
      reads={"action.partenaires[*]": "la liste des partenaires est incomplète"})
def partners(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : action.partenaires est donné et non vide (avertissement sinon).

    Exemple refusé :

        action:
          partenaires: []

    Correction :

        action:
          partenaires: [Centre social de {{qpv_b}}, Pôle Emploi {{commune_a}} {{qpv_a}}]

    Que faire : nommez les partenaires de l'action (établissements scolaires, centres sociaux,
    bailleurs, services de l'emploi, autres associations…), ceux qui orientent le public comme
    ceux qui financent ou prêtent des locaux.
    """
    action = ctx.dossier.action
    if action is None:
        return
    if [p for p in action.partenaires or [] if p.strip()]:
        return
    yield Issue(
        "Aucun partenaire n'est indiqué (action.partenaires).",
        "Le porteur doit s'inscrire dans la dynamique partenariale du Contrat de Ville : nommez "
        "les partenaires de l'action (ex. « partenaires: [Centre social, Collège] »).",
        ("action", "partenaires"),
    )
