"""The warehouse as compact in-memory frames, read once per data version.

Indicator functions work on these frames with vectorised pandas: at 300,000
young people the whole warehouse fits in a few hundred MB and every aggregate
takes milliseconds, on SQLite and PostgreSQL alike. The cache keys on the data
version that every write bumps, so an import invalidates it.

The versioned tables keep the rows of every earlier version: each is read
filtered on the version whose rows are in effect in the version shown (the
current one, or an earlier one an administrator chose to show "as of").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine

from lib.db.engine import data_version, get_engine, version_tables

DATE_COLUMNS = {
    "jeune": ("mois_naissance", "date_premier_accueil"),
    "contact": ("date",),
    "dispositif": (
        "date_entree",
        "date_sortie",
        "date_affectation",
        "date_acceptation",
        "date_initialisation",
        "date_premier_entretien",
    ),
    "situation": ("date_debut", "date_fin"),
    "defm_jeunes": ("mois",),
}
CATEGORIES = (
    "ml_code",
    "commune_code",
    "sexe",
    "niveau",
    "logement",
    "type",
    "code",
    "contrat",
    "etat",
    "motif_sortie",
)


@dataclass(frozen=True)
class Warehouse:
    jeunes: pd.DataFrame  # + dep_code, bassin_code
    contacts: pd.DataFrame
    dispositifs: pd.DataFrame
    situations: pd.DataFrame
    defm: pd.DataFrame
    cles: pd.DataFrame
    enveloppes: pd.DataFrame
    communes: pd.DataFrame  # code, nom, dep_code, population, qpv, zrr, ml_code, bassin_code
    mls: pd.DataFrame
    departements: pd.DataFrame
    bassins: pd.DataFrame
    sites: pd.DataFrame
    version: int
    # ML territory by year of validity: annee, code (commune), ml_code; empty = ``communes`` every year
    territoires: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["annee", "code", "ml_code"]))

    @functools.cached_property
    def years_of_first_reception(self) -> tuple[int, ...]:
        """The years in which young people were first received (read by every page's period filter)."""
        return tuple(sorted(set(self.jeunes["date_premier_accueil"].dt.year.dropna().astype(int))))

    def ml_names(self) -> dict[str, str]:
        return dict(zip(self.mls["code"], self.mls["nom"], strict=True))

    def annee_territoire(self, annee: int) -> int | None:
        """The year of validity of the territory in effect in `annee`: the latest one not after it, else
        the first (a territory holds until the next one given). None when no territory by year is stored."""
        valides = sorted(int(a) for a in self.territoires["annee"].unique())
        return max((a for a in valides if a <= annee), default=valides[0]) if valides else None

    def communes_en(self, annee: int) -> pd.DataFrame:
        """``communes`` with the ML of each commune in `annee`: a commune that moved from one ML to another
        counts, each year, in the ML it belonged to that year."""
        vaut = self.annee_territoire(annee)
        if vaut is None:
            return self.communes
        t = self.territoires[self.territoires["annee"] == vaut]
        ml = dict(zip(t["code"].astype(str), t["ml_code"].astype(str), strict=True))
        return self.communes.assign(ml_code=self.communes["code"].astype(str).map(ml))


# Versioned tables: the columns the indicators use (not the pseudonym nor the version tag).
COLUMNS = {
    "jeune": "id, ml_code, commune_code, sexe, mois_naissance, niveau, qpv, zrr, date_premier_accueil, "
    "indemnise, logement, permis, vehicule",
    "contact": "jeune_id, date, type",
    "dispositif": "id, jeune_id, code, date_entree, date_sortie, motif_sortie, date_affectation, "
    "date_acceptation, date_initialisation, date_premier_entretien, etat",
    "situation": "id, jeune_id, type, contrat, date_debut, date_fin",
    "defm_jeunes": "ml_code, mois, effectif",
    "cle_activite": "ml_code, annee, cle",
    "enveloppe_cotraitance": "annee, enveloppe",
}


def _read(engine: Engine, table: str, columns: str = "*", version_rows: int | None = None) -> pd.DataFrame:
    sql = f"SELECT {columns} FROM {table}"  # noqa: S608 (fixed names)
    if version_rows is not None:
        sql += f" WHERE version_id = {int(version_rows)}"
    with engine.connect() as conn:
        # On SQLite, pandas reading the driver's cursor directly is twice as fast as through
        # SQLAlchemy's row objects (1.9 M contacts: 2.8 s instead of 5.2 s).
        source = conn.connection.driver_connection if engine.dialect.name == "sqlite" else conn
        df = pd.read_sql_query(sql, source)
    for col in DATE_COLUMNS.get(table, ()):
        df[col] = pd.to_datetime(df[col])
    for col in CATEGORIES:
        if col in df.columns and table not in ("commune", "mission_locale"):
            df[col] = df[col].astype("category")
    return df


def _read_versioned(engine: Engine, table: str, rows_of: dict[str, int]) -> pd.DataFrame:
    # a table no version has brought yet (an empty base) reads as empty: version 0 has no rows
    return _read(engine, table, COLUMNS[table], rows_of.get(table, 0))


def read_warehouse(engine: Engine, version: int | None = None) -> Warehouse:
    """The warehouse as of `version` (default: the current one)."""
    version = data_version(engine) if version is None else version
    with engine.connect() as conn:
        rows_of = version_tables(conn, version)
    communes = _read(engine, "commune", "code, nom, dep_code, population, qpv, zrr")
    communes = communes.merge(
        _read(engine, "ml_commune").rename(columns={"commune_code": "code"}),
        on="code",
        how="left",
    ).merge(
        _read(engine, "bassin_commune").rename(columns={"commune_code": "code"}),
        on="code",
        how="left",
    )
    jeunes = _read_versioned(engine, "jeune", rows_of)
    geo = communes.set_index("code")
    codes = jeunes["commune_code"].astype(str)
    jeunes["dep_code"] = pd.Categorical(geo["dep_code"].reindex(codes).to_numpy())
    jeunes["bassin_code"] = pd.Categorical(geo["bassin_code"].reindex(codes).to_numpy())
    return Warehouse(
        jeunes=jeunes,
        contacts=_read_versioned(engine, "contact", rows_of),
        dispositifs=_read_versioned(engine, "dispositif", rows_of),
        situations=_read_versioned(engine, "situation", rows_of),
        defm=_read_versioned(engine, "defm_jeunes", rows_of),
        cles=_read_versioned(engine, "cle_activite", rows_of),
        enveloppes=_read_versioned(engine, "enveloppe_cotraitance", rows_of),
        communes=communes,
        mls=_read(engine, "mission_locale"),
        departements=_read(engine, "departement"),
        bassins=_read(engine, "bassin"),
        sites=_read(engine, "ml_site"),
        version=version,
        territoires=_read(engine, "ml_commune_annee", "annee, commune_code AS code, ml_code"),
    )


VERSION_AFFICHEE = "version_affichee"  # session key: the version an administrator chose to show


def _version_affichee() -> int | None:
    """The version shown in this browser session, when an administrator chose an earlier one."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:  # outside a page (command line, benchmark, test): the current version
        return None
    shown = ctx.session_state.filtered_state.get(VERSION_AFFICHEE)
    return int(shown) if shown else None


def shown_version(engine: Engine) -> int:
    """The version this session shows: the one an administrator chose, else the one in service.
    The warehouse and the publication are both read at this version (lib.publication.read)."""
    return _version_affichee() or data_version(engine)


@lru_cache(maxsize=2)
def _cached(url: str, version: int) -> Warehouse:
    return read_warehouse(get_engine(url), version)


def warehouse(url: str | None = None, version: int | None = None) -> Warehouse:
    """The warehouse as of `version` (default: the current one); re-read only when the version changed."""
    engine = get_engine(url)
    shown = shown_version(engine) if version is None else version
    return _cached(str(engine.url.render_as_string(hide_password=False)), shown)
