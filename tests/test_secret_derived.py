"""lib.secret: derived figures, public figures, commune and selection rules."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from lib.config import SecretRules
from lib.secret import (
    TOTAL,
    audit,
    check_commune_selection,
    declare_public,
    evolution,
    mean,
    protect,
    rate,
    small_selection_message,
    with_share,
)

RULES = SecretRules()


def by(m, col: str, **coords) -> float:
    t = m.table
    mask = pd.Series(True, index=t.index)
    for d, v in coords.items():
        mask &= t[d] == v
    return float(t.loc[mask, col].iloc[0])


@pytest.fixture
def table():
    df = pd.DataFrame({"ml": ["A", "B", "C"], "n": [3, 40, 57]})
    return df, protect(df, ["ml"], rules=RULES)


def test_share_hidden_with_its_count(table):
    _, m = table
    s = with_share(m, of="ml", rules=RULES)
    assert s.value_columns == ("n", "part")
    assert s.label("part") == "Part (%)"
    assert math.isnan(by(s, "part", ml="A"))  # primary
    assert math.isnan(by(s, "part", ml="B"))  # secondary
    assert by(s, "part", ml="C") == pytest.approx(57.0)
    assert by(s, "part", ml=TOTAL) == pytest.approx(100.0)


def test_share_of_a_dimension_in_two_dimensions():
    df = pd.DataFrame({"ml": ["A", "A", "B", "B"], "sexe": ["F", "H", "F", "H"], "n": [30, 70, 50, 50]})
    s = with_share(protect(df, ["ml", "sexe"], rules=RULES), of="sexe", rules=RULES)
    assert by(s, "part", ml="A", sexe="F") == pytest.approx(30.0)
    assert by(s, "part", ml=TOTAL, sexe="H") == pytest.approx(60.0)


def test_rate_hides_small_or_hidden_denominators(table):
    _, m = table
    r = rate(m, pd.Series({"A": 10, "B": 80, "C": 4, TOTAL: 94}), rules=RULES)
    assert math.isnan(by(r, "taux", ml="C"))  # denominator 4 < 5
    assert by(r, "taux", ml=TOTAL) == pytest.approx(100 / 94 * 100)
    den = protect(pd.DataFrame({"ml": ["A", "B", "C"], "n": [2, 100, 120]}), ["ml"], rules=RULES)
    r2 = rate(m, den, rules=RULES)
    assert by(r2, "taux", ml="C") == pytest.approx(57 / 120 * 100) or math.isnan(by(r2, "taux", ml="C"))
    assert r2.table.loc[r2.table["status"] != "ok", "taux"].isna().all()


def test_evolution_needs_both_periods(table):
    _, current = table
    previous = protect(pd.DataFrame({"ml": ["A", "B", "C"], "n": [10, 2, 50]}), ["ml"], rules=RULES)
    e = evolution(current, previous, rules=RULES)
    assert math.isnan(by(e, "evolution", ml="B"))  # hidden now and small before
    assert by(e, "evolution", ml="C") == pytest.approx((57 - 50) / 50 * 100) or math.isnan(by(e, "evolution", ml="C"))
    assert by(e, "evolution", ml=TOTAL) == pytest.approx((100 - 62) / 62 * 100)


def test_mean_over_shown_counts(table):
    _, m = table
    sums = pd.DataFrame({"ml": ["A", "B", "C"], "age": [60, 800, 1140]})
    mm = mean(m, sums, "age", rules=RULES)
    assert math.isnan(by(mm, "moyenne", ml="A"))
    assert by(mm, "moyenne", ml="C") == pytest.approx(20.0)
    assert by(mm, "moyenne", ml=TOTAL) == pytest.approx(20.0)


def test_declare_public():
    df = pd.DataFrame({"trimestre": ["T1", "T2"], "reunions": [2, 3]})
    m = declare_public(df, ["trimestre"], ["reunions"], "réunions tenues : ne comptent personne")
    assert m.table["status"].tolist() == ["ok", "ok"]
    assert not m.sensitive and m.commentable
    assert m.table["reunions"].tolist() == [2, 3]  # small figures are shown as they are
    assert audit(m, df).ok
    with pytest.raises(ValueError):
        declare_public(df, ["trimestre"], ["reunions"], " ")


def test_commune_selection():
    small = pd.DataFrame({"libelle": ["Arbas"], "population": [250]})
    msg = check_commune_selection(small, RULES)
    assert msg is not None and "Arbas" in msg and "2\u202f000" in msg
    two_small = pd.DataFrame({"libelle": ["Arbas", "Aspet"], "population": [250, 900]})
    assert "ensemble moins de" in check_commune_selection(two_small, RULES)
    ok = pd.DataFrame({"libelle": ["Arbas", "Toulouse"], "population": [250, 470000]})
    assert check_commune_selection(ok, RULES) is None
    unknown = pd.DataFrame({"libelle": ["X", "Toulouse"], "population": [None, 470000]})
    assert check_commune_selection(unknown, RULES) is not None
    assert check_commune_selection(small.iloc[0:0], RULES) is None


def test_small_selection_message():
    assert small_selection_message(99, RULES) == (
        "Moins de 100 jeunes dans cette sélection : pas de ventilation affichée, "
        "pour que personne ne soit reconnaissable."
    )
    assert small_selection_message(100, RULES) is None
