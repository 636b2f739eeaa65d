"""Command line of the demo: a synthetic, deterministic demo for any territory.

    python -m lib.demo [--territoire CODE] [--jeunes N] [--graine S] [--sortie DOSSIER]

Without --sortie, the demo of the configured territory (config.toml, region_code) is loaded into the
configured database, which must be empty, through the importer of the monthly refresh; with --sortie,
its files are written into DOSSIER (any territory: a region code, current or of before 2016, or FR).
Exit code 0 when done, 1 when refused.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from lib.config import settings
from lib.geo import TerritoireInconnu, territoire


def _positif(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"nombre entier positif attendu, lu « {text} »")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lib.demo", description="Démonstration synthétique d'un territoire.")
    p.add_argument("--territoire", help="code de région (actuelle ou d'avant 2016) ou FR ; par défaut region_code")
    p.add_argument("--jeunes", type=_positif, help="nombre de jeunes (par défaut : [demo] jeunes)")
    p.add_argument("--graine", type=int, help="graine du tirage (par défaut : [demo] seed)")
    p.add_argument("--sortie", type=Path, metavar="DOSSIER", help="écrire les fichiers ici au lieu de charger la base")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    cfg = settings()
    try:
        code = territoire(args.territoire or cfg.region_code).code
        configured = territoire(cfg.region_code).code
    except TerritoireInconnu as exc:
        print(exc, file=sys.stderr)
        return 1
    jeunes = args.jeunes or cfg.demo_jeunes
    seed = cfg.demo_seed if args.graine is None else args.graine
    if args.sortie is not None:
        from lib.demo.dossier import write_demo

        paths = write_demo(args.sortie, code, jeunes, seed)
        print(f"{len(paths)} fichiers écrits dans {args.sortie} (territoire {code}, {jeunes} jeunes, graine {seed}).")
        return 0
    if code != configured:
        print(
            f"Le territoire {code} n'est pas celui de config.toml (region_code = « {cfg.region_code} ») : "
            f'mettez region_code = "{code}" pour charger sa démonstration dans la base, '
            "ou écrivez ses fichiers avec --sortie DOSSIER.",
            file=sys.stderr,
        )
        return 1
    from lib.db.engine import get_engine
    from lib.demo.load import load_demo

    try:
        load_demo(
            get_engine(),
            dataclasses.replace(cfg, demo_seed=seed),
            progress=lambda f, msg: print(f"{f:4.0%} {msg}"),
            n=jeunes,
        )
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
