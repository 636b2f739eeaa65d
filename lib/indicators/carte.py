"""The map of the missions locales: outlines (public) and indicators per territory.

Two halves:

* the **background** (:class:`FondCarte`): ML territories, basins and départements
  dissolved from the communes' polygons stored in the database (``commune.geometry``,
  GeoJSON), simplified once per data version and cached. Outlines count no one:
  they are public;
* the **indicators** per ML or per basin: raw counts (functions ``comptes_*``, built
  on :mod:`lib.indicators.observation` so that the map and the explorer agree), then
  :func:`indicateurs_carte`, which masks them with :mod:`lib.secret` and derives the
  rates there, so that a rate built on a hidden count is hidden too.

Territories are keyed by their code (ML09, BD01, 7601…) in every masked table, so the
renderer joins values to polygons without going through display names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine, text

from lib import format as fr
from lib.config import settings
from lib.db.engine import data_version, get_engine
from lib.geo import DEMO_BASINS_LABEL
from lib.indicators.cotraitance.repartition import repartition
from lib.indicators.cotraitance.suivi import ETAPE_REALISATION, ETAPES, ppae
from lib.indicators.data import Warehouse, warehouse
from lib.indicators.observation import FLAGS, breakdown
from lib.indicators.periods import Period
from lib.indicators.scope import Scope
from lib.secret import TOTAL, MaskedTable, protect, rate, with_share
from lib.secret.selection import fr_int

# Half a screen pixel at the zoom that shows the whole region (≈ 0.011° per pixel at
# zoom 7): invisible on screen, and it divides the payload sent to the browser by ~10.
SIMPLIFICATION_DEG = 0.004
# Coordinates snapped to a 0.001° grid (≈ 100 m): 3 decimals in the JSON instead of 15.
PRECISION_DEG = 0.001

NIVEAUX: dict[str, str] = {"ml": "Mission locale", "bassin": "Bassin d'emploi"}
NIVEAUX_PLURIEL: dict[str, str] = {"ml": "missions locales", "bassin": "bassins d'emploi"}
DIM = "territoire"
"""Name of the territory dimension in every masked table of the map."""

QPV_OUI, QPV_NON = FLAGS["qpv"]


# ---------------------------------------------------------------- background (public outlines)


@dataclass(frozen=True)
class FondCarte:
    """Outlines of the map, in EPSG:4326, simplified for the screen. Public: counts no one."""

    mls: gpd.GeoDataFrame  # code, nom, population, n_communes, lon, lat (label point), geometry
    bassins: gpd.GeoDataFrame  # same columns
    departements: gpd.GeoDataFrame  # code, nom, lon, lat (label point), geometry
    limites: Mapping[str, gpd.GeoSeries]  # niveau → inner borders between its territories (lines)
    sites: pd.DataFrame  # ml_code, ml_nom, type, nom, commune_code, lat, lon
    bassins_source: str
    bassins_demo: bool
    sans_geometrie: tuple[str, ...]  # communes with no polygon in the database
    version: int

    def territoires(self, niveau: str) -> gpd.GeoDataFrame:
        if niveau not in NIVEAUX:
            raise ValueError(f"niveau de carte inconnu : {niveau!r} (attendu : {', '.join(NIVEAUX)})")
        return self.mls if niveau == "ml" else self.bassins

    def limites_internes(self, niveau: str) -> gpd.GeoSeries:
        """Borders between two territories of the level, without the region's outline
        (drawn over another level, the outline would only repeat the region's edge)."""
        return self.limites[niveau]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """lon_min, lat_min, lon_max, lat_max of the region."""
        return tuple(float(v) for v in self.mls.total_bounds)  # type: ignore[return-value]


def communes_geometrie(engine: Engine) -> gpd.GeoDataFrame:
    """Polygons of the communes as stored in the database: code, geometry (EPSG:4326).

    Communes whose geometry is NULL are left out (the caller reports them)."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT code, geometry FROM commune WHERE geometry IS NOT NULL")).all()
    codes = [r[0] for r in rows]
    geoms = shapely.from_geojson([r[1] for r in rows]) if rows else []
    return gpd.GeoDataFrame({"code": codes}, geometry=list(geoms), crs=4326)


def _union_par(geoms: np.ndarray, cles: pd.Series) -> dict[str, shapely.Geometry]:
    """Union of the polygons per group (positions of `geoms` aligned on `cles`)."""
    return {str(k): shapely.union_all(geoms[idx]) for k, idx in cles.groupby(cles, observed=True).indices.items()}


def _groupes(
    unions: dict[str, shapely.Geometry], communes: pd.DataFrame, col: str, noms: Mapping[str, str]
) -> gpd.GeoDataFrame:
    stats = communes.groupby(col, observed=True).agg(population=("population", "sum"), n_communes=("code", "size"))
    codes = sorted(unions)
    geoms = shapely.set_precision(np.array([unions[c] for c in codes], dtype=object), PRECISION_DEG)
    # the grid leaves binary noise (43.577000000000005): round so the JSON carries 3 decimals
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, 3))
    points = shapely.point_on_surface(geoms)  # inside the polygon, unlike the centroid: where labels go
    return gpd.GeoDataFrame(
        {
            "code": codes,
            "nom": [noms.get(c, c) for c in codes],
            "population": [int(stats["population"].get(c, 0)) for c in codes],
            "n_communes": [int(stats["n_communes"].get(c, 0)) for c in codes],
            "lon": np.round(shapely.get_x(points), 4),
            "lat": np.round(shapely.get_y(points), 4),
        },
        geometry=list(geoms),
        crs=4326,
    )


def _limites(territoires: gpd.GeoDataFrame, region: shapely.Geometry) -> gpd.GeoSeries:
    lignes = shapely.union_all(shapely.boundary(territoires.geometry.to_numpy()))
    internes = shapely.difference(lignes, shapely.buffer(shapely.boundary(region), 2 * PRECISION_DEG))
    return gpd.GeoSeries([shapely.transform(internes, lambda xy: np.round(xy, 3))], crs=4326)


def prepare_fond(
    w: Warehouse,
    geometries: gpd.GeoDataFrame,
    tolerance: float = SIMPLIFICATION_DEG,
) -> FondCarte:
    """Dissolve the communes into ML territories, basins and départements, simplified.

    The communes are simplified *together* first (``coverage_simplify`` keeps the edge
    two neighbours share identical), then united per group: the basin outlines drawn
    over the ML territories meet them exactly where the two follow the same border.
    """
    communes = w.communes.astype({"code": str})
    geo = geometries.set_index("code").geometry.reindex(communes["code"])
    has_geom = geo.notna().to_numpy()
    sans = tuple(communes.loc[~has_geom, "code"])
    communes = communes[has_geom].reset_index(drop=True)
    raw = np.asarray(geo[has_geom].to_numpy(), dtype=object)
    simplified = shapely.coverage_simplify(raw, tolerance) if tolerance > 0 else raw
    ml_col = communes["ml_code"].astype(str)
    bassin_col = communes["bassin_code"].astype(str)
    mls = _groupes(_union_par(simplified, ml_col), communes.assign(ml_code=ml_col), "ml_code", w.ml_names())
    bassin_noms = dict(zip(w.bassins["code"].astype(str), w.bassins["nom"], strict=True))
    bassins = _groupes(
        _union_par(simplified, bassin_col), communes.assign(bassin_code=bassin_col), "bassin_code", bassin_noms
    )
    dep_noms = dict(zip(w.departements["code"].astype(str), w.departements["nom"], strict=True))
    dep_col = communes["dep_code"].astype(str)
    ml_dep = pd.DataFrame({"ml": ml_col, "dep": dep_col}).drop_duplicates()
    if ml_dep["ml"].is_unique:
        # every ML lies in one département: a département is the union of its few ML
        # polygons rather than of its hundreds of communes (0.5 s spared)
        ml_geom = dict(zip(mls["code"], mls.geometry, strict=True))
        dep_unions = {str(d): shapely.union_all([ml_geom[m] for m in g["ml"]]) for d, g in ml_dep.groupby("dep")}
    else:
        dep_unions = _union_par(simplified, dep_col)
    deps = _groupes(dep_unions, communes.assign(dep_code=dep_col), "dep_code", dep_noms)
    region = shapely.union_all(deps.geometry.to_numpy())
    limites = {"ml": _limites(mls, region), "bassin": _limites(bassins, region)}
    sources = sorted(set(w.bassins["source"].astype(str)))
    sites = w.sites.astype({"ml_code": str}).copy()
    sites.insert(1, "ml_nom", sites["ml_code"].map(w.ml_names()).fillna(sites["ml_code"]))
    return FondCarte(
        mls=mls,
        bassins=bassins,
        departements=deps,
        limites=limites,
        sites=sites[["ml_code", "ml_nom", "type", "nom", "commune_code", "lat", "lon"]],
        bassins_source=" ; ".join(sources),
        bassins_demo=any(s == DEMO_BASINS_LABEL or "démonstration" in s for s in sources),
        sans_geometrie=sans,
        version=w.version,
    )


@lru_cache(maxsize=2)
def _fond_cache(url: str, version: int) -> FondCarte:  # noqa: ARG001 (version: the cache key)
    # warehouse(url) is itself cached per data version: the page's own object, not a re-read
    return prepare_fond(warehouse(url), communes_geometrie(get_engine(url)))


def fond_carte(w: Warehouse, url: str | None = None) -> FondCarte:
    """The background of the map for the database's current data version, prepared once and cached.

    The cache keys on the database and on its current version (not on ``w.version``, which
    may be an older snapshot): an import gives a new background, a rerun reuses the prepared one."""
    engine = get_engine(url)
    return _fond_cache(engine.url.render_as_string(hide_password=False), data_version(engine))


# ---------------------------------------------------------------- raw counts (lib.secret masks them)


def _codes(w: Warehouse, niveau: str) -> dict[str, str]:
    """Territory display name → code, for the level."""
    if niveau == "ml":
        return {nom: code for code, nom in w.ml_names().items()}
    return dict(zip(w.bassins["nom"], w.bassins["code"].astype(str), strict=True))


def _noms(w: Warehouse, niveau: str) -> dict[str, str]:
    """Territory code → display name, for the level."""
    return {code: nom for nom, code in _codes(w, niveau).items()}


def _all_codes(w: Warehouse, niveau: str) -> list[str]:
    codes = w.mls["code"] if niveau == "ml" else w.bassins["code"]
    return [str(c) for c in codes]


SUIVIS_DIMS = ("Mission locale", "Bassin d'emploi", "Résidence en QPV / ZUS")
SUIVIS_COUNT = "Jeunes suivis"
ML_DIM, BASSIN_DIM, QPV_DIM = SUIVIS_DIMS


def comptes_suivis(w: Warehouse, period: Period) -> pd.DataFrame:
    """Young people followed in the period per ML, basin of residence and QPV residence
    (display names): the one table from which the map, at both levels, and the ML × basin
    table are all read. Every combination is present (zeros included)."""
    raw = breakdown(w, period, Scope(), "suivis", ["ml", "bassin", "qpv"])
    mls = [w.ml_names()[c] for c in _all_codes(w, "ml")]
    bassins = [_noms(w, "bassin")[c] for c in _all_codes(w, "bassin")]
    full = pd.MultiIndex.from_product([mls, bassins, [QPV_OUI, QPV_NON]], names=list(SUIVIS_DIMS))
    raw = raw.rename(columns=dict(zip(("ml", "bassin", "qpv"), SUIVIS_DIMS, strict=True)))
    counts = raw.groupby(list(SUIVIS_DIMS))["n"].sum().reindex(full, fill_value=0)
    return counts.rename(SUIVIS_COUNT).reset_index().astype({SUIVIS_COUNT: int})


def comptes_premiers_accueils(w: Warehouse, period: Period) -> pd.DataFrame:
    """First receptions in the period per ML and basin (display names), zeros included."""
    raw = breakdown(w, period, Scope(), "premiers_accueils", ["ml", "bassin"])
    mls = [w.ml_names()[c] for c in _all_codes(w, "ml")]
    bassins = [_noms(w, "bassin")[c] for c in _all_codes(w, "bassin")]
    full = pd.MultiIndex.from_product([mls, bassins], names=[ML_DIM, BASSIN_DIM])
    raw = raw.rename(columns={"ml": ML_DIM, "bassin": BASSIN_DIM})
    counts = raw.groupby([ML_DIM, BASSIN_DIM])["n"].sum().reindex(full, fill_value=0)
    return counts.reset_index().astype({"n": int})


def comptes_defm(w: Warehouse, period: Period) -> pd.DataFrame | None:
    """DEFM jeunes per ML at the end of the period's last month: territoire, n; None if not loaded."""
    month_end = pd.Timestamp(period.end).to_period("M").end_time.normalize()
    d = w.defm[w.defm["mois"] == month_end]
    if d.empty:
        return None
    counts = d.assign(ml=d["ml_code"].astype(str)).groupby("ml")["effectif"].sum()
    codes = _all_codes(w, "ml")
    return pd.DataFrame({DIM: codes, "n": counts.reindex(codes, fill_value=0).astype(int).to_numpy()})


def comptes_entrees_cotraitance(w: Warehouse, period: Period) -> pd.DataFrame:
    """Co-traitance entries (affectations, as the quota counts young people "adressés par
    Pôle emploi") from 1 January to the period's end, per ML: territoire, n."""
    p = ppae(w)
    dates = p[ETAPES[ETAPE_REALISATION]]
    sel = dates.between(pd.Timestamp(period.end.year, 1, 1), pd.Timestamp(period.end))
    counts = p.loc[sel, "ml_code"].value_counts()
    codes = _all_codes(w, "ml")
    return pd.DataFrame({DIM: codes, "n": counts.reindex(codes, fill_value=0).astype(int).to_numpy()})


def quotas_cotraitance(w: Warehouse, annee: int) -> pd.Series | None:
    """Quota of each ML for `annee` (envelope × combined key, lib.indicators.cotraitance),
    None when the warehouse lacks the envelope, the DEFM or the keys of that year.

    A quota is a target, it counts no one: it is a public denominator."""
    try:
        q = repartition(w, annee, settings().cotraitance.poids_defm).table["quota"]
    except ValueError:
        return None
    q.index = q.index.astype(str)
    return q.astype(int).rename("quota")


def populations(w: Warehouse, niveau: str) -> pd.Series:
    """Inhabitants per territory (census, public), with the region's total under "Total"."""
    col = "ml_code" if niveau == "ml" else "bassin_code"
    pop = w.communes.assign(_t=w.communes[col].astype(str)).groupby("_t")["population"].sum()
    pop = pop.reindex(_all_codes(w, niveau), fill_value=0).astype(float)
    pop[TOTAL] = float(pop.sum())
    return pop


PETITS = "Territoires de moins de 2 000 habitants (regroupés)"
"""Label under which territories below the census threshold of rule 4 are counted together."""


def petits_territoires(w: Warehouse, niveau: str) -> list[str]:
    """Territories of the level with fewer inhabitants than ``population_commune_min``.

    Rule 4 keeps a commune under 2,000 inhabitants from ever being shown alone; a territory
    that small (the regional part of an INSEE zone d'emploi straddling two regions can be
    one or two villages) would show exactly that. Such territories are counted together
    under :data:`PETITS` before masking: on the map they are grey, "secret statistique"."""
    pop = populations(w, niveau).drop(TOTAL)
    return sorted(pop.index[pop < settings().secret.population_commune_min])


def regrouper(df: pd.DataFrame, petits: list[str], dim: str = DIM, count: str = "n") -> pd.DataFrame:
    """`df` with the territories `petits` of column `dim` merged into one row per combination."""
    if not petits:
        return df
    out = df.assign(**{dim: df[dim].where(~df[dim].isin(petits), PETITS)})
    keys = [c for c in df.columns if c != count]
    return out.groupby(keys, as_index=False, sort=False)[count].sum()


def _regrouper_serie(serie: pd.Series, petits: list[str]) -> pd.Series:
    """A per-territory public figure (population, quota) with the small territories summed."""
    if not petits:
        return serie
    out = serie.drop(petits)
    out[PETITS] = float(serie[petits].sum())
    return out


# ---------------------------------------------------------------- masked indicators


@dataclass(frozen=True)
class IndicateurMasque:
    """One indicator of the map: where to read it in a MaskedTable.

    The value of territory T is the row of ``table`` where the dimension ``territoire``
    is T and every other dimension takes the value given in ``filtre``."""

    cle: str
    libelle: str
    table: MaskedTable
    colonne: str
    decimales: int = 0
    suffixe: str = ""
    filtre: Mapping[str, str] = field(default_factory=dict)
    aide: str = ""
    dim: str = DIM
    """The territory dimension of ``table``."""
    codes: Mapping[str, str] = field(default_factory=dict)
    """Label of a territory in ``table`` → its code (labels absent here are codes already;
    the group of small territories maps to nothing, so no polygon ever gets its value)."""

    def __post_init__(self) -> None:
        if not isinstance(self.table, MaskedTable):
            raise TypeError("un indicateur de carte doit venir de lib.secret (MaskedTable)")
        if self.dim not in self.table.dims or self.colonne not in self.table.value_columns:
            raise ValueError(f"indicateur {self.cle!r} : dimension {self.dim!r} ou colonne {self.colonne!r} absente")

    def valeurs(self) -> pd.Series:
        """Published value per territory code (NaN where hidden): what the map may show."""
        t = self.table.table
        labels = t[self.dim].astype(str)
        sel = (labels != TOTAL) & ~labels.isin(self.table.subtotals(self.dim)) & (labels != PETITS)
        for dim, val in self.filtre.items():
            sel &= t[dim].astype(str) == val
        codes = [self.codes.get(lab, lab) for lab in labels[sel]]
        return pd.Series(t.loc[sel, self.colonne].to_numpy(dtype=float), index=codes)

    def valeur_region(self) -> float:
        t = self.table.table
        sel = t[self.dim].astype(str) == TOTAL
        for dim, val in self.filtre.items():
            sel &= t[dim].astype(str) == val
        return float(t.loc[sel, self.colonne].iloc[0]) if sel.any() else float("nan")


@dataclass(frozen=True)
class CarteMasquee:
    """Everything the map shows, masked: the background and the indicators of one level."""

    fond: FondCarte
    niveau: str
    indicateurs: dict[str, IndicateurMasque]
    periode: str
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for ind in self.indicateurs.values():
            if not isinstance(ind, IndicateurMasque):
                raise TypeError("CarteMasquee n'accepte que des indicateurs masqués")


LIBELLES: dict[str, str] = {
    "suivis_1000": "Jeunes suivis pour 1 000 habitants",
    "suivis": "Jeunes suivis",
    "premiers_accueils": "Premiers accueils",
    "part_qpv": "Part des jeunes suivis résidant en QPV",
    "defm": "DEFM jeunes (fin de période)",
    "cotraitance": "Réalisation de l'objectif de co-traitance",
}
"""Indicators of the map, in the order of the selector; DEFM and co-traitance per ML only."""

PAR_ML_SEULEMENT = ("defm", "cotraitance")


def suivis_masques(w: Warehouse, period: Period) -> MaskedTable:
    """The young people followed, by ML × basin × QPV residence, masked ONCE.

    The map per ML, the map per basin and the ML × basin table all show margins of this
    one table. Masked separately, the same margin (an ML's total, say) could be hidden in
    one table and published in another, and the hidden cells recomputed from it: one
    suppression pattern for the whole page rules that out (it costs 0.05 s)."""
    raw = comptes_suivis(w, period)
    for niveau, dim in (("ml", ML_DIM), ("bassin", BASSIN_DIM)):
        noms = _noms(w, niveau)
        raw = regrouper(raw, [noms[c] for c in petits_territoires(w, niveau)], dim, SUIVIS_COUNT)
    return protect(raw, list(SUIVIS_DIMS), count=SUIVIS_COUNT)


def accueils_masques(w: Warehouse, period: Period) -> MaskedTable:
    """First receptions by ML × basin, masked once: the map per ML and per basin read its
    margins (two separate tables could be linked wherever an ML is a union of basins)."""
    raw = comptes_premiers_accueils(w, period)
    for niveau, dim in (("ml", ML_DIM), ("bassin", BASSIN_DIM)):
        noms = _noms(w, niveau)
        raw = regrouper(raw, [noms[c] for c in petits_territoires(w, niveau)], dim)
    return protect(raw, [ML_DIM, BASSIN_DIM])


def _habitants(w: Warehouse) -> pd.Series:
    """Inhabitants for each cell of the followed young people's table that the map reads: an
    ML (all basins), a basin (all MLs), the region; indexed like the table's dimensions."""
    rows = []
    for niveau, dim in (("ml", ML_DIM), ("bassin", BASSIN_DIM)):
        petits = petits_territoires(w, niveau)
        pop = _regrouper_serie(populations(w, niveau).drop(TOTAL), petits)
        noms = _noms(w, niveau)
        for code, n in pop.items():
            label = noms.get(str(code), str(code))
            rows += [
                {
                    ML_DIM: label if dim == ML_DIM else TOTAL,
                    BASSIN_DIM: label if dim == BASSIN_DIM else TOTAL,
                    QPV_DIM: q,
                    "pop": n,
                }  # fmt: skip
                for q in (QPV_OUI, QPV_NON, TOTAL)
            ]
    region = float(populations(w, "ml")[TOTAL])
    rows += [{ML_DIM: TOTAL, BASSIN_DIM: TOTAL, QPV_DIM: q, "pop": region} for q in (QPV_OUI, QPV_NON, TOTAL)]
    return pd.DataFrame(rows).set_index(list(SUIVIS_DIMS))["pop"]


def indicateurs_carte(
    w: Warehouse,
    period: Period,
    niveau: str,
    fond: FondCarte,
    suivis: MaskedTable | None = None,
    premiers_accueils: MaskedTable | None = None,
) -> CarteMasquee:
    """Mask every indicator of the level and derive the rates from the masked counts.

    ``suivis``, ``premiers_accueils``: the tables of :func:`suivis_masques` and
    :func:`accueils_masques` when the caller already has them (cached by the page)."""
    if niveau not in NIVEAUX:
        raise ValueError(f"niveau de carte inconnu : {niveau!r}")
    notes: list[str] = []
    out: dict[str, IndicateurMasque] = {}

    petits = petits_territoires(w, niveau)
    if petits:
        notes.append(
            f"{len(petits)} territoire(s) de moins de {fr_int(settings().secret.population_commune_min)} habitants "
            "comptés ensemble : aucun chiffre à leur nom (secret statistique)."
        )
    base = suivis_masques(w, period) if suivis is None else suivis
    dim, autre = (ML_DIM, BASSIN_DIM) if niveau == "ml" else (BASSIN_DIM, ML_DIM)
    lu = {"dim": dim, "codes": _codes(w, niveau)}
    total = {autre: TOTAL, QPV_DIM: TOTAL}
    par_1000 = rate(base, _habitants(w), name="pour_1000", per=1000.0)
    out["suivis_1000"] = IndicateurMasque(
        "suivis_1000", LIBELLES["suivis_1000"], par_1000, "pour_1000", 1, filtre=total, aide="Jeunes suivis", **lu
    )
    out["suivis"] = IndicateurMasque(
        "suivis", LIBELLES["suivis"], base, SUIVIS_COUNT, filtre=total, aide="Jeunes suivis", **lu
    )
    accueils = accueils_masques(w, period) if premiers_accueils is None else premiers_accueils
    out["premiers_accueils"] = IndicateurMasque(
        "premiers_accueils", LIBELLES["premiers_accueils"], accueils, "n", filtre={autre: TOTAL},
        aide="Premiers accueils", **lu,
    )  # fmt: skip
    part = with_share(base, of=QPV_DIM, name="part_qpv")
    qpv = {autre: TOTAL, QPV_DIM: QPV_OUI}
    out["part_qpv"] = IndicateurMasque(
        "part_qpv", LIBELLES["part_qpv"], part, "part_qpv", 1, " %", filtre=qpv, aide="QPV", **lu
    )
    if niveau == "ml":
        defm = comptes_defm(w, period)
        if defm is None:
            notes.append("DEFM jeunes : aucune donnée pour le dernier mois de la période.")
        else:
            out["defm"] = IndicateurMasque(
                "defm", LIBELLES["defm"], protect(regrouper(defm, petits), [DIM]), "n", aide="DEFM"
            )
        quotas = quotas_cotraitance(w, period.end.year)
        if quotas is None:
            notes.append(f"Co-traitance : aucun quota enregistré pour {period.end.year}.")
        else:
            entrees = protect(regrouper(comptes_entrees_cotraitance(w, period), petits), [DIM])
            den = _regrouper_serie(quotas.reindex(_all_codes(w, "ml")).astype(float), petits)
            den[TOTAL] = float(quotas.sum())
            taux = rate(entrees, den, name="taux", per=100.0)
            out["cotraitance"] = IndicateurMasque(
                "cotraitance", LIBELLES["cotraitance"], taux, "taux", 1, " %", aide="Taux de réalisation"
            )
            notes.append(
                f"Co-traitance : entrées (affectations) du 1er janvier au {fr.date_longue(period.end)} "
                f"rapportées au quota annuel {period.end.year} de chaque mission locale."
            )
    return CarteMasquee(fond=fond, niveau=niveau, indicateurs=out, periode=period.label, notes=tuple(notes))


def table_ml_bassin(
    w: Warehouse, period: Period, parts: bool = False, suivis: MaskedTable | None = None
) -> MaskedTable:
    """How each ML's young people spread over the basins: the masked table of
    :func:`suivis_masques` (read it at QPV residence = Total for the ML × basin crossing).

    ``parts``: add the share of the ML's young people living in each basin (column "part",
    hidden with the counts it is built from)."""
    base = suivis_masques(w, period) if suivis is None else suivis
    return with_share(base, of=BASSIN_DIM, name="part") if parts else base


# ---------------------------------------------------------------- caches for the page


def _cle_entrepot(w: Warehouse, url: str | None) -> str | None:
    """The database key when `w` is the current cached warehouse of `url`, else None (a
    warehouse built by hand, in a test, is never served from or stored in the cache)."""
    engine = get_engine(url)
    return engine.url.render_as_string(hide_password=False) if warehouse(url) is w else None


@lru_cache(maxsize=8)
def _suivis_cache(url: str, version: int, period: Period) -> MaskedTable:  # noqa: ARG001
    return suivis_masques(warehouse(url), period)


@lru_cache(maxsize=8)
def _accueils_cache(url: str, version: int, period: Period) -> MaskedTable:  # noqa: ARG001
    return accueils_masques(warehouse(url), period)


@lru_cache(maxsize=16)
def _carte_cache(url: str, version: int, period: Period, niveau: str) -> CarteMasquee:
    w = warehouse(url)
    suivis, accueils = _suivis_cache(url, version, period), _accueils_cache(url, version, period)
    return indicateurs_carte(w, period, niveau, fond_carte(w, url), suivis, accueils)


@lru_cache(maxsize=16)
def _table_cache(url: str, version: int, period: Period, parts: bool) -> MaskedTable:
    return table_ml_bassin(warehouse(url), period, parts, _suivis_cache(url, version, period))


def carte_masquee(w: Warehouse, period: Period, niveau: str, url: str | None = None) -> CarteMasquee:
    """:func:`indicateurs_carte` on the page's background, cached per data version, period and
    level: switching the colour or coming back to the page costs no new masking (~0.3 s)."""
    key = _cle_entrepot(w, url)
    if key is None:
        return indicateurs_carte(w, period, niveau, fond_carte(w, url))
    return _carte_cache(key, w.version, period, niveau)


def table_ml_bassin_cache(w: Warehouse, period: Period, parts: bool = False, url: str | None = None) -> MaskedTable:
    """:func:`table_ml_bassin`, cached per data version and period (~0.2 s spared per rerun)."""
    key = _cle_entrepot(w, url)
    return table_ml_bassin(w, period, parts) if key is None else _table_cache(key, w.version, period, parts)
