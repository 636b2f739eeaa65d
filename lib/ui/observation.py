"""Observation pages: cached masked tables and the few renderers they need.

Each function computes raw counts with lib.indicators.observation, masks them
with lib.secret and caches the MASKED result (secondary suppression is the slow
part) with st.cache_data, keyed on (database, data version, scope, period,
options): a rerun, a tab change or a return to a period already seen costs a
cache lookup. An import bumps the data version, hence a new key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lib.config import settings
from lib.indicators import observation as obs
from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope
from lib.indicators.series import month_label
from lib.secret import MaskedTable, evolution, protect, small_selection_message, with_share

PART = "Part (%)"
EVOLUTION = "Évolution sur un an (%)"

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


def _one(n: int, label: str) -> MaskedTable:
    """A single count as a 0-dimension table (masked when small)."""
    return protect(pd.DataFrame({label: [n]}), [], count=label)


def _dim_table(raw: pd.DataFrame, dims: list[str], label: str) -> MaskedTable:
    """Mask raw counts with French column names; ordered dimensions may have adjacent categories merged."""
    names = {d: obs.DIMENSIONS.get(d, d) for d in dims}
    frame = raw.rename(columns={**names, "n": label})
    group = {names[d]: obs.ORDERED[d] for d in dims if d in obs.ORDERED}
    return protect(frame, [names[d] for d in dims], count=label, group=group)


# ------------------------------------------------------------------ key figures


@dataclass(frozen=True)
class KeyFigures:
    tables: dict[str, MaskedTable]  # measure → one figure with its evolution over a year
    suivis: int  # raw: only to decide whether the selection is large enough to break down


@st.cache_data(max_entries=256, show_spinner=False)
def _key_figures(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey) -> KeyFigures:
    p, s = _period(period), _scope(scope)
    cur = obs.headline(_w, p, s)
    prev = obs.headline(_w, p.previous_year(), s)
    tables = {
        m: evolution(_one(cur[m], label), _one(prev[m], label), name=EVOLUTION)
        for m, label in obs.BASE_MEASURES.items()
    }
    return KeyFigures(tables, cur["suivis"])


def key_figures(w: Warehouse, scope: Scope, period: Period) -> KeyFigures:
    return _key_figures(w, _key(w), _sk(scope), _pk(period))


def too_small(figures: KeyFigures) -> str | None:
    """French message when the selection follows too few young people to be broken down."""
    return small_selection_message(figures.suivis)


# ------------------------------------------------------------------ profiles


@st.cache_data(max_entries=128, show_spinner=False)
def _profiles(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey, measure: str) -> dict[str, MaskedTable]:
    p, s = _period(period), _scope(scope)
    label = obs.BASE_MEASURES[measure]
    cur = obs.breakdowns(_w, p, s, measure)
    prev = obs.breakdowns(_w, p.previous_year(), s, measure)
    out = {}
    for dim in obs.PROFILE_DIMENSIONS:
        now = with_share(_dim_table(cur[dim], [dim], label), name=PART)
        out[dim] = evolution(now, _dim_table(prev[dim], [dim], label), name=EVOLUTION)
    return out


def profiles(w: Warehouse, scope: Scope, period: Period, measure: str) -> dict[str, MaskedTable]:
    """Profile of `measure` (suivis or premiers_accueils) by each profile dimension, with share and evolution."""
    return _profiles(w, _key(w), _sk(scope), _pk(period), measure)


# ------------------------------------------------------------------ schemes


@st.cache_data(max_entries=128, show_spinner=False)
def _schemes(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey) -> dict[str, MaskedTable]:
    p, s = _period(period), _scope(scope)
    cur, prev = obs.schemes(_w, p, s), obs.schemes(_w, p.previous_year(), s)
    if cur.empty:  # nobody in the selection ever entered a scheme
        return {}

    def table(raw: pd.DataFrame, mouvement: str) -> MaskedTable:
        frame = raw.loc[raw["mouvement"] == mouvement, ["dispositif", "n"]]
        return protect(frame.rename(columns={"dispositif": "Dispositif", "n": mouvement}), ["Dispositif"], mouvement)

    # one table per movement: a total over entries + in progress + exits would mean nothing
    return {m: evolution(table(cur, m), table(prev, m), name=EVOLUTION) for m in obs.MOUVEMENTS.values()}


def schemes(w: Warehouse, scope: Scope, period: Period) -> dict[str, MaskedTable]:
    """Entries, in progress, exits per scheme (one masked table each, with the evolution over a year)."""
    return _schemes(w, _key(w), _sk(scope), _pk(period))


# ------------------------------------------------------------------ outcomes


@dataclass(frozen=True)
class OutcomeTables:
    table: MaskedTable  # situation → young people, share of the cohort
    complete: bool
    data_end: dt.date


@st.cache_data(max_entries=128, show_spinner=False)
def _outcomes(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey, months: int) -> OutcomeTables:
    o = obs.outcomes(_w, _period(period), _scope(scope), months)
    frame = o.table.rename(columns={"situation": "Situation", "n": "Jeunes"})
    masked = with_share(protect(frame, ["Situation"], count="Jeunes"), name=PART)
    return OutcomeTables(masked, o.complete, o.data_end.date())


def outcomes(w: Warehouse, scope: Scope, period: Period, months: int) -> OutcomeTables:
    return _outcomes(w, _key(w), _sk(scope), _pk(period), months)


# ------------------------------------------------------------------ monthly series


@st.cache_data(max_entries=128, show_spinner=False)
def _monthly(_w: Warehouse, key: Key, scope: ScopeKey, start: dt.date, end: dt.date) -> MaskedTable:
    raw = obs.monthly(_w, _scope(scope), start, end)
    raw["mois"] = raw["mois"].map(month_label)  # "2010-03" → "mars 2010", in month order already
    frame = raw.rename(columns={"mois": "Mois", "mesure": "Mesure", "n": "Nombre"})
    return protect(frame, ["Mois", "Mesure"], count="Nombre")


def monthly(w: Warehouse, scope: Scope, period: Period, months: int = 24) -> MaskedTable:
    """The `months` months up to the period's end (at least the period itself)."""
    end = pd.Timestamp(period.end)
    start = min((end - pd.DateOffset(months=months - 1)).replace(day=1), pd.Timestamp(period.start))
    return _monthly(w, _key(w), _sk(scope), start.date(), period.end)


# ------------------------------------------------------------------ explorer


@dataclass(frozen=True)
class Cross:
    table: MaskedTable | None  # None when the selection is too small to break down
    message: str | None


@st.cache_data(max_entries=128, show_spinner=False)
def _cross(_w: Warehouse, key: Key, scope: ScopeKey, period: PeriodKey, measure: str, dims: tuple[str, ...]) -> Cross:
    p, s = _period(period), _scope(scope)
    raw = obs.breakdown(_w, p, s, measure, list(dims))
    message = small_selection_message(int(raw["n"].sum()))
    if message:
        return Cross(None, message)
    label = obs.measures()[measure]
    masked = _dim_table(raw, list(dims), label)
    if len(dims) == 2:
        rows, cols = (obs.DIMENSIONS[d] for d in dims)
        masked = with_share(with_share(masked, of=cols, name="% en ligne"), of=rows, name="% en colonne")
    else:
        masked = with_share(masked, name=PART)
    return Cross(masked, None)


def cross(w: Warehouse, scope: Scope, period: Period, measure: str, dims: tuple[str, ...]) -> Cross:
    """Masked cross-table of `measure` by one or two dimensions, margins and row/column shares included."""
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
