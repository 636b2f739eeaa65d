"""The operator's name follows the period shown."""

import datetime as dt

from lib.operateur import operateur


def test_names_by_date() -> None:
    assert operateur(dt.date(2008, 12, 18)) == "ANPE"
    assert operateur(dt.date(2008, 12, 19)) == "Pôle emploi"  # merger ANPE + Assédic
    assert operateur(dt.date(2023, 12, 31)) == "Pôle emploi"
    assert operateur(dt.date(2024, 1, 1)) == "France Travail"


def test_a_year_takes_the_name_of_most_of_the_year() -> None:
    assert [operateur(y) for y in (2007, 2008, 2010, 2023, 2024, 2026)] == [
        "ANPE",
        "ANPE",
        "Pôle emploi",
        "Pôle emploi",
        "France Travail",
        "France Travail",
    ]


def test_glossary_follows_the_configured_tolerance_and_threshold(tmp_path, monkeypatch) -> None:
    import importlib

    import lib.config as config
    import lib.ui.glossary as glossary

    text = config.CONFIG_PATH.read_text(encoding="utf-8")
    text = (
        text.replace("tolerance = 0.20", "tolerance = 0.15")
        .replace("population_commune_min = 2000", "population_commune_min = 5000")
        .replace("seuil_diffusion = 5 ", "seuil_diffusion = 11 ")
        .replace("seuil_commentaire_case = 30 ", "seuil_commentaire_case = 40 ")
        .replace("seuil_commentaire_total = 100 ", "seuil_commentaire_total = 150 ")
    )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(config, "settings", lambda: config.load_settings(path))
    try:
        importlib.reload(glossary)
        assert glossary.TERMES["Tolérance"].endswith("±15\u202f%.")
        assert "moins de 5\u202f000 habitants" in glossary.TERMES["Commune de résidence"]
        assert "moins de 11 personnes" in glossary.TERMES["Secret statistique"]
        assert "moins de 40 personnes" in glossary.TERMES["Non commentable"]
        assert "inférieur à 150" in glossary.TERMES["Non commentable"]
        assert "moins de 11 personnes" in glossary.TERMES["Évolution sur un an"]
    finally:
        monkeypatch.undo()
        importlib.reload(glossary)
