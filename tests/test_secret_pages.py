"""Every page, on an adversarial dataset full of small cells, keeps the secret.

The demo generator with only a few hundred young people gives many cells of 1 to 4.
Every MaskedTable built while a page runs is recorded; for each one that counts
people we check that no count from 1 to 4 is published and that no hidden cell is
the only unknown of a published margin (it would be given back by subtraction).
The full linear-programming audit is in tests/test_secret*.py.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.secret import masked as masked_module
from lib.secret.masked import STATUS, TOTAL, MaskedTable
from tests.apptest_pages import ADMINISTRATEUR
from tests.conftest import ROOT
from tests.test_pages import navigation_pages

ADVERSARIAL_N = 400


@pytest.fixture(scope="module")
def adversarial_db(tmp_path_factory, monkeypatch_module):
    """Switch the whole app to a tiny demo database for this module, then back."""
    from lib.config import settings
    from lib.db.engine import get_engine
    from lib.demo.load import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('adv')}/adv.db"
    monkeypatch_module.setenv("OBSERVATOIRE_DB_URL", url)
    monkeypatch_module.setenv("OBSERVATOIRE_DEMO_JEUNES", str(ADVERSARIAL_N))
    settings.cache_clear()
    get_engine.cache_clear()
    load_demo(get_engine(), settings())
    yield url
    settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture
def recorded(monkeypatch) -> list[MaskedTable]:
    """Every MaskedTable created from now on."""
    seen: list[MaskedTable] = []
    original = MaskedTable.__post_init__

    def record(self: MaskedTable) -> None:
        original(self)
        seen.append(self)

    monkeypatch.setattr(masked_module.MaskedTable, "__post_init__", record)
    return seen


def published_small_counts(m: MaskedTable) -> list[float]:
    t = m.table[m.table["sensible"].astype(bool)] if "sensible" in m.table else m.table  # mixed tables
    v = pd.to_numeric(t.loc[t[STATUS] == "ok", m.count], errors="coerce").dropna()
    return sorted(set(v[(v >= 1) & (v <= 4)]))


def single_unknown_lines(m: MaskedTable) -> list[str]:
    """Lines (one dimension varying, the others fixed) whose only hidden value is given by their margin."""
    t = m.table.copy()
    for d in m.dims:
        t[d] = t[d].astype(str)
    problems = []
    for d in m.dims:
        others = [o for o in m.dims if o != d]
        groups = t.groupby(others, sort=False) if others else [((), t)]
        for key, g in groups:
            total = g[g[d] == TOTAL]
            cells = g[g[d] != TOTAL]
            if len(total) != 1 or total[STATUS].iloc[0] != "ok":
                continue
            hidden = cells[cells[STATUS] != "ok"]
            if len(hidden) == 1:
                problems.append(f"{d} à {key} : une seule case masquée sous un total publié")
    return problems


def screen_metric_values(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def check_page(at: AppTest, recorded: list[MaskedTable], page: str) -> list[str]:
    errors = []
    for m in recorded:
        if not m.sensitive:
            continue
        small = published_small_counts(m)
        if small:
            errors.append(f"{page} : comptes {small} publiés dans une table {m.dims}")
        errors += [f"{page} : {p}" for p in single_unknown_lines(m)]
    for v in screen_metric_values(at):
        if re.fullmatch(r"[1-4]", v.strip()):
            errors.append(f"{page} : chiffre clé {v!r} à l'écran")
    return errors


@pytest.mark.parametrize("page", navigation_pages())
def test_page_keeps_the_secret_on_adversarial_data(adversarial_db, recorded, page: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["user"] = ADMINISTRATEUR  # the role that sees every page and every territory
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = check_page(at, recorded, page)
    # the same page at the level of one ML, where cells are smallest
    if any(s.key == "niveau" for s in at.selectbox):
        at.selectbox(key="niveau").set_value("ml").run()
        assert not at.exception, [e.value for e in at.exception]
        errors += check_page(at, recorded, page + " (niveau ML)")
    assert errors == [], "\n".join(errors)


def test_the_adversarial_data_is_adversarial(adversarial_db) -> None:
    """Guard: the dataset must really contain small cells, or the test above proves nothing."""
    from lib.indicators.data import warehouse

    w = warehouse(adversarial_db)
    counts = w.jeunes.groupby(["ml_code", "niveau", "sexe"], observed=True).size()
    assert ((counts >= 1) & (counts <= 4)).mean() > 0.3


def test_the_line_check_catches_a_recomputable_cell() -> None:
    t = pd.DataFrame({"a": ["x", "y", TOTAL], "n": [np.nan, 10.0, 13.0], STATUS: ["primary", "ok", "ok"]})
    m = MaskedTable(t, ("a",), "n", ("n",), False)
    assert single_unknown_lines(m)
