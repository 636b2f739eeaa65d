"""The map's rendering plan, and its static export (PNG, PDF) for the bilans.

:func:`plan_carte` turns a :class:`~lib.indicators.carte.CarteMasquee` into what is
drawn: one colour, one text and one tooltip per territory, the legend, the outlines
of the other level, the sites, the title, source and date. The interactive map
(lib/ui/carte.py) and the files made here both draw this same plan, so they carry
the same masks: a hidden value is NaN in the masked table, it becomes the grey
colour and the words "secret statistique", never a number.

Rendering uses matplotlib (Agg) and geopandas: no network, no browser.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely

matplotlib.use("Agg")  # a server: never a window; set before pyplot is imported anywhere

from matplotlib import patheffects  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from lib import format as fr  # noqa: E402
from lib.config import settings  # noqa: E402
from lib.geo import DEMO_BASINS_LABEL  # noqa: E402
from lib.indicators.carte import NIVEAUX, NIVEAUX_PLURIEL, CarteMasquee, IndicateurMasque  # noqa: E402

SECRET = "secret statistique"
GRIS_SECRET = (190, 190, 190)

# ColorBrewer YlGnBu, 5 classes: readable when projected, and in grey print
SEQUENTIELLE = ((255, 255, 204), (161, 218, 180), (65, 182, 196), (44, 127, 184), (37, 52, 148))
# Qualitative palette (ColorBrewer Set3 + Pastel1): neighbours get different colours
QUALITATIVE = (
    (141, 211, 199),
    (255, 255, 179),
    (190, 186, 218),
    (251, 128, 114),
    (128, 177, 211),
    (253, 180, 98),
    (179, 222, 105),
    (252, 205, 229),
    (188, 128, 189),
    (204, 235, 197),
    (255, 237, 111),
    (229, 216, 189),
)
SITES: dict[str, tuple[tuple[int, int, int], int, str]] = {
    # type → (colour, radius in pixels, legend)
    "siège": ((200, 30, 45), 7, "Siège de mission locale"),
    "antenne": ((240, 120, 30), 5, "Antenne"),
    "permanence": ((120, 60, 160), 4, "Permanence"),
}
CONTOUR = (25, 25, 25)
TERRITOIRE = "territoire"
"""Colour choice "one colour per territory" (otherwise an indicator key)."""


def fmt(v: float | None, decimales: int = 0, suffixe: str = "") -> str:
    """French number (lib.format): 1 234,5; "secret statistique" when hidden (NaN)."""
    return fr.nombre(v, decimales, suffixe, manquant=SECRET)


@dataclass(frozen=True)
class Classe:
    couleur: tuple[int, int, int]
    libelle: str


@dataclass(frozen=True)
class PlanCarte:
    """What the map draws, already masked."""

    titre: str
    sous_titre: str
    source: str
    date: dt.date
    niveau: str
    zones: gpd.GeoDataFrame  # code, nom, couleur [r,g,b,a], texte, masque, infobulle, geometry
    contours: gpd.GeoSeries  # inner borders of the other level (lines)
    contours_libelle: str
    etiquettes: pd.DataFrame  # nom, lon, lat: territory names written on the map (colour by territory)
    departements: gpd.GeoDataFrame  # code, nom, lon, lat, geometry
    sites: pd.DataFrame  # type, nom, ml_nom, lon, lat, couleur, rayon, infobulle
    legende_titre: str
    legende: tuple[Classe, ...]
    notes: tuple[str, ...] = ()
    n_masques: int = 0
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    sites_legende: tuple[Classe, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- colours


def classes_quantiles(valeurs: pd.Series, n: int = 5) -> np.ndarray:
    """Class limits from the PUBLISHED values only (hidden ones are NaN and ignored)."""
    shown = valeurs.dropna().to_numpy(dtype=float)
    if shown.size == 0:
        return np.array([])
    bornes = np.unique(np.quantile(shown, np.linspace(0, 1, n + 1)))
    return bornes if bornes.size > 1 else np.array([bornes[0], bornes[0]])


def couleurs_indicateur(
    ind: IndicateurMasque, codes: list[str]
) -> tuple[list[tuple[int, int, int]], tuple[Classe, ...], pd.Series]:
    """Colour per territory (grey when hidden), the legend's classes, and the published values."""
    valeurs = ind.valeurs().reindex(codes)
    # limits rounded as they are printed, then deduplicated: two classes never read "2,2 à 2,2", "2,2 à 2,6"
    bornes = np.unique(np.round(classes_quantiles(valeurs, len(SEQUENTIELLE)), ind.decimales))
    if bornes.size == 1:
        bornes = np.array([bornes[0], bornes[0]])
    n_classes = max(len(bornes) - 1, 1)
    palette = [SEQUENTIELLE[round(i * (len(SEQUENTIELLE) - 1) / max(n_classes - 1, 1))] for i in range(n_classes)]
    couleurs = []
    for v in valeurs:
        if pd.isna(v) or bornes.size == 0:
            couleurs.append(GRIS_SECRET)
        else:
            i = int(np.clip(np.searchsorted(bornes[1:-1], v, side="right"), 0, n_classes - 1))
            couleurs.append(palette[i])
    legende = tuple(Classe(palette[i], _libelle_classe(bornes, i, ind)) for i in range(n_classes) if bornes.size)
    return couleurs, legende, valeurs


