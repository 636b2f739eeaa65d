"""The map: payload sent to the browser, preparation times, page script time (cold / warm).

    python benchmarks/bench_carte.py [--runs 5] [30000 [300000]]

One child process per dataset size (settings and caches are per process), each on its
demo database /tmp/obs_bench_pages_<size>.db (shared with bench_pages.py, built on
first use). Measures, median of --runs:

- payload: bytes of the deck's JSON as Streamlit sends it (the ML view coloured by an
  indicator, the basin view one colour per basin), and what pydeck's own indented JSON
  would have weighed;
- background: commune polygons read from the database, simplified and dissolved into
  ML territories, basins and départements (once per data version);
- indicators: counts, masking and rates of one level (cached per version and period);
- plan + deck, PNG and PDF exports;
- the page under streamlit.testing.v1.AppTest: cold = every cache of lib/ emptied except
  the warehouse (so the background is rebuilt), warm = the next run (a widget changed).

Prints a table and writes it to BENCHMARKS.md (section "Carte"). Measurements, not tests:
a slow machine never fails anything.
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
from benchmarks.report import fr_decimal as _fmt  # noqa: E402
from benchmarks.report import fr_int as _int  # noqa: E402
from benchmarks.report import run_children  # noqa: E402


def _median(f: Callable[[], object], runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def child(size: int, runs: int) -> dict:
    os.environ["OBSERVATOIRE_DB_URL"] = db_url(size)
    os.environ["OBSERVATOIRE_DEMO_JEUNES"] = str(size)
    from benchmarks.bench_pages import _ensure_demo, time_page

    _ensure_demo(size)

    import pydeck as pdk

    from lib.db.engine import get_engine
    from lib.export.carte import TERRITOIRE, carte_pdf, carte_png, plan_carte
    from lib.indicators import carte as C
    from lib.indicators.data import warehouse
    from lib.indicators.periods import make_period
    from lib.ui.carte import deck_carte, taille_json

    w = warehouse()
    period = make_period("annee", 2010)
    engine = get_engine()
    t_fond, fond = _median(lambda: C.prepare_fond(w, C.communes_geometrie(engine)), runs)
    t_ind, carte_ml = _median(lambda: C.indicateurs_carte(w, period, "ml", fond), runs)
    carte_bassin = C.indicateurs_carte(w, period, "bassin", fond)
    t_deck, deck_ml = _median(lambda: deck_carte(plan_carte(carte_ml, "suivis_1000")), runs)
    deck_bassin = deck_carte(plan_carte(carte_bassin, TERRITOIRE))
    t_json, _ = _median(deck_ml.to_json, runs)
    indented = len(pdk.Deck.to_json(deck_ml).encode("utf-8"))  # pydeck's own serialisation (indent=2)
    plan = plan_carte(carte_ml, "suivis_1000")
    t_png, png = _median(lambda: carte_png(plan), runs)
    t_pdf, pdf = _median(lambda: carte_pdf(plan), runs)

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    at.run()
    timing = time_page(at, "pages/carte.py", runs)
    decks = at.get("deck_gl_json_chart")
    page_payload = len(decks[0].proto.json.encode("utf-8")) if decks else 0
    return {
        "size": size,
        "jeunes": len(w.jeunes),
        "communes": len(w.communes),
        "payload_ml": taille_json(deck_ml),
        "payload_bassin": taille_json(deck_bassin),
        "payload_page": page_payload,
        "payload_indente": indented,
        "fond": t_fond,
        "indicateurs": t_ind,
        "deck": t_deck,
        "json": t_json,
        "png": t_png,
        "png_octets": len(png),
        "pdf": t_pdf,
        "pdf_octets": len(pdf),
        **timing,
    }


def _ko(n: int) -> str:
    return _fmt(n / 1000, 0) + " ko"


def table(results: list[dict], runs: int) -> str:
    cols = " | ".join(f"{_int(r['jeunes'])} jeunes" for r in results)
    rows = [
        ("Données envoyées au navigateur, vue missions locales (JSON du deck)", lambda r: _ko(r["payload_ml"])),
        ("Données envoyées au navigateur, vue bassins", lambda r: _ko(r["payload_bassin"])),
        ("Même carte en JSON indenté de pydeck (avant compaction)", lambda r: _ko(r["payload_indente"])),
        ("Fond de carte : lecture, simplification, fusion (s, une fois par version)", lambda r: _fmt(r["fond"])),
        ("Indicateurs d'un niveau : comptage, secret, taux (s)", lambda r: _fmt(r["indicateurs"])),
        ("Plan de dessin + deck pydeck (s)", lambda r: _fmt(r["deck"])),
        ("Sérialisation JSON du deck (s)", lambda r: _fmt(r["json"], 3)),
        ("Export PNG A4 150 dpi (s)", lambda r: f"{_fmt(r['png'])} ({_ko(r['png_octets'])})"),
        ("Export PDF A4 (s)", lambda r: f"{_fmt(r['pdf'])} ({_ko(r['pdf_octets'])})"),
        ("Page Carte sous AppTest, froid (s)", lambda r: _fmt(r["froid"])),
        ("Page Carte sous AppTest, chaud (s)", lambda r: _fmt(r["chaud"])),
    ]
    lines = [
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"{platform.system()} ; base SQLite embarquée ; {_int(results[0]['communes'])} communes, 10 missions "
        f"locales, 20 bassins de démonstration. Médiane de {runs} essais. "
        "Commande : `python benchmarks/bench_carte.py 30000 300000`.",
        "« Froid » : tous les caches de lib/ vidés sauf l'entrepôt en mémoire (le fond de carte est donc refait) ; "
        "« chaud » : exécution suivante, comme après un changement de widget.",
        "",
        f"| mesure | {cols} |",
        "|---|" + "---:|" * len(results),
    ]
    lines += [f"| {label} | " + " | ".join(f(r) for r in results) + " |" for label, f in rows]
    errors = [(r["size"], e) for r in results for e in r["erreurs"]]
    if errors:
        lines += ["", "Erreurs pendant la mesure :"] + [f"- {_int(s)} jeunes : {e}" for s, e in errors]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[30_000])
    parser.add_argument("--runs", type=int, default=5)
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

        write_section("Carte", body)


if __name__ == "__main__":
    main()
