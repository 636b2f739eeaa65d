"""A plausible 2010 programme for the demo region (synthetic amounts, not the ARML's accounts).

Fourteen of the sixteen actions are funded (the circular: not every action is to be funded
every year); funders add up to each planned cost; the programme sits near 3 % of the MLs'
budget, inside the 2–4 % band.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from lib.animation.annexe import PROGRAMME

ANNEE = 2010
BUDGET_ML_2010 = 24_600_000  # the ten MLs' budgets, all funders (demo figure)

# action → (planned cost, actual cost, State share, Region share, ESF share, progress %, indicators)
_ACTIONS: dict[int, tuple[int, int, float, float, float, int, str]] = {
    1: (38_000, 36_200, 0.60, 0.30, 0.10, 100, "10 CPO analysées ; 4 sessions, 62 participants"),
    2: (52_000, 49_800, 0.55, 0.35, 0.05, 90, "6 sessions CIVIS et parrainage ; 95 conseillers formés"),
    3: (41_000, 38_500, 0.40, 0.45, 0.10, 80, "24 pratiques recensées ; 1 recueil diffusé"),
    4: (35_000, 34_100, 0.40, 0.50, 0.00, 100, "1 200 documents en ligne ; 310 demandes traitées"),
    5: (48_000, 47_500, 0.45, 0.45, 0.00, 100, "11 réunions des directeurs ; 3 réunions nationales"),
    6: (30_000, 24_600, 0.35, 0.55, 0.00, 75, "Plaquette régionale 2009 ; 2 500 exemplaires"),
    7: (26_000, 19_900, 0.30, 0.50, 0.10, 60, "Guide entreprises ; 400 entreprises destinataires"),
    8: (118_000, 121_400, 0.50, 0.40, 0.05, 100, "12 rafraîchissements mensuels ; 85 comptes d'accès"),
    9: (64_000, 61_700, 0.50, 0.40, 0.05, 95, "Charte de saisie révisée ; 140 utilisateurs formés"),
    11: (72_000, 70_300, 0.45, 0.45, 0.05, 90, "Diagnostic régional 2010 ; 4 notes thématiques"),
    12: (85_000, 83_900, 0.50, 0.40, 0.05, 100, "Tableaux de bord trimestriels ; bilan annuel"),
    13: (44_000, 45_200, 0.70, 0.20, 0.00, 100, "4 comités de pilotage ; suivi mensuel des quotas"),
    14: (39_000, 33_800, 0.25, 0.65, 0.05, 70, "Besoins de formation recensés dans 10 ML"),
    16: (56_000, 47_300, 0.40, 0.35, 0.15, 70, "3 accords de branche déclinés ; 180 mises en relation"),
}
_METHODE = "Chargé(e) de mission de l'ARML, avec un groupe de travail de directeurs et de conseillers des ML."
_ECHEANCIER = "Janvier à décembre 2010 ; point d'étape au comité de juin, bilan au comité de décembre."


def demo_values(annee: int = ANNEE) -> pd.DataFrame:
    """Rows for the animation_valeur table (entered by "démonstration" on 1 February of the year)."""
    when = dt.datetime(annee, 2, 1, 9, 0)
    rows: list[dict[str, object]] = []

    def add(action: int, champ: str, num: float | None = None, texte: str | None = None) -> None:
        rows.append(
            {
                "annee": annee,
                "action": action,
                "champ": champ,
                "valeur_num": num,
                "valeur_texte": texte,
                "saisi_par": "démonstration",
                "saisi_le": when,
                "actif": True,
            }
        )

    add(PROGRAMME, "budget_ml", float(BUDGET_ML_2010))
    for action, (prevu, realise, etat, region, fse, avancement, indicateurs) in _ACTIONS.items():
        e, r, f = round(prevu * etat), round(prevu * region), round(prevu * fse)
        add(action, "cout_prevu", float(prevu))
        add(action, "cout_realise", float(realise))
        add(action, "financement_etat", float(e))
        add(action, "financement_region", float(r))
        add(action, "financement_fse", float(f))
        add(action, "financement_autres", float(prevu - e - r - f))  # the balance: funders add up
        add(action, "avancement", float(avancement))
        add(action, "methode", texte=_METHODE)
        add(action, "echeancier", texte=_ECHEANCIER)
        add(action, "indicateurs", texte=indicateurs)
    return pd.DataFrame(rows)  # remplace_id left out: NULL (an all-None column would go to PostgreSQL as text)
