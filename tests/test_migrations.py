"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from lib.db.engine import migrate
from lib.db.schema import Base


def test_migrations_match_the_models(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/m.db")
    migrate(engine)
    migrate(engine)  # idempotent: a second start changes nothing
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