def _libelle_classe(bornes: np.ndarray, i: int, ind: IndicateurMasque) -> str:
    """Half-open classes, as they are coloured (a value on a limit goes to the upper class):
    "2,2 à moins de 2,6", the last one closed "2,6 à 3,1"."""
    bas, haut = bornes[i], bornes[i + 1]
    if bas == haut:
        return fmt(bas, ind.decimales, ind.suffixe)
    lien = " à " if i == len(bornes) - 2 else " à moins de "
    return f"{fmt(bas, ind.decimales)}{lien}{fmt(haut, ind.decimales)}{ind.suffixe}"


def couleurs_voisins(zones: gpd.GeoDataFrame) -> list[tuple[int, int, int]]:
    """One qualitative colour per territory, two neighbours never the same (greedy colouring,
    most connected first, each time the least used free colour so that a colour repeats as
    little as possible: with 12 colours and 20 basins, at most twice)."""
    geoms = zones.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    voisins: dict[int, set[int]] = {i: set() for i in range(len(geoms))}
    for a, b in zip(left, right, strict=True):
        if a != b:
            voisins[int(a)].add(int(b))
    couleur: dict[int, int] = {}
    usage = [0] * len(QUALITATIVE)
    for i in sorted(range(len(geoms)), key=lambda k: (-len(voisins[k]), k)):
        pris = {couleur[j] for j in voisins[i] if j in couleur}
        libres = [c for c in range(len(QUALITATIVE)) if c not in pris] or list(range(len(QUALITATIVE)))
        couleur[i] = min(libres, key=lambda c: (usage[c], c))  # the least used: colours stay distinct
        usage[couleur[i]] += 1
    return [QUALITATIVE[couleur[i]] for i in range(len(geoms))]


# ---------------------------------------------------------------- the plan


def court(nom: str) -> str:
    """Name written on the map: "Mission locale Tarn Nord" → "Tarn Nord", "Bassin de Foix (démo)" → "Foix"."""
    for prefixe in ("Mission locale ", "Bassin d'emploi de ", "Bassin d'emploi d'", "Bassin de ", "Bassin d'"):
        if nom.startswith(prefixe):
            nom = nom[len(prefixe) :]
            break
    return nom.removesuffix(" (démo)")


def _infobulles(carte: CarteMasquee, zones: gpd.GeoDataFrame) -> list[str]:
    """Tooltip of each territory: its name, every indicator (masked), its population."""
    codes = zones["code"].astype(str).tolist()
    lignes: dict[str, list[str]] = {c: [zones["nom"].iloc[i]] for i, c in enumerate(codes)}
    for ind in carte.indicateurs.values():
        for c, v in zip(codes, ind.valeurs().reindex(codes), strict=True):
            lignes[c].append(f"{ind.libelle} : {fmt(v, ind.decimales, ind.suffixe)}")
    for c, pop in zip(codes, zones["population"], strict=True):
        lignes[c].append(f"Population : {fmt(float(pop))} habitants")
    return ["\n".join(lignes[c]) for c in codes]


