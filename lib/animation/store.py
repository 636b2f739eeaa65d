"""Reading and writing programme values, with their history.

As for the partnership indicators, a correction never erases: the earlier row is kept
with actif = false and the new one points to it (remplace_id), with who and when. Each
save is one transaction that also writes the audit line and bumps the data version.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from lib.db.schema import AnimationValeur
from lib.saisies import Registre

V = AnimationValeur
REGISTRE = Registre(V, "animation", ("annee", "action", "champ"), ("valeur_num", "valeur_texte"))
save_values, preview, log_refused_import = REGISTRE.save, REGISTRE.preview, REGISTRE.log_refused_import
Key = tuple[int, int, str]


def active_values(engine: Engine, annee: int | None = None) -> pd.DataFrame:
    """Values in force: one row per (annee, action, champ)."""
    cols = [V.annee, V.action, V.champ, V.valeur_num, V.valeur_texte, V.saisi_par, V.saisi_le]
    query = select(*cols).where(V.actif.is_(True)).order_by(V.id)
    if annee is not None:
        query = query.where(V.annee == annee)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=[c.key for c in cols])


def years(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(V.annee).distinct()).scalars())


def history(engine: Engine, annee: int, action: int, champ: str) -> pd.DataFrame:
    """Every version of one value, oldest first (actif marks the one in force)."""
    cols = [V.id, V.valeur_num, V.valeur_texte, V.saisi_par, V.saisi_le, V.remplace_id, V.actif]
    query = select(*cols).where(V.annee == annee, V.action == action, V.champ == champ).order_by(V.saisi_le, V.id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=[c.key for c in cols])
