"""Issue 10's first leak: Explorateur, Tarn-et-Garonne, 2010, communes × sex beside communes alone.

Septfonds showed Femmes "s", Hommes 5, Total "s" in one table and 9 in the other: Femmes = 4.
The independent attacker (tests/attacker.py) takes every table the Explorateur gives for that
territory and year and bounds each hidden cell from the young people's records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.indicators import observation as obs
from lib.indicators.periods import make_period
from lib.indicators.scope import Scope
from lib.secret.masked import TOTAL
from lib.ui import observation as view
from tests.attacker import Cell, people, ranges

SCOPE = Scope("departement", "82")
PERIOD = make_period("annee", 2010)
CROSSINGS = [("commune",), ("commune", "sexe"), ("sexe",), ("ml", "sexe"), ("ml",)]


def _communes_of(w, labels: set[str]) -> dict[str, frozenset[str]]:  # noqa: ANN001
    """Row label → communes, the way a reader would: the named commune, or the small ones of the scope."""
    c = w.communes[w.communes["dep_code"].astype(str) == SCOPE.code]
    out = {}
    for label in labels:
        named = c[(c["nom"].astype(str) + " (" + c["dep_code"].astype(str) + ")") == label]
        if len(named):
            out[label] = frozenset(named["code"].astype(str))
        elif label.startswith(obs.SMALL_COMMUNES[:20]):
            small = c["population"] < 2000
            if "(" in label and "Mission locale" in label:  # "… (Mission locale X)": the small ones of that ML
                ml = next(k for k, v in w.ml_names().items() if v in label)
                small &= c["ml_code"].astype(str) == ml
            out[label] = frozenset(c.loc[small, "code"].astype(str))
        else:
            ml = {v: k for k, v in w.ml_names().items()}.get(label)
            if ml is not None:
                out[label] = frozenset(c.loc[c["ml_code"].astype(str) == ml, "code"].astype(str))
    return out


def test_no_hidden_cell_of_the_explorateur_is_given_back_in_tarn_et_garonne(demo_engine, demo_warehouse) -> None:
    w = demo_warehouse
    everything = frozenset(w.communes.loc[w.communes["dep_code"].astype(str) == "82", "code"].astype(str))
    cells, names = [], []
    for dims in CROSSINGS:
        result = view.cross(w, SCOPE, PERIOD, "suivis", dims)
        if result.table is None:  # a crossing the publication plan does not offer
            continue
        t = result.table
        dim_names = {obs.DIMENSIONS[d]: d for d in dims}
        territory = [n for n, d in dim_names.items() if d in ("commune", "ml")]
        places = _communes_of(w, set(t.table[territory[0]]) - {TOTAL}) if territory else {}
        for row in t.table.itertuples(index=False):
            r = dict(zip(t.table.columns, row, strict=True))
            communes, column, values = everything, None, None
            for name, d in dim_names.items():
                if r[name] == TOTAL:
                    continue
                if d in ("commune", "ml"):
                    communes = places[r[name]]
                else:
                    column, values = d, frozenset([r[name]])
            value = r[t.count]
            floor = 1.0 if sum(w.communes.set_index("code").loc[list(communes), "population"]) >= 2000 else 0.0
            cells.append(Cell(communes, column, values, float(value) if pd.notna(value) else np.nan, floor))
            names.append((dims, r[t.dims[0]], r[t.dims[-1]] if len(t.dims) > 1 else ""))
    records = people(demo_engine, "suivis", "2010-01-01", "2010-12-31", ["sexe"])
    records = records[records["commune"].isin(everything)]
    bounds = ranges(records, cells)
    narrow = [
        (names[i], lo, hi)
        for i, (c, (lo, hi)) in enumerate(zip(cells, bounds, strict=True))
        if np.isnan(c.published) and hi - lo < 5
    ]
    septfonds = [n for n in narrow if n[0][1] == "Septfonds (82)"]
    assert septfonds == []
    assert narrow == []
