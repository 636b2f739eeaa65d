"""The monthly extract on PostgreSQL, bulk-loaded with COPY: the behaviours checked on the embedded base.

Each check of tests/test_ingest.py named below runs again, unchanged, on a fresh PostgreSQL
schema holding the demo region's referentials (the server .ci/run starts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lib.db.engine import make_engine
from tests import test_ingest as on_sqlite
from tests.conftest import empty_postgres
from tests.ingest_files import CLE_TEST
from tests.test_ingest_kill import _prepare as prepare

CHECKS: list[Callable[[Engine, Path], None]] = [
    on_sqlite.test_a_good_extract_is_one_new_version_with_pseudonyms,
    on_sqlite.test_the_same_files_twice_change_nothing_and_say_so,
    on_sqlite.test_blocking_errors_load_nothing_and_name_file_line_column_value,
    on_sqlite.test_restore_and_as_of_read_the_rows_of_each_version,
    on_sqlite.test_a_defm_file_alone_keeps_the_young_people_of_the_version_in_service,
]


@pytest.fixture
def base_pg(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("OBSERVATOIRE_CLE_PSEUDONYMISATION", CLE_TEST)
    engine = make_engine(pg_url)
    empty_postgres(engine)
    prepare(engine)  # schema and the demo region's referentials
    yield engine
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__.removeprefix("test_") for c in CHECKS])
def test_on_postgres(check: Callable[[Engine, Path], None], base_pg: Engine, tmp_path: Path) -> None:
    assert base_pg.dialect.name == "postgresql"
    check(base_pg, tmp_path)


@pytest.mark.postgres
def test_the_load_writes_with_copy(base_pg: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows of the young people and their events reach PostgreSQL through COPY, not row by row."""
    import psycopg

    from lib.ingest.extrait import charger_extrait
    from tests.ingest_files import extrait, liste

    statements: list[str] = []
    original = psycopg.Cursor.copy

    def spy(self: psycopg.Cursor, statement: str, *args: object, **kwargs: object) -> object:
        statements.append(str(statement))
        return original(self, statement, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "copy", spy)
    res = charger_extrait(base_pg, liste(extrait(base_pg, tmp_path)), "animateur")
    assert res.statut == "chargé", res.texte()
    copied = {st.split()[1] for st in statements if st.startswith("COPY ") and st.endswith("FROM STDIN")}
    assert {"jeune", "contact", "dispositif", "situation"} <= copied, statements
