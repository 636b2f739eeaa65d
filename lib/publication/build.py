"""build_publication(engine, version): protect and store everything the app publishes for a data version.

Idempotent: a version already built (or being built by another visitor) is not built again.
Publication-to-publication rule: a period that had ended when an earlier version was published
(its end before that version's last data date) keeps the cells published then (frozen), so that
late entries never show as the difference between two publications; see docs/secret.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading
import time

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from lib.config import settings
from lib.db.schema import PublicationCase, PublicationEtat, PublicationProbleme
from lib.indicators import observation as obs
from lib.indicators.data import Warehouse, read_warehouse
from lib.partenariat.catalogue import catalogue
from lib.partenariat.store import active_values
from lib.publication import partenariat
from lib.publication.model import Problem, Spec, build_problem
from lib.publication.plan import Plan, Population, plan
from lib.publication.records import records
from lib.publication.suppress import protected_cells
from lib.publication.territory import Territory, build_territory

READY, RUNNING, FAILED = "prête", "en cours", "échec"
FIRST_YEAR = 2009  # the pages offer years from 2009; 2008 is built for the evolutions of 2009
_lock = threading.Lock()


def specs(p: Population, pl: Plan, year: int) -> list[Spec]:
    """The problems of a population for one year."""
    months = [pd.Period(year=year, month=m, freq="M") for m in range(1, 13)]

    def spec(
        key: str, start: pd.Timestamp, end: pd.Timestamp, full: bool, with_months: bool = False, attrs: bool = False
    ) -> Spec:
        levels = pl.year_levels if full else pl.infra_levels
        return Spec(
            p.key,
            key,
            start.date(),
            end.normalize().date(),
            tuple(lv for lv in levels if p.levels is None or lv in p.levels),
            p.attributes if full or attrs or p.infra_attributes else (),
            tuple(str(m) for m in months) if with_months else (),
            p.infra_attributes,
            p.cumul,
        )

    y = pd.Period(year=year, freq="Y")
    if p.nature == "flux":
        return [spec(str(year), y.start_time, y.end_time, True, with_months=True)]
    if p.nature == "stock":  # the year and its quarters are their last month
        return [spec(str(m), m.start_time, m.end_time, m.month == 12) for m in months]
    quarters = [pd.Period(year=year, quarter=q, freq="Q") for q in range(1, 5)]
    out = [spec(str(year), y.start_time, y.end_time, True)]
    # the comité meets each quarter: a quarter's profile is published (by ML, département, region)
    out += [spec(f"{year}-T{q.quarter}", q.start_time, q.end_time, False, attrs=True) for q in quarters]
    return out + [spec(str(m), m.start_time, m.end_time, False) for m in months]


def years(w: Warehouse) -> list[int]:
    present = list(w.years_of_first_reception)
    shown = [y for y in present if y >= FIRST_YEAR] or present
    return list(range(shown[0] - 1, shown[-1] + 1)) if shown else []


def offered_years(w: Warehouse) -> list[int]:
    """The years the pages offer: those of the publication but the first, built for the evolutions only."""
    return years(w)[1:]


def build_publication(engine: Engine, version: int) -> None:
    """Build and store the publication of `version` unless it is ready or being built."""
    with _lock:
        if not _claim(engine, version):
            return
        try:
            summary = _build(engine, version)
        except Exception as exc:
            with engine.begin() as conn:
                conn.execute(
                    update(PublicationEtat)
                    .where(PublicationEtat.version == version)
                    .values(statut=FAILED, fin=dt.datetime.now(), resume=json.dumps({"erreur": str(exc)}))
                )
            raise
        with engine.begin() as conn:
            conn.execute(
                update(PublicationEtat)
                .where(PublicationEtat.version == version)
                .values(
                    statut=READY,
                    fin=dt.datetime.now(),
                    fin_donnees=summary.pop("fin_donnees"),
                    resume=json.dumps(summary),
                )
            )


def status(engine: Engine, version: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(PublicationEtat.statut).where(PublicationEtat.version == version)).scalar()


def _claim(engine: Engine, version: int) -> bool:
    """Mark the version as being built; False when it is ready or another build runs."""
    with engine.begin() as conn:
        current = conn.execute(select(PublicationEtat.statut).where(PublicationEtat.version == version)).scalar()
        if current in (READY, RUNNING):
            return False
        conn.execute(delete(PublicationEtat).where(PublicationEtat.version == version))
        conn.execute(insert(PublicationEtat).values(version=version, statut=RUNNING, debut=dt.datetime.now()))
    return True


def _build(engine: Engine, version: int) -> dict:
    started = time.perf_counter()
    cfg = settings()
    rules, pl = cfg.secret, plan()
    w = read_warehouse(engine, version)  # an earlier version shown "as of" is built from its own rows
    territory = build_territory(w, rules.population_commune_min, cfg.region_code, cfg.region_nom)
    # each year's figures in the ML territory of that year (a commune that moved keeps its past where it was)
    of_year = {
        y: build_territory(w, rules.population_commune_min, cfg.region_code, cfg.region_nom, annee=y) for y in years(w)
    }
    # a closed year is kept as published only while its territory stays the same (a corrected territory applies)
    territories = {str(y): _territory_digest(t) for y, t in of_year.items()}
    data_end = obs.data_end(w).date()
    frozen = _frozen_source(engine, version)
    fingerprint = _fingerprint(w, cfg.region_code, cfg.region_nom)
    cot = cfg.cotraitance  # the co-traitance populations depend on these two settings
    rules_json = json.dumps(
        {
            "secret": dataclasses.asdict(rules),
            "plan": _plan_json(pl),
            "cotraitance": [cot.delai_acceptation_jours, cot.cible_premier_entretien_jours_ouvres],
        },
        ensure_ascii=False,
    )
    totals = {"problemes": 0, "cases": 0, "primaires": 0, "secondaires": 0, "figees": 0}
    with engine.begin() as conn:
        conn.execute(delete(PublicationCase).where(PublicationCase.version == version))
        conn.execute(delete(PublicationProbleme).where(PublicationProbleme.version == version))
        for p in pl.populations.values():
            for year in years(w):
                for spec in specs(p, pl, year):
                    # unchanged records (a partnership entry, a validation): every problem is the previous one
                    kept = frozen and (spec.end < frozen["fin"] or frozen["empreinte"] == fingerprint)
                    kept = kept and frozen["territoires"].get(str(year)) == territories[str(year)]
                    source = frozen.get((p.key, spec.key)) if kept else None
                    if source is not None and frozen["regles"] == rules_json:
                        _copy(conn, source, version)
                        totals["figees"] += 1
                        continue
                    rec = records(w, p.key, spec.start, spec.end, spec.attributes)
                    problem = build_problem(spec, of_year[year], rec)
                    before = _previous(conn, frozen.get("version"), problem)
                    _protect_and_store(conn, problem, before, version, rules_json, totals, len(of_year[year].units))
        # partnership counts: entered by the MLs, protected with the rest of the version (partenariat.py)
        for _, problem in partenariat.problems(active_values(engine), catalogue(), territory):
            before = _previous(conn, frozen.get("version"), problem)
            _protect_and_store(conn, problem, before, version, rules_json, totals, None)
    seconds = round(time.perf_counter() - started, 2)
    return {
        **totals,
        "secondes": seconds,
        "fin_donnees": data_end,
        "empreinte": fingerprint,
        "territoires": territories,
    }


def _territory_digest(territory: Territory) -> str:
    """Digest of a year's territorial units (which commune in which unit of which ML)."""
    units = territory.units[["unit", "ml", "bassin", "departement", "commune", "population"]]
    h = hashlib.sha256(pd.util.hash_pandas_object(units, index=False).to_numpy().tobytes())
    h.update(json.dumps(sorted(territory.commune_unit.items())).encode())
    return h.hexdigest()


