"""The Imports page: the version in service, the versions, restore and "as of" for an administrator."""

from __future__ import annotations

import dataclasses
import sqlite3
import time

import pytest

import lib.config
import lib.db.engine
from lib.db.engine import bump_version, data_version, make_engine, version_tables
from lib.indicators.data import VERSION_AFFICHEE
from tests.apptest_pages import ADMINISTRATEUR, ANIMATEUR, open_page
from tests.conftest import TEST_DB_URL


def test_an_animateur_sees_the_version_in_service_and_imports_but_does_not_restore(demo_engine) -> None:
    at = open_page("pages/imports.py", user=ANIMATEUR)
    texts = " ".join(m.value for m in at.markdown)
    assert "**En service :** Données de démonstration (synthétiques), chargées le" in texts
    assert len(at.get("file_uploader")) == 1
    assert any("« animateur » ne permet pas de restaurer" in i.value for i in at.info)  # habilitations.toml
    assert not [b for b in at.button if b.key == "imp_restaurer"]


def test_the_home_page_says_which_version_it_shows(demo_engine) -> None:
    at = open_page("pages/accueil.py")
    assert any(c.value.startswith("Données de démonstration (synthétiques), chargées le ") for c in at.caption)


@pytest.fixture
def copie(demo_engine, tmp_path, monkeypatch):
    """The app on a private copy of the demo database with a second data version (restorable)."""
    src, dst = sqlite3.connect(TEST_DB_URL.removeprefix("sqlite:///")), sqlite3.connect(tmp_path / "c.db")
    src.backup(dst)
    src.close()
    dst.close()
    url = f"sqlite:///{tmp_path / 'c.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:  # a DEFM-only version: its own rows for defm_jeunes
        v = bump_version(conn, "extrait", "test", "DEFM seules", apporte=["defm_jeunes"])
        conn.exec_driver_sql(
            f"INSERT INTO defm_jeunes (ml_code, mois, effectif, version_id) "
            f"SELECT ml_code, mois, effectif + 1, {v} FROM defm_jeunes WHERE version_id = 1"
        )
    cfg = dataclasses.replace(lib.config.settings(), database_url=url)
    monkeypatch.setattr(lib.config, "settings", lambda: cfg)
    monkeypatch.setattr(lib.db.engine, "settings", lambda: cfg)
    lib.db.engine.get_engine.cache_clear()
    yield engine
    lib.db.engine.get_engine.cache_clear()


def test_an_admin_restores_a_version_and_shows_an_earlier_one(copie) -> None:
    at = open_page("pages/imports.py", user=ADMINISTRATEUR)
    assert not at.exception, [e.value for e in at.exception]
    before = data_version(copie)
    at.selectbox(key="imp_version").set_value(1).run()
    at.checkbox(key="imp_confirme").check().run()
    at.button(key="imp_restaurer").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"Version 1 remise en service (nouvelle version {before + 1})" in s.value for s in at.success)
    assert data_version(copie) == before + 1
    # the restored version is published at once, in the background, not at the comité's first click
    assert any(f"Publication protégée de la version {before + 1} en cours" in i.value for i in at.info)
    statut = None
    for _ in range(1200):
        with copie.connect() as conn:
            statut = conn.exec_driver_sql(f"SELECT statut FROM publication_etat WHERE version = {before + 1}").scalar()
        if statut == "prête":
            break
        time.sleep(0.5)
    assert statut == "prête"
    with copie.connect() as conn:
        action = conn.exec_driver_sql("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").scalar()
    assert action == "restauration"
    at.selectbox(key="imp_version").set_value(1).run()
    at.button(key="imp_afficher").click().run()
    assert at.session_state[VERSION_AFFICHEE] == 1
    assert any("version antérieure" in w.value and "version 1." in w.value for w in at.warning), [
        w.value for w in at.warning
    ]


def _defm_figure(at) -> float:  # noqa: ANN001
    shown = [m.value for m in at.metric if m.label == "DEFM jeunes (fin de période)"]
    assert len(shown) == 1, [m.label for m in at.metric]
    return float(shown[0].replace("\u202f", "").replace(" ", ""))


def test_every_page_shows_the_earlier_version_an_admin_chose(copie) -> None:
    """« As of »: the warehouse and the publication are read at the version shown, on every page,
    with a banner and the way back. Version 2 holds each ML's DEFM + 1 (fixture)."""
    with copie.connect() as conn:
        per_month = conn.exec_driver_sql(
            "SELECT COUNT(DISTINCT ml_code) FROM defm_jeunes WHERE version_id = 1 GROUP BY mois"
        ).all()
    n_ml = {r[0] for r in per_month}
    assert len(n_ml) == 1  # every month has the same MLs: version 2's region DEFM is that many more
    at = open_page("pages/imports.py", user=ADMINISTRATEUR)
    before = data_version(copie)
    with copie.begin() as conn:  # version 1's rows in service again: version 2 is now an earlier one
        mapping = {**version_tables(conn, before), "defm_jeunes": 1}
        bump_version(conn, "restauration", "test", "retour aux DEFM de la version 1", tables=mapping)
    at.selectbox(key="imp_version").set_value(before).run()
    at.button(key="imp_afficher").click().run()
    at.switch_page("pages/accueil.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("version antérieure" in w.value and f"version {before}." in w.value for w in at.warning)
    as_of = _defm_figure(at)
    at.button(key="asof_revenir").click().run()
    assert not any("version antérieure" in w.value for w in at.warning)
    assert as_of - _defm_figure(at) == n_ml.pop()
