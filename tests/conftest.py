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
