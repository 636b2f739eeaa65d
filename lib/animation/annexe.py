"""The annex of circular DGEFP 2008-15 (seed 003): 4 missions, 6 objectives, 16 actions.

The texts are those of the annex ("QUOI", "POURQUOI", "COMMENT"). The annex asks the
structure to describe its method and schedule and to give, for each action, its cost,
its funders and the State's share: those are the fields the animateur enters (FIELDS).
"""

from __future__ import annotations

from dataclasses import dataclass

# Circular §3: "le respect d'une fourchette de 2 à 4 % du budget global des missions locales
# semblerait de bonne gestion".
BANDE_BUDGET = (0.02, 0.04)
PROGRAMME = 0  # the "action" number under which programme-level values are stored


@dataclass(frozen=True)
class Mission:
    numero: str  # I … IV
    intitule: str


@dataclass(frozen=True)
class Objectif:
    numero: int
    mission: str
    intitule: str


@dataclass(frozen=True)
class Action:
    numero: int
    objectif: int
    intitule: str
    objectifs: tuple[str, ...]  # POURQUOI
    actions: tuple[str, ...]  # COMMENT


MISSIONS = (
    Mission("I", "Formation / échange"),
    Mission("II", "Capitalisation / communication"),
    Mission("III", "Observatoire"),
    Mission("IV", "Partenariat"),
)

OBJECTIFS = (
    Objectif(1, "I", "Contribuer au développement des compétences et à la professionnalisation des ML-PAIO"),
    Objectif(2, "II", "Capitaliser, diffuser les expériences et constituer un pôle de ressources"),
    Objectif(3, "II", "Faire connaître et valoriser l'action des missions locales de la région"),
    Objectif(4, "III", "Gérer, animer les systèmes d'information des missions locales"),
    Objectif(5, "III", "Observer et analyser l'évolution des situations et des besoins des jeunes"),
    Objectif(6, "IV", "Contribuer à la constitution de partenariats régionaux"),
)

