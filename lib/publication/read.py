"""Read the stored publication: the only source of counts of people for pages, charts and exports.

Every function returns MaskedTables built from stored cells (lib.secret.published.from_cells):
nothing is counted or protected here. A version not built yet is built on first request,
once, whatever the number of visitors (build_publication takes a lock and a database flag).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine, select

from lib.config import settings
from lib.db.schema import PublicationCase
from lib.indicators import observation as obs
from lib.indicators.data import shown_version
from lib.indicators.periods import Period
from lib.indicators.scope import Scope
from lib.indicators.series import month_label
from lib.publication import partenariat
from lib.publication.plan import plan
from lib.secret import MaskedTable, small_selection_message
from lib.secret.masked import STATUS, TOTAL
from lib.secret.published import STATUSES, from_cells

LABELS = {**obs.DIMENSIONS, "ml_bassin": "Mission locale × bassin d'emploi", "dispositif": "Dispositif"}
TERRITORY_ROWS = {  # scope level → territorial levels that may go in rows under it
    "region": ("ml", "departement", "bassin", "ml_bassin", "commune"),
    "departement": ("ml", "commune"),
    "ml": ("commune",),
    "bassin": ("ml_bassin",),
}
ATTRIBUTE_SCOPES = ("region", "departement", "ml")  # attributes are crossed with the ML and above
WAIT_SECONDS = 600


@dataclass(frozen=True)
class Published:
    table: MaskedTable | None
    message: str | None


def ensure(engine: Engine) -> int:
    """The version shown (in service, or the earlier one an administrator chose), its publication
    built (here if needed, or by another visitor)."""
    # imported here: the build reads the co-traitance records, whose dashboard reads this module
    from lib.publication.build import READY, RUNNING, build_publication, status

    version = shown_version(engine)
    state = status(engine, version)
    if state != READY:
        build_publication(engine, version)
        waited = 0.0
        while status(engine, version) == RUNNING and waited < WAIT_SECONDS:  # another process builds it
            time.sleep(0.5)
            waited += 0.5
        if status(engine, version) != READY:
            raise RuntimeError(f"publication de la version {version} des données impossible : voir publication_etat")
    return version


def period_key(population: str, period: Period) -> str | None:
    """Key of the stored cells for a period; None when the plan does not publish it (12 mois glissants)."""
    s = period.start
    if period.kind == "12mois":
        return None
    stock = plan().population(population).nature == "stock"
    if period.kind == "mois" or (stock and period.kind in ("trimestre", "annee")):
        return f"{period.end.year}-{period.end.month:02d}"
    if period.kind == "trimestre":
        return f"{s.year}-T{(s.month - 1) // 3 + 1}"
    return str(s.year)


def scope_cell(scope: Scope) -> tuple[str, str]:
    if scope.level == "region" or scope.code is None:
        return "region", settings().region_code
    return scope.level, str(scope.code)


@lru_cache(maxsize=512)
def _cells(url: str, engine: Engine, version: int, population: str, periode: str | None) -> pd.DataFrame:
    cols = [getattr(PublicationCase, c) for c in ("niveau", "code", "libelle", "ml", "bassin", "departement")]
    cols += [PublicationCase.dimension, PublicationCase.modalite, PublicationCase.valeur, PublicationCase.statut]
    where = [PublicationCase.version == version, PublicationCase.population == population]
    if periode is None:  # every period of the population
        cols.append(PublicationCase.periode)
    else:
        where.append(PublicationCase.periode == periode)
    q = select(*cols).where(*where).order_by(PublicationCase.id)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(q).all(), columns=[c.key for c in cols])


def cells(engine: Engine, population: str, periode: str) -> pd.DataFrame:
    version = ensure(engine)
    return _cells(engine.url.render_as_string(hide_password=False), engine, version, population, periode)


def partnership_cells(engine: Engine) -> pd.DataFrame:
    """Every published cell of the partnership counts (lib/publication/partenariat.py), all quarters."""
    version = ensure(engine)
    return _cells(engine.url.render_as_string(hide_password=False), engine, version, partenariat.POPULATION, None)


def _within(c: pd.DataFrame, scope: Scope) -> pd.Series:
    if scope.level == "region" or scope.code is None:
        return pd.Series(True, index=c.index)
    return c[scope.level].astype(str) == str(scope.code)


def _not_published(what: str) -> Published:
    return Published(None, f"{what} : ce croisement n'est pas dans le plan de publication (publication.toml).")


def figure(engine: Engine, population: str, period: Period, scope: Scope) -> MaskedTable | None:
    """One published count (a 0-dimension table); None when the period or territory is not published."""
    key = period_key(population, period)
    return None if key is None else stored_figure(engine, population, key, scope)


def stored_figure(engine: Engine, population: str, key: str, scope: Scope) -> MaskedTable | None:
    """The published count of `scope` under a stored period key (a year-to-date, say); None when absent."""
    c = cells(engine, population, key)
    niveau, code = scope_cell(scope)
    row = c[(c["niveau"] == niveau) & (c["code"] == code) & (c["dimension"] == "")]
    if row.empty:
        return None
    label = plan().population(population).label
    return from_cells(row.rename(columns={"valeur": label}), [], label, {})


def offered_rows(population: str, scope: Scope, period: Period) -> list[str]:
    """Dimensions the Explorateur may put in rows for this population, territory and period."""
    full = _full_period(population, period)
    levels = plan().year_levels if full else plan().infra_levels
    own = plan().population(population).levels  # counts known by ML: ML and above only
    rows = [lv for lv in TERRITORY_ROWS[scope.level] if lv in levels and (own is None or lv in own)]
    if _with_attributes(population, period) and scope.level in ATTRIBUTE_SCOPES:
        rows += list(plan().population(population).attributes)
    return rows


def offered_columns(population: str, scope: Scope, period: Period, rows: str) -> list[str]:
    """Second dimensions allowed with `rows`: attributes against ML or département rows (year only)."""
    if rows in ("ml", "departement") and _with_attributes(population, period) and scope.level in ATTRIBUTE_SCOPES:
        return list(plan().population(population).attributes)
    return []


def _with_attributes(population: str, period: Period) -> bool:
    """Attributes: for the year, and for a quarter when people are counted once per period."""
    return _full_period(population, period) or (
        period.kind == "trimestre" and plan().population(population).nature == "effectif"
    )


def _full_period(population: str, period: Period) -> bool:
    """Attributes and fine territories are published for the year (a stock: its December)."""
    return period.kind == "annee" or (
        plan().population(population).nature == "stock" and period.kind == "mois" and period.end.month == 12
    )


def dimension_label(dim: str) -> str:
    return LABELS.get(dim) or plan().attribute_labels.get(dim, dim)


def breakdown(
    engine: Engine,
    population: str,
    period: Period,
    scope: Scope,
    rows: str,
    cols: str | None = None,
    names: dict[str, str] | None = None,
) -> Published:
    """The published cross-table of `population` by `rows` (and `cols`), with its margins.
    names: display names of the dimensions or of the count (key "count") instead of the plan's."""
    names = names or {}
    label = names.get("count") or plan().population(population).label

    def name(dim: str) -> str:
        return names.get(dim) or dimension_label(dim)

    key = period_key(population, period)
    if key is None:
        return Published(
            None, "Les 12 mois glissants ne sont pas publiés : choisissez un mois, un trimestre ou une année."
        )
    if rows not in offered_rows(population, scope, period) or (
        cols is not None and cols not in offered_columns(population, scope, period, rows)
    ):
        if (
            cols is not None
            and cols in offered_rows(population, scope, period)
            and rows in offered_columns(population, scope, period, cols)
        ):  # attribute in rows, territory in columns: the same cells, turned
            swapped = breakdown(engine, population, period, scope, cols, rows, names)
            t = swapped.table
            return Published(None if t is None else dataclasses.replace(t, dims=t.dims[::-1]), swapped.message)
        return _not_published(name(rows) + (f" × {name(cols)}" if cols else ""))
    c = cells(engine, population, key)
    niveau, code = scope_cell(scope)
    total = c[(c["niveau"] == niveau) & (c["code"] == code)]
    message = small_selection_message(float(total.loc[total["dimension"] == "", "valeur"].fillna(0).sum()))
    if message:
        return Published(None, message)
    attributes = plan().population(population).attributes
    if rows in attributes:  # one attribute, in the scope
        part = total[total["dimension"] == rows].assign(r=lambda f: f["modalite"])
        tot = total[total["dimension"] == ""].assign(r=TOTAL)
        frame, dims = pd.concat([part, tot]), {name(rows): "r"}
    else:
        inside = c[(c["niveau"] == rows) & _within(c, scope)]
        if cols is None:
            part = inside[inside["dimension"] == ""].assign(r=lambda f: f["libelle"])
            tot = total[total["dimension"] == ""].assign(r=TOTAL)
            frame, dims = pd.concat([part, tot]), {name(rows): "r"}
        else:
            body = inside[inside["dimension"].isin([cols, ""])].assign(
                r=lambda f: f["libelle"], k=lambda f: f["modalite"].where(f["dimension"] != "", TOTAL)
            )
            foot = total[total["dimension"].isin([cols, ""])].assign(
                r=TOTAL, k=lambda f: f["modalite"].where(f["dimension"] != "", TOTAL)
            )
            frame, dims = pd.concat([body, foot]), {name(rows): "r", name(cols): "k"}
    frame = frame.rename(columns={"valeur": label})
    for name, src in dims.items():
        frame[name] = frame[src]
    order = {name: tuple(dict.fromkeys([*(v for v in frame[name] if v != TOTAL), TOTAL])) for name in dims}
    return Published(from_cells(frame, list(dims), label, order), None)


