"""Secondary suppression: our engine against τ-ARGUS (pytauargus, HiGHS), same tables, same rules.

    python benchmarks/bench_secret.py [--runs 3] [--no-write]

For each table shape, a few deterministic random tables; for each engine, the
secondary cells it hides (count, people), the time (median of several runs) and
whether our LP audit passes on its pattern, under two attacker models:
- "plancher 1" (ours): zeros are shown, so a hidden cell is known to hold ≥ 1 person;
- "plancher 0" (τ-ARGUS's, the table minimum being 0): a hidden cell may be 0.
Every engine gets the same primary cells (rule 1, margins included) and must give
each a range at least `seuil_diffusion` wide (τ-ARGUS: lower protection level =
value, upper = seuil − value). The figures go to docs/secret.md, between the markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.config import SecretRules  # noqa: E402
from lib.secret import audit, protect  # noqa: E402
from lib.secret.layout import Layout, build_layout  # noqa: E402
from lib.secret.protect import masked_table  # noqa: E402
from lib.secret.rules import is_primary  # noqa: E402
from lib.secret.suppression import secondary_suppression  # noqa: E402

RULES = SecretRules()
DOC = ROOT / "docs" / "secret.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SEED = 20100507
REPLICATES = 3


# ---------------------------------------------------------------- tables
def _grid(levels: dict[str, list[str]]) -> pd.DataFrame:
    return pd.MultiIndex.from_product(list(levels.values()), names=list(levels)).to_frame(index=False)


def _mls() -> list[str]:
    return [f"ML{i:02d}" for i in range(10)]


def ml_month(rng: np.random.Generator) -> pd.DataFrame:
    df = _grid({"ml": _mls(), "mois": [f"{y}-{m:02d}" for y in (2009, 2010) for m in range(1, 13)]})
    size = np.repeat(rng.gamma(2.0, 4.0, 10), 24)  # some small MLs, some large
    df["n"] = rng.poisson(size)
    return df


def ml_level_sex(rng: np.random.Generator) -> pd.DataFrame:
    df = _grid({"ml": _mls(), "niveau": ["VI-Vbis", "V", "IV", "III+"], "sexe": ["F", "H"]})
    share = np.tile(np.repeat([0.15, 0.35, 0.3, 0.2], 2), 10)
    df["n"] = rng.poisson(np.repeat(rng.gamma(2.0, 30.0, 10), 8) * share)
    return df


def basin_ml(rng: np.random.Generator) -> pd.DataFrame:
    df = _grid({"bassin": [f"BE{i:02d}" for i in range(20)], "ml": _mls()})
    # a basin overlaps 1 to 3 MLs a lot, the others by a few young people who moved
    main = rng.random(len(df)) < 0.2
    df["n"] = np.where(main, rng.poisson(150, len(df)), rng.poisson(0.8, len(df)))
    return df


def ml_month_sex(rng: np.random.Generator) -> pd.DataFrame:
    df = _grid({"ml": _mls(), "mois": [f"2010-{m:02d}" for m in range(1, 13)], "sexe": ["F", "H"]})
    df["n"] = rng.poisson(np.repeat(rng.gamma(2.0, 5.0, 10), 24))
    return df


SHAPES: dict[str, tuple[Callable[[np.random.Generator], pd.DataFrame], list[str]]] = {
    "ML × mois (10×24)": (ml_month, ["ml", "mois"]),
    "ML × niveau × sexe (10×4×2)": (ml_level_sex, ["ml", "niveau", "sexe"]),
    "bassin × ML (20×10)": (basin_ml, ["bassin", "ml"]),
    "ML × mois × sexe (10×12×2)": (ml_month_sex, ["ml", "mois", "sexe"]),
}


def page_tables() -> dict[str, tuple[pd.DataFrame, list[str], dict | None]]:
    """The tables of the pages named in the issue, with counts of the demo's order of magnitude."""
    rng = np.random.default_rng(SEED)
    months = [f"{y}-{m:02d}" for y in (2009, 2010) for m in range(1, 13)]
    quarters = {m: f"{m[:4]} T{(int(m[5:]) - 1) // 3 + 1}" for m in months}
    years = {q: q[:4] for q in quarters.values()}
    month = _grid({"ml": _mls(), "mois": months})
    month["n"] = rng.poisson(np.repeat(rng.gamma(3.0, 10.0, 10), 24))  # new arrivals per ML and month
    level = _grid({"ml": _mls(), "niveau": ["VI-Vbis", "V", "IV", "III+"], "sexe": ["F", "H"]})
    level["n"] = rng.poisson(np.repeat(rng.gamma(3.0, 100.0, 10), 8) * np.tile([0.08, 0.16, 0.14, 0.12] * 1, 20))
    return {
        "ML × mois, trimestres et années (10×24)": (month, ["ml", "mois"], {"mois": [quarters, years]}),
        "ML × niveau × sexe (10×4×2)": (level, ["ml", "niveau", "sexe"], None),
        "bassin × ML (20×10)": (basin_ml(rng), ["bassin", "ml"], None),
        "chiffre clé (0 dimension)": (pd.DataFrame({"n": [4]}), [], None),
    }


