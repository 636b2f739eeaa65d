"""First start: the demo only when asked, the schema always brought up to date."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import create_engine, inspect, text
from streamlit.testing.v1 import AppTest

import lib.config
import lib.db.engine
from tests.apptest_pages import ROOT


@pytest.fixture
def empty_database(tmp_path, monkeypatch):
    """The app pointed at an empty database, with the demo switched off (a production start)."""
    url = f"sqlite:///{tmp_path}/vide.db"
    cfg = dataclasses.replace(lib.config.settings(), database_url=url, demo_au_premier_lancement=False)
    monkeypatch.setattr(lib.config, "settings", lambda: cfg)
    monkeypatch.setattr(lib.db.engine, "settings", lambda: cfg)
    lib.db.engine.get_engine.cache_clear()
    yield url
    lib.db.engine.get_engine.cache_clear()


def test_an_empty_production_database_gets_the_schema_but_no_demo(empty_database) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("La base est vide" in i.value for i in at.info)
    engine = create_engine(empty_database)
    assert "jeune" in inspect(engine).get_table_names()  # migrations ran
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM jeune")).scalar() == 0
