"""The habilitations (lib.habilitations) applied to the user of the session: pages, actions, exports, territories.

A visitor not logged in holds the role the file names under [anonyme] (none: login required).
A user whose role the file does not list may do nothing (default deny).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from lib.auth import User
from lib.config import settings
from lib.db.engine import get_engine, log_action
from lib.habilitations import ACTIONS, Habilitation, habilitations
from lib.indicators.data import Warehouse, warehouse
from lib.publication.read import LABELS
from lib.publication.territory import build_territory
from lib.secret.masked import TOTAL, MaskedTable
from lib.ui.session import current_user

# Territorial dimensions of the publication → the levels a role must see in detail for their rows.
DIMENSION_LEVELS = {
    "departement": ("departement",),
    "ml": ("ml",),
    "bassin": ("bassin",),
    "commune": ("commune",),
    "ml_bassin": ("ml", "bassin"),
}
# the same by the French name the tables give them (their dimension's column)
TERRITORIAL_DIMS = {LABELS[d]: levels for d, levels in DIMENSION_LEVELS.items()}
# those an ML account sees only inside its own ML (a département is an aggregate): label → level
_OWN_LEVEL = {LABELS[d]: d for d in ("ml", "commune", "bassin", "ml_bassin")}


def current_role() -> str | None:
    """The role of the session: the user's, or the anonymous one of habilitations.toml (None: login required)."""
    user = current_user()
    return user.role if user is not None else habilitations().anonyme


def current() -> Habilitation | None:
    return habilitations().of(current_role())


def _who() -> str:
    user = current_user()
    return user.login if user is not None else "anonyme"


def page_allowed(page: str) -> bool:
    h = current()
    return h is not None and page in h.pages


def refuse_page(page: str) -> None:
    """The French refusal of a page opened without the right, and its line in the audit log."""
    role = current_role()
    if current_user() is None and role is None:
        st.error("Connexion obligatoire : identifiez-vous (menu Connexion, à gauche) pour ouvrir cette page.")
    else:
        st.error(
            f"Cette page n'est pas ouverte au rôle « {role or 'aucun'} » : le comité de pilotage en a décidé ainsi "
            "(habilitations). Les pages auxquelles vous avez droit sont dans le menu, à gauche."
        )
    with get_engine().begin() as conn:
        log_action(conn, _who(), "page refusée", f"{page} (rôle {role or 'aucun'})")


def may(action: str) -> bool:
    h = current()
    return h is not None and h.may(action)


def autorise(action: str) -> User | None:
    """The logged-in user if their role may do `action`; else a French explanation on screen and None."""
    user = current_user()
    if user is None:
        st.info(f"Pour {ACTIONS[action]}, connectez-vous (menu Connexion, à gauche).")
        return None
    if not may(action):
        st.info(f"Le rôle « {user.role} » ne permet pas de {ACTIONS[action]} (habilitations du comité de pilotage).")
        return None
    return user


def exports_allowed() -> bool:
    """Downloads are offered only to a role that may export (lib.ui.downloads asks here)."""
    return may("exporter")


# ---------------------------------------------------------------- territories


def sees_in_detail(level: str, code: str | None = None) -> bool:
    """Whether the session may see the territory `code` of `level` ("ml", "bassin"…) in detail."""
    h = current()
    if h is None or (level != "region" and level not in h.niveaux):
        return False
    if code is None or not h.own_ml_only or level in ("region", "departement"):
        return True
    return code in _own_territories().get(level, {})


def dimension_offered(dim: str) -> bool:
    """Whether a page may offer to break figures down by `dim` (a territorial one only when its level is seen)."""
    h = current()
    return dim not in DIMENSION_LEVELS or (h is not None and set(DIMENSION_LEVELS[dim]) <= h.niveaux)


def _own_territories() -> dict[str, dict[str, str]]:
    """The territories of the account's ML, level → code → label: itself, its communes, its crossings with
    the bassins, and the bassins lying wholly inside it (none without an ML on the account)."""
    user = current_user()
    if user is None or user.ml is None:
        return {}
    return _territories_of(str(user.ml), warehouse().version)


@st.cache_data(show_spinner=False, max_entries=64)
def _territories_of(ml: str, version: int) -> dict[str, dict[str, str]]:
    """The publication's own territories (codes and labels, lib.publication.territory) inside `ml`."""
    w: Warehouse = warehouse()
    cfg = settings()
    cells = build_territory(w, cfg.secret.population_commune_min, cfg.region_code, cfg.region_nom).cells
    mine = cells[cells["ml"].astype(str) == ml]  # "ml" is set when the territory lies in one ML only
    return {
        level: dict(zip(g["code"].astype(str), g["libelle"].astype(str), strict=True))
        for level, g in mine.groupby("niveau")
    }


def visible(masked: MaskedTable) -> MaskedTable:
    """`masked` without the rows of territories the session may not see in detail. Every published cell
    left is published as it is: removing cells from a masked table reveals nothing (margins stay)."""
    h = current()
    dims = [d for d in masked.dims if d in TERRITORIAL_DIMS]
    if not dims or (h is not None and not h.own_ml_only and all(set(TERRITORIAL_DIMS[d]) <= h.niveaux for d in dims)):
        return masked
    user = current_user()
    ml = str(user.ml) if h is not None and h.own_ml_only and user is not None and user.ml is not None else None
    own = (ml, int(warehouse().version)) if ml is not None else None
    return _restricted(masked.content_key, repr(h), own, masked, h)


@st.cache_resource(max_entries=2048, show_spinner=False)
def _restricted(
    content: str, rights: str, own_ml: tuple[str, int] | None, _masked: MaskedTable, _h: Habilitation | None
) -> MaskedTable:
    """The rows of `_masked` (its `content` key) that a role (`rights`: its habilitation) sees, cut once per table
    and role: an invité's or an ML account's reruns reuse the same object, and with it every cached frame,
    chart and file keyed by its content. `own_ml`: the account's ML and the data version of its territories."""
    masked, h = _masked, _h
    dims = [d for d in masked.dims if d in TERRITORIAL_DIMS]
    t = masked.table
    keep = pd.Series(True, index=t.index)
    own = _territories_of(*own_ml) if own_ml is not None else {}
    for d in dims:
        values = t[d].astype(str)
        aggregate = values.isin([TOTAL, *masked.subtotals(d)])
        if h is None or not set(TERRITORIAL_DIMS[d]) <= h.niveaux:
            keep &= aggregate
        elif d in _OWN_LEVEL:  # an ML account: its own territories only
            keep &= aggregate | values.isin(list(own.get(_OWN_LEVEL[d], {}).values()))
    if keep.all():
        return masked
    shown = t[keep]
    categories = {
        d: tuple(c for c in cats if c in set(shown[d].astype(str))) if d in dims else cats
        for d, cats in masked.categories.items()
    }
    return dataclasses.replace(masked, table=shown, categories=categories)
