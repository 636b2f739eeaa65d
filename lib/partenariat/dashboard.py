"""Entered values → one masked table of the quarterly review: value, target, status, trend.

Indicators that count young people are read from the publication of the data version
(lib/publication/partenariat.py: per indicator and year, MLs × quarters and the region of each
quarter, protected together); the others go through `declare_public` with the catalogue's
stated reason. The rows are then stacked into one long table (indicateur × territoire ×
trimestre) whose value columns are French text, ready for screen and export:

- a hidden value (secret statistique) is NaN in every value column, target and status
  included, because a status would tell which side of the target the hidden value lies;
- a missing value is "—" with the status "Pas de valeur" (NaN is kept for "hidden").
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from lib import format as fr
from lib.config import SecretRules
from lib.db.engine import get_engine
from lib.partenariat import trimestres
from lib.partenariat.catalogue import Catalogue, Indicateur, catalogue
from lib.partenariat.status import Statut, atteinte, libelle, statut, tendance
from lib.partenariat.store import active_values, ml_names
from lib.publication import read
from lib.secret import STATUS, MaskedTable, declare_public
from lib.secret.published import STATUSES
from lib.secret.rules import commentability_reasons, resolve

REGION = "REGION"  # ml_code of the region's rows
DIMS = ("indicateur", "territoire", "trimestre")
VALUE_COLUMNS = ("valeur", "cible", "atteinte", "statut", "tendance")
# Not shown as such: codes for filtering, numbers for the trend chart (NaN where hidden), rules 2–3 per row.
EXTRA_COLUMNS = (
    "code",
    "ml_code",
    "statut_code",
    "valeur_num",
    "cible_num",
    "objectif",
    "definition",
    "saisies",
    "commentable",
    "sensible",  # the row counts young people (see lib/secret/masked.py: mixed tables)
)
LABELS = {
    "indicateur": "Indicateur",
    "territoire": "Territoire",
    "trimestre": "Trimestre",
    "valeur": "Valeur",
    "cible": "Objectif",
    "atteinte": "Atteinte de l'objectif",
    "statut": "Statut",
    "tendance": "Évolution sur la période précédente",
}
NOTE_SECRET = (
    "Indicateurs qui dénombrent des jeunes : secret statistique appliqué (« s »). Les autres (réunions, "
    "agents, offres, actions, délais) ne dénombrent aucun jeune et sont montrés tels quels."
)
NOTE_REMPLACEES = (
    "Les valeurs remplacées d'un indicateur qui dénombre des jeunes ne sont pas diffusées : l'écart entre "
    f"deux saisies pourrait dénombrer moins de {resolve(None).seuil_diffusion} jeunes."
)
DASH = "—"


def fr_number(x: float, decimals: int = 1) -> str:
    """12 → "12", 5.5 → "5,5", 1234 → "1 234" (at most `decimals`, no trailing zero)."""
    return fr.nombre(x, decimals, souples=True)


def fmt_valeur(x: float, ind: Indicateur) -> str:
    if ind.unite == "oui_non":
        return "Oui" if x >= 0.5 else "Non"
    if ind.unite == "jours":
        return f"{fr_number(x)} j"
    if ind.unite == "pourcentage":
        return fr_number(x) + fr.NNBSP + "%"
    return fr_number(x)


def _due_quarters(ind: Indicateur, quarters: list[str]) -> list[str]:
    return [t for t in quarters if trimestres.parse(t)[1] in ind.trimestres_dus]


def _grid(ml_codes: list[str], quarters: list[str], entered: pd.Series) -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([ml_codes, quarters], names=["ml_code", "trimestre"])
    frame = pd.DataFrame(index=idx).reset_index()
    frame["valeur"] = entered.reindex(idx).to_numpy(dtype=float)
    return frame


def _published_rows(ind: Indicateur, published: pd.DataFrame, ml_codes, quarters, rules) -> pd.DataFrame:  # noqa: ANN001
    """Counts of young people: the stored cells of the publication, a cell missing from it hidden."""
    mine = published[published["modalite"] == ind.code]
    mine = mine.assign(ml_code=np.where(mine["niveau"] == "region", REGION, mine["code"]))
    idx = pd.MultiIndex.from_product([[*ml_codes, REGION], quarters], names=["ml_code", "trimestre"])
    cells = mine.set_index(["ml_code", "periode"]).reindex(idx)
    out = pd.DataFrame(index=idx).reset_index()
    status = cells["statut"].map(STATUSES).fillna("secondary").to_numpy()
    out["valeur"] = np.where(status == "ok", cells["valeur"].to_numpy(dtype=float), np.nan)
    out[STATUS] = status
    # Rules 2 and 3 judge each year's table (a hidden cell may count fewer than 30): carried to its rows.
    year = out["trimestre"].map(lambda t: trimestres.parse(t)[0])
    out["commentable"] = year.map({y: _commentable(g, rules) for y, g in out.groupby(year)})
    return out


def _commentable(year: pd.DataFrame, rules: SecretRules | None) -> bool:
    if (year[STATUS] != "ok").any():
        return False
    is_region = year["ml_code"] == REGION
    region_total = float(year.loc[is_region, "valeur"].sum())
    return not commentability_reasons(year.loc[~is_region, "valeur"].to_numpy(), region_total, resolve(rules))


def _public_rows(ind: Indicateur, entered: pd.Series, ml_codes, quarters) -> pd.DataFrame:  # noqa: ANN001
    """Figures that count no one: the region is the sum (counts) or the mean (days, %) of the MLs entered."""
    grid = _grid(ml_codes, quarters, entered)
    by_quarter = grid.groupby("trimestre", sort=False)["valeur"]
    region = by_quarter.sum(min_count=1) if ind.additif else by_quarter.mean()
    region_rows = pd.DataFrame({"ml_code": REGION, "trimestre": region.index, "valeur": region.to_numpy()})
    frame = pd.concat([grid, region_rows], ignore_index=True)
    masked = declare_public(frame, ["ml_code", "trimestre"], ["valeur"], ind.motif_public)
    t = masked.table[["ml_code", "trimestre", "valeur", STATUS]].copy()
    t["commentable"] = True
    return t


def indicator_rows(
    ind: Indicateur,
    values: pd.DataFrame,
    published: pd.DataFrame,
    ml_codes: list[str],
    quarters: list[str],
    seuil_proche: float = 0.9,
    rules: SecretRules | None = None,
) -> pd.DataFrame:
    """One indicator, every ML and the region, every due quarter: numbers and statuses (not yet text)."""
    due = _due_quarters(ind, quarters)
    if not due or not ml_codes:
        return pd.DataFrame()
    mine = values[values["indicateur"] == ind.code]
    entered = mine.set_index(["ml_code", "trimestre"])["valeur"].astype(float)
    entered = entered[~entered.index.duplicated(keep="last")]
    if ind.compte_jeunes:
        rows = _published_rows(ind, published, ml_codes, due, rules)
    else:
        rows = _public_rows(ind, entered, ml_codes, due)
    present = pd.Series(True, index=entered.index).reindex(pd.MultiIndex.from_frame(rows[["ml_code", "trimestre"]]))
    rows["present"] = present.fillna(False).to_numpy(dtype=bool)
    n_entered = mine[mine["ml_code"].isin(ml_codes)].groupby("trimestre")["ml_code"].nunique()
    is_region = rows["ml_code"] == REGION
    rows.loc[is_region, "present"] = rows.loc[is_region, "trimestre"].map(n_entered).fillna(0).gt(0).to_numpy()
    rows["saisies"] = rows["trimestre"].map(n_entered).fillna(0).astype(int)
    rows["n_ml"] = len(ml_codes)
    rows["cible_num"] = np.where(
        is_region, ind.cible_de_region(ml_codes), [ind.cible_ml(m) for m in rows["ml_code"]]
    ).astype(float)
    hidden = rows[STATUS] != "ok"
    rows["valeur_num"] = np.where(hidden | ~rows["present"], np.nan, rows["valeur"].astype(float))
    codes = []
    for v, c, is_hidden, is_present, reg, n in zip(
        rows["valeur_num"], rows["cible_num"], hidden, rows["present"], is_region, rows["saisies"], strict=True
    ):
        if is_hidden:
            codes.append(Statut.SECRET)
        elif not is_present:
            codes.append(Statut.SANS_VALEUR)
        elif reg and n < len(ml_codes):
            codes.append(Statut.INCOMPLET)
        else:
            codes.append(statut(v, c, ind.sens, seuil_proche))
    rows["statut_code"] = codes
    previous = {t: trimestres.previous_due(t, ind.trimestres_dus) for t in due}
    lookup = rows.set_index(["ml_code", "trimestre"])["valeur_num"]
    rows["precedente"] = [
        lookup.get((m, previous[t]), np.nan) for m, t in zip(rows["ml_code"], rows["trimestre"], strict=True)
    ]
    rows["code"] = ind.code
    return rows.drop(columns=["valeur"])


def build(
    values: pd.DataFrame,
    cat: Catalogue,
    mls: Mapping[str, str],
    published: pd.DataFrame,
    region_label: str = "Région",
    rules: SecretRules | None = None,
) -> MaskedTable:
    """The quarterly review table: every indicator × (each ML + the region) × every quarter entered.

    published: the publication's partnership cells (read.partnership_cells), the only source of the
    counts of young people shown."""
    ml_codes = list(mls)
    quarters = sorted({trimestres.normalize(t) for t in values["trimestre"]}) if len(values) else []
    frames = [indicator_rows(ind, values, published, ml_codes, quarters, cat.seuil_proche, rules) for ind in cat]
    frames = [f for f in frames if len(f)]
    columns = [*DIMS, *VALUE_COLUMNS, STATUS, *EXTRA_COLUMNS]
    if not frames:
        return _masked(pd.DataFrame(columns=columns), cat, mls, region_label, quarters, ())
    rows = pd.concat(frames, ignore_index=True)
    by_code = {i.code: i for i in cat}
    territoires = {**mls, REGION: region_label}
    out = pd.DataFrame(
        {
            "indicateur": [by_code[c].libelle for c in rows["code"]],
            "territoire": rows["ml_code"].map(territoires),
            "trimestre": rows["trimestre"],
        }
    )
    hidden = (rows[STATUS] != "ok").to_numpy()
    records = rows.to_dict("records")
    texts = [_texts(by_code[r["code"]], r, cat.seuil_proche) for r in records]
    for i, col in enumerate(VALUE_COLUMNS):
        out[col] = pd.Series([t[i] for t in texts], dtype=object).where(~hidden, np.nan)
    out[STATUS] = rows[STATUS].to_numpy()
    # The target and the definition are public (catalogue): kept for the screen even where the value is hidden.
    rows["objectif"] = [
        _fmt(c, by_code[k], m == REGION)
        for c, k, m in zip(rows["cible_num"], rows["code"], rows["ml_code"], strict=True)
    ]
    rows["definition"] = [by_code[k].definition for k in rows["code"]]
    rows["sensible"] = [by_code[k].compte_jeunes for k in rows["code"]]
    for col in EXTRA_COLUMNS:
        out[col] = rows[col].to_numpy()
    out["statut_code"] = out["statut_code"].astype(str)
    return _masked(out[columns], cat, mls, region_label, quarters, _reasons(out))


def _fmt(x: float, ind: Indicateur, region: bool) -> str:
    # The region's yes/no figure is the number of MLs that answered yes.
    return f"{fr_number(x)} ML" if region and ind.unite == "oui_non" else fmt_valeur(x, ind)


def _texts(ind: Indicateur, r: dict, seuil: float) -> tuple[str, str, str, str, str]:
    code = Statut(r["statut_code"])
    region = r["ml_code"] == REGION
    cible = _fmt(r["cible_num"], ind, region)
    if code in (Statut.SANS_VALEUR, Statut.SECRET):
        return DASH, cible, DASH, libelle(code, seuil), DASH
    valeur = _fmt(r["valeur_num"], ind, region)
    ratio = atteinte(r["valeur_num"], r["cible_num"], ind.sens)
    # Rounded down, so that "90 %" is never shown next to "Non atteint" (89.9 % achieved).
    pct = fr.pourcent(math.floor(ratio * 100 + 1e-9)) if ratio is not None and code != Statut.INCOMPLET else DASH
    label = libelle(code, seuil)
    if code == Statut.INCOMPLET:
        label = f"{label} ({r['saisies']} ML sur {r['n_ml']})"
    trend = tendance(r["valeur_num"], r["precedente"]) or DASH
    return valeur, cible, pct, label, trend


def _reasons(table: pd.DataFrame) -> tuple[str, ...]:
    """Which people-counting indicators fail rules 2–3 (a cell or a total under the configured thresholds)."""
    names = list(dict.fromkeys(table.loc[~table["commentable"].astype(bool), "indicateur"]))
    if not names:
        return ()
    rules = resolve(None)
    return (
        f"{', '.join(names)} (une case de moins de {rules.seuil_commentaire_case} jeunes "
        f"ou un total inférieur à {rules.seuil_commentaire_total})",
    )


def _masked(
    table: pd.DataFrame,
    cat: Catalogue,
    mls: Mapping[str, str],
    region_label: str,
    quarters: list[str],
    reasons: tuple[str, ...],
) -> MaskedTable:
    """Stack of rows already masked by protect / declare_public: statuses carried over, nothing unmasked."""
    has_people = any(i.compte_jeunes for i in cat)
    return MaskedTable(
        table=table.reset_index(drop=True),
        dims=DIMS,
        count="valeur",
        value_columns=VALUE_COLUMNS,
        commentable=not reasons,
        reasons=reasons,
        notes=(NOTE_SECRET,) if has_people else (),
        sensitive=has_people,
        labels=dict(LABELS),
        categories={
            "indicateur": tuple(i.libelle for i in cat),
            "territoire": (*mls.values(), region_label),
            "trimestre": tuple(quarters),
        },
    )


@lru_cache(maxsize=4)
def _cached(url: str, version: int, cat: Catalogue, region_label: str) -> MaskedTable:
    engine = get_engine(url)
    return build(active_values(engine), cat, ml_names(engine), read.partnership_cells(engine), region_label)


def tableau(engine: Engine | None = None, region_label: str = "Région") -> MaskedTable:
    """The review table of the current data, rebuilt only when the data version or the catalogue changes."""
    engine = engine or get_engine()
    url = engine.url.render_as_string(hide_password=False)
    return _cached(url, read.ensure(engine), catalogue(), region_label)


def select(masked: MaskedTable, **equal: str) -> MaskedTable:
    """The rows of the review table whose columns equal the given values (masks kept as they are)."""
    t = masked.table
    keep = pd.Series(True, index=t.index)
    for col, value in equal.items():
        keep &= t[col] == value
    table = t[keep].reset_index(drop=True)
    reasons = _reasons(table) if "commentable" in table else masked.reasons
    return dataclasses.replace(masked, table=table, commentable=not reasons, reasons=reasons)


def history_table(versions: pd.DataFrame, ind: Indicateur, shown: float | None = None) -> MaskedTable:
    """Every version of one value (store.history). For a count of young people, the version in force
    shows what the review table shows (`shown`, None where it is hidden) and a replaced version shows
    nothing: two entries of the same count would give their difference, perhaps 1 to 4 young people."""
    frame = pd.DataFrame(
        {
            "version": [str(i) for i in range(1, len(versions) + 1)],
            "saisi_par": versions["saisi_par"].astype(str).to_numpy(),
            "saisi_le": pd.to_datetime(versions["saisi_le"]).dt.strftime("%d/%m/%Y %H:%M").to_numpy(),
            "etat": np.where(versions["actif"].astype(bool), "en vigueur", "remplacée"),
        }
    )
    dims = ["version", "saisi_par", "saisi_le", "etat"]
    labels = {"version": "Version", "saisi_par": "Saisie par", "saisi_le": "Le", "etat": "État", "valeur": "Valeur"}
    if not ind.compte_jeunes:
        frame["valeur"] = [fmt_valeur(v, ind) for v in versions["valeur"]]
        masked = declare_public(frame, dims, ["valeur"], ind.motif_public)
        return dataclasses.replace(masked, labels=labels)
    visible = shown is not None and not pd.isna(shown)
    in_force = versions["actif"].astype(bool).to_numpy() & visible
    frame["valeur"] = pd.Series([fmt_valeur(shown, ind) if k else np.nan for k in in_force], dtype=object)
    frame[STATUS] = np.where(in_force, "ok", "secondary")
    return MaskedTable(
        table=frame,
        dims=tuple(dims),
        count="valeur",
        value_columns=("valeur",),
        commentable=True,
        notes=(NOTE_SECRET, NOTE_REMPLACEES),
        labels=labels,
        categories={d: tuple(frame[d]) for d in dims},
    )
