"""Demo generator speed: 30,000 / 300,000 / 1,000,000 young people (generation only, then SQLite load).

python benchmarks/bench_generator.py [--load]
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_section  # noqa: E402
from lib.config import settings  # noqa: E402
from lib.demo.generator import generate  # noqa: E402
from lib.demo.reference import reference  # noqa: E402

SIZES = (30_000, 300_000, 1_000_000)


def main(load: bool) -> None:
    ref = reference()
    communes = ref.communes_ml()
    lines = [
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}.",
        "",
        "| jeunes | contacts | dispositifs | situations | génération (s) | chargement SQLite complet (s) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n in SIZES:
        t = time.perf_counter()
        d = generate(communes, n, settings().demo_seed)
        gen = time.perf_counter() - t
        load_s = "—"
        if load:
            from lib.db.engine import make_engine
            from lib.demo.load import load_demo

            with tempfile.TemporaryDirectory() as tmp:
                t = time.perf_counter()
                load_demo(make_engine(f"sqlite:///{tmp}/g.db"), settings(), n=n)
                load_s = f"{time.perf_counter() - t:.1f}"
        row = f"| {n:,} | {len(d.contacts):,} | {len(d.dispositifs):,} | {len(d.situations):,} | {gen:.1f} | {load_s} |"
        print(row.replace(",", " "), flush=True)
        lines.append(row.replace(",", " "))
    write_section("Générateur de démonstration", "\n".join(lines))


if __name__ == "__main__":
    main("--load" in sys.argv)
