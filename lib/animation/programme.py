"""The programme of one year: actions with their values, totals, the State's share, the 2–4 % check.

Pure computations on the values in force (store.active_values); `tables` turns them into
MaskedTables for lib/ui and the bilans. Amounts and progress count no one: they are
declared public (lib.secret.declare_public), which records why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from lib.animation.annexe import ACTIONS, BANDE_BUDGET, CHAMPS, FINANCEURS, OBJECTIF, PROGRAMME, mission_of
from lib.bilan import formats
from lib.secret import MaskedTable, declare_public

MONTANTS = ("cout_prevu", "cout_realise", *FINANCEURS)
TEXTES = tuple(c.code for c in CHAMPS if c.nature == "texte")
RAISON = "montants et avancement du programme régional d'animation : ces chiffres ne comptent aucun jeune"
NON_RENSEIGNE = "non renseigné"


@dataclass(frozen=True)
class Budget:
    prevu: float  # sum of the actions' planned costs
    realise: float
    budget_ml: float | None  # the MLs' total budget of the year, as entered
    bande: tuple[float, float] = BANDE_BUDGET

    @property
    def part(self) -> float | None:
        """Planned programme ÷ MLs' budget (what the circular's 2–4 % compares)."""
        return self.prevu / self.budget_ml if self.budget_ml else None

    @property
    def part_realisee(self) -> float | None:
        return self.realise / self.budget_ml if self.budget_ml and self.realise else None

    @property
    def position(self) -> str:
        """ "dans la fourchette", "en dessous", "au-dessus", or why it cannot be said."""
        if self.part is None:
            return "budget des missions locales non renseigné"
        low, high = self.bande
        if self.part < low:
            return "en dessous de la fourchette"
        if self.part > high:
            return "au-dessus de la fourchette"
        return "dans la fourchette"

    def phrase(self) -> str:
        low, high = (f"{b * 100:.0f}" for b in self.bande)
        if self.part is None:
            return (
                "Budget des missions locales non renseigné : la part du programme "
                f"(repère {low} à {high} %) ne se calcule pas."
            )
        return (
            f"Le programme représente {formats.pourcent(self.part * 100, 2)} du budget des missions locales "
            f"({self.position} de {low} à {high} % recommandée par la circulaire DGEFP 2008-15)."
        )


@dataclass(frozen=True)
class Programme:
    annee: int
    actions: pd.DataFrame  # one row per action of the annex, in order
    budget: Budget

    @property
    def financement(self) -> pd.Series:
        """Amount per funder field (summed over actions)."""
        return self.actions[list(FINANCEURS)].sum(min_count=1).fillna(0.0)

    @property
    def part_etat(self) -> float | None:
        total = self.actions["cout_prevu"].sum()
        return float(self.actions["financement_etat"].sum() / total) if total else None

    @property
    def renseignees(self) -> int:
        """Actions with a planned cost: those the programme funds this year."""
        return int(self.actions["cout_prevu"].notna().sum())


def build(values: pd.DataFrame, annee: int) -> Programme:
    """The 16 actions of the annex with the year's values in force (missing amounts stay NaN)."""
    v = values[values["annee"] == annee] if len(values) else values
    num = {(int(r.action), r.champ): r.valeur_num for r in v.itertuples()} if len(v) else {}
    txt = {(int(r.action), r.champ): r.valeur_texte for r in v.itertuples()} if len(v) else {}
    rows = []
    for a in ACTIONS:
        row: dict[str, object] = {
            "action": a.numero,
            "intitule": a.intitule,
            "objectif": a.objectif,
            "objectif_intitule": OBJECTIF[a.objectif].intitule,
            "mission": mission_of(a.numero).numero,
            "mission_intitule": mission_of(a.numero).intitule,
        }
        for code in (*MONTANTS, "avancement"):
            x = num.get((a.numero, code))
            row[code] = math.nan if x is None else float(x)
        for code in TEXTES:
            row[code] = txt.get((a.numero, code)) or ""
        rows.append(row)
    actions = pd.DataFrame(rows)
    actions["part_etat"] = actions["financement_etat"] / actions["cout_prevu"].where(actions["cout_prevu"] > 0)
    actions["finance"] = actions[list(FINANCEURS)].sum(axis=1, min_count=1)
    budget_ml = num.get((PROGRAMME, "budget_ml"))
    budget = Budget(
        prevu=float(actions["cout_prevu"].sum()),
        realise=float(actions["cout_realise"].sum()),
        budget_ml=None if budget_ml is None else float(budget_ml),
    )
    return Programme(annee, actions, budget)


