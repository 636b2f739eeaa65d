"""Write a benchmark's figures into its own section of BENCHMARKS.md."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def write_section(title: str, body: str) -> None:
    """Replace (or append) the section `## title`, keeping the other sections."""
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Mesures\n"
    section = f"## {title}\n\nMesuré le {dt.date.today():%d/%m/%Y}.\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    BENCHMARKS.write_text(text, encoding="utf-8")
