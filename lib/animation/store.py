"""Reading and writing programme values, with their history.

As for the partnership indicators, a correction never erases: the earlier row is kept
with actif = false and the new one points to it (remplace_id), with who and when. Each
save is one transaction that also writes the audit line and bumps the data version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.engine import Connection

from lib.animation.entry import Saisie
from lib.db.engine import bump_version, log_action
from lib.db.schema import AnimationValeur, ImportBatch
from lib.partenariat.entry import EntryError

V = AnimationValeur
Key = tuple[int, int, str]
_SAME = 1e-9


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


def _active_map(conn: Connection) -> dict[Key, list[tuple[int, float | None, str | None]]]:
    found: dict[Key, list[tuple[int, float | None, str | None]]] = {}
    query = select(V.id, V.annee, V.action, V.champ, V.valeur_num, V.valeur_texte).where(V.actif.is_(True))
    for id_, annee, action, champ, num, texte in conn.execute(query.order_by(V.id)):
        found.setdefault((annee, action, champ), []).append((id_, num, texte))
    return found


def _same(s: Saisie, num: float | None, texte: str | None) -> bool:
    if s.valeur_texte is not None:
        return texte == s.valeur_texte
    return num is not None and s.valeur_num is not None and abs(num - s.valeur_num) <= _SAME


def _classify(saisies: Sequence[Saisie], active: dict) -> tuple[list[tuple[Saisie, list[int]]], SaveReport]:
    writes: list[tuple[Saisie, list[int]]] = []
    new = corrected = same = 0
    for s in saisies:
        current = active.get((s.annee, s.action, s.champ), [])
        if len(current) == 1 and _same(s, current[0][1], current[0][2]):
            same += 1
            continue
        writes.append((s, [i for i, _, _ in current]))
        corrected += bool(current)
        new += not current
    return writes, SaveReport(new, corrected, same)


def preview(engine: Engine, saisies: Sequence[Saisie]) -> SaveReport:
    """What saving would do, without writing (shown before the animateur confirms an import)."""
    with engine.connect() as conn:
        return _classify(saisies, _active_map(conn))[1]


def save_values(
    engine: Engine, saisies: Sequence[Saisie], user: str, source: str = "saisie", filename: str | None = None
) -> SaveReport:
    """Write validated values in one transaction: new rows, corrections (old row kept), audit, version."""
    now = dt.datetime.now()
    with engine.begin() as conn:
        writes, report = _classify(saisies, _active_map(conn))
        for s, replaced in writes:
            if replaced:
                conn.execute(update(V).where(V.id.in_(replaced)).values(actif=False))
            conn.execute(
                insert(V).values(
                    annee=s.annee,
                    action=s.action,
                    champ=s.champ,
                    valeur_num=s.valeur_num,
                    valeur_texte=s.valeur_texte,
                    saisi_par=user,
                    saisi_le=now,
                    remplace_id=max(replaced) if replaced else None,
                    actif=True,
                )
            )
        if source == "import":
            conn.execute(
                insert(ImportBatch).values(
                    kind="animation",
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
        log_action(conn, user, f"{source} animation", f"{report.message()}{where}")
        if report.ecrites:
            bump_version(conn)
    return report


def log_refused_import(engine: Engine, user: str, filename: str, errors: Sequence[EntryError]) -> None:
    """A refused import writes no value but leaves its trace (import_batch + audit line)."""
    now = dt.datetime.now()
    summary = f"{len(errors)} erreur(s) ; première : {errors[0]}" if errors else "refusé"
    with engine.begin() as conn:
        conn.execute(
            insert(ImportBatch).values(
                kind="animation",
                filename=filename[:255],
                started_at=now,
                finished_at=now,
                status="refusé",
                rows=0,
                user=user,
                message=summary,
            )
        )
        log_action(conn, user, "import animation refusé", f"{filename} : {summary}")
