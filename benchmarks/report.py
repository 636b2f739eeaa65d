"""Write a benchmark's figures into its own section of BENCHMARKS.md."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def write_section(title: str, body: str) -> None:
    """Replace (or append) the section `## title`, keeping the other sections."""
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Mesures\n"
    section = f"## {title}\n\nMesuré le {dt.date.today():%d/%m/%Y}.\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    BENCHMARKS.write_text(text, encoding="utf-8")


def run_children(script: str, sizes: Sequence[int], args: Sequence[str] = ()) -> list[dict]:
    """Run `script --child ARGS SIZE` once per dataset size, each in a fresh process (cold caches,
    one database per size), and collect the JSON each prints on its last line."""
    results = []
    for size in sizes:
        print(f"{size:,} jeunes".replace(",", " "), file=sys.stderr, flush=True)
        out = subprocess.run(
            [sys.executable, script, "--child", *args, str(size)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            cwd=BENCHMARKS.parent,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


def main_by_size(
    script: str,
    doc: str,
    section: str,
    child: Callable[[int, int, str], dict],
    table: Callable[[list[dict], int], str],
) -> None:
    """The command line of the page benchmarks: `SIZES… [--runs N] [--page TEXT] [--no-write]`, one child
    process per dataset size (`child(size, runs, page)` prints its JSON), then `table` printed and
    written to BENCHMARKS.md under `section` (a partial run, --page, never replaces the full table)."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[30_000, 300_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="ne pas écrire BENCHMARKS.md")
    parser.add_argument(
        "--page", default="", help="seulement les pages dont le titre contient ce texte (implique --no-write)"
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.sizes[0], args.runs, args.page)))
        return
    results = run_children(script, args.sizes, ["--runs", str(args.runs), "--page", args.page])
    body = table(results, args.runs)
    print(body)
    if not (args.no_write or args.page):
        write_section(section, body)


def fr_decimal(x: float, decimals: int = 2) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def fr_int(n: int) -> str:
    return f"{n:,}".replace(",", " ")
