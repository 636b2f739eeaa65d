"""What the Observation pages receive: masked tables built from the tiny warehouse (no Streamlit page)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fixtures_small import small_warehouse

from lib.config import settings
from lib.indicators.periods import make_period
from lib.indicators.scope import Scope
from lib.secret import MaskedTable
from lib.ui import observation as view

W = small_warehouse()
Q2 = make_period("trimestre", 2010, 2)
KEY = ("tests", -1)  # never a real (database, version) pair
REGION = ("region", None)
PERIOD = (Q2.kind, Q2.start, Q2.end)
SEUIL = settings().secret.seuil_diffusion


def published(masked: MaskedTable) -> np.ndarray:
    return masked.table[masked.count].dropna().to_numpy()


def test_key_figures_hide_small_counts_and_their_evolution() -> None:
    kf = view._key_figures.__wrapped__(W, KEY, REGION, PERIOD)
    suivis = kf.tables["suivis"].grand_total()
    assert suivis["Jeunes suivis"] == 7
    assert math.isnan(suivis[view.EVOLUTION])  # a year earlier: 2 young people, hidden, so no evolution
    entrees = kf.tables["entrees"].grand_total()
    assert math.isnan(entrees["Entrées en dispositif"])  # 2 entries: hidden
    assert math.isnan(entrees[view.EVOLUTION])
    assert kf.suivis == 7
    assert "pas de ventilation" in view.too_small(kf)  # 7 < selection_min


def test_profiles_never_publish_a_small_cell() -> None:
    tables = view._profiles.__wrapped__(W, KEY, REGION, PERIOD, "suivis")
    for dim, masked in tables.items():
        values = published(masked)
        assert ((values == 0) | (values >= SEUIL)).all(), dim
        # a hidden count leaves its share hidden too
        hidden = masked.table[masked.count].isna()
        assert masked.table.loc[hidden, view.PART].isna().all(), dim
    sexe = tables["sexe"].table.set_index("Sexe")
    assert math.isnan(sexe.loc["Hommes", "Jeunes suivis"])  # 2: primary
    assert math.isnan(sexe.loc["Femmes", "Jeunes suivis"])  # 5, but 7 − 5 would give the 2 back


def test_schemes_one_table_per_movement() -> None:
    tables = view._schemes.__wrapped__(W, KEY, REGION, PERIOD)
    assert set(tables) == {"Entrées", "En cours (fin de période)", "Sorties"}
    for masked in tables.values():
        assert masked.dims == ("Dispositif",)
        values = published(masked)
        assert ((values == 0) | (values >= SEUIL)).all()


def test_cross_refuses_a_too_small_selection() -> None:
    cross = view._cross.__wrapped__(W, KEY, REGION, PERIOD, "suivis", ("ml", "sexe"))
    assert cross.table is None and "pas de ventilation" in cross.message


def test_outcomes_table_and_its_flag() -> None:
    out = view._outcomes.__wrapped__(W, KEY, REGION, PERIOD, 3)
    assert not out.complete and str(out.data_end) == "2010-09-01"
    total = out.table.grand_total()["Jeunes"]
    assert math.isnan(total) or total == 5  # the cohort: first receptions of Q2
    assert ((published(out.table) == 0) | (published(out.table) >= SEUIL)).all()


def test_monthly_is_masked_per_month() -> None:
    import datetime as dt

    series = view._monthly.__wrapped__(W, KEY, REGION, dt.date(2010, 4, 1), dt.date(2010, 6, 30))
    assert series.dims == ("Mois", "Mesure")
    assert "avr. 2010" in set(series.table["Mois"])
    values = published(series)
    assert ((values == 0) | (values >= SEUIL)).all()


@pytest.mark.parametrize(
    ("scope", "label"),
    [
        (Scope(), settings().region_nom),
        (Scope("ml", "MLB"), "Mission locale B"),
        (Scope("departement", "09"), "Département 09 Ariège"),
        (Scope("bassin", "B2"), "Bassin d'emploi Bassin deux"),
    ],
)
def test_scope_label(scope: Scope, label: str) -> None:
    assert view.scope_label(W, scope) == label


def test_lower_first() -> None:
    assert view.lower_first("Mission locale") == "mission locale"
    assert view.lower_first("QPV / ZUS") == "QPV / ZUS"
