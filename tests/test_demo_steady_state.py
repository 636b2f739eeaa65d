"""The demo's evolutions over the years the app shows are those of a steady activity, not of its start-up.

Counted here with plain pandas on the stored tables (not the app's indicator code): young people
followed (an interview or a workshop in the year) and exits from a scheme, per year. A generator
that starts its history too late shows +50 % followed or +130 % exits in a year, which a comité
member would read as a fact.
"""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from lib.db.engine import data_version, version_tables
from lib.publication.build import offered_years

PLAUSIBLE = (-0.10, 0.30)  # the seed's flow grows about 20 % a year; a steady stock follows it


def _stored(engine, table: str, columns: str) -> pd.DataFrame:  # noqa: ANN001
    with engine.connect() as conn:
        rows = version_tables(conn, data_version(engine))[table]
        return pd.read_sql_query(text(f"SELECT {columns} FROM {table} WHERE version_id = {rows}"), conn)  # noqa: S608


@pytest.fixture(scope="module")
def per_year(demo_engine) -> pd.DataFrame:
    contacts = _stored(demo_engine, "contact", "jeune_id, date, type")
    contacts = contacts[contacts["type"].isin(["entretien", "atelier"])]
    followed = contacts.assign(annee=pd.to_datetime(contacts["date"]).dt.year).groupby("annee")["jeune_id"].nunique()
    exits = pd.to_datetime(_stored(demo_engine, "dispositif", "date_sortie")["date_sortie"]).dt.year.value_counts()
    return pd.DataFrame({"suivis": followed, "sorties": exits}).fillna(0)


@pytest.fixture(scope="module")
def shown(demo_warehouse) -> list[int]:
    return offered_years(demo_warehouse)


def test_the_app_shows_years_with_a_year_before_them(shown, per_year) -> None:
    assert shown == [2009, 2010]
    assert per_year.loc[shown[0] - 1, "suivis"] > 0


@pytest.mark.parametrize("column", ["suivis", "sorties"])
def test_year_on_year_changes_over_the_shown_years_are_plausible(shown, per_year, column: str) -> None:
    for year in shown:
        change = per_year.loc[year, column] / per_year.loc[year - 1, column] - 1
        assert PLAUSIBLE[0] <= change <= PLAUSIBLE[1], f"{column} {year} : {change:+.1%} sur {year - 1}"
