"""The audit log and the import batches, for the administrator."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, select

from lib.db.schema import AuditLog, ImportBatch

JOURNAL_COLUMNS = ["Date", "Utilisateur", "Action", "Détail", "Adresse"]


def audit_lines(
    engine: Engine,
    debut: dt.date | None = None,
    fin: dt.date | None = None,
    utilisateur: str | None = None,
    actions: list[str] | None = None,
    limit: int = 2000,
) -> pd.DataFrame:
    """The lines of the audit log from `debut` to `fin` (included), of one user and some actions if given,
    newest first, at most `limit`."""
    cols = [AuditLog.at, AuditLog.user, AuditLog.action, AuditLog.detail, AuditLog.adresse]
    q = select(*cols).order_by(AuditLog.id.desc()).limit(limit)
    if debut is not None:
        q = q.where(AuditLog.at >= dt.datetime.combine(debut, dt.time()))
    if fin is not None:
        q = q.where(AuditLog.at < dt.datetime.combine(fin + dt.timedelta(days=1), dt.time()))
    if utilisateur:
        q = q.where(AuditLog.user == utilisateur)
    if actions:
        q = q.where(AuditLog.action.in_(actions))
    with engine.connect() as conn:
        df = pd.DataFrame(conn.execute(q).all(), columns=JOURNAL_COLUMNS)
    df["Date"] = pd.to_datetime(df["Date"]).dt.strftime("%d/%m/%Y %H:%M:%S")
    df["Adresse"] = df["Adresse"].fillna("hors navigateur")  # command line, background task
    return df


def audit_choices(engine: Engine) -> tuple[list[str], list[str]]:
    """The users and the actions the audit log names, for its filters."""
    with engine.connect() as conn:
        users = conn.execute(select(AuditLog.user).distinct().order_by(AuditLog.user)).scalars().all()
        actions = conn.execute(select(AuditLog.action).distinct().order_by(AuditLog.action)).scalars().all()
    return list(users), list(actions)


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
