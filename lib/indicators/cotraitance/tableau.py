"""The co-traitance dashboard: raw figures gathered once, then masked in one place.

`tableau_de_bord` collects raw counts (nothing here may reach a screen as is);
`masquer` passes every count of people through lib.secret.protect, derives rates
with lib.secret.rate/with_share (hidden with what they are built from), wraps
keys and targets with declare_public, and evaluates the alert rules on the masked
values only. The page hands the result to lib/ui/cotraitance.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from lib import format as fr
from lib.config import CotraitanceSettings
from lib.indicators.cotraitance import qualite, suivi
from lib.indicators.cotraitance.alertes import (
    Alerte,
    alertes_acceptation,
    alertes_consommation,
    alertes_tolerance,
)
from lib.indicators.cotraitance.repartition import Repartition, repartition
from lib.indicators.data import Warehouse
from lib.secret import MaskedTable, declare_public, protect, rate, with_share
from lib.secret.masked import TOTAL

RAISON_CLES = "clés de répartition et quotas : objectifs fixés par le comité de pilotage, ils ne comptent personne"


@dataclass(frozen=True)
class EnVigueur:
    """The répartition the follow-up is measured against."""

    repartition: Repartition
    quotas: pd.Series  # ml_code → quota
    source: str  # French sentence: validated by whom and when, or computed
    ecarts: tuple[str, ...] = ()  # validated quotas that no longer match a recomputation


def repartition_en_vigueur(
    w: Warehouse, annee: int, reglages: CotraitanceSettings, validee: pd.DataFrame | None
) -> EnVigueur:
    """The newest validated répartition of the year, else the one computed with the settings."""
    if validee is None or validee.empty:
        rep = repartition(w, annee, reglages.poids_defm)
        return EnVigueur(
            rep,
            rep.table["quota"],
            f"Répartition calculée (poids des DEFM : {fr.pourcent(rep.poids_defm, fraction=True)}), "
            "pas encore validée par le comité de pilotage.",
        )
    first = validee.iloc[0]
    rep = repartition(w, annee, float(first["poids_defm"]), int(first["enveloppe"]))
    quotas = validee["quota"].astype(int).reindex(rep.table.index)
    diff = tuple(
        f"{rep.table.loc[c, 'ml']} : quota validé {fr.entier(int(quotas[c]))}, "
        f"recalcul {fr.entier(int(rep.table.loc[c, 'quota']))}"
        for c in rep.table.index
        if not pd.isna(quotas[c]) and int(quotas[c]) != int(rep.table.loc[c, "quota"])
    )
    quand = pd.Timestamp(first["valide_le"])
    return EnVigueur(
        rep,
        quotas.fillna(rep.table["quota"]).astype(int),
        f"Répartition validée le {fr.horodatage(quand.to_pydatetime())} par {first['valide_par']} "
        f"(enveloppe {fr.entier(int(first['enveloppe']))}, "
        f"poids des DEFM {fr.pourcent(float(first['poids_defm']), fraction=True)}).",
        diff,
    )


@dataclass(frozen=True)
class Tableau:
    """Raw figures of the dashboard: counts of people, never to be shown as they are."""

    annee: int
    date_ref: dt.date
    ml_codes: list[str]
    noms: dict[str, str]
    en_vigueur: EnVigueur
    entrees: pd.DataFrame  # ml_code, mois, etape, n
    attente: pd.DataFrame  # ml_code, n
    delais: pd.DataFrame  # ml_code, tranche, n, jours
    etats: pd.DataFrame  # ml_code, etat, n
    sorties: pd.DataFrame  # ml_code, motif, n
    reglages: CotraitanceSettings


def tableau_de_bord(
    w: Warehouse,
    date_ref: dt.date,
    ml_codes: list[str],
    reglages: CotraitanceSettings,
    validee: pd.DataFrame | None = None,
) -> Tableau:
    """Everything the co-traitance page needs, for the year of `date_ref` up to `date_ref`."""
    annee = date_ref.year
    vig = repartition_en_vigueur(w, annee, reglages, validee)
    codes = [c for c in vig.repartition.table.index if c in set(ml_codes)]
    p = suivi.ppae(w)
    return Tableau(
        annee=annee,
        date_ref=date_ref,
        ml_codes=codes,
        noms=w.ml_names(),
        en_vigueur=vig,
        entrees=suivi.entrees_mensuelles(p, annee, date_ref.month, codes),
        attente=suivi.attente_acceptation(p, date_ref, reglages.delai_acceptation_jours, codes),
        delais=qualite.delais_premier_entretien(
            p, annee, date_ref, codes, reglages.cible_premier_entretien_jours_ouvres
        ),
        etats=qualite.etats(p, codes),
        sorties=qualite.sorties(p, annee, date_ref, codes),
        reglages=reglages,
    )


@dataclass(frozen=True)
class TableauMasque:
    """What the page may show: every table masked, alerts built from masked values."""

    defm: MaskedTable  # ml → defm (count of people, protected)
    cles: MaskedTable  # ml → part_defm, cle_activite, cle (%), quota (public)
    objectifs: MaskedTable  # ml → quota, attendu, bas, haut (public)
    realisation: MaskedTable  # ml → n (entries so far) + taux_prorata, taux_annuel (%), projection
    mensuel: MaskedTable  # ml × mois → n (entries of the realisation step)
    etapes: MaskedTable  # ml × etape → n (entries so far at each step)
    etapes_mois: MaskedTable  # mois × etape → n (scope total)
    attente: MaskedTable  # ml → n
    delais: MaskedTable  # ml × tranche → n + part
    etats: MaskedTable  # ml × etat → n
    sorties: MaskedTable  # ml × motif → n
    alertes: tuple[Alerte, ...]


def _ml_labels(t: Tableau, codes: pd.Series) -> pd.Categorical:
    order = [t.noms.get(c, c) for c in t.ml_codes]
    return pd.Categorical([t.noms.get(c, c) for c in codes.astype(str)], categories=order)


def _relabel(m: MaskedTable, labels: dict[str, str]) -> MaskedTable:
    """French column labels only (values untouched)."""
    return dataclasses.replace(m, labels={**m.labels, **labels})


def _with_total(df: pd.DataFrame, dim: str, sums: list[str]) -> pd.DataFrame:
    total = {dim: TOTAL, **{c: df[c].sum() for c in sums}}
    return pd.concat([df, pd.DataFrame([total])], ignore_index=True)


def _by_label(masked: MaskedTable, dim: str, col: str) -> pd.Series:
    """Published values of `col` by label of `dim` (NaN where hidden), margins excluded."""
    cells = masked.table[masked.table[dim].astype(str) != TOTAL]
    return pd.Series(cells[col].to_numpy(dtype=float), index=cells[dim].astype(str).to_numpy())


def masquer_repartition(rep: Repartition) -> tuple[MaskedTable, MaskedTable]:
    """The répartition as (DEFM counts, protected) and (keys and quotas, public)."""
    tab = rep.table
    defm = protect(pd.DataFrame({"ml": tab["ml"].to_numpy(), "defm": tab["defm"].to_numpy()}), ["ml"], count="defm")
    keys = pd.DataFrame(
        {
            "ml": tab["ml"].to_numpy(),
            "part_defm": tab["part_defm"].to_numpy() * 100,
            "cle_activite": tab["cle_activite"].to_numpy() * 100,
            "cle": tab["cle"].to_numpy() * 100,
            "quota": tab["quota"].to_numpy(),
        }
    )
    # the Total row is the region: 100 % by definition (rounded shares may add up to 99.99 %)
    keys = pd.concat(
        [
            keys,
            pd.DataFrame(
                [{"ml": TOTAL, "part_defm": 100.0, "cle_activite": 100.0, "cle": 100.0, "quota": tab["quota"].sum()}]
            ),
        ],
        ignore_index=True,
    )
    cles = declare_public(keys, ["ml"], ["part_defm", "cle_activite", "cle", "quota"], RAISON_CLES)
    labels = {
        "ml": "Mission locale",
        "defm": f"DEFM total jeunes fin déc. {rep.annee - 1}",
        "part_defm": "% DEFM",
        "cle_activite": f"Clé {rep.annee} activité / résultat (%)",
        "cle": "Clé de répartition co-traitance (%)",
        "quota": f"Quota {rep.annee}",
    }
    return _relabel(defm, labels), _relabel(cles, labels)


def masquer(t: Tableau) -> TableauMasque:
    cfg = t.reglages
    etape = suivi.ETAPE_REALISATION
    defm, cles = masquer_repartition(t.en_vigueur.repartition)
    noms = [t.noms.get(c, c) for c in t.ml_codes]
    quotas = t.en_vigueur.quotas.reindex(t.ml_codes).astype(float)
    quotas.index = noms

    # targets (public): quota, expected pro rata, tolerance band
    attendu = suivi.prorata(quotas, t.date_ref)
    obj = pd.DataFrame(
        {
            "ml": noms,
            "quota": quotas.to_numpy(),
            "attendu": attendu.to_numpy(),
            "bas": attendu.to_numpy() * (1 - cfg.tolerance),
            "haut": attendu.to_numpy() * (1 + cfg.tolerance),
        }
    )
    obj = _with_total(obj, "ml", ["quota", "attendu", "bas", "haut"])
    objectifs = _relabel(
        declare_public(obj, ["ml"], ["quota", "attendu", "bas", "haut"], RAISON_CLES),
        {
            "ml": "Mission locale",
            "quota": f"Quota {t.annee}",
            "attendu": "Attendu au prorata",
            "bas": f"Bas de la tolérance (−{fr.pourcent(cfg.tolerance, fraction=True)})",
            "haut": f"Haut de la tolérance (+{fr.pourcent(cfg.tolerance, fraction=True)})",
        },
    )

    # entries of the realisation step, cumulated since 1 January (counts of people)
    e = t.entrees
    step = e[e["etape"] == etape]
    cum = step.groupby("ml_code", sort=False)["n"].sum().reindex(t.ml_codes, fill_value=0)
    real = protect(pd.DataFrame({"ml": _ml_labels(t, pd.Series(t.ml_codes)), "n": cum.to_numpy()}), ["ml"])
    att_tot = pd.concat([attendu, pd.Series({TOTAL: attendu.sum()})])
    q_tot = pd.concat([quotas, pd.Series({TOTAL: quotas.sum()})])
    real = rate(real, att_tot, name="taux_prorata")
    real = rate(real, q_tot, name="taux_annuel")
    # linear projection: entries × days in year / days elapsed (days elapsed ≥ 31, never a small count)
    real = rate(
        real,
        float(suivi.jours_ecoules(t.date_ref)),
        name="projection",
        per=float(suivi.jours_annee(t.annee)),
    )
    real = _relabel(
        real,
        {
            "ml": "Mission locale",
            "n": f"Entrées réalisées ({suivi.LIBELLES_ETAPES[etape]})",
            "taux_prorata": "Réalisation / attendu au prorata (%)",
            "taux_annuel": "Réalisation / quota annuel (%)",
            "projection": "Projection fin d'année",
        },
    )

    mois_labels = [suivi.libelle_mois(m) for m in range(1, t.date_ref.month + 1)]
    mensuel = protect(
        pd.DataFrame(
            {
                "ml": _ml_labels(t, step["ml_code"]),
                "mois": pd.Categorical([suivi.libelle_mois(m) for m in step["mois"]], categories=mois_labels),
                "n": step["n"].to_numpy(),
            }
        ),
        ["ml", "mois"],
    )
    mensuel = _relabel(mensuel, {"ml": "Mission locale", "mois": "Mois", "n": "Entrées"})

    etape_labels = [suivi.LIBELLES_ETAPES[k] for k in suivi.ETAPES]
    par_etape = e.groupby(["ml_code", "etape"], sort=False)["n"].sum().reset_index()
    etapes = protect(
        pd.DataFrame(
            {
                "ml": _ml_labels(t, par_etape["ml_code"]),
                "etape": pd.Categorical(
                    [suivi.LIBELLES_ETAPES[k] for k in par_etape["etape"]], categories=etape_labels
                ),
                "n": par_etape["n"].to_numpy(),
            }
        ),
        ["ml", "etape"],
    )
    etapes = _relabel(etapes, {"ml": "Mission locale", "etape": "Étape", "n": "Entrées depuis le 1er janvier"})
    par_mois = e.groupby(["mois", "etape"], sort=False)["n"].sum().reset_index()
    etapes_mois = protect(
        pd.DataFrame(
            {
                "mois": pd.Categorical([suivi.libelle_mois(m) for m in par_mois["mois"]], categories=mois_labels),
                "etape": pd.Categorical([suivi.LIBELLES_ETAPES[k] for k in par_mois["etape"]], categories=etape_labels),
                "n": par_mois["n"].to_numpy(),
            }
        ),
        ["mois", "etape"],
    )
    etapes_mois = _relabel(etapes_mois, {"mois": "Mois", "etape": "Étape", "n": "Entrées"})

    attente = protect(pd.DataFrame({"ml": _ml_labels(t, t.attente["ml_code"]), "n": t.attente["n"]}), ["ml"])
    attente = _relabel(
        attente,
        {"ml": "Mission locale", "n": f"Affectations sans acceptation après {cfg.delai_acceptation_jours} jours"},
    )

    d = t.delais
    tranches = list(qualite.tranches_delai(cfg.cible_premier_entretien_jours_ouvres))
    delais = protect(
        pd.DataFrame(
            {
                "ml": _ml_labels(t, d["ml_code"]),
                "tranche": pd.Categorical(d["tranche"], categories=tranches),
                "n": d["n"].to_numpy(),
            }
        ),
        ["ml", "tranche"],
    )
    delais = _relabel(
        with_share(delais, of="tranche"),
        {"ml": "Mission locale", "tranche": "Délai du premier entretien", "n": "Jeunes", "part": "Part (%)"},
    )

    et = t.etats
    etat_labels = [qualite.LIBELLES_ETATS.get(x, x) for x in dict.fromkeys(et["etat"])]
    etats = protect(
        pd.DataFrame(
            {
                "ml": _ml_labels(t, et["ml_code"]),
                "etat": pd.Categorical([qualite.LIBELLES_ETATS.get(x, x) for x in et["etat"]], categories=etat_labels),
                "n": et["n"].to_numpy(),
            }
        ),
        ["ml", "etat"],
    )
    etats = _relabel(etats, {"ml": "Mission locale", "etat": "État", "n": "Jeunes en co-traitance"})

    so = t.sorties
    motif_labels = list(dict.fromkeys(so["motif"]))
    sorties = protect(
        pd.DataFrame(
            {
                "ml": _ml_labels(t, so["ml_code"]),
                "motif": pd.Categorical(so["motif"], categories=motif_labels),
                "n": so["n"].to_numpy(),
            }
        ),
        ["ml", "motif"],
    )
    sorties = _relabel(sorties, {"ml": "Mission locale", "motif": "Motif de sortie", "n": "Sorties"})

    return TableauMasque(
        defm=defm,
        cles=cles,
        objectifs=objectifs,
        realisation=real,
        mensuel=mensuel,
        etapes=etapes,
        etapes_mois=etapes_mois,
        attente=attente,
        delais=delais,
        etats=etats,
        sorties=sorties,
        alertes=tuple(_alertes(t, real, mensuel, attente, quotas)),
    )


def _alertes(
    t: Tableau, real: MaskedTable, mensuel: MaskedTable, attente: MaskedTable, quotas: pd.Series
) -> list[Alerte]:
    """The three rules, on published values only (a hidden count never fires a rate rule)."""
    cfg = t.reglages
    realise = _by_label(real, "ml", "n")
    rs = suivi.realisation(realise, quotas, t.date_ref, cfg.tolerance)
    cells = mensuel.cells()
    grid = cells.assign(ml=cells["ml"].astype(str), mois=cells["mois"].astype(str)).set_index(["ml", "mois"])["n"]
    grid = grid.unstack("mois")
    mois_num = {suivi.libelle_mois(m): m for m in range(1, 13)}
    grid.columns = [mois_num[str(c)] for c in grid.columns]
    grid = grid.reindex(index=list(quotas.index), columns=sorted(grid.columns))
    cumul = grid.cumsum(axis=1, skipna=False)
    return [
        *alertes_tolerance(rs, t.date_ref, cfg.tolerance),
        *alertes_consommation(cumul, quotas, t.annee, cfg.marge_enveloppe),
        *alertes_acceptation(_by_label(attente, "ml", "n"), cfg.delai_acceptation_jours),
    ]


def masquer_comparaison(comp: pd.DataFrame) -> MaskedTable:
    """What-if table (from validation.comparer): keys in percent, a Total row; no one is counted."""
    df = pd.DataFrame(
        {
            "ml": comp["ml"].to_numpy(),
            "cle_actuelle": comp["cle_actuelle"].to_numpy() * 100,
            "quota_actuel": comp["quota_actuel"].to_numpy(),
            "cle_simulee": comp["cle_simulee"].to_numpy() * 100,
            "quota_simule": comp["quota_simule"].to_numpy(),
            "ecart": comp["ecart"].to_numpy(),
        }
    )
    total = {"ml": TOTAL, "cle_actuelle": 100.0, "cle_simulee": 100.0}
    total |= {c: df[c].sum() for c in ("quota_actuel", "quota_simule", "ecart")}
    df = pd.concat([df, pd.DataFrame([total])], ignore_index=True)
    cols = ["cle_actuelle", "quota_actuel", "cle_simulee", "quota_simule", "ecart"]
    return _relabel(
        declare_public(df, ["ml"], cols, RAISON_CLES),
        {
            "ml": "Mission locale",
            "cle_actuelle": "Clé en vigueur (%)",
            "quota_actuel": "Quota en vigueur",
            "cle_simulee": "Clé simulée (%)",
            "quota_simule": "Quota simulé",
            "ecart": "Écart de quota",
        },
    )


def masquer_historique(valid: pd.DataFrame) -> MaskedTable:
    """Validations of a year (validation.validations): who, when, envelope, weight."""
    df = pd.DataFrame(
        {
            "valide_le": [f"{pd.Timestamp(v):%d/%m/%Y %H:%M:%S}" for v in valid["valide_le"]],
            "valide_par": valid["valide_par"].astype(str).to_numpy(),
            "enveloppe": valid["enveloppe"].astype(int).to_numpy(),
            "poids_defm": (valid["poids_defm"].astype(float) * 100).round(0).to_numpy(),
        }
    )
    return _relabel(
        declare_public(
            df,
            ["valide_le", "valide_par"],
            ["enveloppe", "poids_defm"],
            "historique des validations : paramètres fixés par le comité, ils ne comptent personne",
        ),
        {
            "valide_le": "Validée le",
            "valide_par": "Par",
            "enveloppe": "Enveloppe",
            "poids_defm": "Poids des DEFM (%)",
        },
    )
