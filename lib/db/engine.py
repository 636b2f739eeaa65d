"""Engine creation, migrations and the small write helpers every module shares."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, insert, select, text, update
from sqlalchemy.engine import Connection

from lib.adresse import client_address
from lib.config import settings
from lib.db.schema import VERSIONED_TABLES, AuditLog, ImportBatch, VersionDonnees

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
            # In WAL mode, NORMAL loses no committed transaction when a process is killed (only on a
            # power cut the last ones may be lost) and spares a disk sync per commit.
            cur.execute("PRAGMA synchronous=NORMAL")
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
    """THE current data version: the id of the newest ``version_donnees`` row (0 on an empty base).

    It changes on every data change, so caches key on it."""
    with engine.connect() as conn:
        return current_version(conn)


def current_version(conn: Connection) -> int:
    return int(conn.execute(select(func.max(VersionDonnees.id))).scalar() or 0)


def version_tables(conn: Connection, version: int) -> dict[str, int]:
    """For each versioned table, the version whose rows are in effect in `version` ({} if none)."""
    raw = conn.execute(select(VersionDonnees.tables).where(VersionDonnees.id == version)).scalar()
    return {str(k): int(v) for k, v in json.loads(raw or "{}").items()}


def bump_version(
    conn: Connection,
    nature: str = "modification",
    utilisateur: str = "système",
    resume: str = "",
    *,
    apporte: Iterable[str] = (),
    tables: Mapping[str, int] | None = None,
    mois_extraction: dt.date | None = None,
    fichiers: Sequence[Mapping[str, object]] = (),
    empreinte: str | None = None,
    restaure_depuis: int | None = None,
) -> int:
    """Add a version row inside the writer's transaction and return its id.

    `apporte`: the versioned tables whose rows the caller writes under the returned id;
    every other versioned table keeps the rows of the previous version, unless `tables`
    (a restoration) gives the whole mapping."""
    if conn.dialect.name == "postgresql":  # two writers at once: the second waits, then sees the first
        conn.execute(text("LOCK TABLE version_donnees IN EXCLUSIVE MODE"))
    previous = current_version(conn)
    mapping = dict(tables) if tables is not None else version_tables(conn, previous)
    new_id = conn.execute(
        insert(VersionDonnees)
        .values(
            nature=nature,
            mois_extraction=mois_extraction,
            fichiers=json.dumps(list(fichiers), ensure_ascii=False),
            empreinte=empreinte,
            tables="{}",
            utilisateur=utilisateur[:80],
            charge_le=dt.datetime.now(),
            resume=resume,
            restaure_depuis=restaure_depuis,
        )
        .returning(VersionDonnees.id)
    ).scalar_one()
    for table in apporte:
        if table not in VERSIONED_TABLES:
            raise ValueError(f"table non versionnée : {table}")
        mapping[table] = new_id
    conn.execute(update(VersionDonnees).where(VersionDonnees.id == new_id).values(tables=json.dumps(mapping)))
    return int(new_id)


def log_action(conn: Connection, user: str, action: str, detail: str, adresse: str | None = None) -> None:
    """One line of the audit log: who, what, when, and from where (by default the address of the
    browser whose session runs this code; none from the command line)."""
    where = adresse or client_address()
    conn.execute(insert(AuditLog).values(at=dt.datetime.now(), user=user, action=action, detail=detail, adresse=where))


def count_rows(engine: Engine, table) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def log_import_batch(
    conn: Connection, kind: str, filename: str, user: str, status: str, rows: int, message: str, started
) -> None:  # noqa: ANN001
    conn.execute(
        insert(ImportBatch).values(
            kind=kind,
            filename=filename[:255],
            started_at=started,
            finished_at=dt.datetime.now(),
            status=status,
            rows=rows,
            user=user,
            message=message,
        )
    )
