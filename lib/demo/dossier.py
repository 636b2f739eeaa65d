"""The demo of a territory written as files: its ML territories and sites, and its monthly extract.

The extract files are in the formats of docs/formats.md (those `python -m lib.ingest extrait` and
the page Imports read); the ML territories and sites are the demo's découpage, for a reader who
wants to see or reuse it. Same territory, size and seed: the same files, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from lib.demo.generator import generate
from lib.demo.load import demo_files
from lib.demo.reference import Reference, reference


def _referential_files(ref: Reference, folder: Path) -> list[Path]:
    mls = ref.ml_communes.merge(ref.mls, left_on="ml_code", right_on="code")
    frames = {
        "territoires_ml": mls.rename(columns={"commune_code": "commune", "ml_code": "code_ml", "nom": "nom_ml"})[
            ["commune", "code_ml", "nom_ml"]
        ].sort_values("commune"),
        "sites_ml": ref.sites.rename(columns={"ml_code": "code_ml", "commune_code": "commune"})[
            ["code_ml", "type", "nom", "commune", "lat", "lon"]
        ],
    }
    paths = []
    for name, frame in frames.items():
        path = folder / f"demo_{name}.csv"
        frame.to_csv(path, sep=";", index=False)
        paths.append(path)
    return paths


def write_demo(folder: Path, territoire: str, jeunes: int, seed: int) -> list[Path]:
    """Write the demo of `territoire` (a region code or FR) with `jeunes` young people into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    ref = reference(territoire, seed)
    data = generate(ref.communes_ml(), jeunes, seed, ref.reseau)
    return _referential_files(ref, folder) + demo_files(data, ref.reseau, folder)
