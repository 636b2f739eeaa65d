"""The demo of any territory: Languedoc-Roussillon (region of before 2016, code 91) at a small size."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lib.db.engine import make_engine, migrate
from lib.demo.__main__ import main
from lib.demo.load import load_reference
from lib.demo.reference import reference
from lib.geo import load_communes

LANGUEDOC_ROUSSILLON = "91"
DEPARTEMENTS = {"11", "30", "34", "48", "66"}
JEUNES = 1500
SEED = 7


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"demo_{name}.csv", sep=";", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("lr1"), tmp_path_factory.mktemp("lr2")
    for folder in (first, second):
        args = ["--territoire", LANGUEDOC_ROUSSILLON, "--jeunes", str(JEUNES), "--graine", str(SEED)]
        assert main([*args, "--sortie", str(folder)]) == 0
    return first, second


def test_same_seed_same_files_byte_for_byte(folders) -> None:
    first, second = folders
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {"demo_jeunes.csv", "demo_territoires_ml.csv", "demo_cles.csv", "demo_enveloppe.csv"} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_every_young_person_lives_in_the_territory_and_in_their_ml(folders) -> None:
    jeunes = _read(folders[0], "jeunes")
    assert len(jeunes) == JEUNES
    assert set(jeunes["commune"].str[:2]) <= DEPARTEMENTS
    ml_of = _read(folders[0], "territoires_ml").set_index("commune")["code_ml"]
    assert (jeunes["commune"].map(ml_of) == jeunes["code_ml"]).all()


def test_every_commune_of_the_territory_in_exactly_one_ml(folders) -> None:
    territoires = _read(folders[0], "territoires_ml")
    communes = load_communes(code=LANGUEDOC_ROUSSILLON)
    assert set(communes["dep"]) == DEPARTEMENTS
    assert not territoires["commune"].duplicated().any()
    assert set(territoires["commune"]) == set(communes["code"])
    # about one ML per 150,000 inhabitants, each inside one département
    assert 15 <= territoires["code_ml"].nunique() <= 25
    assert (territoires.groupby("code_ml")["commune"].agg(lambda c: c.str[:2].nunique()) == 1).all()


def test_keys_add_up_to_one_and_the_envelope_follows_the_population(folders) -> None:
    cles = _read(folders[0], "cles").astype({"cle": float})
    assert cles["cle"].sum() == pytest.approx(1.0, abs=1e-9)
    assert set(cles["code_ml"]) == set(_read(folders[0], "territoires_ml")["code_ml"])
    # Midi-Pyrénées: 5,787 entries for 3,170,435 inhabitants; Languedoc-Roussillon has 2,954,218
    assert _read(folders[0], "enveloppe")["enveloppe"].astype(int).tolist() == [round(5787 * 2954218 / 3170435)]


def test_the_importer_of_the_monthly_refresh_accepts_the_extract(folders, tmp_path) -> None:
    from lib.ingest.extrait import charger_extrait

    engine = make_engine(f"sqlite:///{tmp_path / 'lr.db'}")
    migrate(engine)
    with engine.begin() as conn:
        load_reference(conn, reference(LANGUEDOC_ROUSSILLON, SEED), lambda f, m: None)
    referentials = ("demo_territoires_ml.csv", "demo_sites_ml.csv", "demo_qpv_zrr.csv")  # page Référentiels
    extract = [p for p in sorted(folders[0].iterdir()) if p.name not in referentials]
    res = charger_extrait(
        engine,
        [(p.name, p) for p in extract],
        "test",
        nature="demo",
        accepter_avertissements=True,
        fichier_cle_demo=tmp_path / "cle",
    )
    assert res.statut == "chargé", res.texte()
    engine.dispose()


def test_a_territory_other_than_the_configured_one_is_not_loaded_into_the_base(capsys) -> None:
    assert main(["--territoire", LANGUEDOC_ROUSSILLON, "--jeunes", "10"]) == 1
    assert 'mettez region_code = "91"' in capsys.readouterr().err
