"""What the Observation, Accueil and Explorateur pages show: tables READ from the stored publication.

No count of people is protected here: lib.publication protected everything the plan
publishes once per data version, jointly, and these functions only read its cells
(lib.publication.read) and derive shares and evolutions from published cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lib.config import settings
from lib.db.engine import get_engine
from lib.indicators import observation as obs
from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope
from lib.publication import read
from lib.publication.plan import plan
from lib.secret import MaskedTable, evolution, small_selection_message, with_share

PART = "Part (%)"
EVOLUTION = "Évolution sur un an (%)"
NOT_PUBLISHED = (
    "Ces chiffres ne sont publiés que par mission locale, département et région pour les mois et les trimestres, "
    "et pas en 12 mois glissants : choisissez un autre niveau territorial ou une autre période."
)

# st.cache_resource, not cache_data: every rerun and visitor gets the same MaskedTables (never modified),
# so what is made from them (screens, charts, files: lib.ui.downloads.prepare) is found by their content_key
# without unpickling and hashing them again.
# Cache keys are plain tuples: (database url, data version), (level, code), (kind, start, end)
Key = tuple[str, int]
ScopeKey = tuple[str, str | None]
PeriodKey = tuple[str, dt.date, dt.date]


def _key(w: Warehouse) -> Key:
    return settings().database_url, int(w.version)


def _scope(s: ScopeKey) -> Scope:
    return Scope(*s)


def _period(p: PeriodKey) -> Period:
    return Period(*p)


def _sk(scope: Scope) -> ScopeKey:
    return scope.level, scope.code


def _pk(period: Period) -> PeriodKey:
    return period.kind, period.start, period.end


def _engine(key: Key):  # noqa: ANN202 (SQLAlchemy Engine)
    return get_engine(key[0])


# ------------------------------------------------------------------ key figures


@dataclass(frozen=True)
class KeyFigures:
    tables: dict[str, MaskedTable]  # measure → one published figure with its evolution over a year
    suivis: float  # published people followed (NaN when hidden): is the selection large enough to break down?
    message: str | None = None  # why nothing is published for this territory and period


@st.cache_resource(max_entries=256, show_spinner=False)
def _key_figures(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey) -> KeyFigures:
    p, s = _period(period), _scope(scope)
    engine = _engine(key)
    tables = {}
    # the observation's populations (published down to communes); those known by ML have their own pages
    for m in [k for k, pop in plan().populations.items() if pop.levels is None]:
        now = read.figure(engine, m, p, s)
        if now is None:
            return KeyFigures({}, float("nan"), NOT_PUBLISHED)
        before = read.figure(engine, m, p.previous_year(), s)
        tables[m] = evolution(now, before, name=EVOLUTION) if before is not None else now
    suivis = tables["suivis"].grand_total()[tables["suivis"].count]
    return KeyFigures(tables, float(suivis))


def key_figures(w: Warehouse, scope: Scope, period: Period) -> KeyFigures:
    return _key_figures(w, _key(w), _sk(scope), _pk(period))


def too_small(figures: KeyFigures) -> str | None:
    """French message when nothing is published, or the selection follows too few young people to be broken down."""
    if figures.message:
        return figures.message
    return small_selection_message(0 if pd.isna(figures.suivis) else figures.suivis)


# ------------------------------------------------------------------ profiles


@st.cache_resource(max_entries=128, show_spinner=False)
def _profiles(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey, measure: str) -> dict[str, MaskedTable]:
    p, s = _period(period), _scope(scope)
    engine = _engine(key)
    out = {}
    for dim in obs.PROFILE_DIMENSIONS:
        if dim not in read.offered_rows(measure, s, p):
            continue
        now = read.breakdown(engine, measure, p, s, dim)
        before = read.breakdown(engine, measure, p.previous_year(), s, dim)
        if now.table is None:
            continue
        shared = with_share(now.table, name=PART)
        out[dim] = evolution(shared, before.table, name=EVOLUTION) if before.table is not None else shared
    return out


def profiles(w: Warehouse, scope: Scope, period: Period, measure: str) -> dict[str, MaskedTable]:
    """Published profile of `measure` by each profile dimension, with share and evolution; {} when the
    plan does not publish it for this territory and period (attributes: by year)."""
    return _profiles(w, _key(w), _sk(scope), _pk(period), measure)


# ------------------------------------------------------------------ schemes


@st.cache_resource(max_entries=128, show_spinner=False)
def _schemes(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey) -> dict[str, MaskedTable]:
    p, s = _period(period), _scope(scope)
    engine = _engine(key)
    out = {}
    for measure in ("entrees", "sorties"):
        if "dispositif" not in read.offered_rows(measure, s, p):
            continue
        now = read.breakdown(engine, measure, p, s, "dispositif")
        before = read.breakdown(engine, measure, p.previous_year(), s, "dispositif")
        if now.table is not None:
            label = obs.MOUVEMENTS[measure]
            out[label] = evolution(now.table, before.table, name=EVOLUTION) if before.table is not None else now.table
    return out


def schemes(w: Warehouse, scope: Scope, period: Period) -> dict[str, MaskedTable]:
    """Published entries and exits per scheme (with the evolution over a year), by year."""
    return _schemes(w, _key(w), _sk(scope), _pk(period))


# ------------------------------------------------------------------ outcomes


@dataclass(frozen=True)
class OutcomeTables:
    table: MaskedTable | None  # situation → young people, share of the cohort (None: not published)
    message: str | None  # why not, when not
    complete: bool
    data_end: dt.date


@st.cache_resource(max_entries=128, show_spinner=False)
def _outcomes(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey, months: int) -> OutcomeTables:
    """The first reception cohort's situation after `months` months: an attribute of the published
    first receptions (publication.toml, situation_N), protected with them."""
    p, s = _period(period), _scope(scope)
    attribute = f"situation_{months}"
    end = obs.data_end(_w)
    complete = bool(pd.Timestamp(p.end) + pd.DateOffset(months=months) <= end)
    if attribute not in read.offered_rows("premiers_accueils", s, p):
        message = "Situations après le premier accueil : publiées par année, pour la région, un département ou une ML."
        return OutcomeTables(None, message, complete, end.date())
    out = read.breakdown(
        _engine(key), "premiers_accueils", p, s, attribute, names={attribute: "Situation", "count": "Jeunes"}
    )
    table = None if out.table is None else with_share(out.table, name=PART)
    return OutcomeTables(table, out.message, complete, end.date())


def outcomes(w: Warehouse, scope: Scope, period: Period, months: int) -> OutcomeTables:
    return _outcomes(w, _key(w), _sk(scope), _pk(period), months)


# ------------------------------------------------------------------ monthly series


@st.cache_resource(max_entries=128, show_spinner=False)
def _monthly(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey, months: int) -> MaskedTable | None:
    return read.monthly(
        _engine(key), ["suivis", "premiers_accueils", "entrees"], _scope(scope), _period(period), months
    )


def monthly(w: Warehouse, scope: Scope, period: Period, months: int = 24) -> MaskedTable | None:
    """Published monthly counts for the `months` months up to the period's end; None when the
    territory is not published by month."""
    return _monthly(w, _key(w), _sk(scope), _pk(period), months)


# ------------------------------------------------------------------ explorer


@dataclass(frozen=True)
class Cross:
    table: MaskedTable | None  # None when not published (the message says why)
    message: str | None


@st.cache_resource(max_entries=128, show_spinner=False)
def _cross(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey, measure: str, dims: tuple[str, ...]) -> Cross:
    p, s = _period(period), _scope(scope)
    got = read.breakdown(_engine(key), measure, p, s, dims[0], dims[1] if len(dims) == 2 else None)
    if got.table is None:
        return Cross(None, got.message)
    masked = got.table
    if len(dims) == 2:
        rows, cols = masked.dims
        masked = with_share(with_share(masked, of=cols, name="% en ligne"), of=rows, name="% en colonne")
    else:
        masked = with_share(masked, name=PART)
    return Cross(masked, None)


def cross(w: Warehouse, scope: Scope, period: Period, measure: str, dims: tuple[str, ...]) -> Cross:
    """Published cross-table of `measure` by one or two dimensions of the plan, margins and shares included."""
    return _cross(w, _key(w), _sk(scope), _pk(period), measure, tuple(dims))


# ------------------------------------------------------------------ renderers


def lower_first(label: str) -> str:
    """ "Mission locale" → "mission locale" inside a sentence, but "QPV / ZUS" stays as it is."""
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def scope_label(w: Warehouse, scope: Scope) -> str:
    """ "Midi-Pyrénées", "Département 09 Ariège", "Mission locale de …" for titles."""
    if scope.level == "region" or scope.code is None:
        return settings().region_nom
    if scope.level == "ml":
        return w.ml_names().get(scope.code, scope.code)
    if scope.level == "departement":
        d = dict(zip(w.departements["code"].astype(str), w.departements["nom"], strict=True))
        return f"Département {scope.code} {d.get(scope.code, '')}".strip()
    b = dict(zip(w.bassins["code"].astype(str), w.bassins["nom"], strict=True))
    return f"Bassin d'emploi {b.get(scope.code, scope.code)}"
