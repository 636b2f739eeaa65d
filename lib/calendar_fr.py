"""Working days in metropolitan France: weekends and public holidays off.

The co-traitance target is a first interview "dans un délai de 5 jours ouvrés à partir
de la date de son affectation" (accord-cadre, seed 004). A delay in working days is
the number of working days *after* the affectation day up to and including the
interview day: affectation on Friday 30 April 2010, interview on Monday 3 May 2010
→ 1 working day (1 May is a holiday and a Saturday anyway).

Public holidays come from the `holidays` package (France, metropolitan, no
Alsace-Moselle days since the region is Midi-Pyrénées). Lundi de Pentecôte: since
2004 it is the "journée de solidarité", worked in some employers and not in others.
We follow the `holidays` package, which counts it as a holiday from 2008 on (and not
in 2005–2007, when the law made it a working day by default): on 24 May 2010 a
mission locale or a Pôle emploi agency was usually closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

WEEKMASK = "1111100"  # Monday to Friday


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> tuple[dt.date, ...]:
    return tuple(sorted(holidays.France(years=year, language="fr").keys()))


def french_holidays(years: Iterable[int]) -> list[dt.date]:
    """Public holidays of metropolitan France for `years`, sorted."""
    return sorted({d for y in set(years) for d in _holidays_of(int(y))})


def holiday_name(day: dt.date) -> str | None:
    """French name of the holiday on `day`, or None."""
    return holidays.France(years=day.year, language="fr").get(day)


@lru_cache(maxsize=16)
def _calendar(first_year: int, last_year: int) -> np.busdaycalendar:
    days = french_holidays(range(first_year, last_year + 1))
    return np.busdaycalendar(weekmask=WEEKMASK, holidays=np.array(days, dtype="datetime64[D]"))


def _calendar_for(*arrays: np.ndarray) -> np.busdaycalendar:
    valid = np.concatenate([a[~np.isnat(a)] for a in arrays])
    if valid.size == 0:
        return _calendar(2000, 2000)
    years = valid.astype("datetime64[Y]").astype(int) + 1970
    # one year of margin each side: add_working_days may cross into the next year
    return _calendar(int(years.min()) - 1, int(years.max()) + 1)


def _as_days(values: object) -> np.ndarray:
    return pd.to_datetime(pd.Series(values)).to_numpy("datetime64[D]")


def is_working_day(day: dt.date) -> bool:
    return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=_calendar(day.year, day.year)))


def working_days_between(start: object, end: object) -> pd.Series:
    """Working days in (start, end] for each pair; NaN where a date is missing.

    Same day or end on a non-working day right after start → 0. A negative value
    means `end` is before `start` (a data error the caller may want to report).
    """
    s, e = _as_days(start), _as_days(end)
    if s.shape != e.shape:
        raise ValueError("les deux séries de dates doivent avoir la même longueur")
    ok = ~(np.isnat(s) | np.isnat(e))
    out = np.full(s.shape, np.nan)
    if ok.any():
        cal = _calendar_for(s, e)
        one = np.timedelta64(1, "D")
        lo, hi = np.minimum(s[ok], e[ok]), np.maximum(s[ok], e[ok])
        # busday_count counts [begin, end): shift both by one day to count (lo, hi];
        # antisymmetric, so a reversed pair gives exactly the opposite
        n = np.busday_count(lo + one, hi + one, busdaycal=cal)
        out[ok] = np.where(e[ok] < s[ok], -n, n)
    index = start.index if isinstance(start, pd.Series) else None
    return pd.Series(out, index=index, dtype="float64")


def working_days(start: dt.date, end: dt.date) -> int:
    """Scalar version of working_days_between."""
    return int(working_days_between([start], [end]).iloc[0])


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n ≥ 1); `day` itself when n = 0.

    Inverse of `working_days`: working_days(day, add_working_days(day, n)) == n.
    """
    if n < 0:
        raise ValueError("n doit être positif ou nul")
    if n == 0:
        return day
    cal = _calendar(day.year - 1, day.year + 1 + n // 200)
    # roll backward: from a Saturday, the 1st working day after is the Monday (Friday + 1)
    return pd.Timestamp(np.busday_offset(np.datetime64(day, "D"), n, roll="backward", busdaycal=cal)).date()
