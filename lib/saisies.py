"""Values typed or imported by the animateur, kept with their history: partnership indicators and
the regional animation programme share this way of writing.

A correction never erases: the earlier row is kept with actif = false and the new row points to it
(remplace_id), with who entered it and when. Each save is one transaction that also writes the
audit line (and the import batch for a file) and bumps the data version; an entry equal to the
value in force writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.engine import Connection

from lib.db.engine import bump_version, log_action, log_import_batch

_SAME = 1e-9  # two numbers closer than this are the same value: nothing to correct


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


@dataclass(frozen=True)
class Registre:
    """One table of entered values: its ORM class, its name in the audit log, the columns that
    identify a value and those that hold it (the entries carry attributes of the same names)."""

    table: Any  # PartenariatValeur, AnimationValeur
    kind: str
    key: tuple[str, ...]
    values: tuple[str, ...]

    # the store modules expose these as their own functions: store.save_values = REGISTRE.save
    def save(
        self, engine: Engine, saisies: Sequence[Any], user: str, source: str = "saisie", filename: str | None = None
    ) -> SaveReport:
        return save(self, engine, saisies, user, source, filename)

    def preview(self, engine: Engine, saisies: Sequence[Any]) -> SaveReport:
        return preview(self, engine, saisies)

    def log_refused_import(self, engine: Engine, user: str, filename: str, errors: Sequence[object]) -> None:
        log_refused_import(self, engine, user, filename, errors)


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= _SAME
    return a == b


def _active(conn: Connection, r: Registre) -> dict[tuple, list[tuple[int, tuple]]]:
    t = r.table
    cols = [getattr(t, c) for c in (*r.key, *r.values)]
    found: dict[tuple, list[tuple[int, tuple]]] = {}
    for row in conn.execute(select(t.id, *cols).where(t.actif.is_(True)).order_by(t.id)):
        found.setdefault(tuple(row[1 : 1 + len(r.key)]), []).append((row[0], tuple(row[1 + len(r.key) :])))
    return found


def _classify(r: Registre, saisies: Sequence[Any], active: dict) -> tuple[list[tuple[Any, list[int]]], SaveReport]:
    """Which entries are new, which correct a value in force (and which ids they replace), which change nothing."""
    writes: list[tuple[Any, list[int]]] = []
    new = corrected = same = 0
    for s in saisies:
        current = active.get(tuple(getattr(s, c) for c in r.key), [])
        wanted = tuple(getattr(s, c) for c in r.values)
        if len(current) == 1 and all(map(_same, current[0][1], wanted)):
            same += 1
            continue
        writes.append((s, [i for i, _ in current]))
        corrected += bool(current)
        new += not current
    return writes, SaveReport(new, corrected, same)


def preview(r: Registre, engine: Engine, saisies: Sequence[Any]) -> SaveReport:
    """What saving would do, without writing (shown before the animateur confirms an import)."""
    with engine.connect() as conn:
        return _classify(r, saisies, _active(conn, r))[1]


def save(
    r: Registre, engine: Engine, saisies: Sequence[Any], user: str, source: str = "saisie", filename: str | None = None
) -> SaveReport:
    """Write validated entries in one transaction: new rows, corrections (old row kept), audit, version."""
    now = dt.datetime.now()
    t = r.table
    with engine.begin() as conn:
        # Read the values in force inside the transaction: the classification matches what is written.
        writes, report = _classify(r, saisies, _active(conn, r))
        for s, replaced in writes:
            if replaced:
                conn.execute(update(t).where(t.id.in_(replaced)).values(actif=False))
            row = {c: getattr(s, c) for c in (*r.key, *r.values)}
            remplace = max(replaced) if replaced else None
            conn.execute(insert(t).values(**row, saisi_par=user, saisi_le=now, remplace_id=remplace, actif=True))
        if source == "import":
            log_import_batch(conn, r.kind, filename or "?", user, "ok", len(saisies), report.message(), now)
        where = f" ({filename})" if filename else ""
        log_action(conn, user, f"{source} {r.kind}", f"{report.message()}{where}")
        if report.ecrites:
            bump_version(conn)
    return report


def log_refused_import(r: Registre, engine: Engine, user: str, filename: str, errors: Sequence[object]) -> None:
    """A refused import writes no value, but leaves its trace (import_batch + audit line)."""
    summary = f"{len(errors)} erreur(s) ; première : {errors[0]}" if errors else "refusé"
    with engine.begin() as conn:
        log_import_batch(conn, r.kind, filename, user, "refusé", 0, summary, dt.datetime.now())
        log_action(conn, user, f"import {r.kind} refusé", f"{filename} : {summary}")
