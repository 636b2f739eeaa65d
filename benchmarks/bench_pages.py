"""Script time of every page of app.py, cold and warm, at 30,000 and 300,000 young people.

    python benchmarks/bench_pages.py [--runs 3] [30000 300000]

One child process per dataset size (settings and caches are per process), each on
its own demo database /tmp/obs_bench_pages_<size>.db, built on first use. For each
page listed in app.py's PAGES (read from the file when the benchmark runs), under
streamlit.testing.v1.AppTest, logged in as an administrator so that every page
shows its content:

- cold: first run of the page with every cache emptied (st.cache_data,
  st.cache_resource, every functools cache of lib/) except the warehouse itself,
  whose read (once per data version, for all pages) is measured on its own line;
- warm: the second run, right after, as when a user changes a widget.

Median of --runs repetitions. Prints a table and writes it to BENCHMARKS.md (section "Pages").
A slow machine never fails anything: these are measurements, not tests.
"""

from __future__ import annotations

import ast
import functools
import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.report import fr_decimal, fr_int, main_by_size  # noqa: E402

APP = ROOT / "app.py"


def app_pages(app: Path = APP) -> list[tuple[str, str]]:
    """(script path, title) of each st.Page(...) in app.py, in navigation order."""
    pages = []
    for node in ast.walk(ast.parse(app.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                title = next((k.value.value for k in node.keywords if k.arg == "title"), first.value)
                pages.append((first.value, str(title)))
    return pages


def db_url(size: int) -> str:
    return f"sqlite:////tmp/obs_bench_pages_{size}.db"


# ------------------------------------------------------------------ child: one dataset size


def _clear_caches() -> None:
    """Empty every cache a page may fill, except the warehouse (read once per data version for all pages)."""
    import streamlit as st

    from lib.indicators import data

    st.cache_data.clear()
    st.cache_resource.clear()
    for name, module in list(sys.modules.items()):
        if not (name == "lib" or name.startswith("lib.")) or module is None:
            continue
        for obj in list(vars(module).values()):
            if isinstance(obj, functools._lru_cache_wrapper) and obj is not data._cached:
                obj.cache_clear()
    gc.collect()


def _ensure_demo(size: int) -> float | None:
    """Build the demo database of this size if missing; its build time in seconds, or None if it existed."""
    from lib.config import settings
    from lib.db.engine import get_engine
    from lib.demo.load import is_loaded, load_demo

    engine = get_engine()
    try:
        if is_loaded(engine):
            return None
    except Exception:  # noqa: BLE001 (no schema yet)
        pass
    t = time.perf_counter()
    load_demo(engine, settings())
    return time.perf_counter() - t


def time_page(at, page: str, runs: int) -> dict:  # noqa: ANN001 (an AppTest already run once)
    """Median script time of `page`: cold (caches emptied, the warehouse aside) and warm (a rerun)."""
    cold, warm, errors = [], [], set()
    for _ in range(runs):
        _clear_caches()
        at.switch_page(page)
        t = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
        errors |= {str(e.message)[:120] for e in at.exception}
    return {"froid": statistics.median(cold), "chaud": statistics.median(warm), "erreurs": sorted(errors)}


def child(size: int, runs: int, only: str = "") -> dict:
    os.environ["OBSERVATOIRE_DB_URL"] = db_url(size)
    os.environ["OBSERVATOIRE_DEMO_JEUNES"] = str(size)
    build = _ensure_demo(size)

    from streamlit.testing.v1 import AppTest

    from lib.auth import User
    from lib.indicators import data

    reads = []
    for _ in range(runs):
        data._cached.cache_clear()
        gc.collect()
        t = time.perf_counter()
        w = data.warehouse()
        reads.append(time.perf_counter() - t)
    sizes = {k: len(getattr(w, k)) for k in ("jeunes", "contacts", "dispositifs", "situations")}

    at = AppTest.from_file(str(APP), default_timeout=1800)
    at.session_state["user"] = User("banc-d-essai", "administrateur")
    at.run()
    results = {}
    for page, title in app_pages():
        if only and only.lower() not in title.lower():
            continue
        results[title] = {"page": page, **time_page(at, page, runs)}
        print(
            f"  {size:>7} {title:<15} froid {results[title]['froid']:6.2f} s   chaud {results[title]['chaud']:6.2f} s",
            file=sys.stderr,
            flush=True,
        )
    return {"size": size, "build": build, "read": statistics.median(reads), "counts": sizes, "pages": results}


# ------------------------------------------------------------------ parent: table and BENCHMARKS.md


_fmt, _int = fr_decimal, fr_int


def table(results: list[dict], runs: int) -> str:
    sizes = [r["size"] for r in results]
    head = "| page | " + " | ".join(f"{_int(s)} jeunes : froid (s) | chaud (s)" for s in sizes) + " |"
    lines = [
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"{platform.system()} ; base SQLite embarquée (une par taille, sous /tmp).",
        f"Temps de script de chaque page sous `streamlit.testing.v1.AppTest` (médiane de {runs} essais) : "
        "« froid » = première exécution, tous les caches vidés sauf l'entrepôt en mémoire ; "
        "« chaud » = exécution suivante (changement de widget). Commande : `python benchmarks/bench_pages.py`.",
        "",
        "| jeux de données | " + " | ".join(f"{_int(s)} jeunes" for s in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for key, label in (
        ("contacts", "contacts"),
        ("dispositifs", "entrées en dispositif"),
        ("situations", "situations"),
    ):
        lines.append(f"| {label} | " + " | ".join(_int(r["counts"][key]) for r in results) + " |")
    lines.append(
        "| lecture de l'entrepôt (s), une fois par version des données | "
        + " | ".join(_fmt(r["read"]) for r in results)
        + " |"
    )
    lines += ["", head, "|---|" + "---:|---:|" * len(sizes)]
    titles = list(dict.fromkeys(t for r in results for t in r["pages"]))
    for title in titles:
        cells = []
        for r in results:
            p = r["pages"].get(title)
            cells.append(f"{_fmt(p['froid'])} | {_fmt(p['chaud'])}" if p else "— | —")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    errors = [(r["size"], t, e) for r in results for t, p in r["pages"].items() for e in p["erreurs"]]
    if errors:
        lines += ["", "Erreurs pendant la mesure :"] + [f"- {t} ({_int(s)} jeunes) : {e}" for s, t, e in errors]
    return "\n".join(lines)


def main() -> None:
    main_by_size(__file__, __doc__, "Pages", child, table)


if __name__ == "__main__":
    main()
