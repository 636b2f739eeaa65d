"""Import of the territories from files: ML territories by year, ML sites, QPV / ZRR flags of the communes.

Each file (CSV `;` or `,`, UTF-8 or Latin-1, or XLSX: lib.ingest.lecture) is read in full and
checked against the database's referential before anything is written: a commune unknown or
outside the region, a commune given to two MLs the same year, a region commune left without an
ML, an ML code unknown to the sites, a site's point outside the region or outside its ML's
communes. Every problem names its line, column and value. An accepted file is written in ONE
transaction with its import_batch row, its audit line and a data version (lib.ingest.referentiels);
a file identical to what is in service changes nothing (its attempt is logged). The demo writes
its territories through the same checks (``verifier_*`` then ``ecrire``, in its own transaction).

A year's territory holds from that year until the next year given; the years before the first one
use the first (lib.indicators.data.Warehouse.communes_en).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from lib.config import settings
from lib.db.engine import log_action, log_import_batch
from lib.db.schema import Commune, MissionLocale, MlCommune, MlCommuneAnnee, MlSite
from lib.geo.referentiel import communes_france
from lib.ingest.errors import ImportErrorFr, Probleme
from lib.ingest.formats import OUI_NON, Colonne, Format
from lib.ingest.lecture import lire_tableau
from lib.ingest.referentiels import (
    KIND_QPV_ZRR,
    KIND_SITES,
    KIND_TERRITOIRE,
    ResultatImport,
    _communes_connues,
    _ecrire,
    _refuser,
)
from lib.ingest.validation import FAUX, VRAI

SITE_TYPES = ("siège", "antenne", "permanence")
TOLERANCE_DEG = 0.01  # ~1 km: the stored polygons are simplified for the screen
MAX_LISTE = 30
_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_CODE_ML = re.compile(r"^[A-Za-z0-9_-]{1,12}$")

COMMUNE = Colonne("commune", "code", "code INSEE de la commune (5 caractères)", ("31555", "09122"))

TERRITOIRE_ML = Format(
    "territoires_ml",
    "Territoires des missions locales",
    "communes rattachées",
    "ml_commune_annee",
    "Une ligne par année de validité et commune : la mission locale dont la commune relève cette année-là. "
    "Chaque année donnée doit rattacher toutes les communes de la région, chacune à une seule mission locale, "
    "et une mission locale ne couvre qu'un département. Un territoire vaut de son année jusqu'à l'année "
    "suivante donnée (les années antérieures à la première prennent la première) : une commune qui change "
    "de mission locale garde les chiffres de chaque année là où ils étaient. Importer une année remplace "
    "cette année-là seulement ; les missions locales sont créées (dans l'ordre du fichier, celui des tableaux "
    "par mission locale) ou renommées d'après `nom_ml`. "
    "Page **Référentiels**, onglet « Territoires des missions locales ».",
    (
        Colonne("annee", "entier", "année à partir de laquelle le rattachement vaut (AAAA)", ("2010", "2010")),
        COMMUNE,
        Colonne("code_ml", "code", "code de la mission locale (12 caractères au plus)", ("ML31T", "ML09")),
        Colonne("nom_ml", "texte", "nom de la mission locale", ("Mission locale Toulouse", "Mission locale Ariège")),
    ),
    ("annee", "commune"),
)
SITES_ML = Format(
    "sites_ml",
    "Sites des missions locales",
    "sites",
    "ml_site",
    "Une ligne par lieu d'accueil : siège (un par mission locale), antenne ou permanence. Le fichier remplace "
    "tous les sites. Le point est donné par `latitude` et `longitude` (degrés décimaux, WGS 84) et doit tomber "
    "dans la région et sur les communes de la mission locale ; sans coordonnées, le site est placé au centre "
    "de sa commune (avertissement). Une adresse ou des coordonnées sont nécessaires. Les codes des missions "
    "locales sont ceux du fichier des territoires. Page **Référentiels**, onglet « Sites ».",
    (
        Colonne("code_ml", "code", "code de la mission locale (fichier des territoires)", ("ML31T", "ML09")),
        Colonne("type", "code", "siège, antenne ou permanence", ("siège", "permanence")),
        Colonne("nom", "texte", "nom du site", ("Toulouse — Mirail", "Foix")),
        Colonne(
            "adresse",
            "texte",
            "adresse postale (affichée telle quelle)",
            ("12 rue de l'Exemple", "Mairie, place du Foirail"),
            obligatoire=False,
            requise=False,
        ),
        COMMUNE,
        Colonne("latitude", "decimal", "latitude, par exemple 43.5770", ("43.5770", ""), False, False),
        Colonne("longitude", "decimal", "longitude, par exemple 1.4050", ("1.4050", ""), False, False),
    ),
    ("code_ml", "nom"),
)
QPV_ZRR = Format(
    "qpv_zrr",
    "Quartiers prioritaires et zones de revitalisation rurale",
    "communes",
    "commune",
    "Une ligne par commune : a-t-elle un quartier prioritaire de la politique de la ville (QPV, liste du "
    "décret 2024-806 par exemple), est-elle en zone de revitalisation rurale (ZRR) ? Une commune de la région "
    "absente du fichier est comptée « non » et « non » (avertissement). Le fichier remplace les indicateurs "
    "de toutes les communes. Page **Référentiels**, onglet « QPV et ZRR ».",
    (
        COMMUNE,
        Colonne("qpv", "booleen", "la commune a au moins un quartier prioritaire : " + OUI_NON, ("oui", "non")),
        Colonne("zrr", "booleen", "la commune est en zone de revitalisation rurale : " + OUI_NON, ("non", "oui")),
    ),
    ("commune",),
)
FORMATS_TERRITOIRES = (TERRITOIRE_ML, SITES_ML, QPV_ZRR)


# ---------------------------------------------------------------- reading


def _lire(source: bytes | str | Path, nom: str, fmt: Format) -> tuple[pd.DataFrame, list[str]]:
    """The file's columns of `fmt` as text (absent optional ones empty) and its line numbers in ``ligne``."""
    src = source if isinstance(source, bytes) else Path(source)
    tableau = lire_tableau(src, nom, settings().imports.taille_max_mo * 1_048_576)
    manquantes = [c for c in fmt.requises() if c not in tableau.entete]
    if manquantes:
        trouvees = ", ".join(f"« {h} »" for h in tableau.entete_brut if h) or "aucune"
        raise ImportErrorFr(
            f"« {nom} » refusé : colonne(s) obligatoire(s) absente(s) : {', '.join(manquantes)} "
            f"(colonnes trouvées : {trouvees}). Rien n'a été enregistré.",
            [Probleme("colonne obligatoire absente", 1, c) for c in manquantes],
        )
    corps = pd.concat(list(tableau.blocs))
    connues = set(fmt.par_nom)
    inconnues = [h for h, n in zip(tableau.entete_brut, tableau.entete, strict=True) if n and n not in connues]
    avertissements = [f"Colonne(s) ignorée(s) : {', '.join(inconnues)}."] if inconnues else []
    frame = pd.DataFrame(
        {c.nom: (corps[c.nom].astype(str) if c.nom in corps else "") for c in fmt.colonnes}, index=corps.index
    )
    return frame.rename_axis("ligne").reset_index(), avertissements


