"""The national referential shipped in data/referentiel/ and the territory chosen in config.toml."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lib.geo import TerritoireInconnu, load_communes, territoire
from lib.geo.referentiel import communes_france

DECOUPAGE_DIR = Path(os.environ.get("OBSERVATOIRE_DECOUPAGE_DIR", "/tmp/observatoire_geo_src/decoupage/package"))


def test_old_and_current_regions_take_their_departements() -> None:
    # By hand, from the 2015 law merging the regions and the current COG.
    assert list(territoire("73").departements) == ["09", "12", "31", "32", "46", "65", "81", "82"]
    assert territoire("73").nom == "Midi-Pyrénées"
    assert list(territoire("91").departements) == ["11", "30", "34", "48", "66"]
    occitanie = territoire("76")
    assert occitanie.nom == "Occitanie"
    assert set(occitanie.departements) == set(territoire("73").departements) | set(territoire("91").departements)
    assert territoire("94").departements == {"2A": "Corse-du-Sud", "2B": "Haute-Corse"}


def test_france_is_every_departement_of_a_region() -> None:
    france = territoire("fr")
    assert france.code == "FR"
    assert len(france.departements) == 101  # 96 metropolitan (2A, 2B) + 5 overseas
    assert {"971", "976", "2A"} <= set(france.departements)
    assert "975" not in france.departements  # Saint-Pierre-et-Miquelon: a collectivité, no ML


def test_an_unknown_territory_is_refused_in_french() -> None:
    with pytest.raises(TerritoireInconnu, match="Territoire « 99 » inconnu"):
        territoire("99")


def test_communes_of_a_territory_without_shipped_polygons_keep_their_point() -> None:
    lr = load_communes(code="91")
    assert set(lr["dep"]) == {"11", "30", "34", "48", "66"}
    montpellier = lr.set_index("code").loc["34172"]
    assert montpellier["nom"] == "Montpellier"
    assert 43.5 < montpellier["lat"] < 43.7 and 3.8 < montpellier["lon"] < 4.0
    assert lr.geometry.isna().all()  # no polygon file covers it: the map uses the points
    mp = load_communes(code="73")
    assert mp.geometry.notna().all() and len(mp) == 2944


def test_national_file_matches_the_source_package() -> None:
    source = json.loads((DECOUPAGE_DIR / "data" / "communes.json").read_text(encoding="utf-8"))
    expected = {
        c["code"]: (c["nom"], c["departement"], c["region"], int(c.get("population") or 0))
        for c in source
        if c["type"] == "commune-actuelle"
    }
    table = communes_france()
    actual = {
        r.code: (r.nom, r.dep, r.region, r.population)
        for r in table[["code", "nom", "dep", "region", "population"]].itertuples()
    }
    assert actual == expected
    assert len(actual) == 34_969
