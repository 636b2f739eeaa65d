"""Filters kept across pages and reruns, and written in the address so that a link opens the same view.

Streamlit forgets a widget's value when the page that drew it is left: choosing Gers,
mars 2010 on Accueil then opening Observation brought back Région / 2010. `keep` stores
every choice in the session under its own name and restores it before the widget is
drawn again, on any page; it also writes the choice in the address (query parameters),
so that the animateur can send the link of exactly what the comité should see. A link
opened in a new session seeds the choices; a value a link names that does not exist (an
old year, a mistyped code) is ignored, not an error.

Order of precedence: what the user just chose on this page, then what they chose
elsewhere in the session, then the link, then the page's default.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib.indicators.data import Warehouse
from lib.indicators.periods import KINDS, MOIS, Period, make_period
from lib.indicators.scope import LEVEL_COLUMN, LEVELS, Scope
from lib.publication.build import offered_years
from lib.ui import acces
from lib.ui.boot import LINK
from lib.ui.glossary import help_for

KEPT = "_garde_"  # prefix of the session keys that outlive the widgets
OWNERS = "_page_des_filtres"  # key → the page that last wrote it in the address


def _from_link(key: str, options: Sequence[object]) -> object | None:
    """The option a link names for `key` (query parameters, or those saved by lib.ui.boot before the
    detour through app.py), None when it names none or an unknown one."""
    link = st.session_state.get(LINK) or {}
    raw = st.query_params.get(key, link.get(key))
    if raw is None:
        return None
    return next((o for o in options if str(o) == str(raw)), None)


def keep(key: str, options: Sequence[object], default: object) -> None:
    """Call right before drawing the widget `key` (with no index/value of its own): sets its value."""
    kept = KEPT + key
    current = st.session_state.get(key)
    if current in options:  # drawn on this page in the last run: the user's latest choice
        value = current
    elif st.session_state.get(kept) in options:
        value = st.session_state[kept]
    else:
        linked = _from_link(key, options)
        value = default if linked is None else linked
    st.session_state[key] = value
    st.session_state[kept] = value
    _own_link(key)
    st.query_params[key] = str(value)


def _own_link(key: str) -> None:
    """The address names the current page's choices only: another page's (a tab's radio, the map's
    colour) leave it, though the session keeps them for when that page is opened again."""
    ctx = get_script_run_ctx()  # the running page; Streamlit has no public name for it
    page = ctx.page_script_hash if ctx else ""
    owners: dict[str, str] = st.session_state.setdefault(OWNERS, {})
    for other, owner in list(owners.items()):
        if owner != page:
            forget_in_link(other)
            del owners[other]
    owners[key] = page


def forget_in_link(*keys: str) -> None:
    """Choices that do not apply to the current view leave the address (kept in the session)."""
    for key in keys:
        if key in st.query_params:
            del st.query_params[key]


def _options(w: Warehouse, level: str) -> dict[str, str]:
    """The territories of `level` the session may see in detail (habilitations), code → label."""
    # codes are categoricals in the warehouse (data.CATEGORIES): as plain strings for labels and Scope
    if level == "departement":
        codes = w.departements["code"].astype(str)
        every = dict(zip(codes, codes + " " + w.departements["nom"].astype(str), strict=True))
    elif level == "bassin":
        every = dict(zip(w.bassins["code"].astype(str), w.bassins["nom"].astype(str), strict=True))
    elif level == "ml":
        every = w.ml_names()
    else:
        every = {}
    return {code: label for code, label in every.items() if acces.sees_in_detail(level, code)}


def scope_selector(w: Warehouse) -> Scope:
    levels = [lv for lv in LEVELS if lv == "region" or _options(w, lv)]
    keep("niveau", levels, levels[0])
    level = st.sidebar.selectbox(
        "Niveau territorial", levels, format_func=LEVELS.get, key="niveau", help=help_for("Bassin d'emploi")
    )
    choices = {f"choix_{LEVEL_COLUMN[lv]}" for lv in LEVELS if lv != "region"}
    if level == "region":
        forget_in_link(*choices)
        return Scope()
    key = f"choix_{LEVEL_COLUMN[level]}"
    forget_in_link(*(choices - {key}))
    opts = _options(w, level)
    keep(key, list(opts), next(iter(opts)))
    code = st.sidebar.selectbox(LEVELS[level], list(opts), format_func=opts.get, key=key)
    return Scope(level, code)


def period_selector(w: Warehouse) -> Period:
    years = offered_years(w)
    kinds = list(KINDS)
    keep("periode_type", kinds, "annee")  # the year by default: what the comité reviews
    kind = st.sidebar.selectbox("Période", kinds, format_func=KINDS.get, key="periode_type")
    keep("periode_annee", years, years[-1])
    year = st.sidebar.selectbox("Année", years, key="periode_annee")
    if kind == "trimestre":
        forget_in_link("periode_mois")
        keep("periode_trim", [1, 2, 3, 4], 4)
        idx = st.sidebar.selectbox("Trimestre", [1, 2, 3, 4], format_func=lambda q: f"T{q}", key="periode_trim")
    elif kind in ("mois", "12mois"):
        forget_in_link("periode_trim")
        months = list(range(1, 13))
        keep("periode_mois", months, 12)
        label = "Mois" if kind == "mois" else "Dernier mois"
        idx = st.sidebar.selectbox(label, months, format_func=lambda m: MOIS[m - 1], key="periode_mois")
    else:
        forget_in_link("periode_trim", "periode_mois")
        idx = 1
    return make_period(kind, int(year), int(idx))


def territory_options(w: Warehouse, level: str) -> dict[str, str]:
    """Code → label of the territories of `level`, for a page that chooses one outside the sidebar."""
    return _options(w, level)