def _lignes(lignes: pd.Series | list[int]) -> str:
    values = [str(int(x)) for x in lignes]
    more = len(values) - MAX_LISTE
    return ", ".join(values[:MAX_LISTE]) + (f" et {more} autres" if more > 0 else "")


def _refus(titre: str, nom: str, problemes: list[Probleme]) -> ImportErrorFr:
    n = len(problemes)
    return ImportErrorFr(
        f"{titre} : « {nom} » refusé, {n} problème{'s' if n > 1 else ''}. Rien n'a été enregistré.", problemes
    )


@dataclass(frozen=True)
class _Region:
    """The database's communes (the configured region) and, to say why a code is refused, the country's."""

    communes: pd.DataFrame  # code, nom, dep_code, geometry (GeoJSON or None)
    france: pd.DataFrame  # code → dep, lat, lon (index code)

    @classmethod
    def lire(cls, conn: Connection) -> _Region:
        rows = conn.execute(select(Commune.code, Commune.nom, Commune.dep_code, Commune.geometry)).all()
        communes = pd.DataFrame(rows, columns=["code", "nom", "dep_code", "geometry"]).astype({"code": str})
        return cls(communes, communes_france().set_index("code")[["dep", "lat", "lon"]])

    @property
    def codes(self) -> set[str]:
        return set(self.communes["code"])


