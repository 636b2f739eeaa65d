"""Who may call protect: lib/secret and lib/publication only.

The pages, lib/ui, the bilans and the indicators read published cells (lib.publication.read):
nothing outside the publication's build protects counts on the fly.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def protect_callers(root: Path = ROOT) -> set[str]:
    out = set()
    for path in [*root.glob("app.py"), *root.glob("pages/*.py"), *root.glob("lib/**/*.py")]:
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("lib/secret/", "lib/publication/")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name == "protect":
                    out.add(rel)
    return out


def test_nothing_outside_the_publication_protects_on_the_fly() -> None:
    assert protect_callers() == set()


def test_the_pages_of_the_plan_never_protect() -> None:
    callers = protect_callers()
    for rel in (
        "lib/partenariat/dashboard.py",
        "lib/ui/partenariat.py",
        "pages/explorateur.py",
        "pages/observation.py",
        "pages/accueil.py",
        "lib/ui/explorer.py",
        "lib/ui/observation.py",
        "lib/bilan/content.py",
        "lib/indicators/carte.py",
        "lib/indicators/cotraitance/tableau.py",
    ):
        assert rel not in callers


def test_the_detector_sees_a_call(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "nouvelle.py").write_text("from lib import secret\nsecret.protect(df, ['ml'])\n")
    (tmp_path / "lib" / "secret").mkdir(parents=True)
    (tmp_path / "lib" / "secret" / "x.py").write_text("protect(df, [])\n")
    assert protect_callers(tmp_path) == {"pages/nouvelle.py"}
