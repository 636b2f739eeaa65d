"""Build time and suppression of the joint publication, beside today's table-by-table protection.

python benchmarks/bench_publication.py [30000 300000 1200000]  → section « Publication protégée » of BENCHMARKS.md

One child process per size, each on its own demo database /tmp/obs_bench_pub_<size>.db.
For each size: the build of every problem (every population of the plan, 3 years), its primary and secondary
cells, the share of people hidden (people in hidden commune-level cells of the year problems,
over all people of those problems), the peak memory; and, for premiers accueils 2010 on the
same crossings, what protecting each table on its own (lib.secret.protect) hides.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import fr_decimal, fr_int, run_children, write_section  # noqa: E402


def child(size: int) -> dict:
    url = f"sqlite:////tmp/obs_bench_pub_{size}.db"
    os.environ["OBSERVATOIRE_DB_URL"] = url
    os.environ["OBSERVATOIRE_DEMO_JEUNES"] = str(size)
    from sqlalchemy import text

    from lib.config import settings
    from lib.db.engine import data_version, get_engine, migrate
    from lib.demo.load import is_loaded, load_demo
    from lib.publication import build_publication

    engine = get_engine(url)
    migrate(engine)
    if not is_loaded(engine):
        load_demo(engine, settings())
    version = data_version(engine)
    with engine.begin() as conn:  # measure a fresh build of the current version
        conn.execute(text("DELETE FROM publication_etat WHERE version = :v"), {"v": version})
    start = time.perf_counter()
    build_publication(engine, version)
    seconds = time.perf_counter() - start
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT population, periode, cases, primaires, secondaires, personnes, personnes_masquees, secondes "
                "FROM publication_probleme WHERE version = :v"
            ),
            {"v": version},
        ).all()
    years = [r for r in rows if len(r.periode) == 4]
    pa = next(r for r in rows if r.population == "premiers_accueils" and r.periode == "2010")
    return {
        "size": size,
        "seconds": seconds,
        "problems": len(rows),
        "cells": sum(r.cases for r in rows),
        "primary": sum(r.primaires for r in rows),
        "secondary": sum(r.secondaires for r in rows),
        "people": sum(r.personnes for r in years),
        "hidden_people": sum(r.personnes_masquees for r in years),
        "slowest": max(r.secondes for r in rows),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pa2010": [pa.cases, pa.primaires, pa.secondaires, pa.secondes],
        "separate": separate_tables(engine) if size <= 30_000 else None,
    }


def separate_tables(engine) -> list[int]:  # noqa: ANN001
    """Premiers accueils 2010, each table protected on its own as the pages did before the publication:
    communes, ML × bassin, bassins, then ML × each attribute, ML × month. Returns [tables, primary, secondary]."""
    import datetime as dt

    from lib.config import settings
    from lib.indicators.data import read_warehouse
    from lib.publication.plan import plan
    from lib.publication.records import records
    from lib.publication.territory import build_territory
    from lib.secret import protect

    w = read_warehouse(engine)
    t = build_territory(w, settings().secret.population_commune_min, settings().region_code, settings().region_nom)
    p = plan().population("premiers_accueils")
    rec = records(w, p.key, dt.date(2010, 1, 1), dt.date(2010, 12, 31), p.attributes)
    rec["unit"] = rec["commune_code"].map(t.commune_unit)
    units = t.units.set_index("unit")
    for col in ("ml", "bassin", "commune"):
        rec[col] = rec["unit"].map(units[col])
    tables = [["commune"], ["ml", "bassin"], ["bassin"]] + [["ml", a] for a in p.attributes] + [["ml", "mois"]]
    n_primary = n_secondary = 0
    for dims in tables:
        counts = rec.groupby(dims, observed=True).size().rename("n").reset_index()
        masked = protect(counts, dims)
        status = masked.table["status"]
        n_primary += int((status == "primary").sum())
        n_secondary += int((status == "secondary").sum())
    return [len(tables), n_primary, n_secondary]


def main(sizes: list[int]) -> None:
    results = run_children(__file__, sizes)
    lines = [
        "Machine : x86_64, 2 cœurs. Commande : `python benchmarks/bench_publication.py 30000 300000 1200000`. "
        "Une construction complète : toutes les populations de `publication.toml` et les indicateurs de "
        "partenariat, années 2008 à 2010 (mois, trimestres, cumuls et année), chaque problème protégé en une fois "
        "(élimination de Gauss puis attaquant LP). « Personnes masquées » : dans les cases territoriales les plus "
        "fines masquées des problèmes annuels, sur toutes les personnes de ces problèmes.",
        "",
        "| jeunes | problèmes | cases | primaires | secondaires | personnes masquées (année, communes) "
        "| construction (s) | problème le plus long (s) | mémoire max (Mio) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        share = 100 * r["hidden_people"] / max(r["people"], 1)
        lines.append(
            f"| {fr_int(r['size'])} | {r['problems']} | {fr_int(r['cells'])} | {fr_int(r['primary'])} | "
            f"{fr_int(r['secondary'])} | {fr_int(r['hidden_people'])} ({fr_decimal(share, 2)} %) | "
            f"{fr_decimal(r['seconds'], 1)} | {fr_decimal(r['slowest'], 2)} | {fr_int(int(r['peak_mib']))} |"
        )
    for r in results:
        if r["separate"]:
            c, p, s, sec = r["pa2010"]
            n, sp, ss = r["separate"]
            lines += [
                "",
                f"Premiers accueils 2010, {fr_int(r['size'])} jeunes : publication jointe, {fr_int(c)} cases, "
                f"{p} primaires, {s} secondaires, {fr_decimal(sec, 2)} s ; les mêmes croisements protégés table par "
                f"table comme avant ({n} tables) : {sp} primaires, {ss} secondaires — mais alors une case masquée "
                "d'une table se recalcule avec une autre (cas de Septfonds).",
            ]
    write_section("Publication protégée", "\n".join(lines))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(child(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or [30_000])