def _codes_communes(frame: pd.DataFrame, region: _Region, problemes: list[Probleme]) -> pd.Series:
    """The `commune` column as INSEE codes (a code typed as a number gets its leading zero back);
    a problem for each empty, malformed, unknown or out-of-region code, whose value becomes NA."""
    raw = frame["commune"].str.strip()
    codes = raw.where(~(raw.str.isdigit() & (raw.str.len() < 5)), raw.str.zfill(5))
    ok = pd.Series(True, index=frame.index)
    connues = region.codes
    for i, ligne, code in zip(frame.index, frame["ligne"], codes, strict=True):
        if code == "":
            problemes.append(Probleme("code commune manquant", int(ligne), "commune"))
        elif not _COMMUNE.match(code):
            problemes.append(
                Probleme("code commune invalide (5 caractères, par exemple 31555)", int(ligne), "commune", code)
            )
        elif code in connues:
            continue
        elif code in region.france.index:
            dep = region.france.at[code, "dep"]
            problemes.append(Probleme(f"commune hors de la région (département {dep})", int(ligne), "commune", code))
        else:
            problemes.append(
                Probleme(
                    "commune inconnue du référentiel des communes (code ancien ou mal saisi ?)",
                    int(ligne),
                    "commune",
                    code,
                )
            )
        ok[i] = False
    return codes.where(ok)


def _doublons(frame: pd.DataFrame, cles: list[str], quoi: str, colonne: str, problemes: list[Probleme]) -> None:
    """A problem per group of lines with the same `cles`, listing the lines."""
    sel = frame.dropna(subset=cles)
    dup = sel[sel.duplicated(cles, keep=False)]
    for key, g in dup.groupby(cles, sort=True):
        valeur = " / ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
        problemes.append(
            Probleme(
                f"{quoi} sur plusieurs lignes (lignes {_lignes(g['ligne'])})", int(g["ligne"].iloc[1]), colonne, valeur
            )
        )


# ---------------------------------------------------------------- ML territories


@dataclass(frozen=True)
class Preparation:
    """A file checked against the database, ready to be written by `ecrire` in the caller's transaction."""

    kind: str
    lignes: int
    ecrire: Callable[[Connection], tuple[int, str]]
    identique: Callable[[Connection], bool]
    avertissements: list[str] = field(default_factory=list)


