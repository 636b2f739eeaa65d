"""Put the map of the missions locales on screen (pydeck), with its legend and its files.

Accepts only a :class:`~lib.indicators.carte.CarteMasquee` (built from MaskedTables by
lib.secret) and a MaskedTable for the ML × basin table. The browser receives only
what :func:`lib.export.carte.plan_carte` computed from published values: a hidden
value is NaN there, so it travels as a grey colour and the words "secret
statistique", never as a number.

Works offline: without a tile server (config.toml [carte] fond_tuiles empty) the
deck has no basemap at all; the polygons and points carry the map alone.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pydeck as pdk
import shapely
import streamlit as st
from pydeck.bindings.json_tools import default_serialize

from lib import format as fr
from lib.config import settings
from lib.export.carte import CONTOUR, PlanCarte, carte_pdf, carte_png, court, plan_carte
from lib.indicators.carte import CarteMasquee
from lib.secret.masked import LEGEND, MaskedTable
from lib.ui import render
from lib.ui.downloads import Fichier, digest, download_menu, prepare
from lib.ui.glossary import explain

HAUTEUR = 640
TOOLTIP_STYLE = {
    "backgroundColor": "rgba(255, 255, 255, 0.96)",
    "color": "#1f1f1f",
    "fontSize": "13px",
    "lineHeight": "1.45",
    "border": "1px solid #bbbbbb",
    "borderRadius": "4px",
    "padding": "8px 10px",
    "maxWidth": "420px",
    "whiteSpace": "pre-line",
}


# ---------------------------------------------------------------- the deck (pure: no Streamlit call)


class DeckCompact(pdk.Deck):
    """A pydeck Deck whose JSON has no indentation.

    pydeck serialises with ``indent=2`` and Streamlit sends that text as is: the
    whitespace alone made the map's payload six times heavier (1.36 MB instead of 0.22 MB)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def _features(geoms: Any, props: list[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection; properties are exactly `props` (no stray column travels)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(shapely.to_geojson(g)), "properties": p}
            for g, p in zip(geoms, props, strict=True)
        ],
    }


def _texte(valeur: str) -> str:
    """A literal string for a layer property: pydeck reads a bare string as a JavaScript
    expression ("pixels" → the variable pixels), a quoted one as text."""
    return f"'{valeur}'"


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def vue_initiale(
    bounds: tuple[float, float, float, float], largeur: int = 900, hauteur: int = HAUTEUR
) -> pdk.ViewState:
    """Centre of the region and the zoom that fits it in a `largeur` × `hauteur` pixel map."""
    lon0, lat0, lon1, lat1 = bounds
    x = max((lon1 - lon0) / 360.0, 1e-9)
    y = max((_mercator_y(lat1) - _mercator_y(lat0)) / (2 * math.pi), 1e-9)
    zoom = min(math.log2(largeur / 512 / x), math.log2(hauteur / 512 / y))  # deck.gl tiles are 512 px
    return pdk.ViewState(
        longitude=round((lon0 + lon1) / 2, 4),
        latitude=round((lat0 + lat1) / 2, 4),
        zoom=round(zoom - 0.15, 2),  # a margin around the region
        min_zoom=5,
        max_zoom=12,
        pitch=0,
        bearing=0,
    )


