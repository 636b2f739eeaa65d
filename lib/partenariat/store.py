"""Reading and writing partnership values and the comité's comments.

A correction never erases: the earlier row is kept with actif = false and the new
row points to it (remplace_id), with who entered it and when. Each save is one
transaction that also writes the audit line and bumps the data version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.engine import Connection

from lib.db.engine import bump_version, log_action
from lib.db.schema import ImportBatch, MissionLocale, PartenariatCommentaire, PartenariatValeur
from lib.partenariat import trimestres
from lib.partenariat.entry import EntryError, Saisie

V = PartenariatValeur
C = PartenariatCommentaire
COMMENT_MAX = 4000
_SAME = 1e-9  # two entries closer than this are the same value: nothing to correct


@dataclass(frozen=True)
class SaveReport:
    nouvelles: int
    corrigees: int
    inchangees: int

    @property
    def ecrites(self) -> int:
        return self.nouvelles + self.corrigees

    def message(self) -> str:
        parts = [f"{self.nouvelles} nouvelle(s) valeur(s)", f"{self.corrigees} correction(s)"]
        if self.inchangees:
            parts.append(f"{self.inchangees} valeur(s) identique(s) à celle déjà enregistrée, non réécrite(s)")
        return ", ".join(parts)


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


def _active_map(conn: Connection) -> dict[tuple[str, str, str], list[tuple[int, float]]]:
    found: dict[tuple[str, str, str], list[tuple[int, float]]] = {}
    query = select(V.id, V.indicateur, V.ml_code, V.trimestre, V.valeur).where(V.actif.is_(True)).order_by(V.id)
    for id_, ind, ml, tri, val in conn.execute(query):
        found.setdefault((ind, ml, tri), []).append((id_, float(val)))
    return found


def _classify(saisies: Sequence[Saisie], active: dict) -> tuple[list[tuple[Saisie, list[int]]], SaveReport]:
    """Which entries are new, which correct a value in force (and which ids they replace), which change nothing."""
    writes: list[tuple[Saisie, list[int]]] = []
    new = corrected = same = 0
    for s in saisies:
        current = active.get((s.indicateur, s.ml_code, s.trimestre), [])
        if len(current) == 1 and abs(current[0][1] - s.valeur) <= _SAME:
            same += 1
            continue
        writes.append((s, [i for i, _ in current]))
        if current:
            corrected += 1
        else:
            new += 1
    return writes, SaveReport(new, corrected, same)


def preview(engine: Engine, saisies: Sequence[Saisie]) -> SaveReport:
    """What saving would do, without writing (shown before the animateur confirms an import)."""
    with engine.connect() as conn:
        return _classify(saisies, _active_map(conn))[1]


def save_values(
    engine: Engine, saisies: Sequence[Saisie], user: str, source: str = "saisie", filename: str | None = None
) -> SaveReport:
    """Write validated values in one transaction: new rows, corrections (old row deactivated, kept), audit, version."""
    now = dt.datetime.now()
    with engine.begin() as conn:
        # Read the values in force inside the transaction: the classification matches what is written.
        writes, report = _classify(saisies, _active_map(conn))
        for s, replaced in writes:
            if replaced:
                conn.execute(update(V).where(V.id.in_(replaced)).values(actif=False))
            conn.execute(
                insert(V).values(
                    indicateur=s.indicateur,
                    ml_code=s.ml_code,
                    trimestre=s.trimestre,
                    valeur=s.valeur,
                    saisi_par=user,
                    saisi_le=now,
                    remplace_id=max(replaced) if replaced else None,
                    actif=True,
                )
            )
        if source == "import":
            conn.execute(
                insert(ImportBatch).values(
                    kind="partenariat",
                    filename=(filename or "?")[:255],
                    started_at=now,
                    finished_at=dt.datetime.now(),
                    status="ok",
                    rows=len(saisies),
                    user=user,
                    message=report.message(),
                )
            )
        where = f" ({filename})" if filename else ""
        log_action(conn, user, f"{source} partenariat", f"{report.message()}{where}")
        if report.ecrites:
            bump_version(conn)
    return report


def log_refused_import(engine: Engine, user: str, filename: str, errors: Sequence[EntryError]) -> None:
    """A refused import writes no value, but leaves its trace (import_batch + audit line)."""
    now = dt.datetime.now()
    summary = f"{len(errors)} erreur(s) ; première : {errors[0]}" if errors else "refusé"
    with engine.begin() as conn:
        conn.execute(
            insert(ImportBatch).values(
                kind="partenariat",
                filename=filename[:255],
                started_at=now,
                finished_at=now,
                status="refusé",
                rows=0,
                user=user,
                message=summary,
            )
        )
        log_action(conn, user, "import partenariat refusé", f"{filename} : {summary}")


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