def verifier_territoires(conn: Connection, source: bytes | str | Path, nom: str) -> Preparation:
    """Read and check an ML territory file; raises ImportErrorFr (every problem located) if refused."""
    frame, avertissements = _lire(source, nom, TERRITOIRE_ML)
    region = _Region.lire(conn)
    problemes: list[Probleme] = []
    frame["commune"] = _codes_communes(frame, region, problemes)
    annees = pd.to_numeric(frame["annee"], errors="coerce")
    mauvaises = annees.isna() | (annees % 1 != 0) | (annees < 1990) | (annees > 2100)
    for ligne, v in zip(frame.loc[mauvaises, "ligne"], frame.loc[mauvaises, "annee"], strict=True):
        problemes.append(Probleme("année attendue (AAAA, entre 1990 et 2100)", int(ligne), "annee", v))
    frame["annee"] = annees.where(~mauvaises).astype("Int64")
    frame["code_ml"] = frame["code_ml"].str.strip()
    frame["nom_ml"] = frame["nom_ml"].str.strip()
    for ligne, v in zip(frame["ligne"], frame["code_ml"], strict=True):
        if not _CODE_ML.match(v):
            problemes.append(
                Probleme(
                    "code de mission locale manquant ou invalide (lettres, chiffres, - ou _, 12 au plus)",
                    int(ligne),
                    "code_ml",
                    v,
                )
            )
    for ligne, v in zip(frame["ligne"], frame["nom_ml"], strict=True):
        if not v or len(v) > 120:
            problemes.append(
                Probleme(
                    "nom de mission locale manquant ou trop long (120 caractères au plus)", int(ligne), "nom_ml", v
                )
            )
    for code, g in frame[frame["nom_ml"] != ""].groupby("code_ml"):
        noms = sorted(set(g["nom_ml"]))
        if len(noms) > 1:
            problemes.append(
                Probleme(
                    f"mission locale {code} portant plusieurs noms : {' / '.join(noms)} (lignes {_lignes(g['ligne'])})",
                    colonne="nom_ml",
                    valeur=code,
                )
            )
    valides = frame.dropna(subset=["annee", "commune"])
    for (annee, commune), g in valides.groupby(["annee", "commune"], sort=True):
        if len(g) < 2:
            continue
        mls = sorted(set(g["code_ml"]))
        quoi = (
            f"commune {commune} attribuée à {len(mls)} missions locales en {annee} ({', '.join(mls)})"
            if len(mls) > 1
            else f"commune {commune} donnée plusieurs fois pour {annee}"
        )
        problemes.append(
            Probleme(f"{quoi} : lignes {_lignes(g['ligne'])}", int(g["ligne"].iloc[1]), "commune", commune)
        )
    toutes = region.codes
    deps = region.communes.set_index("code")["dep_code"].astype(str)
    for annee, g in valides.groupby("annee", sort=True):
        absentes = sorted(toutes - set(g["commune"]))
        if absentes:
            problemes.append(
                Probleme(
                    f"{len(absentes)} commune(s) de la région sans mission locale en {annee} : "
                    + ", ".join(absentes[:MAX_LISTE])
                    + (" …" if len(absentes) > MAX_LISTE else ""),
                    colonne="commune",
                )
            )
        par_ml = g.assign(dep=g["commune"].map(deps)).groupby("code_ml")["dep"].unique()
        for ml, ds in par_ml.items():
            if len(ds) > 1:
                problemes.append(
                    Probleme(
                        f"mission locale {ml} sur plusieurs départements en {annee} ({', '.join(sorted(ds))}) : "
                        "une mission locale couvre les communes d'un seul département",
                        colonne="code_ml",
                        valeur=str(ml),
                    )
                )
    if problemes:
        raise _refus("Territoires des missions locales", nom, problemes)
    if frame.empty:
        raise ImportErrorFr(f"« {nom} » ne contient aucune ligne de territoire.")
    lignes = frame[["annee", "commune", "code_ml"]].astype({"annee": int})
    lignes = lignes.sort_values(["annee", "commune"]).reset_index(drop=True)
    noms = dict(zip(frame["code_ml"], frame["nom_ml"], strict=False))
    dernier = lignes[lignes["annee"] == lignes["annee"].max()]
    dep_ml = dernier.assign(dep=dernier["commune"].map(deps)).groupby("code_ml")["dep"].first().to_dict()
    derniere = lignes.groupby("code_ml")["annee"].max()
    for ml in set(noms) - set(dep_ml):  # an ML of earlier years only: its département of its last year
        last = lignes[(lignes["code_ml"] == ml) & (lignes["annee"] == derniere[ml])]
        dep_ml[ml] = deps[last["commune"].iloc[0]]
    annees_fichier = sorted(set(lignes["annee"]))

    def stocke(c: Connection) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
        rows = c.execute(
            select(MlCommuneAnnee.annee, MlCommuneAnnee.commune_code, MlCommuneAnnee.ml_code).where(
                MlCommuneAnnee.annee.in_(annees_fichier)
            )
        ).all()
        t = pd.DataFrame(rows, columns=["annee", "commune", "code_ml"]).astype({"annee": int})
        mls = {r.code: (r.nom, r.dep_code) for r in c.execute(select(MissionLocale)).all()}
        return t.sort_values(["annee", "commune"]).reset_index(drop=True), mls

    def identique(c: Connection) -> bool:
        t, mls = stocke(c)
        return t.equals(lignes) and all(mls.get(ml) == (noms[ml], dep_ml[ml]) for ml in noms)

    def ecrire(c: Connection) -> tuple[int, str]:
        _, mls = stocke(c)
        # in the order of the file: the tables by ML follow it (the convention's order for the demo)
        nouvelles = [{"code": m, "nom": noms[m], "dep_code": dep_ml[m]} for m in noms if m not in mls]
        if nouvelles:
            c.execute(insert(MissionLocale), nouvelles)
        for m in sorted(set(noms) & set(mls)):
            if mls[m] != (noms[m], dep_ml[m]):
                c.execute(update(MissionLocale).where(MissionLocale.code == m).values(nom=noms[m], dep_code=dep_ml[m]))
        c.execute(delete(MlCommuneAnnee).where(MlCommuneAnnee.annee.in_(annees_fichier)))
        c.execute(
            insert(MlCommuneAnnee),
            [{"annee": a, "commune_code": k, "ml_code": m} for a, k, m in lignes.itertuples(index=False)],
        )
        _territoire_en_service(c)
        annees_txt = ", ".join(map(str, annees_fichier))
        return len(lignes), (
            f"{len(lignes)} rattachements de communes pour {annees_txt}, {len(noms)} missions locales"
            + (f" dont {len(nouvelles)} nouvelle(s)" if nouvelles else "")
        )

    return Preparation(KIND_TERRITOIRE, len(lignes), ecrire, identique, avertissements)


