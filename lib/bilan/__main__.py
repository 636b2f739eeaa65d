"""python -m lib.bilan --periode 2010 [--territoire CODE] --format pdf|pptx --sortie FICHIER

Prepares a bilan ahead of the meeting, with the same masks as the screen. --periode: a year
(2010) or a quarter (2010-T4); --territoire: a département (31) or an ML code (ML31T),
default the region.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from lib.bilan.build import BilanError, generate, parse_period, parse_scope


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lib.bilan", description="Bilan du comité de pilotage (PDF ou PPTX)."
    )
    parser.add_argument("--periode", required=True, help="année (2010) ou trimestre (2010-T4)")
    parser.add_argument("--territoire", default=None, help="code de département (31) ou de mission locale (ML31T)")
    parser.add_argument("--format", choices=("pdf", "pptx"), required=True)
    parser.add_argument("--sortie", required=True, type=Path, help="fichier à écrire")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    from lib.indicators.data import warehouse

    for name in list(logging.root.manager.loggerDict):  # caches used outside a page: nothing to report
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)

    start = time.perf_counter()
    try:
        w = warehouse()
        period, scope = parse_period(args.periode), parse_scope(w, args.territoire)
        data = generate(w, period, scope, args.format, progress=_progress)
    except BilanError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    args.sortie.write_bytes(data)
    print(f"\n{args.sortie} écrit ({len(data) // 1024} Ko) en {time.perf_counter() - start:.1f} s.")
    return 0


def _progress(fraction: float, message: str) -> None:
    bar = "#" * int(fraction * 30)
    print(f"\r[{bar:<30}] {fraction * 100:3.0f} % {message:<40}", end="", flush=True)


if __name__ == "__main__":
    sys.exit(main())
