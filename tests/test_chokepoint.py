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


def _ui_aliases(tree: ast.AST) -> set[str]:
    """Names bound to lib.ui modules in this file (e.g. `from lib.ui import render`)."""
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lib.ui"):
            aliases |= {a.asname or a.name for a in node.names}
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name.startswith("lib.ui")}
    return aliases


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def offences(source: str) -> list[str]:
    tree = ast.parse(source)
    ui = _ui_aliases(tree)
    found = []
    for node in ast.walk(tree):
        is_display = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if is_display and node.func.attr in DISPLAY_CALLS and _root(node.func) not in ui:
            found.append(f"ligne {node.lineno} : appel direct .{node.func.attr}()")
        if isinstance(node, ast.ImportFrom) and node.module == "streamlit":
            found += [f"ligne {node.lineno} : import {a.name}" for a in node.names if a.name in DISPLAY_CALLS]
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"ligne {node.lineno} : import {n}" for n in names if n.split(".")[0] in FORBIDDEN_IMPORTS]
    return found


@pytest.mark.parametrize("path", page_files(), ids=lambda p: p.name)
def test_pages_display_only_through_lib_ui(path: Path) -> None:
    assert offences(path.read_text(encoding="utf-8")) == []


def test_the_walker_catches_a_bypass() -> None:
    bad = (
        "import streamlit as st\nimport plotly.express as px\nfrom streamlit import dataframe\n"
        "st.dataframe(df)\ncol.metric('a', 3)\nst.sidebar.write(df)\n"
    )
    assert len(offences(bad)) == 5


def test_the_walker_lets_lib_ui_through() -> None:
    good = "from lib.ui import render\nimport lib.ui.carte as carte\nrender.table(m, 't', 'k')\ncarte.map(m)\n"
    assert offences(good) == []


def test_every_page_is_walked() -> None:
    names = {p.name for p in page_files()}
    assert {"app.py", "accueil.py"} <= names


@pytest.mark.parametrize("path", page_files()[1:], ids=lambda p: p.name)
def test_every_page_goes_through_app_py(path: Path) -> None:
    """Opened by its address, a page must be sent through app.py (lib.ui.boot.via_app)."""
    source = path.read_text(encoding="utf-8")
    assert f'via_app("pages/{path.name}")' in source
