"""Pages draw nothing themselves (no plotting library) and open only through app.py.

What reaches the screen is checked by tests/test_display_allowlist.py (an allow-list of renderers)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IMPORTS = {"plotly", "pydeck", "matplotlib", "altair"}


def page_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"ligne {node.lineno} : import {n}" for n in names if n.split(".")[0] in FORBIDDEN_IMPORTS]
    return found


@pytest.mark.parametrize("path", page_files(), ids=lambda p: p.name)
def test_pages_import_no_plotting_library(path: Path) -> None:
    assert offences(path.read_text(encoding="utf-8")) == []


def test_the_walker_catches_a_plotting_import() -> None:
    bad = "import plotly.express as px\nfrom pydeck import Deck\nimport matplotlib.pyplot as plt\nimport pandas\n"
    assert len(offences(bad)) == 3


def test_every_page_is_walked() -> None:
    names = {p.name for p in page_files()}
    assert {"app.py", "accueil.py"} <= names


@pytest.mark.parametrize("path", page_files()[1:], ids=lambda p: p.name)
def test_every_page_goes_through_app_py(path: Path) -> None:
    """Opened by its address, a page must be sent through app.py (lib.ui.boot.via_app)."""
    source = path.read_text(encoding="utf-8")
    assert f'via_app("pages/{path.name}")' in source
