"""Shared fixtures: one demo database built once per test session.

The tests use a real embedded database in a temporary folder (and PostgreSQL
when OBSERVATOIRE_TEST_PG_URL is set, as .ci/run does).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_TMP = Path(os.environ.get("PYTEST_DB_DIR", "/tmp")) / f"observatoire-tests-{os.getpid()}"
_TMP.mkdir(parents=True, exist_ok=True)
TEST_DB_URL = f"sqlite:///{_TMP}/demo.db"
# Every module (and every AppTest run) reads this database, never the user's data/ one.
os.environ["OBSERVATOIRE_DB_URL"] = TEST_DB_URL
os.environ.setdefault("OBSERVATOIRE_DEMO_JEUNES", "30000")


@pytest.fixture(scope="session")
def demo_engine():
    from lib.config import settings
    from lib.db.engine import get_engine
    from lib.demo.load import is_loaded, load_demo

    engine = get_engine(TEST_DB_URL)
    if not is_loaded_safe(engine, is_loaded):
        load_demo(engine, settings())
    return engine


def is_loaded_safe(engine, is_loaded) -> bool:  # noqa: ANN001
    try:
        return is_loaded(engine)
    except Exception:  # noqa: BLE001 (schema not created yet)
        return False


@pytest.fixture(scope="session")
def demo_warehouse(demo_engine):
    from lib.indicators.data import warehouse

    return warehouse(TEST_DB_URL)


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = os.environ.get("OBSERVATOIRE_TEST_PG_URL")
    if not url:
        pytest.skip("OBSERVATOIRE_TEST_PG_URL non défini : pas de serveur PostgreSQL de test (.ci/run en démarre un)")
    return url


def empty_postgres(engine) -> None:  # noqa: ANN001 (SQLAlchemy Engine)
    """Drop every table of the test PostgreSQL database: the test that calls this owns it."""
    from sqlalchemy import text

    from lib.db.schema import Base

    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        Base.metadata.drop_all(conn)


@pytest.fixture(scope="session")
def streamlit_server(demo_engine):
    """A real `streamlit run app.py` on the test database; yields its base URL. The browser tests using it
    visit every page without logging in: the visitor holds the administrator's habilitations here;
    tests/test_browser_habilitations.py runs the shipped file (a visitor is an invité)."""
    from scripts.serveur import serveur, visitor_habilitations

    habilitations = visitor_habilitations("administrateur", _TMP)
    env = {"OBSERVATOIRE_DB_URL": TEST_DB_URL, "OBSERVATOIRE_HABILITATIONS": str(habilitations)}
    try:
        with serveur(env, timeout_s=60) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Chromium de Debian absent (apt-get install chromium) : .ci/run l'installe")
    from playwright.sync_api import sync_playwright

    from scripts.screenshot import CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def base_referentiels(tmp_path_factory) -> Path:  # noqa: ANN001
    """A database with the demo region's referentials (written by load_reference through the importers of
    lib.ingest.territoires) and no young people; tests work on copies (tests.ingest_files.copie_de_base)."""
    from lib.db.engine import make_engine, migrate
    from lib.demo.load import load_reference
    from lib.demo.reference import reference

    path = tmp_path_factory.mktemp("ref") / "ref.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.begin() as conn:
        load_reference(conn, reference(), lambda f, m: None)
    engine.dispose()
    return path
