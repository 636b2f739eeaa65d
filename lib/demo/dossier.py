"""The demo of a territory written as files: its ML territories and sites, and its monthly extract.

The extract files are in the formats of docs/formats.md (those `python -m lib.ingest extrait` and
the page Imports read); the ML territories, sites and QPV / ZRR flags are the demo's découpage, in
the formats the page Référentiels imports. Same territory, size and seed: the same files, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from lib.demo.generator import generate
from lib.demo.load import demo_files
from lib.demo.reference import Reference, fichiers_territoires, reference


def _referential_files(ref: Reference, folder: Path) -> list[Path]:
    """The ML territories, sites and QPV / ZRR flags, in the formats the page Référentiels imports."""
    paths = []
    for name, content in fichiers_territoires(ref).items():
        path = folder / f"demo_{name}.csv"
        path.write_bytes(content)
        paths.append(path)
    return paths


def write_demo(folder: Path, territoire: str, jeunes: int, seed: int) -> list[Path]:
    """Write the demo of `territoire` (a region code or FR) with `jeunes` young people into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    ref = reference(territoire, seed)
    data = generate(ref.communes_ml(), jeunes, seed, ref.reseau)
    return _referential_files(ref, folder) + demo_files(data, ref.reseau, folder)
