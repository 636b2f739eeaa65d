"""lib.secret: properties over random small tables (hypothesis), margins recomputed independently."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.config import SecretRules
from lib.secret import STATUS, TOTAL, audit, protect

DIMS = ["d0", "d1", "d2"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, list[str], dict, SecretRules]:
    n_dims = draw(st.integers(0, 3))
    sizes = [draw(st.integers(1, 4 if n_dims < 3 else 3)) for _ in range(n_dims)]
    dims = DIMS[:n_dims]
    combos = list(itertools.product(*[[f"{d}{k}" for k in range(n)] for d, n in zip(dims, sizes, strict=True)]))
    # "small" tables have nearly every cell under the threshold
    small = draw(st.booleans())
    value = st.integers(0, 6) if small else st.one_of(st.integers(0, 6), st.integers(5, 80))
    counts = draw(st.lists(value, min_size=len(combos), max_size=len(combos)))
    df = pd.DataFrame(combos, columns=dims) if dims else pd.DataFrame(index=range(1))
    df["n"] = counts
    # some combinations absent from the input: they must come back as 0
    keep = draw(st.lists(st.booleans(), min_size=len(df), max_size=len(df)))
    if dims and any(keep):
        df = df[keep].reset_index(drop=True)
    hierarchies = {}
    if n_dims and sizes[0] >= 2 and draw(st.booleans()):
        leaves = list(dict.fromkeys(df["d0"]))
        parents = draw(st.lists(st.sampled_from(["P1", "P2"]), min_size=len(leaves), max_size=len(leaves)))
        hierarchies = {"d0": dict(zip(leaves, parents, strict=True))}
    rules = SecretRules(afficher_zeros=draw(st.booleans()))
    return df, dims, hierarchies, rules


def expected_cells(df: pd.DataFrame, dims: list[str], hierarchies: dict) -> pd.DataFrame:
    """Every cell and margin, computed without lib.secret: each row counts in its
    category, its parent (if any) and Total, in every dimension; absent combinations are 0."""
    if not dims:
        return pd.DataFrame({"n": [float(df["n"].sum())]})
    full = pd.MultiIndex.from_product([list(dict.fromkeys(df[d])) for d in dims], names=dims).to_frame(index=False)
    full = full.merge(df.groupby(dims, as_index=False)["n"].sum(), how="left", on=dims).fillna({"n": 0})
    for d in dims:
        parent = hierarchies.get(d, {})
        full[d] = [[v, parent[v], TOTAL] if v in parent else [v, TOTAL] for v in full[d]]
        full = full.explode(d)
    return full.groupby(dims, as_index=False)["n"].sum()


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_protect_properties(case):
    df, dims, hierarchies, rules = case
    m = protect(df, dims, hierarchies=hierarchies, rules=rules)
    t = m.table

    # every combination plus every margin, nothing else
    truth = expected_cells(df, dims, hierarchies)
    assert len(t) == len(truth)
    merged = t.merge(truth, on=dims, how="inner", suffixes=("", "_true")) if dims else t.assign(n_true=truth["n"])
    assert len(merged) == len(t)

    hidden = merged[STATUS] != "ok"
    # no leak: a hidden cell carries no value
    assert merged.loc[hidden, "n"].isna().all()
    # published values (margins included) are the true ones
    assert (merged.loc[~hidden, "n"] == merged.loc[~hidden, "n_true"]).all()
    # rule 1: every small count is hidden (zeros too when they are not shown)
    v = merged["n_true"]
    small = (v < rules.seuil_diffusion) & ((v > 0) | (not rules.afficher_zeros))
    assert (merged.loc[small, STATUS] == "primary").all()
    assert (merged.loc[~small, STATUS] != "primary").all()

    report = audit(m, df, rules)
    assert report.ok, report.failures
    assert report.consistent
    assert report.exposed_singletons == 0
    # no hidden cell is given back by what is published (a determined cell would be shown, not hidden)
    assert (report.ranges["width"] > 0.5).all(), report.ranges[report.ranges["width"] <= 0.5]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=1, max_size=6))
def test_one_dimension_without_small_cells_needs_no_solver(counts):
    counts = [c if c == 0 or c >= 5 else c + 5 for c in counts]
    df = pd.DataFrame({"a": [f"c{i}" for i in range(len(counts))], "n": counts})
    m = protect(df, ["a"], rules=SecretRules())
    assert m.hidden_count == 0
    assert m.grand_total()["n"] == sum(counts)
    assert np.array_equal(m.cells()["n"].to_numpy(), np.array(counts, dtype=float))
