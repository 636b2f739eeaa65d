"""Replace the referentials by official files: INSEE's zones d'emploi, commune polygons.

Parsing and validation are done by :mod:`lib.ingest.zonage` and
:mod:`lib.ingest.geometrie` (pure); this module checks the result against the
database and writes it in ONE transaction, with its ``import_batch`` row, its
audit line and a data version bump (the caches of the warehouse and of the map
are keyed on it). Either everything is stored, or nothing: a refused file leaves
every data table as it was; only the refusal itself is recorded (a "refusé"
import_batch row and an audit line), in a separate transaction, so that the
administrator can see who tried what.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Engine, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from lib.db.engine import bump_version, log_action, log_import_batch
from lib.db.schema import Bassin, BassinCommune, Commune, ImportBatch
from lib.ingest.errors import ImportErrorFr, Probleme
from lib.ingest.geometrie import read_commune_geometry
from lib.ingest.zonage import read_zonage_ze2020

KIND_ZONAGE = "zones d'emploi"
KIND_GEOMETRIE = "géométrie des communes"
KIND_TERRITOIRE = "territoires des missions locales"  # these three: lib.ingest.territoires
KIND_SITES = "sites des missions locales"
KIND_QPV_ZRR = "QPV et ZRR des communes"
KINDS = (KIND_ZONAGE, KIND_GEOMETRIE, KIND_TERRITOIRE, KIND_SITES, KIND_QPV_ZRR)
FORMATS_GEOMETRIE = (".geojson", ".json", ".gpkg", ".shp", ".zip")
_CODE = re.compile(r"\b(\d{5}|2[AB]\d{3})\b")


@dataclass(frozen=True)
class ResultatImport:
    """What an accepted import changed, in French, for the screen and the log."""

    kind: str
    fichier: str
    lignes: int
    message: str
    avertissements: list[str] = field(default_factory=list)
    batch_id: int | None = None
    change: bool = True  # False: the file was the data in service already, nothing was written


# ---------------------------------------------------------------- reading the database


def communes_base(conn: Connection, geometry: bool = True) -> pd.DataFrame:
    """The communes of the database: code, nom, dep_code, population, and geometry (GeoJSON text
    or None) unless `geometry` is False (megabytes a basin import does not need)."""
    cols = [Commune.code, Commune.nom, Commune.dep_code, Commune.population]
    cols += [Commune.geometry] if geometry else []
    rows = conn.execute(select(*cols)).all()
    return pd.DataFrame(rows, columns=[c.key for c in cols])


def _communes_connues(engine: Engine, geometry: bool) -> tuple[pd.DataFrame, dict[str, str]]:
    """The database's communes and their names by code (to name them in a refusal)."""
    with engine.connect() as conn:
        communes = communes_base(conn, geometry)
    return communes, dict(zip(communes["code"].astype(str), communes["nom"], strict=True))


def _reference_geo(communes: pd.DataFrame) -> gpd.GeoDataFrame:
    """The database's communes in the shape lib.ingest.geometrie expects as its reference."""
    try:  # the arrondissement is not stored in the database; lib.geo knows it for the shipped communes
        from lib.geo import load_communes

        arr = load_communes().set_index("code")["arrondissement"]
    except Exception:  # noqa: BLE001 (no shipped file: the attribute is informative only)
        arr = pd.Series(dtype=str)
    geoms = [shapely.from_geojson(g) if g else None for g in communes["geometry"]]
    return gpd.GeoDataFrame(
        {
            "code": communes["code"].astype(str),
            "nom": communes["nom"],
            "dep": communes["dep_code"].astype(str),
            "arrondissement": communes["code"].map(arr).fillna("").astype(str),
            "population": communes["population"].astype("int64"),
        },
        geometry=geoms,
        crs=4326,
    )


# ---------------------------------------------------------------- refusals


def _nommer(exc: ImportErrorFr, noms: Mapping[str, str]) -> ImportErrorFr:
    """The same refusal, each known commune code followed by its name: "31555 (Toulouse)"."""

    def sub(text: str) -> str:
        return _CODE.sub(lambda m: f"{m.group(1)} ({noms[m.group(1)]})" if m.group(1) in noms else m.group(1), text)

    problemes = [Probleme(sub(p.message), p.ligne, p.colonne, p.valeur) for p in exc.problemes]
    return ImportErrorFr(sub(exc.message), problemes)


def _noter_refus(engine: Engine, kind: str, fichier: str, user: str, started: dt.datetime, exc: ImportErrorFr) -> None:
    """Record the refusal (its own transaction: the data tables are not touched)."""
    # database unreachable: the refusal is still shown to the user, only its trace is lost
    with contextlib.suppress(Exception):
        _inserer_refus(engine, kind, fichier, user, started, exc)


def _inserer_refus(
    engine: Engine, kind: str, fichier: str, user: str, started: dt.datetime, exc: ImportErrorFr
) -> None:
    with engine.begin() as conn:
        log_import_batch(conn, kind, fichier, user[:80], "refusé", 0, exc.texte(), started)
        log_action(conn, user, "import refusé", f"{kind} : {fichier} — {exc.message}")