def _territoire_en_service(conn: Connection) -> None:
    """ml_commune := the territory of the latest year stored (what the map draws, what an extract is checked on)."""
    latest = conn.execute(select(MlCommuneAnnee.annee).order_by(MlCommuneAnnee.annee.desc()).limit(1)).scalar()
    rows = conn.execute(
        select(MlCommuneAnnee.commune_code, MlCommuneAnnee.ml_code).where(MlCommuneAnnee.annee == latest)
    ).all()
    conn.execute(delete(MlCommune))
    conn.execute(insert(MlCommune), [{"commune_code": k, "ml_code": m} for k, m in rows])


# ---------------------------------------------------------------- ML sites


def _decimal(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.replace(",", ".", regex=False).str.strip(), errors="coerce")


def _points_communes(region: _Region) -> tuple[shapely.STRtree, np.ndarray, pd.Series]:
    """A spatial index of the region's communes (polygon, else a small disc around their point),
    their codes, and each commune's placing point (inside its polygon, else the referential's point)."""
    geoms, places = [], {}
    for code, g in zip(region.communes["code"], region.communes["geometry"], strict=True):
        poly = shapely.from_geojson(g) if g else None
        if poly is None or poly.is_empty:
            lat, lon = region.france.at[code, "lat"], region.france.at[code, "lon"]
            point = shapely.Point(lon, lat)
            poly = point.buffer(2 * TOLERANCE_DEG)
        else:
            point = poly.representative_point()
        geoms.append(poly)
        places[code] = (round(point.y, 5), round(point.x, 5))
    return shapely.STRtree(geoms), region.communes["code"].to_numpy(), pd.Series(places)