def deck_carte(plan: PlanCarte, fond_tuiles: str | None = None) -> pdk.Deck:
    """The pydeck map of a plan: territories, borders of the other level, départements, sites, names."""
    zones = plan.zones
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            _features(
                zones.geometry,
                [
                    {"nom": n, "couleur": c, "infobulle": i}
                    for n, c, i in zip(zones["nom"], zones["couleur"], zones["infobulle"], strict=True)
                ],
            ),
            id="territoires",
            filled=True,
            stroked=True,
            get_fill_color="properties.couleur",
            get_line_color=[255, 255, 255, 230],
            line_width_min_pixels=1,
            pickable=True,
            auto_highlight=True,
            highlight_color=[255, 255, 255, 70],
        ),
        pdk.Layer(
            "GeoJsonLayer",
            _features(plan.departements.boundary, [{"nom": n} for n in plan.departements["nom"]]),
            id="departements",
            filled=False,
            stroked=True,
            get_line_color=[90, 90, 90, 200],
            line_width_min_pixels=1,
            pickable=False,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            _features(plan.contours, [{} for _ in range(len(plan.contours))]),
            id="contours",
            filled=False,
            stroked=True,
            get_line_color=[*CONTOUR, 255],
            line_width_min_pixels=2.5,
            pickable=False,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            plan.sites.drop(columns=["type"]).to_dict("records"),
            id="sites",
            get_position=["lon", "lat"],
            get_fill_color="couleur",
            get_line_color=[255, 255, 255],
            get_radius="rayon",
            radius_units=_texte("pixels"),
            stroked=True,
            line_width_min_pixels=1.5,
            pickable=True,
        ),
    ]
    if len(plan.etiquettes):
        layers.append(
            pdk.Layer(
                "TextLayer",
                plan.etiquettes.to_dict("records"),
                id="noms-territoires",
                get_position=["lon", "lat"],
                get_text="nom",
                get_size=15 if plan.niveau == "ml" else 13,
                get_color=[30, 30, 30],
                get_pixel_offset=[0, 16],
                font_family=_texte("Source Sans Pro, Helvetica Neue, Arial, sans-serif"),
                font_weight=700,
                character_set=_texte("auto"),  # accents (Ariège, Hautes-Pyrénées): the default set is ASCII only
                background=True,  # a light box keeps the name readable over dark classes and borders
                get_background_color=[255, 255, 255, 200],
                background_padding=[4, 2],
                pickable=False,
            )
        )
    fond: dict[str, Any] = (
        {"map_provider": "carto", "map_style": fond_tuiles}
        if fond_tuiles
        # No map_style at all: pydeck then sends its "__MAP_STYLE__" sentinel, the only value
        # for which Streamlit does not substitute its default (network) Carto basemap.
        else {"map_provider": None}
    )
    return DeckCompact(
        layers=layers,
        initial_view_state=vue_initiale(plan.bounds),
        tooltip={"text": "{infobulle}", "style": TOOLTIP_STYLE},
        **fond,
    )


def taille_json(deck: pdk.Deck) -> int:
    """Bytes of the deck's JSON: what the browser downloads for the map."""
    return len(deck.to_json().encode("utf-8"))


# ---------------------------------------------------------------- legend (HTML)


def _rgb(c: tuple[int, ...] | list[int]) -> str:
    return f"rgb({c[0]}, {c[1]}, {c[2]})"


def legende_html(plan: PlanCarte) -> str:
    """The legend as HTML: classes (grey = secret statistique), border line, site symbols."""
    rows = [f"<div style='font-weight:600;margin-bottom:6px'>{explain(plan.legende_titre)}</div>"]
    for classe in plan.legende:
        rows.append(
            "<div style='display:flex;align-items:center;gap:8px;margin:2px 0'>"
            f"<span style='display:inline-block;width:22px;height:14px;background:{_rgb(classe.couleur)};"
            "border:1px solid #999'></span>"
            f"<span>{html.escape(classe.libelle)}</span></div>"
        )
    rows.append(
        "<div style='display:flex;align-items:center;gap:8px;margin:8px 0 2px'>"
        f"<span style='display:inline-block;width:22px;border-top:3px solid {_rgb(CONTOUR)}'></span>"
        f"<span>{html.escape(plan.contours_libelle)}</span></div>"
    )
    for classe in plan.sites_legende:
        rows.append(
            "<div style='display:flex;align-items:center;gap:8px;margin:2px 0'>"
            f"<span style='display:inline-block;width:12px;height:12px;border-radius:50%;margin:0 5px;"
            f"background:{_rgb(classe.couleur)};border:1px solid white'></span>"
            f"<span>{html.escape(classe.libelle)}</span></div>"
        )
    return "<div style='font-size:0.9rem;line-height:1.35'>" + "".join(rows) + "</div>"


# ---------------------------------------------------------------- Streamlit


def _require(carte: object) -> CarteMasquee:
    if not isinstance(carte, CarteMasquee):
        raise TypeError("lib/ui/carte n'affiche que des cartes passées par lib.secret (CarteMasquee)")
    return carte


