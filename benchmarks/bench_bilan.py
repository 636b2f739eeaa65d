"""Time of a regional annual bilan (PDF and PPTX), at 30,000 and 300,000 young people.

    python benchmarks/bench_bilan.py [--runs 3] [30000 300000]

One child process per dataset size on the demo database of bench_pages (built on first use).
"Cold": every cache of lib/ emptied except the warehouse in memory (as the first bilan after
an import); "warm": the same bilan again (masked tables cached, as on the page after a first
generation). Median of --runs. Prints a table and writes it to BENCHMARKS.md (section "Bilans").
A slow machine never fails anything: these are measurements (target: under 20 s at 300,000).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_pages import db_url  # noqa: E402  (the same demo database per size)
from benchmarks.report import fr_decimal, fr_int, run_children  # noqa: E402


def _median(f: Callable[[], object], runs: int, before: Callable[[], None] = lambda: None) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        before()
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _programme(engine) -> None:  # noqa: ANN001
    """A database built before the programme existed gets the demo programme (as load_demo does)."""
    from lib.animation import store
    from lib.animation.demo import demo_values
    from lib.db.engine import migrate
    from lib.demo.load import insert_frame

    migrate(engine)
    if not store.years(engine):
        with engine.begin() as conn:
            insert_frame(conn, "animation_valeur", demo_values())


def child(size: int, runs: int) -> dict:
    os.environ["OBSERVATOIRE_DB_URL"] = db_url(size)
    os.environ["OBSERVATOIRE_DEMO_JEUNES"] = str(size)
    import logging

    from benchmarks.bench_pages import _clear_caches, _ensure_demo

    _ensure_demo(size)
    from lib.bilan.build import generate
    from lib.db.engine import get_engine
    from lib.indicators.data import warehouse
    from lib.indicators.periods import make_period
    from lib.indicators.scope import Scope

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    _programme(get_engine())
    t = time.perf_counter()
    w = warehouse()
    read = time.perf_counter() - t
    period = make_period("annee", 2010)
    out: dict = {"size": size, "jeunes": len(w.jeunes), "lecture": read}
    for fmt in ("pdf", "pptx"):
        cold, data = _median(lambda f=fmt: generate(w, period, Scope(), f), runs, before=_clear_caches)
        warm, _ = _median(lambda f=fmt: generate(w, period, Scope(), f), runs)
        out |= {f"{fmt}_froid": cold, f"{fmt}_chaud": warm, f"{fmt}_octets": len(data)}  # type: ignore[arg-type]
    return out


def _with_size(r: dict, fmt: str) -> str:
    return f"{fr_decimal(r[f'{fmt}_froid'])} ({r[f'{fmt}_octets'] // 1000} ko)"


def table(results: list[dict], runs: int) -> str:
    cols = " | ".join(f"{fr_int(r['jeunes'])} jeunes" for r in results)
    rows = [
        ("Lecture de l'entrepôt (s, une fois par version des données)", lambda r: fr_decimal(r["lecture"])),
        (
            "Bilan annuel régional PDF, froid (s)",
            lambda r: f"{fr_decimal(r['pdf_froid'])} ({r['pdf_octets'] // 1000} ko)",
        ),
        ("Bilan annuel régional PDF, chaud (s)", lambda r: fr_decimal(r["pdf_chaud"])),
        (
            "Bilan annuel régional PPTX, froid (s)",
            lambda r: f"{fr_decimal(r['pptx_froid'])} ({r['pptx_octets'] // 1000} ko)",
        ),
        ("Bilan annuel régional PPTX, chaud (s)", lambda r: fr_decimal(r["pptx_chaud"])),
    ]
    lines = [
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs (partagés), Python {platform.python_version()}, "
        f"{platform.system()} ; base SQLite embarquée. Médiane de {runs} essais. "
        "Commande : `python benchmarks/bench_bilan.py 30000 300000`. Objectif : moins de 20 s à 300 000 jeunes.",
        "« Froid » : caches de lib/ vidés sauf l'entrepôt en mémoire (premier bilan après un import) ; "
        "« chaud » : même bilan aussitôt après (tables masquées en cache).",
        "",
        f"| mesure | {cols} |",
        "|---|" + "---:|" * len(results),
    ]
    lines += [f"| {label} | " + " | ".join(f(r) for r in results) + " |" for label, f in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[30_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="ne pas écrire BENCHMARKS.md")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.sizes[0], args.runs)))
        return
    results = run_children(__file__, args.sizes, ["--runs", str(args.runs)])
    body = table(results, args.runs)
    print(body)
    if not args.no_write:
        from benchmarks.report import write_section

        write_section("Bilans", body)


if __name__ == "__main__":
    main()
