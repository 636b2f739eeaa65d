"""A tiny warehouse built by hand: 10 young people whose every count can be checked on paper.

Territory: two départements (09, 31), two MLs (MLA in 09, MLB in 31), two basins that do
not follow the ML limits (B1 = commune C1; B2 = communes C2 and C3, C3 being in MLA/09).

Reference period: Q2 2010 (1 April – 30 June 2010). Edge cases:
- jeune 2 turns 26 in June 2010 (born June 1984): 26 and over at the end of Q2, 25 a year earlier;
- jeune 3 has a first reception (and an interview, and a CIVIS entry) on 30 June, the last day;
- jeune 2 leaves CIVIS on 15 June 2010, having entered in 2009 (exit without entry in the period);
- jeune 9's PPAE was never accepted (no entry date): neither an entry nor in progress;
- jeune 4 had only an "information" contact (not followed); jeune 6's interview is on 1 July.
"""

from __future__ import annotations

import pandas as pd

from lib.indicators.data import Warehouse

D = pd.Timestamp
NaT = pd.NaT

# id, commune, sexe, birth month, niveau, qpv, zrr, first reception, indemnisé, logement, permis, véhicule
_JEUNES = [
    (1, "C1", "F", "1990-03-01", "VI", True, False, "2010-04-10", True, "Chez les parents", False, False),
    (2, "C3", "H", "1984-06-01", "IV", False, True, "2009-03-01", False, "Logement autonome", True, True),
    (3, "C1", "F", "1993-01-01", "Vbis", True, False, "2010-06-30", False, "Chez les parents", False, False),
    (4, "C1", "H", "1988-07-01", "V", False, False, "2010-01-15", False, "Hébergé (famille, amis)", True, False),
    (5, "C1", "F", "1986-01-01", "III+", False, False, "2010-05-05", True, "Logement autonome", True, True),
    (6, "C1", "H", "1991-12-01", "V", False, False, "2010-04-01", False, "Chez les parents", False, False),
    (7, "C2", "F", "1989-06-01", "IV", False, True, "2008-11-01", False, "Chez les parents", True, False),
    (8, "C2", "H", "1985-02-01", "VI", True, False, "2010-06-15", True, "Foyer ou logement précaire", False, False),
    (9, "C2", "F", "1992-09-01", "V", False, False, "2010-03-31", False, "Chez les parents", False, False),
    (10, "C2", "H", "1987-04-01", "III+", False, False, "2010-07-01", False, "Logement autonome", True, True),
]
_COMMUNES = [  # code, nom, dep, population, qpv, zrr, ml, bassin
    ("C1", "Foix", "09", 9000, True, False, "MLA", "B1"),
    ("C2", "Toulouse", "31", 440000, True, False, "MLB", "B2"),
    ("C3", "Pamiers", "09", 15000, False, True, "MLA", "B2"),
]
_CONTACTS = [
    (1, "2010-04-10", "entretien"),
    (2, "2010-05-20", "atelier"),
    (2, "2009-04-10", "entretien"),
    (3, "2010-06-30", "entretien"),
    (4, "2010-05-01", "information"),
    (5, "2010-05-05", "entretien"),
    (6, "2010-07-01", "entretien"),
    (7, "2010-03-31", "entretien"),
    (7, "2010-04-01", "atelier"),
    (7, "2009-05-01", "entretien"),
    (8, "2010-06-15", "entretien"),
    (9, "2010-04-02", "entretien"),
    (10, "2010-07-02", "entretien"),
]
# jeune, code, entrée, sortie
_DISPOSITIFS = [
    (2, "CIVIS", "2009-05-01", "2010-06-15"),
    (3, "CIVIS", "2010-06-30", None),
    (5, "PPAE", "2010-05-06", None),
    (9, "PPAE", None, None),
]
# jeune, type, contrat, début
_SITUATIONS = [
    (1, "emploi", "CDD", "2010-05-01"),
    (5, "formation", None, "2010-09-01"),
    (6, "alternance", None, "2010-04-01"),
    (8, "emploi", "CDI", "2010-06-20"),
    (8, "formation", None, "2010-06-25"),
    (7, "emploi", "CDI", "2008-12-01"),  # before the period's cohort: never an outcome of Q2 2010
]
DISPOSITIFS = {"CIVIS": "Contrat d'insertion dans la vie sociale", "PPAE": "Co-traitance", "CEJ": "Contrat jeune"}


def small_warehouse(version: int = 1) -> Warehouse:
    communes = pd.DataFrame(
        _COMMUNES, columns=["code", "nom", "dep_code", "population", "qpv", "zrr", "ml_code", "bassin_code"]
    )
    cols = [
        "id",
        "commune_code",
        "sexe",
        "mois_naissance",
        "niveau",
        "qpv",
        "zrr",
        "date_premier_accueil",
        "indemnise",
        "logement",
        "permis",
        "vehicule",
    ]
    jeunes = pd.DataFrame(_JEUNES, columns=cols)
    geo = communes.set_index("code")
    jeunes["ml_code"] = pd.Categorical(geo["ml_code"].reindex(jeunes["commune_code"]).to_numpy())
    jeunes["dep_code"] = pd.Categorical(geo["dep_code"].reindex(jeunes["commune_code"]).to_numpy())
    jeunes["bassin_code"] = pd.Categorical(geo["bassin_code"].reindex(jeunes["commune_code"]).to_numpy())
    for c in ("mois_naissance", "date_premier_accueil"):
        jeunes[c] = pd.to_datetime(jeunes[c])
    for c in ("sexe", "niveau", "logement"):
        jeunes[c] = jeunes[c].astype("category")
    contacts = pd.DataFrame(_CONTACTS, columns=["jeune_id", "date", "type"])
    contacts["date"] = pd.to_datetime(contacts["date"])
    contacts["type"] = contacts["type"].astype("category")
    disp = pd.DataFrame(_DISPOSITIFS, columns=["jeune_id", "code", "date_entree", "date_sortie"])
    disp["id"] = range(1, len(disp) + 1)
    for c in ("date_entree", "date_sortie"):
        disp[c] = pd.to_datetime(disp[c])
    disp["code"] = disp["code"].astype("category")
    sit = pd.DataFrame(_SITUATIONS, columns=["jeune_id", "type", "contrat", "date_debut"])
    sit["date_debut"] = pd.to_datetime(sit["date_debut"])
    sit["date_fin"] = pd.NaT
    sit["type"] = sit["type"].astype("category")
    sit["contrat"] = sit["contrat"].astype("category")
    # as lib.indicators.data reads them: "code" is a categorical except in commune and mission_locale
    departements = pd.DataFrame({"code": ["09", "31"], "nom": ["Ariège", "Haute-Garonne"], "region_code": "73"})
    bassins = pd.DataFrame({"code": ["B1", "B2"], "nom": ["Bassin un", "Bassin deux"], "source": "demo"})
    for frame in (departements, bassins):
        frame["code"] = frame["code"].astype("category")
    empty = pd.DataFrame()
    return Warehouse(
        jeunes=jeunes,
        contacts=contacts,
        dispositifs=disp,
        situations=sit,
        defm=pd.DataFrame({"ml_code": [], "mois": pd.to_datetime([]), "effectif": []}),
        cles=empty,
        enveloppes=pd.DataFrame({"annee": [], "enveloppe": []}),
        communes=communes,
        mls=pd.DataFrame(
            {"code": ["MLA", "MLB"], "nom": ["Mission locale A", "Mission locale B"], "dep_code": ["09", "31"]}
        ),
        departements=departements,
        bassins=bassins,
        sites=empty,
        version=version,
    )
