"""Every Streamlit output in app.py, pages/ and lib/ui goes through an allowed renderer of published cells.

An allow-list, not a deny-list of calls:
- the outputs are every public callable of Streamlit except the declared layout, input and control
  functions (NON_OUTPUT): a Streamlit release that adds an output function makes it an output here;
- pages and app.py call text outputs only (titles, notes, messages); a table, chart, metric, map,
  image, HTML block, download or `st.write` goes through lib/ui;
- in lib/ui, any other output is allowed only inside a *renderer*: a function that checks it was given
  published cells (`require_masked`, `_require`), a private helper reached only from renderers of its
  module, or a function of CARRIERS, which receives an object built from the publication only;
- nowhere may a displayed argument read cells (`….table`) outside a renderer, nor any code here touch
  the young people's records (`w.jeunes`, contacts, schemes, situations, DEFM): the screen gets counts of
  people from MaskedTables, and MaskedTables of people only from lib.publication.read.
"""

from __future__ import annotations

import ast
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
NON_OUTPUT = {
    # layout
    *("columns", "tabs", "expander", "container", "sidebar", "empty", "popover", "form", "dialog", "fragment"),
    *("navigation", "Page", "set_page_config", "divider", "space", "grid", "App", "logo"),
    # inputs: their labels are literal texts or option labels
    *("button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider", "select_slider"),
    *("text_input", "number_input", "text_area", "date_input", "time_input", "datetime_input", "file_uploader"),
    *("camera_input", "audio_input", "color_picker", "form_submit_button", "segmented_control", "pills"),
    *("feedback", "chat_input", "link_button", "page_link", "switch_page", "menu_button", "pagination"),
    # control, state, progress
    *("stop", "rerun", "cache_data", "cache_resource", "connection", "get_option", "set_option", "login", "logout"),
    *("spinner", "progress", "status", "toast", "balloons", "snow", "skeleton"),
}
TEXT = {"title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success"}
RECORDS = {"jeunes", "contacts", "dispositifs", "situations"}  # the Warehouse's frames of young people
WAREHOUSE = {"w", "warehouse"}  # its name in this code: `w.defm` is records, `m.defm` a masked table
CHECKS = {"require_masked", "_require", "shown"}  # render.shown: require_masked, then the rows a role sees
# lib/ui functions that receive an object built from the publication only (not a MaskedTable)
CARRIERS = {
    ("lib/ui/downloads.py", "download_menu"): "Fichier : fichiers écrits par lib/export depuis une MaskedTable",
    ("lib/ui/bilan.py", "generate_panel"): "document de lib/bilan, qui ne lit que la publication",
    ("lib/ui/seance.py", "screen"): "Bilan de lib/bilan (écrans de la séance), lu dans la publication",
    ("lib/ui/seance.py", "navigation"): "aucun chiffre : boutons et raccourcis clavier (script constant)",
    ("lib/ui/style.py", "apply"): "aucun chiffre : feuille de style constante",
    ("lib/ui/imports.py", "modele"): "aucun chiffre : modèle vide d'un format d'import (docs/formats.md)",
    ("lib/ui/animation.py", "_history"): "aucune personne : coûts et textes saisis du programme d'animation",
    ("lib/ui/session.py", "_write_cookie"): "aucun chiffre : le jeton de session écrit dans un cookie",
}


def outputs() -> set[str]:
    public = {n for n in dir(st) if not n.startswith("_") and callable(getattr(st, n))}
    return public - NON_OUTPUT


def files(root: Path = ROOT) -> list[Path]:
    return [root / "app.py", *sorted((root / "pages").glob("*.py")), *sorted((root / "lib" / "ui").glob("*.py"))]


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _ui_aliases(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lib.ui"):
            names |= {a.asname or a.name for a in node.names}
    return names


def _constants(tree: ast.Module) -> set[str]:
    out = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant | ast.JoinedStr | ast.BinOp):
            out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return out