def verifier_sites(conn: Connection, source: bytes | str | Path, nom: str) -> Preparation:
    """Read and check an ML sites file; raises ImportErrorFr (every problem located) if refused."""
    frame, avertissements = _lire(source, nom, SITES_ML)
    region = _Region.lire(conn)
    problemes: list[Probleme] = []
    frame["commune"] = _codes_communes(frame, region, problemes)
    mls = set(conn.execute(select(MissionLocale.code)).scalars())
    territoire = dict(conn.execute(select(MlCommune.commune_code, MlCommune.ml_code)).all())
    frame["code_ml"] = frame["code_ml"].str.strip()
    frame["type"] = frame["type"].str.strip().str.lower().replace({"siege": "siège"})
    frame["nom"] = frame["nom"].str.strip()
    frame["adresse"] = frame["adresse"].str.strip()
    for ligne, v in zip(frame["ligne"], frame["code_ml"], strict=True):
        if v not in mls:
            problemes.append(
                Probleme(
                    "mission locale inconnue (codes du fichier des territoires, page Référentiels)",
                    int(ligne),
                    "code_ml",
                    v,
                )
            )
    for ligne, v in zip(frame["ligne"], frame["type"], strict=True):
        if v not in SITE_TYPES:
            problemes.append(
                Probleme(f"type de site inconnu (attendu : {', '.join(SITE_TYPES)})", int(ligne), "type", v)
            )
    for col, longueur in (("nom", 120), ("adresse", 200)):
        for ligne, v in zip(frame["ligne"], frame[col], strict=True):
            if (col == "nom" and not v) or len(v) > longueur:
                problemes.append(
                    Probleme(f"{col} manquant ou trop long ({longueur} caractères au plus)", int(ligne), col, v)
                )
    lat, lon = _decimal(frame["latitude"]), _decimal(frame["longitude"])
    donne = (frame["latitude"] != "") | (frame["longitude"] != "")
    illisible = donne & (lat.isna() | lon.isna())
    for ligne, a, b in zip(
        frame.loc[illisible, "ligne"], frame.loc[illisible, "latitude"], frame.loc[illisible, "longitude"], strict=True
    ):
        problemes.append(
            Probleme("latitude et longitude : deux nombres attendus, ou aucun", int(ligne), "latitude", f"{a} ; {b}")
        )
    sans = ~donne & (frame["adresse"] == "")
    for ligne in frame.loc[sans, "ligne"]:
        problemes.append(
            Probleme("ni adresse ni coordonnées : l'une ou les autres sont nécessaires", int(ligne), "adresse")
        )
    tree, codes, places = _points_communes(region)
    coords = donne & ~illisible
    for i in frame.index[coords]:
        ligne, ml = int(frame.at[i, "ligne"]), frame.at[i, "code_ml"]
        near = set(codes[tree.query(shapely.Point(lon[i], lat[i]), predicate="dwithin", distance=TOLERANCE_DEG)])
        valeur = f"{frame.at[i, 'latitude']} ; {frame.at[i, 'longitude']}"
        if not near:
            swapped = tree.query(shapely.Point(lat[i], lon[i]), predicate="dwithin", distance=TOLERANCE_DEG)
            hint = " : latitude et longitude inversées ?" if len(swapped) else ""
            problemes.append(Probleme(f"point hors de la région{hint}", ligne, "latitude", valeur))
        elif ml in mls and not any(territoire.get(k) == ml for k in near):
            problemes.append(Probleme(f"point hors des communes de la mission locale {ml}", ligne, "latitude", valeur))
    for i in frame.index[~donne & frame["commune"].notna()]:
        ml, commune = frame.at[i, "code_ml"], frame.at[i, "commune"]
        if ml in mls and territoire.get(commune) != ml:
            problemes.append(
                Probleme(
                    f"commune hors du territoire de la mission locale {ml}",
                    int(frame.at[i, "ligne"]),
                    "commune",
                    commune,
                )
            )
    sieges = frame[frame["type"] == "siège"]
    for ml, g in sieges.groupby("code_ml"):
        if len(g) > 1:
            problemes.append(
                Probleme(
                    f"mission locale {ml} avec {len(g)} sièges (lignes {_lignes(g['ligne'])}) : un seul attendu",
                    int(g["ligne"].iloc[1]),
                    "type",
                    "siège",
                )
            )
    _doublons(frame, ["code_ml", "nom"], "site de même nom pour la même mission locale", "nom", problemes)
    if problemes:
        raise _refus("Sites des missions locales", nom, problemes)
    centres = frame[~donne]
    if len(centres):
        avertissements.append(
            f"{len(centres)} site(s) sans coordonnées placé(s) au centre de leur commune "
            f"(lignes {_lignes(centres['ligne'])})."
        )
    sans_site = sorted(set(territoire.values()) - set(frame["code_ml"]))
    if sans_site:
        avertissements.append(f"Mission(s) locale(s) sans aucun site : {', '.join(sans_site)}.")
    place = frame["commune"].map(places)
    sites = pd.DataFrame(
        {
            "id": np.arange(1, len(frame) + 1),
            "ml_code": frame["code_ml"].to_numpy(),
            "type": frame["type"].to_numpy(),
            "nom": frame["nom"].to_numpy(),
            "adresse": frame["adresse"].replace("", None).to_numpy(),
            "commune_code": frame["commune"].to_numpy(),
            "lat": np.where(donne, lat, [p[0] for p in place]).astype(float),
            "lon": np.where(donne, lon, [p[1] for p in place]).astype(float),
        }
    )
    cols = list(sites.columns)

    def identique(c: Connection) -> bool:
        stored = pd.DataFrame(
            c.execute(select(*(getattr(MlSite, k) for k in cols)).order_by(MlSite.id)).all(), columns=cols
        )
        return len(stored) == len(sites) and stored.astype(object).equals(sites.astype(object))

    def ecrire(c: Connection) -> tuple[int, str]:
        c.execute(delete(MlSite))
        c.execute(insert(MlSite), sites.astype(object).where(sites.notna(), None).to_dict("records"))
        n = sites["type"].value_counts()
        detail = ", ".join(f"{int(n.get(t, 0))} {t}{'s' if n.get(t, 0) > 1 else ''}" for t in SITE_TYPES)
        return len(sites), f"{len(sites)} sites ({detail})"

    return Preparation(KIND_SITES, len(sites), ecrire, identique, avertissements)


# ---------------------------------------------------------------- QPV / ZRR


def _booleen(values: pd.Series) -> pd.Series:
    low = values.str.strip().str.lower()
    return pd.Series(np.where(low.isin(VRAI), True, np.where(low.isin(FAUX), False, None)), index=values.index)


