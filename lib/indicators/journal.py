"""The audit log and the import batches, for the administrator."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from lib.db.schema import AuditLog, ImportBatch


def audit_lines(engine: Engine, limit: int = 500) -> pd.DataFrame:
    """The latest lines of the audit log, newest first."""
    q = select(AuditLog.at, AuditLog.user, AuditLog.action, AuditLog.detail).order_by(AuditLog.id.desc()).limit(limit)
    with engine.connect() as conn:
        df = pd.DataFrame(conn.execute(q).all(), columns=["Date", "Utilisateur", "Action", "Détail"])
    df["Date"] = pd.to_datetime(df["Date"]).dt.strftime("%d/%m/%Y %H:%M")
    return df


def import_batches(engine: Engine, limit: int = 200) -> pd.DataFrame:
    cols = [ImportBatch.started_at, ImportBatch.kind, ImportBatch.filename, ImportBatch.status, ImportBatch.rows]
    q = select(*cols, ImportBatch.user, ImportBatch.message).order_by(ImportBatch.id.desc()).limit(limit)
    with engine.connect() as conn:
        df = pd.DataFrame(
            conn.execute(q).all(),
            columns=["Début", "Type", "Fichier", "Statut", "Lignes", "Utilisateur", "Message"],
        )
    df["Début"] = pd.to_datetime(df["Début"]).dt.strftime("%d/%m/%Y %H:%M")
    return df
