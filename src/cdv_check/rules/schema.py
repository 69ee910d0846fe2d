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
    Le fichier ne peut pas être lu ou décodé : il n'existe pas, c'est un dossier, un tube ou un
    périphérique, il contient des octets nuls (fichier binaire), ou son codage est inconnu.
    Sont lus : UTF-8, UTF-8 avec BOM, UTF-16 avec BOM ; Windows-1252 (cp1252) est lu avec SCH08.
    Que faire : donnez le fichier texte YAML ou JSON du dossier, enregistré en UTF-8.
    """,
)
declare(
    "SCH02",
    Severity.ERROR,
    section=_SECTION,
    title="Erreur de syntaxe YAML ou JSON",
    explanation="""
    Le fichier n'est pas du YAML ou du JSON valide ; la ligne et la colonne sont celles où
    l'analyseur s'est arrêté (l'erreur réelle est souvent juste avant). Causes fréquentes : une
    tabulation pour indenter, un « : » dans une valeur sans guillemets, un crochet non fermé,
    plusieurs documents « --- » dans un seul fichier.
    Que faire : corrigez la syntaxe à cet endroit, puis relancez cdv-check.
    """,
)
declare(
    "SCH03",
    Severity.ERROR,
    section=_SECTION,
    title="Clé obligatoire absente",
    explanation="""
    Une clé que le format du dossier exige manque (par exemple action.debut ou porteur.nom).
    La position donnée est celle du tableau qui devrait la contenir.
    Que faire : ajoutez la clé ; cdv-check schema et cdv-check init montrent le format complet.
    """,
)
declare(
    "SCH04",
    Severity.ERROR,
    section=_SECTION,
    title="Valeur de mauvais type ou de mauvais format",
    explanation="""
    Une valeur n'a pas la forme attendue : date (2016-01-08 ou 08/01/2016), montant (4000,
    « 4 000,50 € »), oui/non, nombre entier, liste, texte, ou une valeur hors de la liste permise
    (statut du porteur, axe transversal). Une étiquette YAML (!!python/…, !!binary, !!set…) est
    refusée. La valeur refusée n'est pas prise en compte par les autres vérifications.
    Que faire : corrigez la valeur selon le message.
    """,
)
declare(
    "SCH05",
    Severity.ERROR,
    section=_SECTION,
    title="Clé inconnue",
    explanation="""
    Le dossier contient une clé que le format ne connaît pas : souvent une faute de frappe
    (« quartier » pour « quartiers »). Elle n'est jamais ignorée en silence : cdv-check la signale
    avec la clé connue la plus proche. Les clés de fusion YAML « << » sont refusées.
    Que faire : corrigez le nom de la clé, ou retirez-la.
    """,
)
declare(
    "SCH06",
    Severity.ERROR,
    section=_SECTION,
    title="Clé en double",
    explanation="""
    La même clé apparaît deux fois dans un même tableau. Un lecteur YAML ordinaire garderait la
    dernière sans rien dire ; cdv-check signale les deux lignes et ne lit que la première.
    Que faire : gardez une seule fois la clé, avec la bonne valeur.
    """,
)
declare(
    "SCH07",
    Severity.ERROR,
    section=_SECTION,
    title="Limite de sécurité dépassée",
    explanation="""
    Le fichier dépasse une limite de sécurité : taille, profondeur d'imbrication, nombre
    d'éléments, nombre d'alias YAML (« bombe » d'alias), longueur d'une valeur, ou alias récursif.
    Ces limites protègent les référents qui vérifient des dossiers venus de tiers ; le message
    nomme la limite atteinte. Un dossier normal en est très loin.
    Que faire : simplifiez le fichier ; écrivez les valeurs en toutes lettres plutôt qu'en alias.
    """,
)
declare(
    "SCH08",
    Severity.WARNING,
    section=_SECTION,
    title="Fichier non UTF-8",
    explanation="""
    Le fichier n'est pas en UTF-8 : il a été lu comme du Windows-1252 (cp1252), le codage par
    défaut de nombreux logiciels sous Windows. Les accents peuvent être mal lus.
    Que faire : enregistrez le fichier en UTF-8.
    """,
)
declare(
    "SCH09",
    Severity.ERROR,
    section=_SECTION,
    title="Texte à compléter",
    explanation="""
    L'appel : « Tout dossier incomplet ne sera pas instruit » (4. Modalités de dépôt) ; le projet
    « répond à un besoin avéré » (3.1) et précise ses « modalités d'évaluation » (3.2).

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