def monthly(engine: Engine, populations: list[str], scope: Scope, end: Period, months: int = 24) -> MaskedTable | None:
    """Published counts per month for the `months` months up to `end`'s last month: dims Mois, Mesure.
    None when the territory is not published by month (basins: only by year)."""
    last = pd.Period(end.end, freq="M")
    niveau, code = scope_cell(scope)
    frames = []
    for p in populations:
        for m in pd.period_range(last - (months - 1), last, freq="M"):
            c = cells(engine, p, str(m))  # a flow's months are stored with their own key
            row = c[(c["niveau"] == niveau) & (c["code"] == code) & (c["dimension"] == "")]
            if not row.empty:
                frames.append(row.assign(Mois=month_label(str(m)), Mesure=plan().population(p).label))
    if not frames:
        return None
    frame = pd.concat(frames).rename(columns={"valeur": "Nombre"})
    order = {"Mois": tuple(dict.fromkeys(frame["Mois"])), "Mesure": tuple(dict.fromkeys(frame["Mesure"]))}
    return from_cells(frame, ["Mois", "Mesure"], "Nombre", order)


def ml_table(
    engine: Engine, population: str, periode: str, scope: Scope, attribute: str | None = None, count: str = "n"
) -> MaskedTable:
    """Published cells of the MLs inside `scope`, with the scope's own cell as Total: dims ml (× attribute).
    With an attribute, each ML's total for the period is its Total column (shares read it)."""
    c = cells(engine, population, periode)
    niveau, code = scope_cell(scope)
    mls = c[(c["niveau"] == "ml") & _within(c, scope)]
    total = c[(c["niveau"] == niveau) & (c["code"] == code)].assign(libelle=TOTAL)
    frame = pd.concat([mls, total]).rename(columns={"valeur": count})
    frame = frame[frame["dimension"].isin(["", attribute] if attribute else [""])].assign(ml=lambda f: f["libelle"])
    order = {"ml": tuple(dict.fromkeys([*mls["libelle"], TOTAL]))}
    if attribute:
        frame[attribute] = frame["modalite"].where(frame["dimension"] != "", TOTAL)
        order[attribute] = tuple(dict.fromkeys([*(m for m in frame[attribute] if m != TOTAL), TOTAL]))
    return from_cells(frame, list(order), count, order)


def stacked(tables: dict[str, MaskedTable], dim: str, count: str = "n") -> MaskedTable:
    """Published tables of one shape side by side along a new dimension (steps of co-traitance, months):
    each keeps its own stored cells and statuses, nothing is added up here."""
    frames = []
    for label, t in tables.items():
        f = t.table.assign(**{dim: label})
        statut = f[STATUS].map({v: k for k, v in STATUSES.items()})
        frames.append(f.assign(statut=statut).rename(columns={t.count: count}))
    first = next(iter(tables.values()))
    order = {**first.categories, dim: tuple(tables)}
    frame = pd.concat(frames)
    return from_cells(frame, [*first.dims, dim], count, order)
