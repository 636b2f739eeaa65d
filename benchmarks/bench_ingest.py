"""Monthly extract load: rows per second and peak memory, on SQLite (and PostgreSQL if given).

python benchmarks/bench_ingest.py [--lignes 1000000] [--runs 3] [--pg URL]

The extract is the demo generator's, written in the formats of docs/formats.md (demo
proportions: per young person ~6.2 contacts, ~0.3 scheme entries, ~1 situation, so about
117,000 young people for 1,000,000 lines), loaded into a fresh database holding only the
referentials. Each run is a separate process, so its peak resident memory is the load's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_section  # noqa: E402

LIGNES_PAR_JEUNE = 8.53  # measured on the demo generator: 1 + contacts + entries + situations
CHILD = """
import json, resource, sys, time
from pathlib import Path
from lib.db.engine import make_engine
from lib.ingest.extrait import charger_extrait
engine = make_engine(sys.argv[1])
files = [(p.name, p) for p in sorted(Path(sys.argv[2]).glob("*.csv"))]
import pandera.pandas  # imported before the clock starts: a server has it loaded already
t, c = time.perf_counter(), time.process_time()
res = charger_extrait(engine, files, "banc de mesure", accepter_avertissements=True)
seconds, cpu = time.perf_counter() - t, time.process_time() - c
assert res.statut == "chargé", res.texte()
rows = sum(f.lignes for f in res.fichiers)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"s": seconds, "cpu": cpu, "rows": rows, "rss_kib": rss}))
"""


def extract(folder: Path, lignes: int) -> int:
    from lib.demo.generator import generate
    from lib.demo.load import demo_files
    from lib.demo.reference import reference

    ref = reference()
    n = int(lignes / LIGNES_PAR_JEUNE)
    demo_files(generate(ref.communes_ml(), n, 20100507), ref.reseau, folder)
    return n


def referentials(url: str) -> None:
    from sqlalchemy import text

    from lib.db.engine import make_engine, migrate
    from lib.db.schema import Base
    from lib.demo.load import load_reference
    from lib.demo.reference import reference

    engine = make_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            Base.metadata.drop_all(conn)
    migrate(engine)
    with engine.begin() as conn:
        load_reference(conn, reference(), lambda f, m: None)
    engine.dispose()


def run(url: str, folder: Path) -> dict:
    env = {**os.environ, "OBSERVATOIRE_CLE_PSEUDONYMISATION": "banc-de-mesure-" + "0" * 32}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(folder)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(base_url_factory, folder: Path, runs: int) -> dict:  # noqa: ANN001
    results = []
    for i in range(runs):
        url = base_url_factory(i)
        results.append(run(url, folder))
        r = results[-1]
        print(
            f"  essai {i + 1} : {r['rows'] / r['s']:,.0f} lignes/s ({r['rows'] / r['cpu']:,.0f} en temps CPU), "
            f"{r['rss_kib'] / 1_048_576:.2f} Gio",
            flush=True,
        )
    seconds = statistics.median(r["s"] for r in results)
    cpu = statistics.median(r["cpu"] for r in results)
    rows = results[0]["rows"]
    best = min(r["s"] for r in results)
    return {
        "s": seconds,
        "best": best,
        "cpu": cpu,
        "rows": rows,
        "peak": max(r["rss_kib"] for r in results) / 1_048_576,
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--lignes", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--pg", default=os.environ.get("OBSERVATOIRE_TEST_PG_URL"))
    args = p.parse_args()
    lines = [
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs (partagés), Python {platform.python_version()}. "
        f"Médiane de {args.runs} chargements, chacun dans un processus neuf, base ne contenant que les référentiels.",
        "",
        "| base | jeunes | lignes de l'extrait | durée (s) | lignes/s | meilleur essai (lignes/s) | temps CPU (s) "
        "| lignes/s de CPU | mémoire maximale (Gio) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = Path(tmp) / "extrait"
        folder.mkdir()
        t = time.perf_counter()
        n = extract(folder, args.lignes)
        print(f"extrait de démonstration : {n:,} jeunes écrits en {time.perf_counter() - t:.0f} s", flush=True)
        ref_db = Path(tmp) / "ref.db"
        referentials(f"sqlite:///{ref_db}")

        def sqlite_copy(i: int) -> str:
            dst = Path(tmp) / f"run{i}.db"
            shutil.copy(ref_db, dst)
            return f"sqlite:///{dst}"

        bases = [("SQLite", sqlite_copy)]
        if args.pg:

            def pg(i: int) -> str:  # noqa: ARG001
                referentials(args.pg)
                return args.pg

            bases.append(("PostgreSQL (COPY)", pg))
        for name, factory in bases:
            print(name, flush=True)
            m = measure(factory, folder, args.runs)
            row = (
                f"| {name} | {n:,} | {m['rows']:,} | {m['s']:.1f} | {m['rows'] / m['s']:,.0f} "
                f"| {m['rows'] / m['best']:,.0f} | {m['cpu']:.1f} "
                f"| {m['rows'] / m['cpu']:,.0f} | {m['peak']:.2f} |"
            ).replace(",", " ")
            print(row, flush=True)
            lines.append(row)
    charge = " ; ".join(f"{x:.1f}".replace(".", ",") for x in os.getloadavg())
    lines += [
        "",
        f"Charge moyenne de la machine pendant la mesure (1, 5, 15 min) : {charge} — la durée murale dépend des "
        "autres processus ; le temps CPU, non (le chargement tient sur un cœur).",
        "Objectif : au moins 50 000 lignes/s sur la base embarquée, mémoire maximale sous 1,5 Gio.",
    ]
    write_section("Import de l'extrait mensuel", "\n".join(lines))


if __name__ == "__main__":
    main()