def _fingerprint(w: Warehouse, *names: str) -> str:
    """Digest of everything the records' problems are built from: the warehouse's tables and names."""
    h = hashlib.sha256("|".join(names).encode())
    for f in dataclasses.fields(w):
        frame = getattr(w, f.name)
        if isinstance(frame, pd.DataFrame):
            h.update(f.name.encode() + ",".join(map(str, frame.columns)).encode())
            h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


KEY = ["periode", "niveau", "code", "dimension", "modalite"]  # a cell's identity within a problem


def _previous(conn, version: int | None, problem: Problem) -> np.ndarray | None:  # noqa: ANN001
    """Each cell's last published value (in the previous publication or before it), NaN where none."""
    if version is None:
        return None
    ids = select(PublicationProbleme.id).where(
        PublicationProbleme.version == version,
        PublicationProbleme.population == problem.spec.population,
        PublicationProbleme.periode == problem.spec.key,
    )
    cols = [getattr(PublicationCase, k) for k in KEY]
    q = select(*cols, PublicationCase.connue).where(
        PublicationCase.probleme_id.in_(ids), PublicationCase.connue.is_not(None)
    )
    before = pd.DataFrame(conn.execute(q).all(), columns=[*KEY, "connue"])
    if before.empty:
        return None
    aligned = problem.cells[KEY].astype(str).merge(before.astype({k: str for k in KEY}), on=KEY, how="left")
    return pd.to_numeric(aligned["connue"], errors="coerce").to_numpy(dtype=float)