def _refuser(
    engine: Engine,
    kind: str,
    fichier: str,
    user: str,
    started: dt.datetime,
    exc: ImportErrorFr,
    noms: Mapping[str, str],
) -> ImportErrorFr:
    named = _nommer(exc, noms)
    _noter_refus(engine, kind, fichier, user, started, named)
    return named


def _ecrire(
    engine: Engine,
    kind: str,
    fichier: str,
    user: str,
    started: dt.datetime,
    noms: Mapping[str, str],
    write: Callable[[Connection], tuple[int, str]],
) -> ResultatImport:
    """Run `write` in one transaction with the batch row, the audit line and the version bump."""
    try:
        with engine.begin() as conn:
            lignes, message = write(conn)
            batch_id = conn.execute(
                insert(ImportBatch)
                .values(
                    kind=kind,
                    filename=fichier[:255],
                    started_at=started,
                    finished_at=dt.datetime.now(),
                    status="ok",
                    rows=lignes,
                    user=user[:80],
                    message=message,
                )
                .returning(ImportBatch.id)
            ).scalar_one()
            log_action(conn, user, "import", f"{kind} : {fichier} — {message}")
            bump_version(conn)
    except ImportErrorFr as exc:
        raise _refuser(engine, kind, fichier, user, started, exc, noms) from exc
    except Exception as exc:  # noqa: BLE001 (any database error: the transaction was rolled back)
        refus = ImportErrorFr(
            f"Erreur pendant l'enregistrement de « {fichier} » : rien n'a été modifié.",
            [Probleme(f"{exc.__class__.__name__} : {exc}")],
        )
        raise _refuser(engine, kind, fichier, user, started, refus, noms) from exc
    return ResultatImport(kind, fichier, lignes, message, batch_id=batch_id)


# ---------------------------------------------------------------- zones d'emploi


def source_zonage(nom_fichier: str, millesime: str | None) -> str:
    geo = f", communes au 1er janvier {millesime}" if millesime else ""
    return f"Insee, zones d'emploi 2020 ({nom_fichier}{geo})"[:500]


def importer_zonage(
    engine: Engine,
    source: bytes | str | Path,
    nom_fichier: str,
    user: str,
) -> ResultatImport:
    """Replace every basin and every commune → basin link by INSEE's zones d'emploi.

    Raises :class:`ImportErrorFr` (nothing written) when the file is unreadable,
    when a commune of the file is unknown to the database or a commune of the
    database is missing from the file (each named), or when the write fails."""
    started = dt.datetime.now()
    nom_fichier = Path(nom_fichier).name
    _, noms = _communes_connues(engine, geometry=False)
    try:
        result = read_zonage_ze2020(source, set(noms), nom_fichier=nom_fichier)
        _verifier_couverture(set(result.communes["commune_code"]), noms, "CODGEO")
    except ImportErrorFr as exc:
        raise _refuser(engine, KIND_ZONAGE, nom_fichier, user, started, exc, noms) from exc
    label = source_zonage(nom_fichier, result.millesime)
    bassins = [
        {"code": str(c), "nom": str(n)[:120], "source": label}
        for c, n in zip(result.bassins["bassin_code"], result.bassins["bassin_nom"], strict=True)
    ]
    liens = [
        {"commune_code": str(c), "bassin_code": str(b)}
        for c, b in zip(result.communes["commune_code"], result.communes["bassin_code"], strict=True)
    ]

    def write(conn: Connection) -> tuple[int, str]:
        conn.execute(delete(BassinCommune))  # links first: they reference the basins
        conn.execute(delete(Bassin))
        conn.execute(insert(Bassin), bassins)
        conn.execute(insert(BassinCommune), liens)
        return len(liens), f"{len(bassins)} zones d'emploi, {len(liens)} communes rattachées"

    out = _ecrire(engine, KIND_ZONAGE, nom_fichier, user, started, noms, write)
    return ResultatImport(out.kind, out.fichier, out.lignes, out.message, list(result.avertissements), out.batch_id)


def _verifier_couverture(codes: set[str], noms: Mapping[str, str], colonne: str) -> None:
    """Every commune of the database exactly once, and no other (checked here again, against
    the database itself, whatever the parser checked: the write must leave no commune unassigned)."""
    inconnues = sorted(codes - set(noms))
    absentes = sorted(set(noms) - codes)
    problemes = []
    if inconnues:
        problemes.append(Probleme(f"{len(inconnues)} commune(s) inconnue(s) de la base : {', '.join(inconnues[:50])}"))
    if absentes:
        problemes.append(
            Probleme(
                f"{len(absentes)} commune(s) de la base absente(s) du fichier : {', '.join(absentes[:50])}",
                colonne=colonne,
            )
        )
    if problemes:
        raise ImportErrorFr(
            "Fichier refusé : les communes ne correspondent pas à celles de la base. Rien n'a été enregistré.",
            problemes,
        )


# ---------------------------------------------------------------- commune polygons


