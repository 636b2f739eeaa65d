"""Bulk writes inside the load's transaction: executemany on SQLite, COPY on PostgreSQL.

Both go through the driver's own connection (the one SQLAlchemy's transaction holds),
so they commit or roll back with everything else of the load.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

SQLITE_CACHE_KIB = 262_144  # a bigger page cache during a load: index pages stay in memory


def _colonne(values: pd.Series) -> list:
    """A column as Python values the drivers take: ISO dates, None for missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        arr = values.to_numpy("datetime64[D]")
        out = np.datetime_as_string(arr).astype(object)
        out[np.isnat(arr)] = None
        return out.tolist()
    if isinstance(values.dtype, pd.BooleanDtype):
        return [None if v is pd.NA else bool(v) for v in values.tolist()]
    if pd.api.types.is_bool_dtype(values):
        return values.tolist()
    obj = values.astype(object)
    return obj.where(obj.notna(), None).tolist()


def inserer(conn: Connection, table: str, frame: pd.DataFrame, colonnes: Sequence[str]) -> None:
    """Append `frame[colonnes]` to `table` in the connection's current transaction."""
    if frame.empty:
        return
    rows = list(zip(*(_colonne(frame[c]) for c in colonnes), strict=True))
    raw = conn.connection.driver_connection
    cols = ", ".join(colonnes)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # noqa: S608 (fixed names)
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(colonnes))
    cur = raw.cursor()
    try:
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608 (fixed names)
    finally:
        cur.close()


def preparer(conn: Connection) -> None:
    """Settings of this connection for a bulk load (SQLite: page cache, temporary data in memory)."""
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        raw.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        raw.execute("PRAGMA temp_store=MEMORY")


def terminer(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.connection.driver_connection.execute("PRAGMA cache_size=-2000")  # SQLite's default