def _sites(fond_sites: pd.DataFrame) -> pd.DataFrame:
    sites = fond_sites.copy()
    style = [SITES.get(t, SITES["permanence"]) for t in sites["type"]]
    sites["couleur"] = [list(c) for c, _, _ in style]
    sites["rayon"] = [r for _, r, _ in style]
    sites["infobulle"] = [
        f"{n}\n{t.capitalize()} — {m}" + (f"\n{a}" if a else "")
        for n, t, m, a in zip(sites["nom"], sites["type"], sites["ml_nom"], sites["adresse"], strict=True)
    ]
    return sites[["type", "nom", "ml_nom", "lon", "lat", "couleur", "rayon", "infobulle"]]


def plan_carte(carte: CarteMasquee, couleur: str, date: dt.date | None = None) -> PlanCarte:
    """The drawing plan of `carte` coloured by `couleur` (an indicator key, or "territoire")."""
    if not isinstance(carte, CarteMasquee):
        raise TypeError("la carte n'accepte que des données passées par lib.secret (CarteMasquee)")
    fond, niveau = carte.fond, carte.niveau
    autre = "bassin" if niveau == "ml" else "ml"
    territoires = fond.territoires(niveau)
    zones = territoires[["code", "nom", "population", "geometry"]].copy()
    codes = zones["code"].astype(str).tolist()
    demo = fond.bassins_demo

    masques = pd.Series(False, index=codes)
    # every territory is named on the map, whatever the colour: "Tarn Nord", "Tarn Sud", not "TARN"
    etiquettes = pd.DataFrame(
        {"nom": [court(n) for n in zones["nom"]], "lon": territoires["lon"], "lat": territoires["lat"]}
    )
    if couleur == TERRITOIRE:
        rgb = couleurs_voisins(zones)
        paires = sorted(zip(zones["nom"], rgb, strict=True))
        legende: tuple[Classe, ...] = tuple(Classe(c, n) for n, c in paires)
        legende_titre = NIVEAUX[niveau] + (" (découpage de démonstration)" if niveau == "bassin" and demo else "")
        textes = zones["nom"].tolist()
        titre = f"Territoires des {NIVEAUX_PLURIEL[niveau]}"
    else:
        if couleur not in carte.indicateurs:
            raise ValueError(f"indicateur non disponible pour ce niveau : {couleur!r}")
        ind = carte.indicateurs[couleur]
        rgb, classes, valeurs = couleurs_indicateur(ind, codes)
        masques = valeurs.isna()
        legende = (*classes, Classe(GRIS_SECRET, SECRET.capitalize()))
        legende_titre = ind.libelle
        textes = [fmt(v, ind.decimales, ind.suffixe) for v in valeurs]
        titre = f"{ind.libelle} par {NIVEAUX[niveau].lower()}"

    zones["couleur"] = [[*c, 215] for c in rgb]
    zones["texte"] = textes
    zones["masque"] = masques.to_numpy()
    zones["infobulle"] = _infobulles(carte, zones)

    contours_libelle = (
        "Limite de bassin d'emploi" + (" (découpage de démonstration)" if demo else "")
        if autre == "bassin"
        else "Limite de mission locale"
    )
    notes: list[str] = []
    if demo:
        notes.append(DEMO_BASINS_LABEL + ".")
    if int(masques.sum()):
        notes.append(
            f"En gris : {SECRET} (moins de {settings().secret.seuil_diffusion} personnes, ou valeur masquée pour "
            "qu'on ne puisse pas la recalculer)."
        )
    notes += list(carte.notes)
    return PlanCarte(
        titre=titre,
        sous_titre=f"{settings().region_nom}, {carte.periode}",
        source=settings().source,
        date=date or dt.date.today(),
        niveau=niveau,
        zones=zones.drop(columns="population"),
        contours=fond.limites_internes(autre),
        contours_libelle=contours_libelle,
        etiquettes=etiquettes,
        departements=fond.departements[["code", "nom", "lon", "lat", "geometry"]],
        sites=_sites(fond.sites),
        legende_titre=legende_titre,
        legende=legende,
        notes=tuple(notes),
        n_masques=int(masques.sum()),
        bounds=fond.bounds,
        sites_legende=tuple(Classe(c, lib) for c, _, lib in SITES.values()),
    )


