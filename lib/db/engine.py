"""Engine creation, migrations and the small write helpers every module shares."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.engine import Connection

from lib.config import settings
from lib.db.schema import AuditLog, DataVersion

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")  # readers (the app) never block the importer
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    return make_engine(url or settings().database_url)


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def data_version(engine: Engine) -> int:
    with engine.connect() as conn:
        v = conn.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar()
    return int(v or 0)


def bump_version(conn: Connection) -> None:
    """Called inside every write transaction so cached aggregates are invalidated."""
    n = conn.execute(update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1))
    if n.rowcount == 0:
        conn.execute(insert(DataVersion).values(id=1, version=1))


def log_action(conn: Connection, user: str, action: str, detail: str) -> None:
    conn.execute(insert(AuditLog).values(at=dt.datetime.now(), user=user, action=action, detail=detail))


def count_rows(engine: Engine, table) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
