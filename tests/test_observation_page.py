"""The Observation page under AppTest: every level, every period kind, the too-small selection.

One AppTest object for the whole module (the app, the warehouse and the caches are
built once); each test sets the sidebar selectboxes it needs, by key.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.config import settings
from tests.apptest_pages import PARTENAIRE, as_number, open_page, select

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u202f"


@pytest.fixture(scope="module")
def at(demo_engine) -> AppTest:  # noqa: ANN001
    return open_page("pages/observation.py", user=PARTENAIRE)  # sees every ML (habilitations.toml)


def shown_counts(at: AppTest) -> list[float]:
    """Every count displayed in a table (the first value column of each dataframe), hidden ones left out."""
    out = []
    for df in at.dataframe:
        frame = df.value
        count_col = frame.columns[1]
        out += [v for v in (as_number(str(x)) for x in frame[count_col]) if v is not None]
    return out


def test_region_year_shows_the_synthesis(at: AppTest) -> None:
    select(at, niveau="region", periode_type="annee")
    assert at.title[0].value == f"Observation — {settings().region_nom}"
    labels = [m.label for m in at.metric]
    assert labels == [
        "Jeunes suivis",
        "Premiers accueils",
        "Entrées en dispositif",
        "Jeunes en dispositif",
        "Sorties de dispositif",
    ]
    suivis = as_number(at.metric[0].value)
    assert suivis and suivis > 10_000
    assert at.metric[0].delta.startswith(("+", "-"))  # 2010 against 2009
    # profile: every dimension of the synthesis, each with its share and evolution
    heads = [list(df.value.columns) for df in at.dataframe]
    dims = {h[0] for h in heads}
    assert {"Sexe", "Tranche d'âge", "Niveau de formation", "QPV / ZUS", "ZRR", "Logement"} <= dims
    assert {"Permis de conduire", "Véhicule", "Indemnisation chômage", "Dispositif", "Situation"} <= dims
    sexe = next(df.value for df in at.dataframe if df.value.columns[0] == "Sexe")
    assert list(sexe.columns) == ["Sexe", "Jeunes suivis", "Part (%)", "Évolution sur un an (%)"]
    assert as_number(sexe.iloc[-1, 1]) == suivis  # the table's total is the key figure
    niveaux = next(df.value for df in at.dataframe if df.value.columns[0] == "Niveau de formation")
    assert niveaux.iloc[0, 0] == "VI/Vbis"


def test_no_published_count_below_the_threshold(at: AppTest) -> None:
    select(at, niveau="ml", choix_ml_code="ML46", periode_type="mois")
    counts = shown_counts(at)
    assert counts
    seuil = settings().secret.seuil_diffusion
    assert all(c == 0 or c >= seuil for c in counts)


def test_acronyms_have_tooltips(at: AppTest) -> None:
    select(at, niveau="region", periode_type="annee")
    html = " ".join(m.value for m in at.markdown)
    for acronym in ("ML", "QPV", "ZUS", "ZRR", "CIVIS", "PPAE"):
        assert re.search(rf'<abbr title="[^"]+">{acronym}</abbr>', html), acronym


@pytest.mark.parametrize(
    ("level", "key", "code", "title"),
    [
        ("region", None, None, "Midi-Pyrénées"),
        ("departement", "choix_dep_code", "65", "Département 65"),
        ("bassin", "choix_bassin_code", "BD15", "Bassin d'emploi Bassin de Tarbes"),
        ("ml", "choix_ml_code", "ML81N", "Tarn Nord"),
    ],
)
def test_every_level(at: AppTest, level: str, key: str | None, code: str | None, title: str) -> None:
    select(at, periode_type="annee", niveau=level, **({key: code} if key else {}))
    assert title in at.title[0].value
    assert len(at.metric) == 5
    if level == "bassin":  # the plan crosses attributes with MLs, not basins: said, not shown
        assert any("publié par année, pour la région" in i.value for i in at.info)
    else:
        assert len(at.dataframe) >= 12 and not at.info


@pytest.mark.parametrize("kind", ["mois", "trimestre", "annee"])
def test_every_period_kind(at: AppTest, kind: str) -> None:
    select(at, niveau="departement", choix_dep_code="31", periode_type=kind)
    assert len(at.metric) == 5
    assert len(at.dataframe) >= (12 if kind == "annee" else 1)  # profiles, schemes, situations: by year
    months = next(df.value for df in at.dataframe if df.value.columns[0] == "Mois")
    assert len(months) >= 24 and "Total" not in set(months["Mois"])  # no sum of monthly counts of people


def test_outcome_delay_is_selectable(at: AppTest) -> None:
    select(at, niveau="region", periode_type="annee")
    at.select_slider(key="delai").set_value(3).run()
    assert not at.exception
    assert any("dans les 3 mois" in m.value for m in at.markdown)
    assert at.warning  # 2010 + 3 months goes beyond the end of the demo data


def test_first_receptions_profile(at: AppTest) -> None:
    select(at, niveau="region", periode_type="annee")
    at.radio(key="population").set_value("premiers_accueils").run()
    sexe = next(df.value for df in at.dataframe if df.value.columns[0] == "Sexe")
    assert sexe.columns[1] == "Premiers accueils"
    assert as_number(sexe.iloc[-1, 1]) == as_number(at.metric[1].value)
    at.radio(key="population").set_value("suivis").run()


def test_what_the_plan_does_not_publish_is_said(at: AppTest) -> None:
    # a basin by month, and rolling 12 months, are not in the publication plan (publication.toml)
    select(at, niveau="bassin", choix_bassin_code="BD07", periode_type="mois")
    assert any("ne sont publiés que" in i.value for i in at.info)
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    select(at, niveau="region", periode_type="12mois")
    assert any("12 mois glissants" in i.value for i in at.info)
    select(at, periode_type="annee")


def test_a_rerun_makes_no_table_chart_or_file_again(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a page shows is made once per masked content: a rerun that changes nothing (a click
    elsewhere, a second visitor) builds no screen table, chart or file again, and shows the same."""
    from lib.export import tables as files
    from lib.ui import downloads, explorer, render

    select(at, niveau="region", periode_type="annee")
    made: list[str] = []
    for module, name in [
        (render, "_screen_frame"),
        (render, "_bar_figure"),
        (render, "_line_figure"),
        (explorer, "_grids"),
        (render, "to_xlsx"),
        (render, "to_csv"),
    ]:
        original = getattr(module, name)

        def counted(*args: object, _f=original, _n=name, **kwargs: object) -> object:  # noqa: ANN001
            made.append(_n)
            return _f(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    assert files.to_xlsx is not render.to_xlsx  # the renderer's own reference is the counted one
    downloads._made.clear()  # what the renderers made, nothing else
    at.run()
    first = {n: made.count(n) for n in set(made)}
    shown = [df.value.to_dict() for df in at.dataframe]
    assert first.get("_screen_frame", 0) >= 10 and first.get("_bar_figure", 0) >= 3, first
    assert first.get("_line_figure") == 1 and first.get("_grids") == 1 and first.get("to_xlsx", 0) >= 11, first
    made.clear()
    at.run()
    assert made == []
    assert [df.value.to_dict() for df in at.dataframe] == shown
