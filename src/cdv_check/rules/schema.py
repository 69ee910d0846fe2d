"""SCH: reading the file. Their findings come from the loader and the dossier model, not from a
check function; they are declared here so that the catalogue, `--select` and the reports know them.
"""

from __future__ import annotations

from cdv_check.core.findings import Severity
from cdv_check.core.registry import declare

_SECTION = "Lecture du fichier (format du dossier)"

declare(
    "SCH01",
    Severity.ERROR,
    section=_SECTION,
    title="Fichier illisible",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : le fichier du dossier peut être lu et décodé. Il est refusé s'il n'existe
    pas, si c'est un répertoire, un tube ou un périphérique, s'il contient des octets nuls (fichier
    binaire : un PDF, un document Word), ou si son codage est inconnu. Sont lus : UTF-8, UTF-8
    avec BOM, UTF-16 avec BOM ; Windows-1252 (cp1252) et Latin-1 sont lus avec l'avertissement
    SCH08.

    Exemple refusé :

        $ cdv-check dossier.docx

    Correction :

        $ cdv-check dossier.yaml

    Que faire : donnez le fichier texte YAML ou JSON du dossier, enregistré en UTF-8 (cdv-check
    init en écrit un modèle).
    """,
)
declare(
    "SCH02",
    Severity.ERROR,
    section=_SECTION,
    title="Erreur de syntaxe YAML ou JSON",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : le fichier est du YAML ou du JSON valide. La ligne et la colonne données
    sont celles où l'analyseur s'est arrêté ; l'erreur réelle est souvent juste avant. Un guillemet
    ouvert et jamais fermé est signalé à la ligne qui l'ouvre ; fermé plus loin, cette ligne est
    nommée dans le message. Causes fréquentes : une tabulation pour indenter, un « : » dans une
    valeur sans guillemets, un guillemet ou un crochet non fermé, plusieurs documents « --- » dans
    un seul fichier.

    Exemple refusé :

        action:
          intitule: Atelier couture : premier pas
          quartiers: [{{qpv_b}}

    Correction :

        action:
          intitule: "Atelier couture : premier pas"
          quartiers: [{{qpv_b}}]

    Que faire : corrigez la syntaxe à l'endroit indiqué (ou juste avant), puis relancez cdv-check.
    """,
)
declare(
    "SCH03",
    Severity.ERROR,
    section=_SECTION,
    title="Clé obligatoire absente",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : chaque clé que le format du dossier exige est présente et n'est pas vide
    (par exemple action.debut ou porteur.nom). La position donnée est celle du tableau qui devrait
    contenir la clé absente, ou celle de la clé laissée vide.

    Exemple refusé :

        action:
          intitule: Atelier couture
          debut: {{date_a}}

    Correction :

        action:
          intitule: Atelier couture
          debut: {{date_a}}
          fin: {{date_fin}}

    Que faire : ajoutez la clé avec sa valeur ; cdv-check schema et cdv-check init montrent le
    format complet.
    """,
)
declare(
    "SCH04",
    Severity.ERROR,
    section=_SECTION,
    title="Valeur de mauvais type ou de mauvais format",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : chaque valeur a la forme attendue : date ({{date_avant}} ou {{date_avant_jjmmaaaa}}),
    montant (4000, « 4 000,50 € »), oui/non, nombre entier, liste, texte, ou une valeur de la
    liste permise (statut du porteur, axe transversal). Ce qu'écrit un tableur est lu quand le
    sens est clair : VRAI/FAUX, 28.0 pour un nombre entier, {{date_b_tableur}} (minuit)
    pour une date ; un numéro de date de tableur ({{date_b_numero}}) et plusieurs codes dans un seul texte
    (« {{objectif_fin}}, {{objectif_op}} » là où une liste est attendue) sont refusés avec ce qu'il faut écrire. Une
    étiquette YAML (!!python/…, !!binary, !!set…) est refusée. La valeur refusée n'est pas prise
    en compte par les autres vérifications : celles qui en dépendent attendent qu'elle soit
    corrigée, et le message les nomme.

    Exemple refusé :

        action:
          debut: {{date_a_en_lettres}}
          nouvelle: peut-être

    Correction :

        action:
          debut: {{date_a}}
          nouvelle: oui

    Que faire : corrigez la valeur selon le message, qui dit la forme attendue.
    """,
)
declare(
    "SCH05",
    Severity.ERROR,
    section=_SECTION,
    title="Clé inconnue",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : chaque clé du dossier est une clé du format. Une clé inconnue (souvent une
    faute de frappe) n'est jamais ignorée en silence : cdv-check la signale avec la clé connue la
    plus proche. Quand cette clé manque au même endroit (« intitulé » pour « intitule »,
    « quartier » pour « quartiers »), c'est elle qui était voulue : un seul constat le dit, sans
    « clé obligatoire absente » ni les vérifications qui en découleraient. Les clés de fusion
    YAML « << » sont refusées.

    Exemple refusé :

        action:
          quartier: [{{qpv_b}}]

    Correction :

        action:
          quartiers: [{{qpv_b}}]

    Que faire : corrigez le nom de la clé, ou retirez-la.
    """,
)
declare(
    "SCH06",
    Severity.ERROR,
    section=_SECTION,
    title="Clé en double",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : une même clé n'apparaît qu'une fois dans un même tableau. Un lecteur YAML
    ordinaire garderait la dernière sans rien dire ; cdv-check signale les deux lignes et ne lit
    que la première.

    Exemple refusé :

        action:
          debut: {{date_a}}
          debut: {{date_b}}

    Correction :

        action:
          debut: {{date_a}}

    Que faire : gardez la clé une seule fois, avec la bonne valeur.
    """,
)
declare(
    "SCH07",
    Severity.ERROR,
    section=_SECTION,
    title="Limite de sécurité dépassée",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : le fichier reste sous les limites de sécurité : taille, profondeur
    d'imbrication, nombre d'éléments, nombre d'alias YAML (« bombe » d'alias), longueur d'une
    valeur, quantité de texte, alias qui se contient lui-même. Ces limites protègent les référents
    qui vérifient des dossiers venus de tiers ; le message nomme la limite atteinte. Un dossier
    normal en est très loin.

    Exemple refusé :

        a: &a [x, x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]

    Correction :

        action:
          partenaires: [Centre social de {{qpv_b}}, Pôle Emploi]

    Que faire : simplifiez le fichier ; écrivez les valeurs en toutes lettres plutôt qu'en alias.
    """,
)
declare(
    "SCH08",
    Severity.WARNING,
    section=_SECTION,
    title="Fichier non UTF-8",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : le fichier est en UTF-8. Sinon il est lu comme du Windows-1252 (cp1252),
    le codage par défaut de nombreux logiciels sous Windows, ou comme du Latin-1 : les accents
    peuvent être mal lus.

    Exemple refusé :

        # fichier enregistré en « ANSI » (Windows-1252) par le Bloc-notes
        action:
          intitule: Atelier couture, premier pas vers l'emploi

    Correction :

        # le même fichier enregistré en « UTF-8 »
        action:
          intitule: Atelier couture, premier pas vers l'emploi

    Que faire : enregistrez le fichier en UTF-8 (« Enregistrer sous… », codage UTF-8).
    """,
)
declare(
    "SCH09",
    Severity.ERROR,
    section=_SECTION,
    title="Texte à compléter",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : chaque texte du dossier (libellés du budget et chemins des pièces
    compris) est comparé, sans tenir compte des majuscules, des accents ni de la ponctuation, aux
    textes de remplissage du référentiel : un texte qui commence par « À compléter » (ce
    qu'écrit cdv-check init), « À définir » ou « À préciser » ; un texte qui contient « TODO »,
    « TBD », « xxx » ou « lorem ipsum » ; un texte sans lettre ni chiffre (« ... », « ? »). Les
    textes que l'appel veut substantiels (action.besoin, action.description,
    action.evaluation.modalites, action.lien_contrat_de_ville) doivent aussi avoir une longueur
    minimale (seuils du référentiel : 20 caractères). Un texte refusé n'est pas pris en compte
    par les autres vérifications : le défaut est signalé une seule fois.

    Exemple refusé :

        action:
          description: "À compléter : ce que fait l'action, pour qui, avec qui, à quel rythme"
          evaluation:
            modalites: TODO

    Correction :

        action:
          description: Deux ateliers de couture par semaine au centre social, avec Pôle Emploi.
          evaluation:
            modalites: Bilan trimestriel des présences et entretien individuel en fin d'action.

    Que faire : remplacez chaque texte signalé par la vraie réponse ; retirez la ligne d'une clé
    facultative qui ne s'applique pas.
    """,
)
declare(
    "SCH10",
    Severity.WARNING,
    section=_SECTION,
    title="Ce qui est écrit n'est pas ce qui est lu",
    explanation="""
    L'appel : {{appel}}

    Ce qui est vérifié : trois écritures que YAML ou JSON lisent autrement que leur auteur : un
    texte sans guillemets coupé par « # » (après une espace, « # » commence un commentaire : la
    fin de la ligne n'est pas lue) ; des lignes qui commencent par « • », « - » ou « * », ou des
    « • » sur une seule ligne, écrits comme un texte là où une liste est attendue (lus comme un
    seul élément) ; un code d'objectif
    écrit comme un nombre (1.1), là où le code qui finit par un zéro existe aussi (1.10), qu'un
    tableur ou un fichier JSON écrit ainsi. Le message montre la valeur telle qu'elle est lue et
    comment l'écrire.

    Exemple refusé :

        action:
          intitule: Atelier couture #2 et conversation

    Correction :

        action:
          intitule: "Atelier couture #2 et conversation"

    Que faire : mettez le texte entre guillemets, écrivez la liste un élément par ligne précédé
    de « - », ou le code entre guillemets (« "1.10" »).
    """,
)
