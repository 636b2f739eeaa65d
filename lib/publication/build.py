"""build_publication(engine, version): protect and store everything the app publishes for a data version.

Idempotent: a version already built (or being built by another visitor) is not built again.
Publication-to-publication rule: a period that had ended when an earlier version was published
(its end before that version's last data date) keeps the cells published then (frozen), so that
late entries never show as the difference between two publications; see docs/secret.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
from lib.publication.model import Spec, build_problem
from lib.publication.plan import Plan, Population, plan
from lib.publication.records import records
from lib.publication.suppress import protect_problem
from lib.publication.territory import build_territory

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
    present = sorted(set(w.jeunes["date_premier_accueil"].dt.year.dropna().astype(int)))
    shown = [y for y in present if y >= FIRST_YEAR] or present
    return list(range(shown[0] - 1, shown[-1] + 1)) if shown else []


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
    w = read_warehouse(engine)
    territory = build_territory(w, rules.population_commune_min, cfg.region_code, cfg.region_nom)
    data_end = obs.data_end(w).date()
    frozen = _frozen_source(engine, version)
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
                    source = frozen.get((p.key, spec.key)) if frozen and spec.end < frozen["fin"] else None
                    if source is not None and frozen["regles"] == rules_json:
                        _copy(conn, source, version)
                        totals["figees"] += 1
                        continue
                    t0 = time.perf_counter()
                    problem = build_problem(spec, territory, records(w, p.key, spec.start, spec.end, spec.attributes))
                    pattern = protect_problem(problem, rules)
                    cells = problem.cells.assign(
                        valeur=np.where(pattern.hidden, None, problem.cells["valeur"].astype(object)),
                        statut=np.select([pattern.primary, pattern.hidden], ["primaire", "secondaire"], "publiée"),
                    )
                    units = problem.inner[: len(territory.units)]
                    finest = spec.levels[0]  # people hidden, counted on the finest published territories
                    unit_cells = cells["niveau"].eq(finest) & cells["periode"].eq(spec.key) & cells["dimension"].eq("")
                    hidden_people = int(problem.cells.loc[unit_cells & pattern.hidden, "valeur"].sum())
                    pid = conn.execute(
                        insert(PublicationProbleme).values(
                            version=version,
                            population=p.key,
                            periode=spec.key,
                            cases=len(cells),
                            primaires=int(pattern.primary.sum()),
                            secondaires=int((pattern.hidden & ~pattern.primary).sum()),
                            personnes=int(units.sum()),
                            personnes_masquees=hidden_people,
                            secondes=time.perf_counter() - t0,
                            regles=rules_json,
                        )
                    ).inserted_primary_key[0]
                    _store(conn, cells, pid, version, p.key)
                    totals["problemes"] += 1
                    totals["cases"] += len(cells)
                    totals["primaires"] += int(pattern.primary.sum())
                    totals["secondaires"] += int((pattern.hidden & ~pattern.primary).sum())
    return {**totals, "secondes": round(time.perf_counter() - started, 2), "fin_donnees": data_end}


def _store(conn, cells: pd.DataFrame, pid: int, version: int, population: str) -> None:  # noqa: ANN001
    frame = cells[["periode", "niveau", "code", "libelle", "ml", "bassin", "departement", "dimension", "modalite"]]
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row, v, s in zip(rows, cells["valeur"], cells["statut"], strict=True):
        row.update(probleme_id=pid, version=version, population=population, statut=s)
        row["valeur"] = None if v is None else float(v)
    conn.execute(insert(PublicationCase), rows)


def _frozen_source(engine: Engine, version: int) -> dict:
    """The latest earlier ready publication: its problems by (population, period), its data end and rules."""
    with engine.connect() as conn:
        prev = conn.execute(
            select(PublicationEtat.version, PublicationEtat.fin_donnees)
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