def measure_pages(runs: int) -> str:
    lines = [
        "| table de page (cases avec marges) | cases primaires | cases secondaires "
        "| temps médian (s) | temps max (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (df, dims, hierarchies) in page_tables().items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            m = protect(df, dims, hierarchies=hierarchies, rules=RULES)
            times.append(time.perf_counter() - start)
        status = m.table["status"]
        lines.append(
            f"| {name} ({len(m.table)}) | {(status == 'primary').sum()} | {(status == 'secondary').sum()} "
            f"| {statistics.median(times):.3f} | {max(times):.3f} |"
        )
        print(f"  {name:42s} {statistics.median(times):.3f} s", flush=True)
    return "\n".join(lines)


# ---------------------------------------------------------------- engines
@dataclass
class Outcome:
    hidden: np.ndarray  # mask over the layout's cells
    seconds: float


def ours(df: pd.DataFrame, dims: list[str], layout: Layout) -> Outcome:
    start = time.perf_counter()
    m = protect(df, dims, rules=RULES)
    elapsed = time.perf_counter() - start
    return Outcome((m.table["status"] != "ok").to_numpy(), elapsed)


Engine = Callable[[pd.DataFrame, list[str], Layout], Outcome]


def ours_variant(exact: bool = False, floor: float | None = None) -> Engine:
    def run(df: pd.DataFrame, dims: list[str], layout: Layout) -> Outcome:
        start = time.perf_counter()
        values = layout.expand(layout.leaf_values(df, "n"))
        primary = is_primary(values, RULES)
        hidden = secondary_suppression(
            layout.equations(), values, primary, RULES, layout.margin_depth(), exact=exact, floor=floor
        )
        return Outcome(hidden, time.perf_counter() - start)

    return run


def tau_argus(method: str) -> Engine:
    def run(df: pd.DataFrame, dims: list[str], layout: Layout) -> Outcome:
        from pytauargus.engine import run_batch
        from pytauargus.result import TableResult

        start = time.perf_counter()
        values = layout.expand(layout.leaf_values(df, "n"))
        primary = is_primary(values, RULES)
        labels = layout.labels_frame()
        with tempfile.TemporaryDirectory(prefix="bench-tau-") as tmp:
            wd = Path(tmp)
            _write_tau_inputs(wd, dims, labels, values, primary, method)
            here = Path.cwd()
            os.chdir(wd)  # the native solvers write their logs in the working directory
            try:
                run_batch(str(wd / "batch.arb"))
            finally:
                os.chdir(here)
            out = TableResult(wd / "out.tab", dims, "n").dataframe()
        for d in dims:  # codes come back padded to the longest one
            out[d] = out[d].str.strip()
        statuses = labels.merge(out[[*dims, "status"]], on=dims, how="left")["status"]
        hidden = statuses.isin(["U", "M"]).to_numpy()
        return Outcome(hidden, time.perf_counter() - start)

    return run


def _write_tau_inputs(
    wd: Path, dims: list[str], labels: pd.DataFrame, values: np.ndarray, primary: np.ndarray, method: str
) -> None:
    """Tabular input with every cell and margin, our primary statuses and protection levels."""
    lower = np.where(primary, values, 0)  # τ-ARGUS's own model: a hidden cell may fall to 0
    upper = np.where(primary, RULES.seuil_diffusion - lower, 0)
    rows = []
    for i, v in enumerate(values):
        if v > 0:  # τ-ARGUS: empty cells are not given (known zeros)
            codes = ";".join(labels.iloc[i].tolist())
            rows.append(f"{codes};{v:.0f};{v:.0f};{'U' if primary[i] else 'S'};{lower[i]:.0f};{upper[i]:.0f}")
    (wd / "table.tab").write_text("\n".join(rows) + "\n", encoding="utf-8")
    rda = ['<SEPARATOR> ";"', '<SAFE> "S"', '<UNSAFE> "U"', '<PROTECT> "P"']
    for d in dims:
        rda += [d, "  <RECODEABLE>", '  <TOTCODE> "Total"']
    rda += ["n", "  <NUMERIC>", "freq", "  <FREQUENCY>", "st", "  <STATUS>"]
    rda += ["lpl", "  <NUMERIC> <LOWERPL>", "upl", "  <NUMERIC> <UPPERPL>"]
    (wd / "table.rda").write_text("\n".join(rda) + "\n", encoding="utf-8")
    spec = "".join(f'"{d}"' for d in dims)
    batch = [
        f'<OPENTABLEDATA> "{wd / "table.tab"}"',
        f'<OPENMETADATA> "{wd / "table.rda"}"',
        f'<SPECIFYTABLE> {spec}|"n"||',
        "<SAFETYRULE>",  # no rule: the statuses given are used
        "<READTABLE> 0",  # margins given, additivity checked
        f"<SUPPRESS> {method}(1)",
        f'<WRITETABLE> (1,5,SO+,"{wd / "out.tab"}")',
    ]
    (wd / "batch.arb").write_text("\n".join(batch) + "\n", encoding="utf-8")


def engines() -> dict[str, Engine | str]:
    found: dict[str, Engine | str] = {
        "observatoire, LP + élagage (plancher 1)": ours,
        "observatoire, MIP par case (plancher 1)": ours_variant(exact=True),
        "observatoire, LP + élagage (plancher 0)": ours_variant(floor=0.0),
    }
    try:
        import pytauargus  # noqa: F401

        found["τ-ARGUS OPT (pytauargus)"] = tau_argus("OPT")
        found["τ-ARGUS MOD (pytauargus)"] = tau_argus("MOD")
    except ImportError as exc:
        found["τ-ARGUS (pytauargus)"] = f"non disponible : {exc}"
    return found


# ---------------------------------------------------------------- measure
@dataclass
class Row:
    shape: str
    cells: int
    primary: int
    engine: str
    secondary: int = 0
    secondary_people: int = 0
    seconds: float = float("nan")
    audits_ok: int = 0  # our model: a hidden cell holds ≥ 1
    audits_ok_floor0: int = 0  # τ-ARGUS's model: a hidden cell may be 0
    error: str = ""


def measure(runs: int) -> list[Row]:
    rows: list[Row] = []
    for shape, (make, dims) in SHAPES.items():
        tables = [make(np.random.default_rng(SEED + k)) for k in range(REPLICATES)]
        layouts = [build_layout(df, dims) for df in tables]
        values = [lay.expand(lay.leaf_values(df, "n")) for lay, df in zip(layouts, tables, strict=True)]
        primaries = [is_primary(v, RULES) for v in values]
        n_primary = int(sum(p.sum() for p in primaries))
        for name, engine in engines().items():
            row = Row(shape, layouts[0].size, n_primary, name)
            rows.append(row)
            if isinstance(engine, str):
                row.error = engine
                continue
            times = []
            repeat = 1 if "MIP" in name else runs  # the exact MIP is slow: one run is enough to show it
            try:
                for df, lay, v, p in zip(tables, layouts, values, primaries, strict=True):
                    outcomes = [engine(df, dims, lay) for _ in range(repeat)]
                    times += [o.seconds for o in outcomes]
                    hidden = outcomes[0].hidden
                    secondary = hidden & ~p
                    row.secondary += int(secondary.sum())
                    row.secondary_people += int(v[secondary].sum())
                    masked = masked_table(lay, v, p, hidden, "n", RULES)
                    row.audits_ok += int(audit(masked, df, RULES).ok)
                    row.audits_ok_floor0 += int(audit(masked, df, RULES, floor=0.0).ok)
            except Exception as exc:  # noqa: BLE001 (an engine failing is a result to report)
                row.error = f"{type(exc).__name__}: {exc}"
            row.seconds = statistics.median(times) if times else float("nan")
            print(f"  {shape:30s} {name:36s} {row.secondary:4d} cases {row.seconds:7.3f} s {row.error}", flush=True)
    return rows


def machine() -> str:
    def v(pkg: str) -> str:
        try:
            return version(pkg)
        except PackageNotFoundError:
            return "absent"

    return (
        f"{platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"highspy {v('highspy')}, pytauargus {v('pytauargus')}, {platform.system()} {platform.release()}"
    )


def render(rows: list[Row], runs: int) -> str:
    lines = [
        f"Machine : {machine()}. {REPLICATES} tables aléatoires déterministes par forme "
        f"(graine {SEED}), {runs} exécutions chacune ; temps = médiane, par table. "
        "Cases secondaires et personnes masquées : total sur les tables de la forme. "
        "Audit : tables dont le motif passe notre audit LP (intervalle ≥ 5 pour chaque case primaire), "
        "une case masquée valant au moins 1 (plancher 1, notre modèle : les zéros sont affichés) "
        "ou au moins 0 (plancher 0, le modèle de τ-ARGUS ici).",
        "",
        "| table (cases avec marges) | cases primaires | moteur | cases secondaires | personnes masquées "
        "en secondaire | temps médian (s) | audit plancher 1 | audit plancher 0 |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.error:
            lines.append(f"| {r.shape} ({r.cells}) | {r.primary} | {r.engine} | – | – | – | {r.error} | – |")
        else:
            lines.append(
                f"| {r.shape} ({r.cells}) | {r.primary} | {r.engine} | {r.secondary} | {r.secondary_people} "
                f"| {r.seconds:.3f} | {r.audits_ok}/{REPLICATES} | {r.audits_ok_floor0}/{REPLICATES} |"
            )
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        raise SystemExit(f"{DOC} : marqueurs {START} / {END} absents")
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per table and engine")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/secret.md alone")
    args = parser.parse_args()
    pages = measure_pages(max(args.runs, 5))
    rows = measure(args.runs)
    text = (
        f"Tables des pages (objectif : moins de 0,5 s), médiane de {max(args.runs, 5)} exécutions :\n\n{pages}\n\n"
        f"Comparaison des moteurs sur des tables plus dures (beaucoup de petites cases) :\n\n{render(rows, args.runs)}"
    )
    print(text)
    if not args.no_write:
        write_doc(text)
        print(f"→ {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
