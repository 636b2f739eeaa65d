"""Write a benchmark's figures into its own section of BENCHMARKS.md."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Sequence
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


def fr_decimal(x: float, decimals: int = 2) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def fr_int(n: int) -> str:
    return f"{n:,}".replace(",", " ")
