"""Rule 4: a commune under 2,000 inhabitants never shown on its own, in the explorer's commune dimension."""

from __future__ import annotations

import pandas as pd

from lib.indicators import observation as obs
from lib.indicators.periods import make_period
from lib.indicators.scope import Scope
from lib.secret import protect

COMMUNES = pd.DataFrame(
    {
        "code": ["A", "B", "C", "D"],
        "nom": ["Grande", "Moyenne", "Petite", "Minuscule"],
        "population": [50_000, 2_500, 1_800, 300],
        "dep_code": ["31", "31", "32", "32"],
    }
)


def test_small_communes_are_grouped_and_big_ones_named() -> None:
    groups = obs.commune_groups(COMMUNES, ["A", "B", "C", "D"], 2000)
    assert groups == {"A": "Grande (31)", "B": "Moyenne (31)", "C": obs.SMALL_COMMUNES, "D": obs.SMALL_COMMUNES}


def test_a_group_under_the_threshold_takes_the_smallest_named_commune() -> None:
    # only "Minuscule" (300 inhabitants) is small: alone, the group would show one small commune
    groups = obs.commune_groups(COMMUNES, ["A", "B", "D"], 2000)
    assert groups == {"A": "Grande (31)", "B": obs.SMALL_COMMUNES, "D": obs.SMALL_COMMUNES}


def test_no_commune_under_2000_inhabitants_in_the_demo_breakdown(demo_warehouse) -> None:
    w = demo_warehouse
    raw = obs.breakdown(w, make_period("annee", 2010), Scope(), "suivis", ["commune", "sexe"])
    c = w.communes
    label = c["nom"] + " (" + c["dep_code"].astype(str) + ")"
    small, big = set(label[c["population"] < 2000]), set(label[c["population"] >= 2000])
    shown = set(raw["commune"].astype(str))
    assert obs.SMALL_COMMUNES in shown
    assert not shown & small and shown - {obs.SMALL_COMMUNES} <= big
    masked = protect(raw, ["commune", "sexe"])
    total = masked.grand_total()["n"]
    followed = obs.breakdown(w, make_period("annee", 2010), Scope(), "suivis", ["sexe"])["n"].sum()
    assert total == followed  # every young person is in one group: nothing lost, nothing counted twice