# ---------------------------------------------------------------- static files


def _hex(rgb: tuple[int, ...] | list[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def figure_carte(plan: PlanCarte) -> Figure:
    """A4 landscape figure: map in Lambert-93 (the French official projection), legend on the right."""
    fig = Figure(figsize=(11.69, 8.27))
    ax = fig.add_axes((0.01, 0.11, 0.64, 0.76))
    crs = 2154
    zones = plan.zones.to_crs(crs)
    zones.plot(ax=ax, color=[_hex(c) for c in zones["couleur"]], edgecolor="white", linewidth=0.6)
    plan.departements.to_crs(crs).boundary.plot(ax=ax, color="#777777", linewidth=0.5)
    plan.contours.to_crs(crs).plot(ax=ax, color=_hex(CONTOUR), linewidth=1.4, linestyle=(0, (4, 2)))
    sites = gpd.GeoDataFrame(plan.sites, geometry=gpd.points_from_xy(plan.sites["lon"], plan.sites["lat"]), crs=4326)
    sites = sites.to_crs(crs)
    ax.scatter(
        sites.geometry.x,
        sites.geometry.y,
        s=[r * r * 1.6 for r in sites["rayon"]],
        c=[_hex(c) for c in sites["couleur"]],
        edgecolors="white",
        linewidths=0.7,
        zorder=5,
    )
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    if len(plan.etiquettes):
        points = gpd.GeoSeries(gpd.points_from_xy(plan.etiquettes["lon"], plan.etiquettes["lat"]), crs=4326)
        for point, nom in zip(points.to_crs(crs), plan.etiquettes["nom"], strict=True):
            ax.text(point.x, point.y - 6000, nom, ha="center", va="top", fontsize=8, color="#222222",
                    fontweight="bold", path_effects=halo, zorder=6)  # fmt: skip
    ax.set_aspect("equal")
    ax.set_axis_off()

    fig.text(0.02, 0.955, plan.titre, fontsize=16, fontweight="bold", va="top")
    fig.text(0.02, 0.915, plan.sous_titre, fontsize=11, color="#444444", va="top")
    handles = [Patch(facecolor=_hex(c.couleur), edgecolor="#999999", label=c.libelle) for c in plan.legende]
    handles.append(
        Line2D([], [], color=_hex(CONTOUR), linewidth=1.4, linestyle=(0, (4, 2)), label=plan.contours_libelle)
    )
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=r * 1.2,
            markerfacecolor=_hex(c),
            markeredgecolor="white",
            label=lib,
        )  # fmt: skip
        for c, r, lib in SITES.values()
    ]
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.665, 0.87),
        title="\n".join(textwrap.wrap(plan.legende_titre, 38)),
        title_fontproperties={"weight": "bold", "size": 9},
        fontsize=8,
        frameon=False,
        alignment="left",
    )
    footer = [f"Source : {plan.source}. Extrait le {fr.date_courte(plan.date)}.", *plan.notes]
    wrapped = [w for line in footer for w in textwrap.wrap(line, 150)]
    fig.text(0.02, 0.02, "\n".join(wrapped), fontsize=7, color="#444444", va="bottom")
    return fig


def _metadata(plan: PlanCarte) -> dict[str, str]:
    return {"Title": plan.titre, "Subject": plan.sous_titre, "Author": settings().titre}


def carte_png(plan: PlanCarte, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    figure_carte(plan).savefig(buf, format="png", dpi=dpi, metadata={"Title": plan.titre, "Source": plan.source})
    return buf.getvalue()


def carte_pdf(plan: PlanCarte) -> bytes:
    buf = io.BytesIO()
    # no creation date: the same map gives the same bytes, hence a stable download address
    figure_carte(plan).savefig(buf, format="pdf", metadata={**_metadata(plan), "CreationDate": None})
    return buf.getvalue()