def _extraire(source: bytes | str | Path, nom_fichier: str, dossier: Path) -> Path:
    """The path of the geographic file to read: the upload written to `dossier`, unzipped if needed."""
    nom = Path(nom_fichier).name
    suffixe = Path(nom).suffix.lower()
    if suffixe not in FORMATS_GEOMETRIE:
        raise ImportErrorFr(
            f"Format non reconnu pour « {nom} » : GeoJSON (.geojson, .json), GeoPackage (.gpkg) "
            "ou Shapefile compressé (.zip contenant .shp, .shx, .dbf et .prj) attendu."
        )
    chemin = dossier / nom
    if isinstance(source, bytes):
        chemin.write_bytes(source)
    else:
        chemin = Path(source)
    if suffixe != ".zip":
        return chemin
    try:
        with zipfile.ZipFile(chemin) as archive:
            membres = [m for m in archive.namelist() if not m.endswith("/")]
            sortie = dossier / "zip"
            for m in membres:
                parts = PurePosixPath(m).parts
                if PurePosixPath(m).is_absolute() or ".." in parts:  # a path escaping the folder: refuse
                    raise ImportErrorFr(f"Archive « {nom} » refusée : chemin interdit « {m} ».")
                archive.extract(m, sortie)
    except zipfile.BadZipFile as exc:
        raise ImportErrorFr(f"« {nom} » n'est pas une archive .zip lisible.") from exc
    candidats = sorted(
        p for p in sortie.rglob("*") if p.suffix.lower() in (".shp", ".gpkg", ".geojson", ".json") and p.is_file()
    )
    if len(candidats) != 1:
        trouves = ", ".join(p.name for p in candidats) or "aucun"
        raise ImportErrorFr(
            f"L'archive « {nom} » doit contenir exactement une couche (.shp, .gpkg ou .geojson) ; trouvé : {trouves}."
        )
    couche = candidats[0]
    if couche.suffix.lower() == ".shp":
        manquants = [ext for ext in (".shx", ".dbf") if not couche.with_suffix(ext).exists()]
        if manquants:
            raise ImportErrorFr(
                f"Shapefile incomplet dans « {nom} » : {', '.join(couche.stem + e for e in manquants)} manquant(s)."
            )
    return couche


def importer_geometrie(
    engine: Engine,
    source: bytes | str | Path,
    nom_fichier: str,
    user: str,
) -> ResultatImport:
    """Replace the polygon of every commune by the one of an official file.

    Every commune of the database must be in the file (communes of other regions
    are ignored). Raises :class:`ImportErrorFr`, nothing written, otherwise."""
    started = dt.datetime.now()
    nom_fichier = Path(nom_fichier).name
    communes, noms = _communes_connues(engine, geometry=True)
    try:
        with tempfile.TemporaryDirectory(prefix="observatoire-geo-") as tmp:
            chemin = _extraire(source, nom_fichier, Path(tmp))
            result = read_commune_geometry(chemin, _reference_geo(communes))
        _verifier_couverture(set(result["code"].astype(str)), noms, "code commune")
        _verifier_polygones(result)
    except ImportErrorFr as exc:
        raise _refuser(engine, KIND_GEOMETRIE, nom_fichier, user, started, exc, noms) from exc
    valeurs = [
        {"c": str(code), "g": shapely.to_geojson(geom)}
        for code, geom in zip(result["code"], result.geometry, strict=True)
    ]

    def write(conn: Connection) -> tuple[int, str]:
        stmt = update(Commune).where(Commune.code == bindparam("c")).values(geometry=bindparam("g"))
        conn.execute(stmt, valeurs)  # one executemany: every commune or none
        return len(valeurs), f"polygones de {len(valeurs)} communes remplacés"

    out = _ecrire(engine, KIND_GEOMETRIE, nom_fichier, user, started, noms, write)
    return ResultatImport(
        out.kind, out.fichier, out.lignes, out.message, list(result.attrs.get("avertissements", [])), out.batch_id
    )


def _verifier_polygones(result: gpd.GeoDataFrame) -> None:
    bad = [
        str(c)
        for c, g in zip(result["code"], result.geometry, strict=True)
        if g is None or g.is_empty or not g.is_valid or g.geom_type not in ("Polygon", "MultiPolygon")
    ]
    if bad:
        raise ImportErrorFr(
            "Géométrie refusée : polygones vides ou invalides. Rien n'a été enregistré.",
            [Probleme(f"commune {c} : polygone vide ou invalide", colonne="geometry", valeur=c) for c in bad[:50]],
        )


# ---------------------------------------------------------------- history


def historique(engine: Engine, limite: int = 20) -> pd.DataFrame:
    """The last referential imports, newest first: date, type, fichier, statut, lignes, utilisateur, message."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                ImportBatch.started_at,
                ImportBatch.kind,
                ImportBatch.filename,
                ImportBatch.status,
                ImportBatch.rows,
                ImportBatch.user,
                ImportBatch.message,
            )
            .where(ImportBatch.kind.in_(KINDS))
            .order_by(ImportBatch.id.desc())
            .limit(limite)
        ).all()
    return pd.DataFrame(rows, columns=["date", "type", "fichier", "statut", "lignes", "utilisateur", "message"])
