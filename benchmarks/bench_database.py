"""Embedded database choice: SQLite vs DuckDB on the demo data (load, full read, aggregate query).

    python benchmarks/bench_database.py [30000 300000]

Prints a table and writes it to BENCHMARKS.md (section "Base embarquée").
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_section  # noqa: E402
from lib.db.schema import Base  # noqa: E402
from lib.demo.generator import generate  # noqa: E402
from lib.demo.load import insert_frame  # noqa: E402
from lib.demo.reference import reference  # noqa: E402

QUERY = """
SELECT j.ml_code, COUNT(DISTINCT c.jeune_id) AS n
FROM contact c JOIN jeune j ON j.id = c.jeune_id
WHERE c.date BETWEEN '2010-01-01' AND '2010-12-31'
GROUP BY j.ml_code
"""


def median_time(fn, runs: int = 3) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench(url: str, data, ref) -> dict[str, float]:  # noqa: ANN001
    engine = create_engine(url)
    if url.startswith("sqlite"):
        Base.metadata.create_all(engine)
    # duckdb-engine cannot create our schema (no SERIAL for integer primary keys): pandas creates the tables
    t = time.perf_counter()
    with engine.begin() as conn:
        insert_frame(conn, "commune", ref.communes.drop(columns=["geometry"]))
        for table, df in (("jeune", data.jeunes), ("contact", data.contacts), ("dispositif", data.dispositifs)):
            insert_frame(conn, table, df)
    load = time.perf_counter() - t

    def read_all() -> None:
        with engine.connect() as conn:
            for table in ("jeune", "contact", "dispositif"):
                conn.exec_driver_sql(f"SELECT * FROM {table}").fetchall()  # noqa: S608

    def aggregate() -> None:
        with engine.connect() as conn:
            conn.execute(text(QUERY)).fetchall()

    out = {
        "chargement (s)": load,
        "lecture complète (s)": median_time(read_all),
        "agrégat SQL (s)": median_time(aggregate),
    }
    engine.dispose()
    return out


def main(sizes: list[int]) -> None:
    ref = reference()
    communes = ref.communes_ml()
    lines = [
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}.",
        "Médiane de 3 lectures ; chargement en une transaction (pandas.to_sql).",
        "",
        "| jeunes | contacts | base | chargement (s) | lecture complète (s) | agrégat SQL (s) | fichier (Mo) |",
        "|---:|---:|---|---:|---:|---:|---:|",
    ]
    for n in sizes:
        data = generate(communes, n, 1)
        for name in ("sqlite", "duckdb"):
            with tempfile.TemporaryDirectory() as d:
                path = Path(d) / f"bench.{name}"
                url = f"sqlite:///{path}" if name == "sqlite" else f"duckdb:///{path}"
                r = bench(url, data, ref)
                size = path.stat().st_size / 1e6
            row = (
                f"| {n:,} | {len(data.contacts):,} | {name} | {r['chargement (s)']:.2f} | "
                f"{r['lecture complète (s)']:.2f} | {r['agrégat SQL (s)']:.3f} | {size:.0f} |"
            ).replace(",", " ")
            print(row, flush=True)
            lines.append(row)
    write_section("Base embarquée", "\n".join(lines))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [30_000, 300_000])