def ecarts_financement(p: Programme) -> list[str]:
    """Actions whose funders do not add up to the planned cost (said on screen, not refused)."""
    out = []
    for r in p.actions.itertuples():
        if pd.notna(r.cout_prevu) and pd.notna(r.finance) and abs(r.finance - r.cout_prevu) > 0.5:
            out.append(
                f"Action {r.action} : financements {formats.euros(r.finance)} "
                f"pour un coût prévu de {formats.euros(r.cout_prevu)}"
            )
    return out


# ------------------------------------------------------------------ masked tables


def actions_table(p: Programme) -> MaskedTable:
    """Per action: planned and actual cost, State funding and share, progress; with a Total row."""
    t = p.actions
    frame = pd.DataFrame(
        {
            "action": [f"{r.action}. {r.intitule}" for r in t.itertuples()],
            "mission": [f"{r.mission} — {r.mission_intitule}" for r in t.itertuples()],
            "cout_prevu": t["cout_prevu"],
            "cout_realise": t["cout_realise"],
            "financement_etat": t["financement_etat"],
            "part_etat": t["part_etat"] * 100,
            "avancement": t["avancement"],
        }
    )
    total = {
        "action": "Total",
        "mission": "Total",
        "cout_prevu": t["cout_prevu"].sum(min_count=1),
        "cout_realise": t["cout_realise"].sum(min_count=1),
        "financement_etat": t["financement_etat"].sum(min_count=1),
        "part_etat": (p.part_etat or math.nan) * 100,
        "avancement": _weighted_progress(t),
    }
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    masked = declare_public(frame, ["mission", "action"], list(frame.columns[2:]), RAISON)
    return _labelled(
        masked,
        {
            "mission": "Mission",
            "action": "Action",
            "cout_prevu": "Coût prévu",
            "cout_realise": "Coût réalisé",
            "financement_etat": "Dont État",
            "part_etat": "Part de l'État",
            "avancement": "Avancement",
        },
    )


def _weighted_progress(t: pd.DataFrame) -> float:
    """Progress of the programme: the actions' progress weighted by their planned cost."""
    ok = t["avancement"].notna() & t["cout_prevu"].notna() & (t["cout_prevu"] > 0)
    w = t.loc[ok, "cout_prevu"]
    return float((t.loc[ok, "avancement"] * w).sum() / w.sum()) if w.sum() else math.nan


def missions_table(p: Programme) -> MaskedTable:
    """Planned and actual cost per mission (the circular's 4 missions), with the total."""
    t = p.actions
    g = t.groupby(["mission", "mission_intitule"], sort=True)[["cout_prevu", "cout_realise"]].sum(min_count=1)
    frame = g.reset_index()
    frame["mission"] = frame["mission"] + " — " + frame["mission_intitule"]
    frame = frame[["mission", "cout_prevu", "cout_realise"]]
    total = {"mission": "Total", **{c: t[c].sum(min_count=1) for c in ("cout_prevu", "cout_realise")}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    masked = declare_public(frame, ["mission"], ["cout_prevu", "cout_realise"], RAISON)
    return _labelled(masked, {"mission": "Mission", "cout_prevu": "Coût prévu", "cout_realise": "Coût réalisé"})


def financeurs_table(p: Programme) -> MaskedTable:
    """Amount and share of each funder in the planned programme."""
    amounts = p.financement
    total = float(amounts.sum())
    frame = pd.DataFrame(
        {
            "financeur": [FINANCEURS[c] for c in FINANCEURS] + ["Total"],
            "montant": [float(amounts[c]) for c in FINANCEURS] + [total],
        }
    )
    frame["part"] = frame["montant"] / total * 100 if total else math.nan
    masked = declare_public(frame, ["financeur"], ["montant", "part"], RAISON)
    return _labelled(masked, {"financeur": "Financeur", "montant": "Montant", "part": "Part"})


def budget_table(p: Programme) -> MaskedTable:
    """The programme against the MLs' budget: one row, the band alongside."""
    b = p.budget
    frame = pd.DataFrame(
        {
            "prevu": [b.prevu],
            "realise": [b.realise],
            "budget_ml": [math.nan if b.budget_ml is None else b.budget_ml],
            "part": [math.nan if b.part is None else b.part * 100],
            "part_realisee": [math.nan if b.part_realisee is None else b.part_realisee * 100],
            "bas": [b.bande[0] * 100],
            "haut": [b.bande[1] * 100],
        }
    )
    masked = declare_public(frame, [], list(frame.columns), RAISON)
    return _labelled(
        masked,
        {
            "prevu": "Programme prévu",
            "realise": "Programme réalisé",
            "budget_ml": "Budget des missions locales",
            "part": "Part prévue",
            "part_realisee": "Part réalisée",
            "bas": "Repère bas",
            "haut": "Repère haut",
        },
    )


def _labelled(masked: MaskedTable, labels: dict[str, str]) -> MaskedTable:
    return replace(masked, labels=labels)
