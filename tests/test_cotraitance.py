"""Co-traitance: répartition of the envelope, realisation, alert rules (pure logic, no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.demo.seed_figures import DEFM_TOTAL_DEC_2009, ENVELOPPE_2010, SEED_MLS
from lib.indicators.cotraitance import largest_remainders, repartir
from lib.indicators.cotraitance.alertes import alertes_acceptation, alertes_consommation, alertes_tolerance
from lib.indicators.cotraitance.repartition import arrondi_affiche
from lib.indicators.cotraitance.suivi import prorata, realisation, statut_tolerance


def seed_inputs() -> tuple[pd.Series, pd.Series]:
    idx = [m.code for m in SEED_MLS]
    defm = pd.Series([m.defm_dec_2009 for m in SEED_MLS], index=idx)
    cles = pd.Series([m.cle_activite_2010 for m in SEED_MLS], index=idx)
    return defm, cles


# ---------------------------------------------------------------- répartition


def test_seed_table_reproduced_to_the_printed_precision() -> None:
    defm, cles = seed_inputs()
    rep = repartir(defm, cles, ENVELOPPE_2010, 0.5)
    assert int(rep["defm"].sum()) == DEFM_TOTAL_DEC_2009
    for m in SEED_MLS:
        row = rep.loc[m.code]
        printed = lambda x: str(arrondi_affiche(x * 100, 2))  # noqa: E731
        assert printed(row["part_defm"]) == printed(m.part_defm), m.code
        assert printed(row["cle_activite"]) == printed(m.cle_activite_2010), m.code
        assert printed(row["cle"]) == printed(m.cle_repartition), m.code
    assert int(rep["quota"].sum()) == ENVELOPPE_2010 == 5787
    assert str(arrondi_affiche(rep.loc["ML09", "cle"] * 100)) == "5.47"
    assert str(arrondi_affiche(rep.loc["ML82", "cle"] * 100)) == "9.11"


def test_tarn_et_garonne_needs_the_printed_share_as_the_seed_did() -> None:
    # exact share 9.2295 % would give a key of 9.1048 % → 9.10 %; the seed averaged the printed 9.23 %
    defm, cles = seed_inputs()
    exact = repartir(defm, cles, ENVELOPPE_2010, 0.5, arrondi_part=None)
    assert str(arrondi_affiche(exact.loc["ML82", "cle"] * 100)) == "9.10"
    assert int(exact["quota"].sum()) == ENVELOPPE_2010


@pytest.mark.parametrize(
    ("value", "printed"),
    [(5.465, "5.47"), (10.174999999999999, "10.18"), (7.005, "7.01"), (4.495, "4.50"), (2.004, "2.00")],
)
def test_display_rounding_is_half_up_like_a_spreadsheet(value: float, printed: str) -> None:
    assert str(arrondi_affiche(value, 2)) == printed
    assert arrondi_affiche(float("nan")) is None


def test_seed_quotas_by_largest_remainders() -> None:
    defm, cles = seed_inputs()
    rep = repartir(defm, cles, ENVELOPPE_2010, 0.5)
    expected = {
        "ML09": 316, "ML12": 402, "ML31T": 1247, "ML31": 1314, "ML32": 277,
        "ML46": 260, "ML65": 589, "ML81N": 405, "ML81S": 450, "ML82": 527,
    }  # fmt: skip
    assert rep["quota"].to_dict() == expected
    assert (rep["quota"] - rep["quota_exact"]).abs().max() < 1


def test_weight_one_is_pure_defm_and_zero_pure_activity() -> None:
    defm, cles = seed_inputs()
    all_defm = repartir(defm, cles, 1000, 1.0)
    all_act = repartir(defm, cles, 1000, 0.0)
    np.testing.assert_allclose(all_defm["cle"], (defm / defm.sum()).round(4))
    np.testing.assert_allclose(all_act["cle"], cles / cles.sum())


def test_plain_rounding_would_miss_the_envelope_but_largest_remainders_does_not() -> None:
    w = pd.Series([1.0, 1.0, 1.0])
    assert round(100 / 3) * 3 != 100
    assert largest_remainders(w, 100).tolist() == [34, 33, 33]


@pytest.mark.parametrize(
    ("defm", "cles", "env", "poids", "message"),
    [
        ({"A": 10, "B": 10}, {"A": 0.5}, 10, 0.5, "clé activité/résultat absente pour : B"),
        ({"A": 10}, {"A": 0.5, "B": 0.5}, 10, 0.5, "DEFM jeunes absentes pour : B"),
        ({"A": 10, "B": 10}, {"A": 0.5, "B": 0.4}, 10, 0.5, "totalisent 90,00\u202f%"),
        ({"A": 10, "B": 10}, {"A": 0.5, "B": 0.5}, 10, 1.5, "entre 0 et 1"),
        ({"A": 10, "B": -1}, {"A": 0.5, "B": 0.5}, 10, 0.5, "négatives pour : B"),
        ({"A": 0, "B": 0}, {"A": 0.5, "B": 0.5}, 10, 0.5, "total des DEFM jeunes est nul"),
        ({"A": 10, "B": 10}, {"A": 0.5, "B": 0.5}, -3, 0.5, "positive ou nulle"),
    ],
)
def test_bad_inputs_are_refused_in_french(defm: dict, cles: dict, env: int, poids: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        repartir(pd.Series(defm), pd.Series(cles), env, poids)


def test_keys_printed_with_rounding_are_accepted() -> None:
    # printed keys may total 99.99 %: accepted and normalised
    rep = repartir(pd.Series({"A": 10, "B": 30}), pd.Series({"A": 0.3333, "B": 0.6666}), 100, 0.5)
    assert rep["quota"].sum() == 100
    assert rep["cle"].sum() == pytest.approx(1.0, abs=1e-4)


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.integers(min_value=0, max_value=200_000), st.floats(min_value=0, max_value=1)),
        min_size=1,
        max_size=25,
    ).filter(lambda rows: sum(d for d, _ in rows) > 0 and sum(k for _, k in rows) > 1e-6),
    enveloppe=st.integers(min_value=0, max_value=2_000_000),
    poids=st.floats(min_value=0, max_value=1),
)
def test_quotas_always_add_up_to_the_envelope(data: list[tuple[int, float]], enveloppe: int, poids: float) -> None:
    idx = [f"ML{i:02d}" for i in range(len(data))]
    defm = pd.Series([d for d, _ in data], index=idx)
    raw = pd.Series([k for _, k in data], index=idx)
    rep = repartir(defm, raw / raw.sum(), enveloppe, poids)
    assert int(rep["quota"].sum()) == enveloppe
    assert (rep["quota"] >= 0).all()
    # each quota is the floor or the ceiling of its exact share
    assert ((rep["quota"] - rep["quota_exact"]).abs() < 1 + 1e-6).all()
    # DEFM shares are rounded to 0.01 %: the keys may miss 100 % by that much per ML
    assert rep["cle"].sum() == pytest.approx(1.0, abs=len(data) * 5e-5 + 1e-9)


@settings(max_examples=200, deadline=None)
@given(
    weights=st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
    total=st.integers(min_value=0, max_value=10**7),
)
def test_largest_remainders_property(weights: list[float], total: int) -> None:
    q = largest_remainders(pd.Series(weights), total)
    assert int(q.sum()) == total
    exact = np.array(weights) / sum(weights) * total
    assert (np.abs(q.to_numpy() - exact) < 1 + 1e-6).all()


# ---------------------------------------------------------------- realisation


def test_prorata_by_days_and_linear_projection() -> None:
    q = pd.Series({"A": 365.0})
    assert prorata(q, dt.date(2010, 6, 30))["A"] == pytest.approx(181)
    r = realisation(pd.Series({"A": 181.0}), q, dt.date(2010, 6, 30), 0.2)
    assert r.loc["A", "taux_prorata"] == pytest.approx(1.0)
    assert r.loc["A", "projection"] == pytest.approx(365)
    assert r.loc["A", "bas"] == pytest.approx(181 * 0.8)
    assert r.loc["A", "statut"] == "dans la tolérance"


def test_hidden_count_gives_hidden_rates() -> None:
    r = realisation(pd.Series({"A": np.nan}), pd.Series({"A": 100.0}), dt.date(2010, 12, 31), 0.2)
    assert np.isnan(r.loc["A", "taux_prorata"]) and np.isnan(r.loc["A", "projection"])
    assert r.loc["A", "statut"] == "secret"


def test_statut_tolerance_bounds_are_inclusive() -> None:
    s = statut_tolerance(pd.Series([0.79, 0.8, 1.2, 1.21]), 0.2)
    assert s.tolist() == ["en dessous", "dans la tolérance", "dans la tolérance", "au-dessus"]


# ---------------------------------------------------------------- alert rules


def _real(realise: dict[str, float], quota: dict[str, float], date_ref: dt.date) -> pd.DataFrame:
    return realisation(pd.Series(realise), pd.Series(quota), date_ref, 0.2)


def test_tolerance_rule_fires_below_and_above_only() -> None:
    end = dt.date(2010, 12, 31)
    real = _real(
        {"Basse": 70, "Juste": 85, "Haute": 125, "Cachée": np.nan},
        dict.fromkeys(["Basse", "Juste", "Haute", "Cachée"], 100.0),
        end,
    )
    alerts = alertes_tolerance(real, end, 0.2)
    assert [a.ml for a in alerts] == ["Basse", "Haute"]
    assert "en dessous de la tolérance (−20\u202f%)" in alerts[0].message
    assert "70 entrées à fin décembre 2010 pour 100 attendues" in alerts[0].message
    assert "au-dessus de la tolérance (+20\u202f%)" in alerts[1].message


def test_tolerance_rule_silent_when_all_within() -> None:
    end = dt.date(2010, 6, 30)
    real = _real({"A": 90.0}, {"A": 200.0}, end)  # 90 / 99.2 = 91 %
    assert alertes_tolerance(real, end, 0.2) == []


def _cumul(monthly: dict[str, list[float]]) -> pd.DataFrame:
    df = pd.DataFrame(monthly).T
    df.columns = range(1, df.shape[1] + 1)
    return df.cumsum(axis=1, skipna=False)


def test_consumption_rule_fires_for_an_early_envelope() -> None:
    # 120 quota; 68 % used by end of June (the seed-004 case), then it slows down
    early = [14] * 6 + [4] * 6
    regular = [10] * 12
    cumul = _cumul({"Précoce": early, "Régulière": regular})
    alerts = alertes_consommation(cumul, pd.Series({"Précoce": 120.0, "Régulière": 120.0}), 2010, 0.10)
    assert [a.ml for a in alerts] == ["Précoce"]
    assert "à fin juin 2010, 70\u202f% du quota annuel déjà consommé pour 50\u202f% de l'année" in alerts[0].message


def test_consumption_rule_reports_quota_reached_early() -> None:
    cumul = _cumul({"A": [30, 30, 30, 30, 10, 10]})
    alerts = alertes_consommation(cumul, pd.Series({"A": 100.0}), 2010, 0.10)
    assert len(alerts) == 1 and "Quota atteint dès fin avril" in alerts[0].message


def test_consumption_rule_silent_within_margin_and_never_guesses_hidden_months() -> None:
    cumul = _cumul({"Marge": [11] * 6, "Cachée": [np.nan, 60, 60, 0, 0, 0]})
    alerts = alertes_consommation(cumul, pd.Series({"Marge": 120.0, "Cachée": 100.0}), 2010, 0.10)
    assert alerts == []


def test_acceptance_rule_fires_on_waiting_or_hidden_counts_only() -> None:
    alerts = alertes_acceptation(pd.Series({"Zéro": 0.0, "Douze": 12.0, "Secret": np.nan}), 10)
    assert [a.ml for a in alerts] == ["Douze", "Secret"]
    assert "12 affectation(s) toujours sans acceptation 10 jours après" in alerts[0].message
    assert "s (secret statistique)" in alerts[1].message
    assert alertes_acceptation(pd.Series({"A": 0.0, "B": 0.0}), 10) == []


# ---------------------------------------------------------------- raw counts on a constructed PPAE frame

T = pd.Timestamp


def _ppae() -> pd.DataFrame:
    rows = [  # ml, affectation, acceptation, initialisation, premier entretien, etat, sortie, motif
        ("A", "2010-04-30", "2010-05-03", "2010-05-04", "2010-05-07", "accompagnement actif", None, None),  # 5 j.o.
        ("A", "2010-05-12", "2010-05-14", "2010-05-17", "2010-05-25", "alerte", None, None),  # 13 mai, 24 mai fériés
        ("A", "2010-07-13", "2010-07-15", "2010-07-16", "2010-07-30", None, "2010-11-02", "26 ans atteints"),  # 12
        ("A", "2010-06-01", None, None, None, None, None, None),  # never accepted
        ("B", "2010-12-24", "2010-12-27", "2010-12-28", "2011-01-05", "suspension", None, None),  # not yet seen
        ("B", "2010-06-20", "2010-06-21", "2010-06-21", "2010-06-22", None, "2010-09-01", "6 mois hors liste"),
        ("B", "2009-12-10", None, None, None, None, None, None),  # never accepted, before the year
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "ml_code",
            "date_affectation",
            "date_acceptation",
            "date_initialisation",
            "date_premier_entretien",
            "etat",
            "date_sortie",
            "motif_sortie",
        ],
    )
    for c in df.columns:
        if c.startswith("date_"):
            df[c] = pd.to_datetime(df[c])
    return df


def test_first_interview_delays_in_working_days() -> None:
    from lib.indicators.cotraitance.qualite import delais_premier_entretien, tranches_delai

    d = delais_premier_entretien(_ppae(), 2010, dt.date(2010, 12, 31), ["A", "B"], 5)
    labels = tranches_delai(5)
    got = d.set_index(["ml_code", "tranche"])["n"]
    assert got[("A", labels[0])] == 1  # 30/04 → 07/05: 5 working days, on target
    assert got[("A", labels[1])] == 1  # 12/05 → 25/05: 7 working days (Ascension, Pentecost Monday off)
    assert got[("A", labels[2])] == 1  # 13/07 → 30/07: 12 working days (14 July off)
    assert got[("B", labels[3])] == 1  # interview in 2011: not yet seen at 31/12/2010
    assert got[("B", labels[0])] == 1
    assert d["n"].sum() == 5  # the never-accepted affectations are not in the delays
    assert d.set_index(["ml_code", "tranche"])["jours"][("A", labels[1])] == 7


def test_monthly_entries_steps_states_exits_and_waiting() -> None:
    from lib.indicators.cotraitance.qualite import etats, sorties
    from lib.indicators.cotraitance.suivi import attente_acceptation, entrees_mensuelles

    p = _ppae()
    e = entrees_mensuelles(p, 2010, 12, ["A", "B"]).set_index(["ml_code", "mois", "etape"])["n"]
    assert e[("A", 4, "affectation")] == 1 and e[("A", 5, "acceptation")] == 2
    assert e[("B", 12, "initialisation")] == 1
    assert e.xs("affectation", level="etape").sum() == 6  # the 2009 affectation is left out
    assert len(e) == 2 * 12 * 3  # every combination, zeros included
    st_ = etats(p, ["A", "B"]).set_index(["ml_code", "etat"])["n"]
    assert st_[("A", "accompagnement actif")] == 1 and st_[("A", "alerte")] == 1 and st_[("B", "suspension")] == 1
    so = sorties(p, 2010, dt.date(2010, 12, 31), ["A", "B"]).set_index(["ml_code", "motif"])["n"]
    assert so[("A", "26 ans atteints")] == 1 and so[("B", "6 mois hors liste")] == 1
    assert sorties(p, 2010, dt.date(2010, 8, 31), ["A", "B"])["n"].sum() == 0
    wait = attente_acceptation(p, dt.date(2010, 12, 31), 10, ["A", "B"]).set_index("ml_code")["n"]
    assert wait["A"] == 1 and wait["B"] == 0  # B's 2009 case is older than 12 months before the reference
    early = attente_acceptation(p, dt.date(2010, 6, 5), 10, ["A", "B"]).set_index("ml_code")["n"]
    assert early["A"] == 0  # affected 1 June: not yet 10 days at 5 June
