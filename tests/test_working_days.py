"""Working-day delays across French public holidays and weekends (lib/calendar_fr)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.calendar_fr import (
    add_working_days,
    french_holidays,
    holiday_name,
    is_working_day,
    working_days,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "expected", "why"),
    [
        (D(2010, 4, 30), D(2010, 5, 3), 1, "vendredi → lundi ; 1er mai (samedi) férié"),
        (D(2010, 4, 30), D(2010, 5, 7), 5, "5e jour ouvré après le vendredi 30 avril"),
        (D(2010, 5, 7), D(2010, 5, 10), 1, "8 mai 2010 tombe un samedi"),
        (D(2010, 5, 12), D(2010, 5, 14), 1, "Ascension jeudi 13 mai 2010"),
        (D(2010, 5, 10), D(2010, 5, 18), 5, "Ascension sautée : 11, 12, 14, 17, 18 mai"),
        (D(2010, 5, 21), D(2010, 5, 25), 1, "lundi de Pentecôte 24 mai 2010 compté férié"),
        (D(2010, 7, 13), D(2010, 7, 15), 1, "14 juillet 2010 (mercredi)"),
        (D(2009, 12, 31), D(2010, 1, 4), 1, "1er janvier 2010 (vendredi) puis week-end"),
        (D(2010, 6, 1), D(2010, 6, 1), 0, "même jour"),
        (D(2010, 5, 1), D(2010, 5, 3), 1, "depuis un samedi férié : le lundi est le 1er jour ouvré"),
        (D(2010, 5, 3), D(2010, 4, 30), -1, "date d'entretien avant l'affectation : négatif"),
    ],
)
def test_working_days_examples(start: dt.date, end: dt.date, expected: int, why: str) -> None:
    assert working_days(start, end) == expected, why


def test_holidays_2010_are_the_french_ones() -> None:
    days = french_holidays([2010])
    assert D(2010, 5, 24) in days  # lundi de Pentecôte (journée de solidarité, férié selon `holidays`)
    assert D(2010, 5, 13) in days and D(2010, 7, 14) in days and D(2010, 5, 8) in days
    assert len(days) == 11
    assert holiday_name(D(2010, 5, 24)) == "Lundi de Pentecôte"
    assert not is_working_day(D(2010, 5, 24))
    assert not is_working_day(D(2010, 5, 8))  # samedi
    assert is_working_day(D(2010, 5, 25))


def test_pentecost_monday_worked_in_2006_as_holidays_package_says() -> None:
    # 2005–2007 : journée de solidarité travaillée par défaut, le paquet `holidays` ne la compte pas
    assert is_working_day(D(2006, 6, 5))
    assert working_days(D(2006, 6, 2), D(2006, 6, 6)) == 2


def test_vectorised_keeps_index_and_missing_dates() -> None:
    start = pd.Series(pd.to_datetime(["2010-04-30", None, "2010-07-13"]), index=[10, 11, 12])
    end = pd.Series(pd.to_datetime(["2010-05-07", "2010-05-07", None]), index=[10, 11, 12])
    out = working_days_between(start, end)
    assert list(out.index) == [10, 11, 12]
    assert out.iloc[0] == 5
    assert np.isnan(out.iloc[1]) and np.isnan(out.iloc[2])


def test_length_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="même longueur"):
        working_days_between([D(2010, 1, 4)], [D(2010, 1, 5), D(2010, 1, 6)])


def test_add_working_days_examples() -> None:
    assert add_working_days(D(2010, 4, 30), 1) == D(2010, 5, 3)
    assert add_working_days(D(2010, 4, 30), 5) == D(2010, 5, 7)
    assert add_working_days(D(2010, 5, 10), 5) == D(2010, 5, 18)
    assert add_working_days(D(2010, 5, 1), 1) == D(2010, 5, 3)
    assert add_working_days(D(2010, 5, 1), 0) == D(2010, 5, 1)


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=D(2008, 1, 1), max_value=D(2012, 12, 31)), st.integers(min_value=0, max_value=60))
def test_add_then_count_is_identity(day: dt.date, n: int) -> None:
    target = add_working_days(day, n)
    assert working_days(day, target) == n
    if n:
        assert is_working_day(target)