ACTIONS = (
    Action(
        1,
        1,
        "Aide à la maîtrise des conventionnements État et FSE",
        (
            "Aider à la maîtrise des contenus des CPO",
            "Améliorer la compréhension des logiques de conventionnement par objectifs",
            "Améliorer l'atteinte des objectifs, notamment sur l'accès à l'emploi",
            "Aider au conventionnement FSE",
        ),
        (
            "Analyse des annexes des CPO de chaque ML et définition d'axes de progrès",
            "Recueil des besoins auprès des structures",
            "Sessions de formation et d'échange de bonnes pratiques, notamment sur les relations avec les employeurs",
        ),
    ),
    Action(
        2,
        1,
        "Outillage des missions locales pour la mise en œuvre des politiques et dispositifs publics en faveur "
        "de l'insertion des jeunes et de la lutte contre les discriminations",
        (
            "Accompagner les structures dans l'atteinte des objectifs du dispositif CIVIS",
            "Accompagner les structures sur le parrainage",
            "À préciser selon les dispositifs en vigueur",
        ),
        (
            "Suivi et analyse des actions et de leurs résultats par dispositif ou programme",
            "Sessions de formation et d'échange de bonnes pratiques, notamment sur les relations avec les employeurs",
        ),
    ),
    Action(
        3,
        2,
        "Collecte et diffusion des bonnes pratiques et des innovations",
        (
            "Identifier, capitaliser et diffuser les ressources mobilisables afin d'enrichir les échanges internes",
            "Accroître la lisibilité de l'activité des structures de la région",
            "Augmenter la qualité d'intervention des missions locales",
        ),
        (
            "Recensement par thèmes de toutes les actions innovantes et/ou modélisables",
            "Recueil des outils et méthodes transférables pour diffusion et appropriation",
            "Identification des personnes ressources, des outils et des méthodes transférables",
        ),
    ),
    Action(
        4,
        2,
        "Documentation",
        (
            "Rassembler, organiser et diffuser l'information juridique, pratique ou théorique des champs de "
            "compétences des missions locales et PAIO",
            "Répondre aux demandes d'information ou renvoyer vers d'autres lieux ressources",
        ),
        (
            "Constitution d'un fonds documentaire mis à disposition des structures",
            "Mise en ligne des ressources",
            "Création d'un site internet",
        ),
    ),
    Action(
        5,
        2,
        "Coordination régionale et nationale",
        ("Favoriser une dynamique de réseau",),
        (
            "Animer des rencontres régulières et transversales de coordination des actions des missions locales",
            "Participer à l'animation nationale du réseau assurée par le CNML et relayer l'information",
        ),
    ),
    Action(
        6,
        3,
        "Valorisation de l'action des missions locales",
        (
            "Mieux faire connaître les activités des missions locales auprès de leurs partenaires",
            "Accroître la lisibilité de l'activité des structures de la région",
            "Développer les partenariats, diversifier les financements",
        ),
        (
            "Documents de communication fondés sur les rapports d'activité",
            "Diffusion de ces documents",
            "Participation aux groupes nationaux",
        ),
    ),
    Action(
        7,
        3,
        "Développement de communications ciblées en direction des entreprises",
        (
            "Augmenter le portefeuille d'entreprises des missions locales",
            "Améliorer l'image des missions locales auprès des entreprises susceptibles de recruter",
        ),
        ("Conception et réalisation de documents de communication", "Diffusion de ces documents"),
    ),
    Action(
        8,
        4,
        "Administration technique de l'entrepôt régional",
        (
            "Donner aux ML et à leurs partenaires les moyens de connaître les profils et parcours des jeunes suivis",
            "Donner au SPER les moyens de redéfinir régulièrement les politiques d'insertion des jeunes",
        ),
        (
            "Paramétrage de l'entrepôt régional, administration des tables régionales et des accès",
            "Conseil aux bénéficiaires de l'entrepôt dans le choix des tableaux de bord",
            "Amélioration de la fiabilité des données",
            "Réalisation et diffusion des tableaux de bord de l'entrepôt régional",
            "Participation à des regroupements nationaux",
        ),
    ),
    Action(
        9,
        4,
        "Animation régionale de Parcours",
        (
            "Accompagner les structures pour une utilisation optimale de Parcours 3",
            "Améliorer la qualité des informations saisies dans Parcours 3",
        ),
        (
            "Charte régionale de saisie, respectueuse de la charte nationale",
            "Démultiplication des informations auprès de tous les utilisateurs",
            "Formation des utilisateurs",
            "Réalisation et diffusion de requêtes locales aux ML",
            "Veille sur la qualité de saisie",
        ),
    ),
    Action(
        10,
        4,
        "Suivi de la réalisation des comptes rendus d'activité sur ICARE",
        ("Réaliser les CRA dans les délais", "Améliorer la qualité des informations saisies dans ICARE"),
        (
            "Suivi des mises à jour et des clôtures des CRA",
            "Sessions d'échanges et de formation",
            "Informations auprès des utilisateurs",
            "Veille régionale sur la qualité de saisie",
        ),
    ),
    Action(
        11,
        5,
        "Observation régionale des données sur l'insertion des jeunes",
        (
            "Mieux connaître et faire connaître les publics en demande ou en besoin d'insertion de la région",
            "Offrir un lieu de capitalisation et d'exploitation des données des acteurs de l'insertion des jeunes",
            "Donner une meilleure visibilité aux problématiques régionales de l'insertion des jeunes",
        ),
        (
            "Exploitation des données du SPE sur la population jeune, la DEFM, les jeunes non actifs",
            "Exploitation des données du Rectorat sur les sortants sans diplôme ni qualification",
            "Contribution au choix des indicateurs et à l'identification des problématiques",
            "Analyse des données",
        ),
    ),
    Action(
        12,
        5,
        "Analyse régionale des jeunes accueillis dans les missions locales et PAIO",
        (
            "Mieux connaître et faire connaître les publics accueillis par les ML-PAIO",
            "Créer un outil d'aide à la décision des acteurs et partenaires du réseau",
        ),
        (
            "Exploitation de l'entrepôt régional de données Parcours 3",
            "Contribution au choix des indicateurs, des problématiques et des seuils d'alerte",
            "Analyse des données",
            "Élaboration, impression et diffusion de documents",
        ),
    ),
    Action(
        13,
        6,
        "Suivi et facilitation de la co-traitance ANPE / ML (ou du futur opérateur unique)",
        (
            "Aider à l'évolution positive du partenariat entre les ML-PAIO et l'ANPE (ou le futur opérateur unique) "
            "dans le cadre de la co-traitance du PPAE",
        ),
        (
            "Participation au comité de pilotage régional : suivi du partenariat et des moyens, veille sur "
            "l'atteinte des objectifs, plates-formes de vocation, interconnexion Parcours 3 / DUDE",
        ),
    ),
    Action(
        14,
        6,
        "Collaboration régionale avec les acteurs de la formation",
        ("Augmenter le nombre de jeunes accédant à une formation en vue de leur insertion professionnelle",),
        (
            "Recenser les besoins de formation non couverts et les faire connaître",
            "Renforcer le partenariat avec le conseil régional, les autres financeurs de formations et les "
            "organismes de formation",
        ),
    ),
    Action(
        15,
        6,
        "Collaboration avec l'Éducation nationale pour le traitement des sorties sans qualification",
        (
            "Réduire les temps d'errance entre la sortie de l'école et l'accompagnement par la ML",
            "Réduire le nombre de jeunes inactifs non pris en charge",
        ),
        (
            "Collaboration avec les établissements scolaires",
            "Dispositifs d'information et de suivi commun des jeunes",
        ),
    ),
    Action(
        16,
        6,
        "Développement des relations avec les grandes entreprises, les branches, les employeurs",
        (
            "Faciliter l'accès aux stages, à l'emploi et à l'alternance des jeunes suivis par les ML",
            "Augmenter le nombre de jeunes accédant à un emploi",
        ),
        (
            "Mise en relation des ML-PAIO avec des employeurs potentiels",
            "Mise en commun des informations sur les offres collectées ou les besoins repérés",
            "Animation d'échanges entre les chargés de relation entreprises",
            "Accompagnement de la déclinaison régionale et locale des accords nationaux",
        ),
    ),
)


