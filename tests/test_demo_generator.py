"""The demo generator: deterministic and calibrated on seed 002 (pure, no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.demo.generator import generate
from lib.demo.reference import reference
from lib.demo.reseau import DRIFT_2010_SEED
from lib.demo.seed_figures import DEFM_EVOLUTION_2009, ENVELOPPE_2010, SEED_MLS


@pytest.fixture(scope="module")
def communes() -> pd.DataFrame:
    ref = reference()
    return ref.communes.merge(ref.ml_communes, left_on="code", right_on="commune_code")[
        ["code", "population", "ml_code", "qpv", "zrr"]
    ]


@pytest.fixture(scope="module")
def demo(communes):
    return generate(communes, 30_000, 20100507)


def test_same_seed_same_data(communes, demo) -> None:
    again = generate(communes, 30_000, 20100507)
    for name in ("jeunes", "contacts", "dispositifs", "situations", "defm"):
        pd.testing.assert_frame_equal(getattr(demo, name), getattr(again, name))


def test_other_seed_other_data(communes, demo) -> None:
    other = generate(communes, 30_000, 1)
    assert not other.jeunes["niveau"].equals(demo.jeunes["niveau"])


def test_qualification_levels_match_the_diagnostic(demo) -> None:
    share = demo.jeunes["niveau"].value_counts(normalize=True)
    assert share[["V", "IV"]].sum() == pytest.approx(0.60, abs=0.015)  # seed 002: 60 % at level V or IV
    assert share[["VI", "Vbis"]].sum() == pytest.approx(0.15, abs=0.01)  # 15 % at level VI or Vbis


def test_benefit_share_of_young_job_seekers(demo) -> None:
    ppae = demo.dispositifs.loc[demo.dispositifs["code"] == "PPAE", "jeune_id"].unique()
    indemnise = demo.jeunes.set_index("id").loc[ppae, "indemnise"]
    assert indemnise.mean() == pytest.approx(0.52, abs=0.02)  # 52 % receive unemployment benefit


def test_defm_hits_the_seed_in_december_2009_and_grew_20_percent(demo) -> None:
    d = demo.defm.assign(mois=pd.to_datetime(demo.defm["mois"]))
    dec09 = d[d["mois"] == "2009-12-31"].set_index("ml_code")["effectif"]
    for m in SEED_MLS:
        assert dec09[m.code] == m.defm_dec_2009
    jan09 = d[d["mois"] == "2009-01-31"]["effectif"].sum()
    # January is one month into the year: growth Jan→Dec ≈ (1.201)^(11/12), seasonality ±2.5 %
    assert dec09.sum() / jan09 == pytest.approx((1 + DEFM_EVOLUTION_2009) ** (11 / 12), rel=0.04)


def test_cotraitance_entries_drift_around_the_quotas(demo) -> None:
    p = demo.dispositifs[demo.dispositifs["code"] == "PPAE"].merge(
        demo.jeunes[["id", "ml_code"]], left_on="jeune_id", right_on="id"
    )
    p = p[pd.to_datetime(p["date_affectation"]).dt.year == 2010]
    counts = p.groupby("ml_code").size()
    for m in SEED_MLS:
        expected = ENVELOPPE_2010 * m.cle_repartition * DRIFT_2010_SEED[m.code][0]
        assert counts[m.code] == pytest.approx(expected, rel=0.06), m.code
    h1 = p.assign(h1=pd.to_datetime(p["date_affectation"]).dt.month <= 6).groupby("ml_code")["h1"].mean()
    assert h1["ML46"] > 0.6  # the ML that consumes its envelope early
    assert h1.drop("ML46").max() < 0.6


def test_first_reception_never_on_a_weekend(demo) -> None:
    days = pd.to_datetime(demo.jeunes["date_premier_accueil"]).dt.day_of_week
    assert (days < 5).all()


def test_ages_stay_in_the_public_of_the_missions_locales(demo) -> None:
    j = demo.jeunes
    age = (pd.to_datetime(j["date_premier_accueil"]) - pd.to_datetime(j["mois_naissance"])).dt.days / 365.25
    assert age.min() >= 15.9 and age.max() < 26.1
