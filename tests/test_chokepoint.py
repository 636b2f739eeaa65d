"""No page may put a figure on screen or in a file without lib/ui (hence lib/secret)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISPLAY_CALLS = {
    "dataframe",
    "table",
    "metric",
    "plotly_chart",
    "pydeck_chart",
    "line_chart",
    "bar_chart",
    "area_chart",
    "scatter_chart",
    "map",
    "altair_chart",
    "vega_lite_chart",
    "pyplot",
    "bokeh_chart",
    "graphviz_chart",
    "download_button",
    "data_editor",
    "write",
    "json",
    "write_stream",
}
FORBIDDEN_IMPORTS = {"plotly", "pydeck", "matplotlib", "altair"}


def page_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DISPLAY_CALLS:
            found.append(f"ligne {node.lineno} : appel direct .{node.func.attr}()")
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"ligne {node.lineno} : import {n}" for n in names if n.split(".")[0] in FORBIDDEN_IMPORTS]
    return found


@pytest.mark.parametrize("path", page_files(), ids=lambda p: p.name)
def test_pages_display_only_through_lib_ui(path: Path) -> None:
    assert offences(path.read_text(encoding="utf-8")) == []


def test_the_walker_catches_a_bypass() -> None:
    bad = "import streamlit as st\nimport plotly.express as px\nst.dataframe(df)\ncol.metric('a', 3)\n"
    assert len(offences(bad)) == 3


def test_every_page_is_walked() -> None:
    names = {p.name for p in page_files()}
    assert {"app.py", "accueil.py"} <= names
