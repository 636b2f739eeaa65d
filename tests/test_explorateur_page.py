"""The Explorateur page under AppTest, and its grid renderer on a hand-made table."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.config import settings
from lib.export.tables import notes_txt, to_csv, to_xlsx, wide
from lib.secret import protect, with_share
from lib.ui.explorer import grid
from tests.apptest_pages import PARTENAIRE, as_number, open_page
from tests.apptest_pages import select as choose

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u202f"


# ------------------------------------------------------------ grid (no Streamlit)


def small_cross():  # noqa: ANN201
    df = pd.DataFrame(
        {
            "Mission locale": ["A", "A", "B", "B"],
            "Sexe": ["Femmes", "Hommes", "Femmes", "Hommes"],
            "n": [120, 3, 80, 60],
        }
    )
    return protect(df, ["Mission locale", "Sexe"])


def test_grid_is_rows_by_columns_with_margins_and_masks() -> None:
    g = grid(small_cross())
    assert list(g.columns) == ["Mission locale", "Femmes", "Hommes", "Total"]
    assert list(g["Mission locale"]) == ["A", "B", "Total"]
    assert g.loc[0, "Hommes"] == "s"  # 3 people: primary
    assert (g == "s").sum().sum() == 4  # and the rectangle, or the margins would give it back
    assert list(g.iloc[2, 1:]) == ["200", "63", "263"]
    assert g.loc[2, "Total"] == "263"


def test_grid_without_margins_and_shares() -> None:
    masked = with_share(small_cross(), of="Sexe", name="% en ligne")
    g = grid(masked, "% en ligne", margins=False)
    assert list(g.columns) == ["Mission locale", "Femmes", "Hommes"]
    assert "Total" not in set(g["Mission locale"])
    assert list(g.loc[0, ["Femmes", "Hommes"]]) == ["s", "s"]  # a share is hidden with its count
    assert len(g) == 2


def test_downloads_carry_the_masks_and_the_rules() -> None:
    masked = small_cross()
    numbers = wide(masked)
    raw = to_csv(masked, "Essai", numbers)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents
    text = raw.decode("utf-8-sig")
    assert not any(line.startswith("#") for line in text.splitlines())  # data only, no comment line
    body = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"Mission locale": str})
    assert body.loc[0, "Hommes"] == "s" and "3" not in set(body.iloc[:, 1:].astype(str).to_numpy().ravel())
    assert list(body.loc[2, ["Femmes", "Hommes", "Total"]].astype(str)) == ["200", "63", "263"]
    notes = notes_txt(masked, "Essai").decode("utf-8-sig")
    assert notes.startswith("Essai") and "secret statistique" in notes.lower()
    sheets = pd.read_excel(io.BytesIO(to_xlsx(masked, "Essai", numbers)), sheet_name=None, header=4)
    assert set(sheets) == {"Données", "Notes"} and sheets["Données"].loc[0, "Hommes"] == "s"
    assert sheets["Données"].loc[2, "Total"] == 263


def test_grid_refuses_raw_data() -> None:
    with pytest.raises(TypeError):
        grid(pd.DataFrame({"a": [1]}))  # type: ignore[arg-type]


# ------------------------------------------------------------ page


@pytest.fixture(scope="module")
def at(demo_engine) -> AppTest:  # noqa: ANN001
    return open_page("pages/explorateur.py", user=PARTENAIRE)  # sees every ML (habilitations.toml)


def test_default_cross_table_ml_by_sex(at: AppTest) -> None:
    choose(at, niveau="region", periode_type="annee", mesure="suivis", lignes="ml", colonnes="sexe")
    assert at.title[0].value == "Explorateur"
    g = at.dataframe[0].value
    assert list(g.columns) == ["Mission locale", "Femmes", "Hommes", "Total"]
    assert len(g) == 11 and g.iloc[-1, 0] == "Total"  # 10 MLs and the margin
    total = as_number(g.iloc[-1, -1])
    assert total and total > 10_000
    assert len(at.get("plotly_chart")) == 1
    assert len(at.get("download_button")) == 3  # Excel, CSV and the CSV's notes


def test_shares_in_rows_and_columns(at: AppTest) -> None:
    choose(at, niveau="region", periode_type="annee", lignes="ml", colonnes="sexe")
    at.radio(key="valeur").set_value("% en ligne").run()
    g = at.dataframe[0].value
    assert as_number(g.iloc[0, -1]) == 100.0  # a row's total is 100 % of itself
    at.radio(key="valeur").set_value("% en colonne").run()
    g = at.dataframe[0].value
    assert as_number(g.iloc[-1, 1]) == 100.0
    at.radio(key="valeur").set_value("Jeunes suivis").run()


def test_every_measure(at: AppTest) -> None:
    choose(at, niveau="region", periode_type="annee", lignes="departement", colonnes="age")
    for measure in ("premiers_accueils", "entrees", "en_cours", "sorties", "suivis"):
        choose(at, mesure=measure)
        assert at.dataframe, measure
        assert at.dataframe[0].value.columns[0] == "Département"


@pytest.mark.parametrize(
    ("level", "key", "code", "rows"),
    [
        ("departement", "choix_dep_code", "81", "niveau"),
        ("ml", "choix_ml_code", "ML31T", "niveau"),
        ("region", None, None, "niveau"),
        ("bassin", "choix_bassin_code", "BD01", "ml_bassin"),  # basins: their ML intersections only
    ],
)
def test_every_level(at: AppTest, level: str, key: str | None, code: str | None, rows: str) -> None:
    choose(at, periode_type="annee", mesure="suivis", niveau=level)
    if key:
        choose(at, **{key: code})
    choose(at, lignes=rows, colonnes="aucune")
    g = at.dataframe[0].value
    assert g.iloc[-1, 0] == "Total"
    seuil = settings().secret.seuil_diffusion
    values = [as_number(str(v)) for v in g.iloc[:, 1].to_numpy().ravel()]
    assert all(v is None or v == 0 or v >= seuil for v in values)


@pytest.mark.parametrize(("kind", "rows"), [("mois", "ml"), ("trimestre", "departement"), ("annee", "sexe")])
def test_every_period_kind(at: AppTest, kind: str, rows: str) -> None:
    choose(at, niveau="region", mesure="premiers_accueils", periode_type=kind)
    choose(at, lignes=rows, colonnes="aucune")
    g = at.dataframe[0].value  # one dimension: the usual table, with its share
    assert list(g.columns)[1:] == ["Premiers accueils", "Part (%)"]
    assert g.iloc[-1, 0] == "Total"


def test_offers_exactly_the_crossings_of_the_plan(at: AppTest) -> None:
    choose(at, niveau="region", periode_type="annee", mesure="suivis")
    rows = at.selectbox(key="lignes").options
    assert rows == [
        "Mission locale",
        "Département",
        "Bassin d'emploi",
        "Mission locale × bassin d'emploi",
        "Commune de résidence",
        "Sexe",
        "Tranche d'âge",
        "Niveau de formation",
        "QPV / ZUS",
        "ZRR",
        "Logement",
        "Permis de conduire",
        "Véhicule",
        "Indemnisation chômage",
    ]
    choose(at, lignes="commune")  # communes are published alone: no crossing with an attribute
    assert at.selectbox(key="colonnes").options == ["(rien : une seule colonne)"]
    choose(at, periode_type="mois")  # by month: MLs, départements and the region only
    assert at.selectbox(key="lignes").options == ["Mission locale", "Département"]
    choose(at, periode_type="annee")


def test_not_published_is_said(at: AppTest) -> None:
    choose(at, niveau="bassin", choix_bassin_code="BD07", periode_type="mois")
    assert any("ne sont publiés que" in i.value for i in at.info)
    assert not at.dataframe
    choose(at, periode_type="12mois", niveau="region")
    assert any("12 mois glissants" in i.value for i in at.info)
    choose(at, niveau="region", periode_type="annee")