@dataclass(frozen=True)
class Champ:
    code: str
    libelle: str
    nature: str  # "euros", "pourcentage" or "texte"
    niveau: str = "action"  # "action" or "programme"
    aide: str = ""


FINANCEURS = {  # field code → funder, in the order of the annex's "préciser les différents financeurs"
    "financement_etat": "État (DGEFP, programme 102)",
    "financement_region": "Conseil régional",
    "financement_fse": "Fonds social européen",
    "financement_autres": "Autres financeurs",
}

CHAMPS = (
    Champ("methode", "Méthode et organisation (qui fait quoi)", "texte"),
    Champ("echeancier", "Échéancier", "texte"),
    Champ("cout_prevu", "Coût prévisionnel (€)", "euros"),
    Champ("cout_realise", "Coût réalisé (€)", "euros"),
    *(Champ(code, f"Financement : {nom} (€)", "euros") for code, nom in FINANCEURS.items()),
    Champ("avancement", "Avancement (%)", "pourcentage", aide="Part de l'action réalisée, de 0 à 100 %."),
    Champ("indicateurs", "Indicateurs de suivi et résultats", "texte"),
    Champ(
        "budget_ml",
        "Budget total des missions locales de la région (€)",
        "euros",
        niveau="programme",
        aide="Budget global des ML de l'année, toutes sources : la circulaire situe le programme à 2–4 % de ce budget.",
    ),
)
CHAMP = {c.code: c for c in CHAMPS}
ACTION = {a.numero: a for a in ACTIONS}
OBJECTIF = {o.numero: o for o in OBJECTIFS}
MISSION = {m.numero: m for m in MISSIONS}


def mission_of(action: int) -> Mission:
    return MISSION[OBJECTIF[ACTION[action].objectif].mission]
