"""Reading and writing partnership values and the comité's comments.

A correction never erases: the earlier row is kept with actif = false and the new
row points to it (remplace_id), with who entered it and when. Each save is one
transaction that also writes the audit line and bumps the data version.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, insert, select

from lib.db.engine import bump_version, log_action
from lib.db.schema import MissionLocale, PartenariatCommentaire, PartenariatValeur
from lib.partenariat import trimestres
from lib.saisies import Registre

V = PartenariatValeur
REGISTRE = Registre(V, "partenariat", ("indicateur", "ml_code", "trimestre"), ("valeur",))
save_values, preview, log_refused_import = REGISTRE.save, REGISTRE.preview, REGISTRE.log_refused_import
C = PartenariatCommentaire
COMMENT_MAX = 4000


def ml_names(engine: Engine) -> dict[str, str]:
    """ML code → name, in code order (the dashboard and the entry list every ML of the region)."""
    with engine.connect() as conn:
        rows = conn.execute(select(MissionLocale.code, MissionLocale.nom).order_by(MissionLocale.code)).all()
    return {code: nom for code, nom in rows}


def active_values(engine: Engine) -> pd.DataFrame:
    """The values in force: one row per (indicateur, ml_code, trimestre)."""
    cols = [V.id, V.indicateur, V.ml_code, V.trimestre, V.valeur, V.saisi_par, V.saisi_le]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).where(V.actif.is_(True)).order_by(V.id)).all()
    return pd.DataFrame(rows, columns=[c.key for c in cols])


def history(engine: Engine, indicateur: str, ml_code: str, trimestre: str) -> pd.DataFrame:
    """Every version of one value, oldest first (actif marks the one in force)."""
    cols = [V.id, V.valeur, V.saisi_par, V.saisi_le, V.remplace_id, V.actif]
    query = (
        select(*cols)
        .where(V.indicateur == indicateur, V.ml_code == ml_code, V.trimestre == trimestre)
        .order_by(V.saisi_le, V.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=[c.key for c in cols])


def comments(engine: Engine) -> pd.DataFrame:
    """Every comment of the comité, oldest first; the latest per (trimestre, ml_code) is the one shown."""
    cols = [C.id, C.trimestre, C.ml_code, C.texte, C.auteur, C.saisi_le]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).order_by(C.saisi_le, C.id)).all()
    return pd.DataFrame(rows, columns=[c.key for c in cols])


def check_comment(trimestre: str, texte: str) -> str | None:
    """French reason why a comment cannot be saved, or None."""
    try:
        trimestres.parse(trimestre)
    except trimestres.TrimestreInvalide as exc:
        return str(exc)
    if not texte.strip():
        return "Le commentaire est vide."
    if len(texte) > COMMENT_MAX:
        return f"Le commentaire fait {len(texte)} caractères : {COMMENT_MAX} au plus."
    return None


def add_comment(engine: Engine, trimestre: str, ml_code: str | None, texte: str, user: str) -> None:
    """A new comment for a quarter (ml_code None = the region); earlier ones are kept."""
    problem = check_comment(trimestre, texte)
    if problem:
        raise ValueError(problem)
    with engine.begin() as conn:
        conn.execute(
            insert(C).values(
                trimestre=trimestres.normalize(trimestre),
                ml_code=ml_code,
                texte=texte.strip(),
                auteur=user,
                saisi_le=dt.datetime.now(),
            )
        )
        log_action(conn, user, "commentaire partenariat", f"{trimestre} {ml_code or 'région'}")
        bump_version(conn)
