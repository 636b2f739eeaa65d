"""What-if for the comité de pilotage, and validated répartitions kept per year.

A simulation is never stored. Only an administrator validates a répartition:
all its rows, the audit line and the data-version bump go in one transaction, so a
failure leaves nothing half-written. Earlier validations stay: the history of a
year is every validation, newest first; the one in force is the newest.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, insert, select

from lib import format as fr
from lib.auth import User
from lib.db.engine import bump_version, log_action
from lib.db.schema import RepartitionValidee
from lib.habilitations import habilitations
from lib.indicators.cotraitance.repartition import Repartition


class ValidationRefusee(PermissionError):
    """Raised when someone whose role may not validate (habilitations) tries to."""


def comparer(actuelle: pd.DataFrame, simulee: Repartition) -> pd.DataFrame:
    """Current and simulated keys and quotas side by side.

    `actuelle`: index ml_code, columns cle, quota (validated or computed). Returns index
    ml_code with ml, cle_actuelle, quota_actuel, cle_simulee, quota_simule, ecart.
    """
    s = simulee.table
    out = pd.DataFrame(
        {
            "ml": s["ml"],
            "cle_actuelle": actuelle["cle"].reindex(s.index),
            "quota_actuel": actuelle["quota"].reindex(s.index),
            "cle_simulee": s["cle"],
            "quota_simule": s["quota"],
        }
    )
    out["ecart"] = out["quota_simule"] - out["quota_actuel"]
    return out


def valider(engine: Engine, rep: Repartition, user: User | None, now: dt.datetime | None = None) -> dt.datetime:
    """Store `rep` as the validated répartition of its year. For the roles that may (habilitations); one transaction."""
    if user is None or not habilitations().may(user.role, "valider_repartition"):
        raise ValidationRefusee("votre rôle ne permet pas de valider une répartition (habilitations)")
    if int(rep.table["quota"].sum()) != rep.enveloppe:
        raise ValueError(
            f"les quotas totalisent {int(rep.table['quota'].sum())} au lieu de l'enveloppe {rep.enveloppe}"
        )
    when = now or dt.datetime.now()
    rows = [
        {
            "annee": rep.annee,
            "ml_code": str(code),
            "enveloppe": rep.enveloppe,
            "poids_defm": rep.poids_defm,
            "cle": float(r["cle"]),
            "quota": int(r["quota"]),
            "valide_par": user.login,
            "valide_le": when,
        }
        for code, r in rep.table.iterrows()
    ]
    with engine.begin() as conn:
        conn.execute(insert(RepartitionValidee), rows)
        log_action(
            conn,
            user.login,
            "validation répartition",
            f"co-traitance {rep.annee} : enveloppe {fr.entier(rep.enveloppe)}, "
            f"poids DEFM {fr.nombre(rep.poids_defm, 2)}, "
            f"{len(rows)} missions locales",
        )
        bump_version(conn)
    return when


def historique(engine: Engine, annee: int) -> pd.DataFrame:
    """Every validated row of `annee`, newest validation first (columns of repartition_validee)."""
    t = RepartitionValidee.__table__
    with engine.connect() as conn:
        df = pd.read_sql_query(select(t).where(t.c.annee == annee).order_by(t.c.valide_le.desc(), t.c.id), conn)
    df["valide_le"] = pd.to_datetime(df["valide_le"])
    return df


def validations(engine: Engine, annee: int) -> pd.DataFrame:
    """One row per validation of `annee`: valide_le, valide_par, enveloppe, poids_defm, newest first."""
    h = historique(engine, annee)
    cols = ["valide_le", "valide_par", "enveloppe", "poids_defm"]
    if h.empty:
        return pd.DataFrame(columns=cols)
    return h[cols].drop_duplicates(["valide_le", "valide_par"]).reset_index(drop=True)


def en_vigueur(engine: Engine, annee: int) -> pd.DataFrame | None:
    """The newest validated répartition of `annee` (index ml_code; cle, quota, enveloppe, poids_defm,
    valide_par, valide_le), or None when none was validated."""
    h = historique(engine, annee)
    if h.empty:
        return None
    last = h[(h["valide_le"] == h["valide_le"].iloc[0]) & (h["valide_par"] == h["valide_par"].iloc[0])]
    return last.set_index("ml_code")[["cle", "quota", "enveloppe", "poids_defm", "valide_par", "valide_le"]]
