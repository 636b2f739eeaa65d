"""The co-traitance dashboard: published counts beside the comité's public targets.

`tableau_de_bord` settles the répartition in force (keys and quotas: targets, they count no
one); `masquer` reads every count of people from the publication (lib/publication: DEFM and
the co-traitance steps, protected jointly once per data version), derives rates with
lib.secret.rate/with_share (hidden with what they are built from), wraps targets with
declare_public, and evaluates the alert rules on published values only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from lib import format as fr
from lib.config import CotraitanceSettings
from lib.indicators.cotraitance import suivi
from lib.indicators.cotraitance.alertes import (
    Alerte,
    alertes_acceptation,
    alertes_consommation,
    alertes_tolerance,
)
from lib.indicators.cotraitance.repartition import Repartition, repartition
from lib.indicators.data import Warehouse
from lib.indicators.scope import Scope
from lib.publication import read
from lib.publication.model import cumul_key
from lib.secret import MaskedTable, declare_public, rate, with_share
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
    """The répartition in force and the settings of the follow-up: nothing here counts anyone."""

    annee: int
    date_ref: dt.date
    scope: Scope
    ml_codes: list[str]
    noms: dict[str, str]
    en_vigueur: EnVigueur
    reglages: CotraitanceSettings


def tableau_de_bord(
    w: Warehouse,
    date_ref: dt.date,
    scope: Scope,
    reglages: CotraitanceSettings,
    validee: pd.DataFrame | None = None,
) -> Tableau:
    """What the co-traitance page measures, for the year of `date_ref` up to `date_ref`."""
    annee = date_ref.year
    vig = repartition_en_vigueur(w, annee, reglages, validee)
    inside = set(scope.ml_codes(w.communes))
    codes = [c for c in vig.repartition.table.index if c in inside]
    return Tableau(annee, date_ref, scope, codes, w.ml_names(), vig, reglages)


@dataclass(frozen=True)
class TableauMasque:
    """What the page may show: published cells of the publication, public targets, alerts from both."""

    defm: MaskedTable  # ml → defm (published) and part_defm (its share, hidden with it)
    cles: MaskedTable  # ml → cle_activite, cle (%), quota (public)
    objectifs: MaskedTable  # ml → quota, attendu, bas, haut (public)
    realisation: MaskedTable  # ml → n (entries so far) + taux_prorata, taux_annuel (%), projection
    mensuel: MaskedTable  # ml × mois → n (entries of the realisation step)
    etapes: MaskedTable  # ml × etape → n (entries so far at each step)
    etapes_mois: MaskedTable  # mois × etape → n (scope total)
    attente: MaskedTable  # ml → n
    delais: MaskedTable | None  # ml × delai → n + part, from 1 January to `fin_trimestre`
    etats: MaskedTable  # ml × etat → n
    sorties: MaskedTable | None  # ml × motif → n, from 1 January to `fin_trimestre`
    fin_trimestre: dt.date | None  # end of the last quarter ended by date_ref (None in January–February)
    alertes: tuple[Alerte, ...]


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


def masquer_repartition(rep: Repartition, engine: Engine) -> tuple[MaskedTable, MaskedTable]:
    """The répartition as (DEFM of December before, published, with their share) and (keys and quotas, public).

    The share of an ML whose DEFM is hidden is hidden too: share × regional total would give it back."""
    tab = rep.table
    defm = read.ml_table(engine, "defm", f"{rep.annee - 1}-12", Scope(), count="defm")
    defm = with_share(defm, of="ml", name="part_defm")
    keys = pd.DataFrame(
        {
            "ml": tab["ml"].to_numpy(),
            "cle_activite": tab["cle_activite"].to_numpy() * 100,
            "cle": tab["cle"].to_numpy() * 100,
            "quota": tab["quota"].to_numpy(),
        }
    )
    # the Total row is the region: 100 % by definition (rounded shares may add up to 99.99 %)
    keys = pd.concat(
        [
            keys,
            pd.DataFrame([{"ml": TOTAL, "cle_activite": 100.0, "cle": 100.0, "quota": tab["quota"].sum()}]),
        ],
        ignore_index=True,
    )
    cles = declare_public(keys, ["ml"], ["cle_activite", "cle", "quota"], RAISON_CLES)
    labels = {
        "ml": "Mission locale",
        "defm": f"DEFM total jeunes fin déc. {rep.annee - 1}",
        "part_defm": "% DEFM",
        "cle_activite": f"Clé {rep.annee} activité / résultat (%)",
        "cle": "Clé de répartition co-traitance (%)",
        "quota": f"Quota {rep.annee}",
    }
    return _relabel(defm, labels), _relabel(cles, labels)


def masquer(t: Tableau, engine: Engine) -> TableauMasque:
    """Read every count from the publication (lib/publication) and derive rates from published cells."""
    cfg = t.reglages
    y, m_ref = t.annee, t.date_ref.month
    defm, cles = masquer_repartition(t.en_vigueur.repartition, engine)
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

    def step(etape: str, periode: str) -> MaskedTable:
        return read.ml_table(engine, f"cotraitance_{etape}", periode, t.scope)

    # entries of the realisation step since 1 January: the year-to-date cells of the publication
    etape = suivi.ETAPE_REALISATION
    cumul = cumul_key(y, m_ref)
    real = step(etape, cumul)
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
    mois = {suivi.libelle_mois(k): f"{y}-{k:02d}" for k in range(1, m_ref + 1)}
    mensuel = read.stacked({label: step(etape, key) for label, key in mois.items()}, "mois")
    mensuel = _relabel(mensuel, {"ml": "Mission locale", "mois": "Mois", "n": "Entrées"})
    libelles = suivi.LIBELLES_ETAPES
    etapes = read.stacked({libelles[e]: step(e, cumul) for e in suivi.ETAPES}, "etape")
    etapes = _relabel(etapes, {"ml": "Mission locale", "etape": "Étape", "n": "Entrées depuis le 1er janvier"})
    etapes_mois = read.stacked(
        {
            label: read.stacked({libelles[e]: _scope_only(step(e, key)) for e in suivi.ETAPES}, "etape")
            for label, key in mois.items()
        },
        "mois",
    )
    etapes_mois = _relabel(etapes_mois, {"mois": "Mois", "etape": "Étape", "n": "Entrées"})

    attente = read.ml_table(engine, "cotraitance_attente", f"{y}-{m_ref:02d}", t.scope)
    attente = _relabel(
        attente,
        {"ml": "Mission locale", "n": f"Affectations sans acceptation après {cfg.delai_acceptation_jours} jours"},
    )

    # delays and exits by reason: published by quarter and year to date at each quarter's end
    fin = None if m_ref < 3 else suivi.fin_de_mois(y, m_ref - m_ref % 3)
    delais = sorties = None
    if fin is not None:
        key = cumul_key(y, fin.month)
        delais = read.ml_table(engine, "cotraitance_delais", key, t.scope, attribute="delai")
        delais = _relabel(
            with_share(delais, of="delai"),
            {"ml": "Mission locale", "delai": "Délai du premier entretien", "n": "Jeunes", "part": "Part (%)"},
        )
        sorties = read.ml_table(engine, "cotraitance_sorties", key, t.scope, attribute="motif")
        sorties = _relabel(sorties, {"ml": "Mission locale", "motif": "Motif de sortie", "n": "Sorties"})
    etats = read.ml_table(engine, "cotraitance_etats", f"{y}-{m_ref:02d}", t.scope, attribute="etat")
    etats = _relabel(etats, {"ml": "Mission locale", "etat": "État", "n": "Jeunes en co-traitance"})
    cumuls = read.stacked({str(k): step(etape, cumul_key(y, k)) for k in range(1, m_ref + 1)}, "mois")

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
        fin_trimestre=fin,
        alertes=tuple(_alertes(t, real, cumuls, attente, quotas)),
    )


def _scope_only(m: MaskedTable) -> MaskedTable:
    """The scope's Total row of a table by ML, as a 0-dimension table."""
    row = m.table[m.table["ml"].astype(str) == TOTAL].reset_index(drop=True)
    return dataclasses.replace(m, table=row.drop(columns=["ml"]), dims=(), categories={})


def _alertes(
    t: Tableau, real: MaskedTable, cumuls: MaskedTable, attente: MaskedTable, quotas: pd.Series
) -> list[Alerte]:
    """The three rules, on published values only (a hidden count never fires a rate rule).
    cumuls: ml × mois ("1"…) → entries from 1 January to the end of that month."""
    cfg = t.reglages
    realise = _by_label(real, "ml", "n")
    rs = suivi.realisation(realise, quotas, t.date_ref, cfg.tolerance)
    cells = cumuls.cells()
    grid = cells.assign(ml=cells["ml"].astype(str), mois=cells["mois"].astype(int)).set_index(["ml", "mois"])["n"]
    cumul = grid.unstack("mois").reindex(index=list(quotas.index))
    cumul = cumul.reindex(columns=sorted(cumul.columns))
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
