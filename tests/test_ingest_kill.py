"""A load killed by SIGKILL in the middle leaves every table exactly as it was (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from lib.db.engine import make_engine, migrate
from tests.conftest import empty_postgres
from tests.ingest_files import CLE_TEST

ROOT = Path(__file__).resolve().parent.parent
# The child loads the extract in small blocks and says where it is: killed once rows are written.
CHILD = textwrap.dedent(
    """
    import functools, sys
    import lib.ingest.extrait as E
    from lib.db.engine import get_engine
    from pathlib import Path
    E.lire_tableau = functools.partial(E.lire_tableau, bloc=2000)
    files = [(p.name, p) for p in sorted(Path(sys.argv[1]).glob("*.csv"))]
    def progress(f, msg):
        print(msg, flush=True)
    res = E.charger_extrait(get_engine(), files, "test", accepter_avertissements=True, progression=progress)
    print("FIN", res.statut, flush=True)
    """
)


def _demo_extract(folder: Path, n: int) -> Path:
    from lib.demo.generator import generate
    from lib.demo.load import demo_files
    from lib.demo.reference import reference

    ref = reference()
    folder.mkdir()
    demo_files(generate(ref.communes_ml(), n, 7), ref.reseau, folder)
    return folder


def _state(engine: Engine) -> dict[str, tuple[int, str]]:
    """Every table: its row count and a hash of its rows in a fixed order."""
    out = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            cols = [c["name"] for c in inspect(conn).get_columns(table)]
            order = ", ".join(f'"{c}"' for c in cols)
            rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY {order}')).all()  # noqa: S608
            out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


def _kill_mid_load(url: str, folder: Path) -> list[str]:
    env = {**os.environ, "OBSERVATOIRE_DB_URL": url, "OBSERVATOIRE_CLE_PSEUDONYMISATION": CLE_TEST}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    seen: list[str] = []
    deadline = time.time() + 180
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line.strip())
        # contacts after their first block: the young people and a block of contacts are written
        if "demo_contacts.csv" in line and not line.split(":")[1].strip().startswith("0 "):
            proc.send_signal(signal.SIGKILL)
            break
        if time.time() > deadline or line.startswith("FIN"):
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, seen[-5:]
    return seen


def _prepare(engine: Engine) -> None:
    from lib.demo.load import load_reference
    from lib.demo.reference import reference

    migrate(engine)
    with engine.begin() as conn:
        load_reference(conn, reference(), lambda f, m: None)


def test_sigkill_mid_load_leaves_sqlite_unchanged(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    engine = make_engine(url)
    _prepare(engine)
    before = _state(engine)
    engine.dispose()
    seen = _kill_mid_load(url, _demo_extract(tmp_path / "extrait", 3000))
    assert any("demo_jeunes.csv" in s for s in seen)
    assert _state(make_engine(url)) == before


@pytest.mark.postgres
def test_sigkill_mid_load_leaves_postgres_unchanged(pg_url, tmp_path) -> None:
    engine = create_engine(pg_url)
    empty_postgres(engine)
    _prepare(engine)
    before = _state(engine)
    _kill_mid_load(pg_url, _demo_extract(tmp_path / "extrait", 3000))
    time.sleep(0.5)  # the server notices the closed connection and rolls its transaction back
    assert _state(engine) == before
    engine.dispose()
