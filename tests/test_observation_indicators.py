"""Observation indicators against counts made by hand on the tiny warehouse (tests/fixtures_small.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from fixtures_small import DISPOSITIFS, small_warehouse

from lib.indicators import observation as obs
from lib.indicators.periods import make_period
from lib.indicators.scope import Scope

W = small_warehouse()
Q2 = make_period("trimestre", 2010, 2)
REGION = Scope()


def as_dict(df: pd.DataFrame, dim: str) -> dict[str, int]:
    return dict(zip(df[dim], df["n"], strict=True))


def ids(measure: str, period=Q2, scope=REGION) -> list[int]:  # noqa: ANN001
    return sorted(int(i) for i in obs.population(W, period, scope, measure))


# ------------------------------------------------------------ populations


def test_followed_needs_an_interview_or_workshop_inside_the_period() -> None:
    # 4: information only; 6 and 10: interviews in July; 7's March interview is outside, its 1 April workshop inside
    assert ids("suivis") == [1, 2, 3, 5, 7, 8, 9]


def test_first_receptions_include_the_last_day_of_the_period() -> None:
    assert ids("premiers_accueils") == [1, 3, 5, 6, 8]  # 3 on 30 June; 9 on 31 March and 10 on 1 July are out
    assert 3 not in ids("premiers_accueils", make_period("trimestre", 2010, 3))
    assert ids("premiers_accueils", make_period("mois", 2010, 6)) == [3, 8]


def test_scheme_movements() -> None:
    assert ids("entrees") == [3, 5]  # 9's PPAE was never accepted: no entry
    assert ids("entrees:CIVIS") == [3]
    assert ids("entrees:PPAE") == [5]
    assert ids("sorties") == [2]  # exit on 15 June, entry in 2009
    assert ids("en_cours") == [3, 5]  # 2 left before the end; 3 entered on the last day


def test_headline_and_previous_year() -> None:
    assert obs.headline(W, Q2, REGION) == {
        "suivis": 7,
        "premiers_accueils": 5,
        "entrees": 2,
        "en_cours": 2,
        "sorties": 1,
    }
    prev = Q2.previous_year()
    assert (prev.start, prev.end) == (dt.date(2009, 4, 1), dt.date(2009, 6, 30))
    assert obs.headline(W, prev, REGION) == {
        "suivis": 2,  # 2 and 7
        "premiers_accueils": 0,
        "entrees": 1,  # 2 entered CIVIS on 1 May 2009
        "en_cours": 1,
        "sorties": 0,
    }


def test_unknown_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="mesure inconnue"):
        obs.population(W, Q2, REGION, "inventee")


# ------------------------------------------------------------ levels


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope("ml", "MLA"), [1, 2, 3, 5]),
        (Scope("ml", "MLB"), [7, 8, 9]),
        (Scope("departement", "09"), [1, 2, 3, 5]),
        (Scope("bassin", "B2"), [2, 7, 8, 9]),  # the basin crosses the ML limit (commune C3 of MLA)
        (Scope("bassin", "B1"), [1, 3, 5]),
    ],
)
def test_every_level_selects_its_young_people(scope: Scope, expected: list[int]) -> None:
    assert ids("suivis", scope=scope) == expected


# ------------------------------------------------------------ profile


def test_age_at_the_end_of_the_period() -> None:
    born = pd.Series(pd.to_datetime(["1984-06-01", "1984-07-01", "1992-06-01", "1992-07-01"]))
    assert obs.age_at(born, dt.date(2010, 6, 30)).tolist() == [26, 25, 18, 17]
    bands = obs.age_band(born, dt.date(2010, 6, 30))
    assert list(bands) == ["26 ans et plus", "22 à 25 ans", "18 à 21 ans", "Moins de 18 ans"]


def test_profile_of_the_followed() -> None:
    b = obs.breakdowns(W, Q2, REGION, "suivis")
    assert as_dict(b["sexe"], "sexe") == {"Femmes": 5, "Hommes": 2}
    # 2 turns 26 in June: 26 and over at the end of Q2
    assert as_dict(b["age"], "age") == {
        "Moins de 18 ans": 2,
        "18 à 21 ans": 2,
        "22 à 25 ans": 2,
        "26 ans et plus": 1,
    }
    assert as_dict(b["niveau"], "niveau") == {"VI/Vbis": 3, "V": 1, "IV": 2, "III et plus": 1}
    assert as_dict(b["qpv"], "qpv") == {"Réside en QPV / ZUS": 3, "Hors QPV / ZUS": 4}
    assert as_dict(b["zrr"], "zrr") == {"Réside en ZRR": 2, "Hors ZRR": 5}
    assert as_dict(b["logement"], "logement") == {
        "Chez les parents": 4,
        "Logement autonome": 2,
        "Hébergé (famille, amis)": 0,  # zero rows are kept: the table has the same shape everywhere
        "Foyer ou logement précaire": 1,
    }
    assert as_dict(b["permis"], "permis") == {"Permis de conduire": 3, "Sans permis": 4}
    assert as_dict(b["vehicule"], "vehicule") == {"Dispose d'un véhicule": 2, "Sans véhicule": 5}
    assert as_dict(b["indemnise"], "indemnise") == {"Indemnisé (assurance chômage)": 3, "Non indemnisé": 4}


def test_age_a_year_earlier_uses_that_period_end() -> None:
    b = obs.breakdown(W, Q2.previous_year(), REGION, "suivis", ["age"])
    assert as_dict(b, "age") == {"Moins de 18 ans": 0, "18 à 21 ans": 1, "22 à 25 ans": 1, "26 ans et plus": 0}


def test_cross_table_with_two_dimensions_has_every_cell() -> None:
    t = obs.breakdown(W, Q2, REGION, "suivis", ["ml", "sexe"])
    got = {(r.ml, r.sexe): r.n for r in t.itertuples()}
    assert got == {
        ("Mission locale A", "Femmes"): 3,
        ("Mission locale A", "Hommes"): 1,
        ("Mission locale B", "Femmes"): 2,
        ("Mission locale B", "Hommes"): 1,
    }


def test_geographic_categories_are_those_of_the_selection() -> None:
    t = obs.breakdown(W, Q2, Scope("bassin", "B2"), "suivis", ["departement", "ml"])
    assert set(t["departement"]) == {"09 Ariège", "31 Haute-Garonne"}
    assert t["n"].sum() == 4
    t = obs.breakdown(W, Q2, Scope("ml", "MLB"), "premiers_accueils", ["bassin"])
    assert as_dict(t, "bassin") == {"Bassin deux": 1}


def test_zero_dimension_breakdown_is_the_total() -> None:
    assert obs.breakdown(W, Q2, REGION, "entrees", [])["n"].tolist() == [2]


def test_unknown_level_of_qualification_says_which() -> None:
    with pytest.raises(ValueError, match="inconnu.*'Z'"):
        obs.niveau_group(pd.Series(["V", "Z"]))


# ------------------------------------------------------------ schemes


def test_schemes_entries_in_progress_exits() -> None:
    t = obs.schemes(W, Q2, REGION, DISPOSITIFS)
    got = {(r.dispositif, r.mouvement): r.n for r in t.itertuples()}
    civis, ppae = "Contrat d'insertion dans la vie sociale (CIVIS)", "Co-traitance (PPAE)"
    assert got == {
        (civis, "Entrées"): 1,
        (civis, "En cours (fin de période)"): 1,
        (civis, "Sorties"): 1,  # 2's exit, entry in 2009
        (ppae, "Entrées"): 1,
        (ppae, "En cours (fin de période)"): 1,
        (ppae, "Sorties"): 0,
    }  # CEJ is configured but nobody ever entered it: left out


def test_schemes_of_an_ml() -> None:
    t = obs.schemes(W, Q2, Scope("ml", "MLB"), DISPOSITIFS)
    assert t["n"].sum() == 0 and set(t["dispositif"]) == {"Co-traitance (PPAE)"}


# ------------------------------------------------------------ outcomes


def test_outcomes_within_three_months() -> None:
    o = obs.outcomes(W, Q2, REGION, 3)
    got = as_dict(o.table, "situation")
    assert got == {
        "Emploi à durée indéterminée": 1,  # 8: CDI on 20 June before training on 25 June
        "Emploi à durée déterminée": 1,  # 1
        "Emploi en intérim": 0,
        "Emploi en contrat aidé": 0,
        "Alternance": 1,  # 6: on the day of the first reception
        "Formation": 0,  # 5's training starts 4 months after
        "Immersion en entreprise": 0,
        "Aucune situation enregistrée": 2,  # 3 and 5
    }
    assert sum(got.values()) == 5  # the cohort: first receptions of Q2
    assert o.data_end == pd.Timestamp("2010-09-01")  # 5's training, the last date recorded
    assert not o.complete  # the last windows end on 30 September 2010
    assert obs.outcomes(W, make_period("mois", 2010, 4), REGION, 3).complete  # windows end by 30 July


def test_outcomes_within_six_months_and_incomplete_observation() -> None:
    o = obs.outcomes(W, Q2, REGION, 6)
    got = as_dict(o.table, "situation")
    assert got["Formation"] == 1 and got["Aucune situation enregistrée"] == 1
    assert not o.complete  # windows end on 31 December 2010, after the last known date


def test_outcomes_refuse_a_zero_delay() -> None:
    with pytest.raises(ValueError, match="délai"):
        obs.outcomes(W, Q2, REGION, 0)


# ------------------------------------------------------------ monthly series


def test_monthly_series() -> None:
    t = obs.monthly(W, REGION, dt.date(2010, 4, 1), dt.date(2010, 6, 30))
    got = {(r.mois, r.mesure): r.n for r in t.itertuples()}
    assert got == {
        ("2010-04", "Jeunes suivis"): 3,
        ("2010-05", "Jeunes suivis"): 2,
        ("2010-06", "Jeunes suivis"): 2,
        ("2010-04", "Premiers accueils"): 2,
        ("2010-05", "Premiers accueils"): 1,
        ("2010-06", "Premiers accueils"): 2,
        ("2010-04", "Entrées en dispositif"): 0,
        ("2010-05", "Entrées en dispositif"): 1,
        ("2010-06", "Entrées en dispositif"): 1,
    }


def test_measures_list_the_configured_schemes() -> None:
    m = obs.measures(DISPOSITIFS)
    assert m["suivis"] == "Jeunes suivis" and m["entrees:CEJ"] == "Entrées en CEJ"
