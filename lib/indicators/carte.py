"""The map of the missions locales: outlines (public) and indicators per territory.

Two halves:

* the **background** (:class:`FondCarte`): ML territories, basins and départements
  dissolved from the communes' polygons stored in the database (``commune.geometry``,
  GeoJSON), simplified once per data version and cached. Outlines count no one:
  they are public;
* the **indicators** per ML or per basin: published cells read from the publication
  (:mod:`lib.publication`, protected jointly with every other page), then rates derived
  from them by :mod:`lib.secret`, so that a rate built on a hidden count is hidden too.

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
from lib.indicators.cotraitance.suivi import ETAPE_REALISATION
from lib.indicators.data import Warehouse, warehouse
from lib.indicators.observation import FLAGS
from lib.indicators.periods import Period
from lib.publication import read
from lib.publication.model import cumul_key
from lib.secret import TOTAL, MaskedTable, rate, with_share
from lib.secret.published import from_cells
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
    sites: pd.DataFrame  # ml_code, ml_nom, type, nom, adresse ("" if none), commune_code, lat, lon
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
    sites["adresse"] = sites["adresse"].fillna("").astype(str)
    return FondCarte(
        mls=mls,
        bassins=bassins,
        departements=deps,
        limites=limites,
        sites=sites[["ml_code", "ml_nom", "type", "nom", "adresse", "commune_code", "lat", "lon"]],
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


# ---------------------------------------------------------------- public figures per territory


def _all_codes(w: Warehouse, niveau: str) -> list[str]:
    codes = w.mls["code"] if niveau == "ml" else w.bassins["code"]
    return [str(c) for c in codes]


ML_DIM, BASSIN_DIM = "Mission locale", "Bassin d'emploi"
SUIVIS_COUNT = "Jeunes suivis"


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


# ---------------------------------------------------------------- published counts per territory


def par_territoire(
    engine: Engine, population: str, key: str, niveau: str, count: str = "n", attribut: str | None = None
) -> MaskedTable | None:
    """Published cells of `population` for every territory of `niveau` (by code) and the region (Total);
    with `attribut`, dims territoire × attribut (Total = the territory's cell). None when not published."""
    c = read.cells(engine, population, key)
    dims = ["", attribut] if attribut else [""]
    inside = c[(c["niveau"] == niveau) & c["dimension"].isin(dims)]
    if inside.empty:
        return None
    region = c[(c["niveau"] == "region") & c["dimension"].isin(dims)].assign(code=TOTAL)
    frame = pd.concat([inside, region]).rename(columns={"valeur": count})
    frame[DIM] = frame["code"]
    order = {DIM: tuple(dict.fromkeys([*inside["code"], TOTAL]))}
    if attribut:
        frame[attribut] = frame["modalite"].where(frame["dimension"] != "", TOTAL)
        order[attribut] = tuple(dict.fromkeys([*(m for m in frame[attribut] if m != TOTAL), TOTAL]))
    return from_cells(frame, list(order), count, order)


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
        sel = (labels != TOTAL) & ~labels.isin(self.table.subtotals(self.dim))
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
"""Indicators of the map, in the order of the selector; QPV share, DEFM and co-traitance per ML only
(the publication crosses attributes with the ML, and DEFM and co-traitance are known by ML)."""

PAR_ML_SEULEMENT = ("part_qpv", "defm", "cotraitance")


def indicateurs_carte(engine: Engine, w: Warehouse, period: Period, niveau: str, fond: FondCarte) -> CarteMasquee:
    """Read every indicator of the level from the publication and derive the rates from published cells.

    A territory under 2,000 inhabitants is hidden by the publication itself (rule 4): grey on the map."""
    if niveau not in NIVEAUX:
        raise ValueError(f"niveau de carte inconnu : {niveau!r}")
    notes: list[str] = []
    out: dict[str, IndicateurMasque] = {}
    key = read.period_key("suivis", period)
    if key is None:
        notes.append("Les 12 mois glissants ne sont pas publiés : choisissez un mois, un trimestre ou une année.")
        return CarteMasquee(fond=fond, niveau=niveau, indicateurs=out, periode=period.label, notes=tuple(notes))
    petits = populations(w, niveau).drop(TOTAL)
    if (petits < settings().secret.population_commune_min).any():
        notes.append(
            f"{int((petits < settings().secret.population_commune_min).sum())} territoire(s) de moins de "
            f"{fr_int(settings().secret.population_commune_min)} habitants : aucun chiffre à leur nom "
            "(secret statistique)."
        )
    suivis = par_territoire(engine, "suivis", key, niveau, SUIVIS_COUNT)
    if suivis is None:
        notes.append(f"Par {NIVEAUX[niveau].lower()}, les chiffres sont publiés à l'année : choisissez une année.")
        return CarteMasquee(fond=fond, niveau=niveau, indicateurs=out, periode=period.label, notes=tuple(notes))
    par_1000 = rate(suivis, populations(w, niveau), name="pour_1000", per=1000.0)
    out["suivis_1000"] = IndicateurMasque(
        "suivis_1000", LIBELLES["suivis_1000"], par_1000, "pour_1000", 1, aide="Jeunes suivis"
    )
    out["suivis"] = IndicateurMasque("suivis", LIBELLES["suivis"], suivis, SUIVIS_COUNT, aide="Jeunes suivis")
    accueils = par_territoire(engine, "premiers_accueils", read.period_key("premiers_accueils", period), niveau)
    if accueils is not None:
        out["premiers_accueils"] = IndicateurMasque(
            "premiers_accueils", LIBELLES["premiers_accueils"], accueils, "n", aide="Premiers accueils"
        )
    if niveau == "ml":
        qpv = par_territoire(engine, "suivis", key, niveau, SUIVIS_COUNT, attribut="qpv")
        if qpv is not None and "qpv" in qpv.dims and len(qpv.categories["qpv"]) > 1:
            part = with_share(qpv, of="qpv", name="part_qpv")
            out["part_qpv"] = IndicateurMasque(
                "part_qpv", LIBELLES["part_qpv"], part, "part_qpv", 1, " %", filtre={"qpv": QPV_OUI}, aide="QPV"
            )
        month = f"{period.end.year}-{period.end.month:02d}"
        defm = par_territoire(engine, "defm", month, niveau)
        if defm is None or not defm.table["n"].fillna(1).any():
            notes.append("DEFM jeunes : aucune donnée pour le dernier mois de la période.")
        else:
            out["defm"] = IndicateurMasque("defm", LIBELLES["defm"], defm, "n", aide="DEFM")
        quotas = quotas_cotraitance(w, period.end.year)
        cumul = cumul_key(period.end.year, period.end.month)
        entrees = par_territoire(engine, f"cotraitance_{ETAPE_REALISATION}", cumul, niveau)
        if quotas is None or entrees is None:
            notes.append(f"Co-traitance : aucun quota enregistré pour {period.end.year}.")
        else:
            den = quotas.reindex(_all_codes(w, "ml")).astype(float)
            den[TOTAL] = float(quotas.sum())
            taux = rate(entrees, den, name="taux", per=100.0)
            out["cotraitance"] = IndicateurMasque(
                "cotraitance", LIBELLES["cotraitance"], taux, "taux", 1, " %", aide="Taux de réalisation"
            )
            notes.append(
                f"Co-traitance : entrées (affectations) du 1er janvier au {fr.date_longue(period.end)} "
                f"rapportées au quota annuel {period.end.year} de chaque mission locale."
            )
    else:
        notes.append("Part des jeunes en QPV, DEFM et co-traitance : publiées par mission locale.")
    return CarteMasquee(fond=fond, niveau=niveau, indicateurs=out, periode=period.label, notes=tuple(notes))


def table_ml_bassin(engine: Engine, period: Period, parts: bool = False) -> MaskedTable | None:
    """How each ML's young people spread over the basins: the published ML × basin cells with the
    ML, basin and region cells as margins (one stored status each). None when the period has no
    ML × basin cells (published for the year).

    ``parts``: add the share of the ML's young people living in each basin (column "part",
    hidden with the counts it is built from)."""
    key = read.period_key("suivis", period)
    c = read.cells(engine, "suivis", key) if key else pd.DataFrame()
    if c.empty or not (c["niveau"] == "ml_bassin").any():
        return None
    c = c[c["dimension"] == ""]
    ml_name = dict(zip(c.loc[c["niveau"] == "ml", "code"], c.loc[c["niveau"] == "ml", "libelle"], strict=True))
    b_name = dict(zip(c.loc[c["niveau"] == "bassin", "code"], c.loc[c["niveau"] == "bassin", "libelle"], strict=True))
    inner = c[c["niveau"] == "ml_bassin"]
    ml_code, b_code = inner["code"].str.split("|").str[0], inner["code"].str.split("|").str[1]
    parts_ = [
        inner.assign(**{ML_DIM: ml_code.map(ml_name).to_numpy(), BASSIN_DIM: b_code.map(b_name).to_numpy()}),
        c[c["niveau"] == "ml"].assign(**{ML_DIM: lambda f: f["libelle"], BASSIN_DIM: TOTAL}),
        c[c["niveau"] == "bassin"].assign(**{ML_DIM: TOTAL, BASSIN_DIM: lambda f: f["libelle"]}),
        c[c["niveau"] == "region"].assign(**{ML_DIM: TOTAL, BASSIN_DIM: TOTAL}),
    ]
    frame = pd.concat(parts_).rename(columns={"valeur": SUIVIS_COUNT})
    order = {
        ML_DIM: (*ml_name.values(), TOTAL),
        BASSIN_DIM: (*b_name.values(), TOTAL),
    }
    base = from_cells(frame, [ML_DIM, BASSIN_DIM], SUIVIS_COUNT, order)
    return with_share(base, of=BASSIN_DIM, name="part") if parts else base


# ---------------------------------------------------------------- caches for the page


@lru_cache(maxsize=16)
def _carte_cache(url: str, version: int, period: Period, niveau: str) -> CarteMasquee:  # noqa: ARG001 (key)
    w = warehouse(url)
    return indicateurs_carte(get_engine(url), w, period, niveau, fond_carte(w, url))


@lru_cache(maxsize=16)
def _table_cache(url: str, version: int, period: Period, parts: bool) -> MaskedTable | None:  # noqa: ARG001 (key)
    return table_ml_bassin(get_engine(url), period, parts)


def carte_masquee(w: Warehouse, period: Period, niveau: str, url: str | None = None) -> CarteMasquee:
    """:func:`indicateurs_carte`, cached per data version, period and level: switching the colour
    or coming back to the page reads nothing again."""
    engine = get_engine(url)
    return _carte_cache(engine.url.render_as_string(hide_password=False), int(w.version), period, niveau)


def table_ml_bassin_cache(
    w: Warehouse, period: Period, parts: bool = False, url: str | None = None
) -> MaskedTable | None:
    """:func:`table_ml_bassin`, cached per data version and period."""
    engine = get_engine(url)
    return _table_cache(engine.url.render_as_string(hide_password=False), int(w.version), period, parts)
