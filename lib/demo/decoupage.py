"""Demo territories of missions locales and basins for any territory ("découpage de démonstration").

When no ML file is given, the communes of each département are grouped around a few centres by a
k-means on their points weighted by population, about one ML per 150,000 inhabitants: each ML is a
set of nearby communes of one département, as real MLs are. Demo basins are drawn the same way
across département borders, as real basins straddle them. Everything is deterministic (a seed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LABEL = "découpage de démonstration"
HABITANTS_PAR_ML = 150_000
HABITANTS_PAR_BASSIN = 150_000
_ITERATIONS = 30


def _plane(communes: pd.DataFrame) -> np.ndarray:
    """Points in kilometres on a local plane (longitudes shrunk by the cosine of the latitude)."""
    lat, lon = communes["lat"].to_numpy(float), communes["lon"].to_numpy(float)
    return np.column_stack([lon * 111.32 * np.cos(np.radians(np.nanmean(lat))), lat * 110.57])


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    d2 = (points**2).sum(1)[:, None] - 2 * points @ centres.T + (centres**2).sum(1)[None]
    return np.argmin(d2, axis=1)


def kmeans(points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Group (0…) of each point: weighted Lloyd iterations from a weighted k-means++ start, groups
    numbered in the order of their first point."""
    k = max(1, min(k, len(points)))
    w = np.maximum(weights.astype(float), 1.0)
    centres = np.empty((k, 2))
    centres[0] = points[rng.choice(len(points), p=w / w.sum())]
    d2 = ((points - centres[0]) ** 2).sum(1)
    for j in range(1, k):
        if not (w * d2).sum():  # fewer distinct points than groups
            centres, k = centres[:j], j
            break
        centres[j] = points[rng.choice(len(points), p=(w * d2) / (w * d2).sum())]
        d2 = np.minimum(d2, ((points - centres[j]) ** 2).sum(1))
    for _ in range(_ITERATIONS):
        labels = _nearest(points, centres)
        mass = np.bincount(labels, w, minlength=k)
        kept = mass > 0
        for axis in (0, 1):
            centres[kept, axis] = np.bincount(labels, w * points[:, axis], minlength=k)[kept] / mass[kept]
    labels = _nearest(points, centres)
    present, first = np.unique(labels, return_index=True)
    rank = np.empty(k, dtype=int)
    rank[present[np.argsort(first)]] = np.arange(len(present))
    return rank[labels]


def _with_points(communes: pd.DataFrame) -> pd.Series:
    """True where the commune has a point (a few communes of the referential have none)."""
    return communes["lat"].notna().to_numpy() & communes["lon"].notna().to_numpy()


def _groups(communes: pd.DataFrame, habitants: int, rng: np.random.Generator) -> np.ndarray:
    """Group number of each commune (k-means on those with a point; the others join the group most
    of their arrondissement's, else their département's, communes are in)."""
    labels = np.full(len(communes), -1)
    located = _with_points(communes)
    k = round(communes["population"].sum() / habitants)
    labels[located] = kmeans(_plane(communes[located]), communes.loc[located, "population"].to_numpy(), k, rng)
    for i in np.flatnonzero(~located):
        for key in ("arrondissement", "dep"):
            same = located & (communes[key] == communes[key].iloc[i]).to_numpy()
            if same.any():
                labels[i] = np.bincount(labels[same]).argmax()
                break
        else:
            labels[i] = 0
    return labels


def _named(communes: pd.DataFrame, groups: pd.Series) -> pd.Series:
    """Name of each group: its most populous commune."""
    biggest = communes.assign(g=groups.to_numpy()).sort_values(["population", "code"], ascending=[False, True])
    return biggest.drop_duplicates("g").set_index("g")["nom"]


def demo_mls(communes: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """The demo MLs (code, nom, dep, population) and the ML code of each commune (indexed by commune code).

    `communes`: code, nom, dep, arrondissement, population, lat, lon. An ML never crosses a département."""
    rng = np.random.default_rng(seed)
    ml = pd.Series("", index=pd.Index(communes["code"], name="commune_code"), name="ml_code", dtype=object)
    rows = []
    for dep, grp in communes.groupby("dep", sort=True):
        labels = _groups(grp.reset_index(drop=True), HABITANTS_PAR_ML, rng)
        names = _named(grp.reset_index(drop=True), pd.Series(labels))
        for j in range(labels.max() + 1):
            members = grp["code"].to_numpy()[labels == j]
            code = f"ML{dep}{chr(ord('A') + j)}" if labels.max() < 26 else f"ML{dep}{j:02d}"
            ml[members] = code
            rows.append(
                {
                    "code": code,
                    "nom": f"Mission locale {names[j]} ({LABEL})",
                    "dep": dep,
                    "population": int(grp["population"].to_numpy()[labels == j].sum()),
                }
            )
    return pd.DataFrame(rows), ml


def demo_basins(communes: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Demo basins (code, nom) and the basin code of each commune, across départements."""
    labels = _groups(communes.reset_index(drop=True), HABITANTS_PAR_BASSIN, np.random.default_rng(seed + 1))
    names = _named(communes.reset_index(drop=True), pd.Series(labels))
    codes = np.array([f"BD{j + 1:03d}" for j in range(labels.max() + 1)], dtype=object)
    basins = pd.DataFrame({"code": codes, "nom": [f"Bassin de {names[j]} (démo)" for j in range(len(codes))]})
    return basins, pd.Series(codes[labels], index=pd.Index(communes["code"], name="commune_code"), name="bassin_code")


def demo_sites(communes: pd.DataFrame, ml: pd.Series) -> pd.DataFrame:
    """A siège in the most populous commune of each ML, antennes in the next two: ml_code, type, nom,
    commune_code, lat, lon (the commune's point)."""
    located = communes[_with_points(communes)].assign(ml_code=lambda d: ml.reindex(d["code"]).to_numpy())
    ranked = located.sort_values(["ml_code", "population", "code"], ascending=[True, False, True])
    top = ranked.groupby("ml_code", sort=True).head(3).copy()
    top["type"] = np.where(top.groupby("ml_code").cumcount() == 0, "siège", "antenne")
    return top.rename(columns={"code": "commune_code"})[["ml_code", "type", "nom", "commune_code", "lat", "lon"]]