def _static(node: ast.expr, constants: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.JoinedStr):
        return all(_static(v.value if isinstance(v, ast.FormattedValue) else v, constants) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _static(node.left, constants) and _static(node.right, constants)
    return False


def _reads_cells(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "table" for n in ast.walk(node))


def _renderers(tree: ast.Module, rel: str) -> set[str]:
    """Functions of the module allowed to output computed content (see the module's docstring)."""
    funcs = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}

    def calls(f: ast.FunctionDef) -> set[str]:
        return {
            n.func.id if isinstance(n.func, ast.Name) else n.func.attr
            for n in ast.walk(f)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name | ast.Attribute)
        }

    ok = {name for name, f in funcs.items() if calls(f) & CHECKS or (rel, name) in CARRIERS}
    changed = True
    while changed:  # private helpers called only from renderers
        changed = False
        for name in funcs:
            if name in ok or not name.startswith("_"):
                continue
            callers = {c for c, f in funcs.items() if c != name and name in calls(f)}
            if callers and callers <= ok:
                ok.add(name)
                changed = True
    return ok


def offences(source: str, rel: str) -> list[str]:
    tree = ast.parse(source)
    ui, constants, out = _ui_aliases(tree), _constants(tree), outputs()
    page = not rel.startswith("lib/ui/")
    renderers = set() if page else _renderers(tree, rel)
    owner: dict[int, str] = {}
    for f in ast.walk(tree):
        if isinstance(f, ast.FunctionDef):
            for n in ast.walk(f):
                owner[id(n)] = f.name  # inner functions overwrite: the innermost name wins
    found = []
    for node in ast.walk(tree):
        on_warehouse = isinstance(node, ast.Attribute) and _root(node) in WAREHOUSE and node.attr == "defm"
        if isinstance(node, ast.Attribute) and node.attr in RECORDS or on_warehouse:
            found.append(f"{rel}:{node.lineno} lit les enregistrements des jeunes (.{node.attr})")
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name not in out or _root(node.func) in ui | {"log", "logger", "logging"}:
            continue
        inside = owner.get(id(node), "<module>")
        args = [*node.args, *(k.value for k in node.keywords)]
        if inside in renderers:
            continue
        if page and name not in TEXT:
            found.append(f"{rel}:{node.lineno} {name}() hors de lib/ui")
        elif not page and name not in TEXT and not all(_static(a, constants) for a in args):
            found.append(f"{rel}:{node.lineno} {name}() dans {inside}, qui n'est pas un rendu de cases publiées")
        elif any(_reads_cells(a) for a in args):
            found.append(f"{rel}:{node.lineno} {name}() lit des cases (.table) hors d'un rendu")
    return found


def test_every_output_of_the_app_goes_through_an_allowed_renderer() -> None:
    found = [
        o for path in files() for o in offences(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert found == []


def test_outputs_come_from_streamlit_itself() -> None:
    out = outputs()
    assert {"dataframe", "metric", "plotly_chart", "pydeck_chart", "download_button", "write", "html"} <= out
    assert {"markdown", "caption", "image", "json", "table"} <= out
    assert not out & {"columns", "selectbox", "button"}


def test_every_carrier_is_a_function_of_lib_ui() -> None:
    for rel, name in CARRIERS:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        assert name in {f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}, (rel, name)


def test_the_walker_catches_each_way_around() -> None:
    page = (
        "import streamlit as st\n"
        "st.write(df)\n"  # anything
        "c1.metric('Jeunes', n)\n"  # a metric on a column
        "st.markdown(f'{m.table.iloc[0, 1]} jeunes')\n"  # a cell read into a text
        "x = w.jeunes.shape[0]\n"  # the records
        "st.dataframe(frame)\n"
        "st.pdf(data)\n"  # named in no list of this test: an output because Streamlit has it
    )
    found = offences(page, "pages/x.py")
    assert len(found) == 6, found
    ui = (
        "import streamlit as st\nfrom lib.ui.render import require_masked\n"
        "def good(m):\n    require_masked(m)\n    st.dataframe(_frame(m))\n    _helper(m)\n"
        "def _helper(m):\n    st.plotly_chart(fig(m))\n"
        "def bad(df):\n    st.dataframe(df)\n"
        "def text(m):\n    st.caption(f'{m.table.shape[0]} lignes')\n"
    )
    found = offences(ui, "lib/ui/x.py")
    assert [f.split(" ")[1] for f in found] == ["dataframe()", "caption()"], found