def _protect_and_store(
    conn,  # noqa: ANN001
    problem: Problem,
    before: np.ndarray | None,
    version: int,
    regles: str,
    totals: dict,
    n_units: int | None,
) -> None:
    """before: the previous publication's values (see suppress.protect_problem); n_units: the inner
    cells that count each person once (the territorial units; None: all)."""
    t0 = time.perf_counter()
    spec = problem.spec
    cells, pattern = protected_cells(problem, settings().secret, before)
    finest = cells["niveau"].eq(spec.levels[0])  # people hidden, counted on the finest published territories
    if n_units is not None:  # the year's territorial cells, not its months or attributes
        finest &= cells["periode"].eq(spec.key) & cells["dimension"].eq("")
    primaires, secondaires = int(pattern.primary.sum()), int((pattern.hidden & ~pattern.primary).sum())
    pid = conn.execute(
        insert(PublicationProbleme).values(
            version=version,
            population=spec.population,
            periode=spec.key,
            cases=len(cells),
            primaires=primaires,
            secondaires=secondaires,
            personnes=int(problem.inner[:n_units].sum()),
            personnes_masquees=int(problem.cells.loc[finest & pattern.hidden, "valeur"].sum()),
            secondes=time.perf_counter() - t0,
            regles=regles,
        )
    ).inserted_primary_key[0]
    known = np.where(pattern.hidden, np.nan, problem.cells["valeur"].to_numpy(dtype=float))
    if before is not None:  # a hidden cell published before: the public still knows that value
        known = np.where(pattern.hidden, before, known)
    _store(conn, cells.assign(connue=known), pid, version, spec.population)
    totals["problemes"] += 1
    totals["cases"] += len(cells)
    totals["primaires"] += primaires
    totals["secondaires"] += secondaires


def _store(conn, cells: pd.DataFrame, pid: int, version: int, population: str) -> None:  # noqa: ANN001
    frame = cells[["periode", "niveau", "code", "libelle", "ml", "bassin", "departement", "dimension", "modalite"]]
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row, v, s, k in zip(rows, cells["valeur"], cells["statut"], cells["connue"], strict=True):
        row.update(probleme_id=pid, version=version, population=population, statut=s)
        row["valeur"] = None if v is None else float(v)
        row["connue"] = None if np.isnan(k) else float(k)
    conn.execute(insert(PublicationCase), rows)


def _frozen_source(engine: Engine, version: int) -> dict:
    """The latest earlier ready publication: its problems by (population, period), its data end and rules."""
    with engine.connect() as conn:
        prev = conn.execute(
            select(PublicationEtat.version, PublicationEtat.fin_donnees, PublicationEtat.resume)
            .where(PublicationEtat.version < version, PublicationEtat.statut == READY)
            .order_by(PublicationEtat.version.desc())
            .limit(1)
        ).first()
        if prev is None or prev.fin_donnees is None:
            return {}
        problems = conn.execute(select(PublicationProbleme).where(PublicationProbleme.version == prev.version)).all()
    if not problems:
        return {}
    out: dict = {(r.population, r.periode): r for r in problems}
    out["fin"] = prev.fin_donnees
    out["version"] = prev.version
    resume = json.loads(prev.resume or "{}")
    out["empreinte"] = resume.get("empreinte")
    out["territoires"] = resume.get("territoires", {})
    out["regles"] = problems[0].regles
    return out


def _copy(conn, source, version: int) -> None:  # noqa: ANN001 (a PublicationProbleme row)
    values = {c: getattr(source, c) for c in ("population", "periode", "cases", "primaires", "secondaires")}
    values |= {c: getattr(source, c) for c in ("personnes", "personnes_masquees", "secondes", "regles")}
    pid = conn.execute(
        insert(PublicationProbleme).values(
            **values, version=version, figee_depuis=source.figee_depuis or source.version
        )
    ).inserted_primary_key[0]
    rows = conn.execute(select(PublicationCase).where(PublicationCase.probleme_id == source.id)).all()
    keep = ("periode", "niveau", "code", "libelle", "ml", "bassin", "departement", "dimension", "modalite", "valeur")
    keep += ("connue",)
    payload = [
        {
            **{k: getattr(r, k) for k in keep},
            "statut": r.statut,
            "probleme_id": pid,
            "version": version,
            "population": r.population,
        }
        for r in rows
    ]
    if payload:
        conn.execute(insert(PublicationCase), payload)


def _plan_json(pl: Plan) -> dict:
    return {
        "territoire": {"annee": list(pl.year_levels), "infra_annuel": list(pl.infra_levels)},
        "populations": {
            k: {
                "nature": p.nature,
                "attributs": list(p.attributes),
                "niveaux": list(p.levels or ()),
                "attributs_infra_annuels": p.infra_attributes,
                "cumul": p.cumul,
            }
            for k, p in pl.populations.items()
        },
    }