def carte(masquee: CarteMasquee, couleur: str, key: str) -> PlanCarte:
    """The map with its legend on the right, its notes, and PNG / PDF downloads."""
    plan = plan_carte(_require(masquee), couleur)
    deck = deck_carte(plan, settings().fond_tuiles)
    st.markdown(f"**{explain(plan.titre)}** — {html.escape(plan.sous_titre)}", unsafe_allow_html=True)
    col_carte, col_legende = st.columns([4, 1.35])
    with col_carte:
        st.pydeck_chart(
            deck,
            height=HAUTEUR,
            key=f"{key}-deck",
            alt=f"Carte : {plan.titre}, {plan.sous_titre}",
        )
    with col_legende:
        st.markdown(legende_html(plan), unsafe_allow_html=True)
    for note in plan.notes:  # demo basins, grey = secret statistique, small territories, co-traitance
        st.caption(note)
    st.caption(f"Source : {plan.source}. Extrait le {fr.date_courte(plan.date)}.")
    nom = f"carte-{plan.niveau}-{couleur}"
    # drawn once per map (about 0.4 s each), then served from the cache on every rerun
    parts = (masquee.niveau, couleur, plan.titre, plan.sous_titre, plan.zones.drop(columns="geometry"), plan.date)
    files = [
        Fichier("Carte en PNG", "png", prepare(digest("carte-png", *parts), lambda: carte_png(plan))),
        Fichier("Carte en PDF", "pdf", prepare(digest("carte-pdf", *parts), lambda: carte_pdf(plan))),
    ]
    download_menu(files, nom, plan.titre, key, origin="carte")
    return plan


def tableau_croise(
    masked: MaskedTable,
    lignes: str,
    colonnes: str,
    title: str,
    key: str,
    filtre: Mapping[str, str] | None = None,
) -> None:
    """A masked table shown crossed, `lignes` × `colonnes` (margins included), its other
    dimensions fixed by `filtre` (e.g. {"Résidence en QPV / ZUS": "Total"}); hidden cells
    as "s"; shows the last value column (a share in %, when one was derived). The
    downloads carry the whole masked table with its notes (lib.export.tables)."""
    render.require_masked(masked)
    filtre = dict(filtre or {})
    if set(masked.dims) != {lignes, colonnes, *filtre}:
        raise ValueError(f"tableau croisé : dimensions attendues {lignes}, {colonnes} (+ {', '.join(filtre)})")
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    render.badge(masked)
    t = masked.table
    for dim, val in filtre.items():
        t = t[t[dim].astype(str) == val]
    valeur = masked.value_columns[-1]  # the derived figure when there is one (a share), else the count
    pourcent = valeur != masked.count
    texte = [fr.pourcent(v, 1) if pourcent else fr.nombre(v) for v in t[valeur]]
    frame = pd.DataFrame({lignes: t[lignes].astype(str), colonnes: t[colonnes].astype(str), "v": texte})
    pivot = frame.pivot(index=lignes, columns=colonnes, values="v")
    ordre_l = [c for c in masked.categories.get(lignes, ()) if c in pivot.index] or list(pivot.index)
    ordre_c = [c for c in masked.categories.get(colonnes, ()) if c in pivot.columns] or list(pivot.columns)
    pivot = pivot.loc[ordre_l, ordre_c].fillna("–")  # no commune in common: no cell, nobody to count
    pivot.columns = [court(c) for c in pivot.columns]  # "Tarn Nord" rather than "Mission locale Tarn Nord"
    pivot = pivot.reset_index().rename(columns={lignes: masked.label(lignes)})
    # every row visible (about twenty basins): a scrolled table hides half the region
    render.grid(pivot, masked, [pivot.columns[0]], min(36 * (len(pivot) + 1) + 4, 1200))
    if masked.hidden_count:
        st.caption(LEGEND + " « – » : aucune commune commune à la mission locale et au bassin.")
    if filtre:
        st.caption(f"Les fichiers téléchargés détaillent aussi : {', '.join(filtre)}.")
    render.downloads(masked, title, key)