def verifier_qpv_zrr(conn: Connection, source: bytes | str | Path, nom: str) -> Preparation:
    """Read and check a QPV / ZRR file; raises ImportErrorFr (every problem located) if refused."""
    frame, avertissements = _lire(source, nom, QPV_ZRR)
    region = _Region.lire(conn)
    problemes: list[Probleme] = []
    frame["commune"] = _codes_communes(frame, region, problemes)
    for col in ("qpv", "zrr"):
        parsed = _booleen(frame[col])
        for ligne, v in zip(frame.loc[parsed.isna(), "ligne"], frame.loc[parsed.isna(), col], strict=True):
            problemes.append(Probleme("oui ou non attendu", int(ligne), col, v))
        frame[col] = parsed
    _doublons(frame, ["commune"], "commune", "commune", problemes)
    if problemes:
        raise _refus("QPV et ZRR des communes", nom, problemes)
    absentes = sorted(region.codes - set(frame["commune"]))
    if absentes:
        avertissements.append(
            f"{len(absentes)} commune(s) de la région absente(s) du fichier, comptée(s) hors QPV et hors ZRR."
        )
    flags = (
        frame.set_index("commune")[["qpv", "zrr"]]
        .reindex(sorted(region.codes), fill_value=False)
        .astype(bool)
        .rename_axis("code")
        .reset_index()
    )

    def identique(c: Connection) -> bool:
        stored = pd.DataFrame(
            c.execute(select(Commune.code, Commune.qpv, Commune.zrr).order_by(Commune.code)).all(),
            columns=["code", "qpv", "zrr"],
        ).astype({"qpv": bool, "zrr": bool})
        return stored.equals(flags)

    def ecrire(c: Connection) -> tuple[int, str]:
        stmt = update(Commune).where(Commune.code == bindparam("c")).values(qpv=bindparam("q"), zrr=bindparam("z"))
        c.execute(stmt, [{"c": k, "q": bool(q), "z": bool(z)} for k, q, z in flags.itertuples(index=False)])
        return len(frame), f"{int(flags['qpv'].sum())} communes avec un QPV, {int(flags['zrr'].sum())} en ZRR"

    return Preparation(KIND_QPV_ZRR, len(frame), ecrire, identique, avertissements)


# ---------------------------------------------------------------- the imports


def _importer(
    engine: Engine,
    kind: str,
    verifier: Callable[[Connection, bytes | str | Path, str], Preparation],
    source: bytes | str | Path,
    nom_fichier: str,
    user: str,
) -> ResultatImport:
    started = dt.datetime.now()
    nom_fichier = Path(nom_fichier).name
    _, noms = _communes_connues(engine, geometry=False)
    try:
        with engine.connect() as conn:
            prep = verifier(conn, source, nom_fichier)
            deja = prep.identique(conn)
    except ImportErrorFr as exc:
        raise _refuser(engine, kind, nom_fichier, user, started, exc, noms) from exc
    if deja:
        message = "identique aux données en service : rien n'a changé"
        with engine.begin() as conn:
            log_import_batch(conn, kind, nom_fichier, user[:80], "inchangé", 0, message, started)
            log_action(conn, user, "import sans changement", f"{kind} : {nom_fichier} — {message}")
        return ResultatImport(kind, nom_fichier, 0, message, prep.avertissements, change=False)
    out = _ecrire(engine, kind, nom_fichier, user, started, noms, prep.ecrire)
    return ResultatImport(out.kind, out.fichier, out.lignes, out.message, prep.avertissements, out.batch_id)


def importer_territoires(engine: Engine, source: bytes | str | Path, nom_fichier: str, user: str) -> ResultatImport:
    """Replace the ML territories of the years of the file. Raises ImportErrorFr, nothing written, if refused."""
    return _importer(engine, KIND_TERRITOIRE, verifier_territoires, source, nom_fichier, user)


def importer_sites(engine: Engine, source: bytes | str | Path, nom_fichier: str, user: str) -> ResultatImport:
    """Replace every ML site. Raises ImportErrorFr, nothing written, if refused."""
    return _importer(engine, KIND_SITES, verifier_sites, source, nom_fichier, user)


def importer_qpv_zrr(engine: Engine, source: bytes | str | Path, nom_fichier: str, user: str) -> ResultatImport:
    """Replace the QPV / ZRR flags of every commune. Raises ImportErrorFr, nothing written, if refused."""
    return _importer(engine, KIND_QPV_ZRR, verifier_qpv_zrr, source, nom_fichier, user)
