"""Habilitations: each role opens exactly its pages, does exactly its actions, sees only its territories.

Expectations come from habilitations.toml read here with tomllib, not from lib.habilitations.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from lib.auth import User
from lib.db.schema import AuditLog
from lib.habilitations import HabilitationsError, parse
from tests.apptest_pages import select as choose
from tests.test_pages import navigation_pages

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "habilitations.toml").read_text(encoding="utf-8")
FILE = tomllib.loads(TEXT)
ROLES = FILE["roles"]
ML = "ML32"  # a mission locale of the demo (Gers): the account of the ML tests
ACCOUNTS = {role: User(f"test-{role}", role, ML if role == "mission_locale" else None) for role in ROLES}
REFUSED = "n'est pas ouverte au rôle"


def _app(user: User | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    if user is not None:
        at.session_state["user"] = user
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(user: User | None, page: str) -> AppTest:
    at = _app(user)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _refusals(engine, login: str) -> int:  # noqa: ANN001 (SQLAlchemy Engine)
    q = select(func.count()).where(AuditLog.action == "page refusée", AuditLog.user == login)
    with engine.connect() as conn:
        return int(conn.execute(q).scalar() or 0)


# ---------------------------------------------------------------- the file


def test_the_shipped_file_follows_the_seed() -> None:
    """Seed 000: the ARML administers, partners consult and export, an invité sees the published pages only."""
    assert FILE["anonyme"]["role"] == "invite"
    assert set(ROLES) == {"administrateur", "animateur", "partenaire", "mission_locale", "invite"}
    assert set(ROLES["administrateur"]["pages"]) == set(navigation_pages())
    assert "gerer_comptes" not in ROLES["animateur"]["actions"] and "restaurer" not in ROLES["animateur"]["actions"]
    assert ROLES["partenaire"]["actions"] == ["exporter"]
    assert ROLES["invite"]["actions"] == [] and ROLES["invite"]["niveaux"] == ["region", "departement"]
    assert ROLES["mission_locale"]["perimetre"] == "sa_mission_locale"
    for role in ("invite", "mission_locale", "partenaire"):
        assert not {"pages/imports.py", "pages/comptes.py", "pages/journal.py"} & set(ROLES[role]["pages"])
    habilitations = parse(TEXT)
    assert habilitations.anonyme == "invite"
    assert habilitations.of("inconnu") is None  # a role the file does not list may do nothing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('role = "invite"', 'role = "visiteur"'), "« visiteur » n'est pas un rôle du fichier"),
        (("[roles.invite]", "[roles.lecteur]"), "[roles] : « lecteur » inconnu"),
        (('"pages/glossaire.py"]', '"pages/glosaire.py"]'), "« pages/glosaire.py » n'est pas une page"),
        (('actions = ["exporter"]', 'actions = ["exporter", "tout"]'), "[roles.partenaire], actions : « tout »"),
        (('niveaux = ["region", "departement"]', 'niveaux = ["region", "canton"]'), "niveaux : « canton » inconnu"),
        (('perimetre = "sa_mission_locale"', 'perimetre = "sa_ml"'), "perimetre : « sa_ml » inconnu"),
        (
            (
                '"pages/explorateur.py", "pages/glossaire.py"]\nniveaux = ["region", "departement"]',
                '"pages/carte.py"]\nniveaux = ["region", "departement"]',
            ),
            "[roles.invite], pages : pages/carte.py montre(nt) chaque mission locale",
        ),
    ],
)
def test_a_wrong_file_is_refused_in_french(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in TEXT
    with pytest.raises(HabilitationsError) as exc:
        parse(TEXT.replace(old, new, 1))
    assert message in str(exc.value)


def test_a_wrong_file_stops_the_app_with_its_reason(tmp_path: Path, monkeypatch, demo_engine) -> None:
    bad = tmp_path / "habilitations.toml"
    bad.write_text(TEXT.replace('"exporter"]', '"exporter", "supprimer"]', 1), encoding="utf-8")
    monkeypatch.setenv("OBSERVATOIRE_HABILITATIONS", str(bad))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert "« supprimer » inconnu" in at.error[0].value
    assert not at.metric  # nothing else of the app


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_opens_exactly_its_pages(demo_engine, role: str) -> None:
    user = ACCOUNTS[role]
    allowed = set(ROLES[role]["pages"])
    for page in navigation_pages():
        before = _refusals(demo_engine, user.login)
        at = _open(user, page)
        refused = [e.value for e in at.error if REFUSED in e.value]
        if page in allowed:
            assert not refused, (role, page)
            assert _refusals(demo_engine, user.login) == before
        else:
            assert refused and f"« {role} »" in refused[0], (role, page)
            assert not at.title and not at.dataframe and not at.metric, (role, page)  # nothing else of the page
            assert _refusals(demo_engine, user.login) == before + 1, (role, page)


def test_an_anonymous_visitor_is_an_invite(demo_engine) -> None:
    before = _refusals(demo_engine, "anonyme")
    at = _open(None, "pages/imports.py")
    assert "« invite »" in at.error[0].value and not at.title
    assert _refusals(demo_engine, "anonyme") == before + 1
    assert not _open(None, "pages/observation.py").error


def test_login_required_when_no_anonymous_role(tmp_path: Path, monkeypatch, demo_engine) -> None:
    closed = tmp_path / "habilitations.toml"
    closed.write_text(TEXT.replace('role = "invite"', 'role = ""', 1), encoding="utf-8")
    monkeypatch.setenv("OBSERVATOIRE_HABILITATIONS", str(closed))
    at = _app(None)
    assert "Connexion obligatoire" in at.info[0].value and not at.metric
    at.switch_page("pages/accueil.py")
    at.run()
    assert "Connexion obligatoire" in at.error[0].value and not at.metric


# ---------------------------------------------------------------- actions

ACTION_PAGES = {  # action → a page where it is offered, and what its form shows
    "importer": ("pages/imports.py", lambda at: bool(at.get("file_uploader"))),
    "restaurer": ("pages/imports.py", lambda at: any(b.label == "Restaurer cette version" for b in at.button)),
    "consulter_journal": ("pages/journal.py", lambda at: bool(at.dataframe)),
    "exporter": ("pages/observation.py", lambda at: bool(at.get("download_button"))),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_does_exactly_its_actions(demo_engine, role: str) -> None:
    user = ACCOUNTS[role]
    for action, (page, offered) in ACTION_PAGES.items():
        if page not in ROLES[role]["pages"]:
            continue  # the page itself is refused (test above)
        at = _open(user, page)
        assert offered(at) == (action in ROLES[role]["actions"]), (role, action)


def test_exports_are_not_offered_to_an_invite(demo_engine) -> None:
    assert "exporter" not in ROLES["invite"]["actions"]
    at = _open(None, "pages/explorateur.py")
    assert at.dataframe and not at.get("download_button") and not at.get("popover")
    assert _open(ACCOUNTS["partenaire"], "pages/explorateur.py").get("download_button")


# ---------------------------------------------------------------- territories


def _shown(at: AppTest) -> set[str]:
    """Every cell of the page's tables and every option of its choices, as texts."""
    cells = {str(v) for df in at.dataframe for v in df.value.to_numpy().ravel()}
    return cells | {str(o) for s in at.selectbox for o in s.options}


def _first_column(at: AppTest) -> set[str]:
    return {str(v) for v in at.dataframe[0].value.iloc[:, 0]}


def test_a_mission_locale_never_sees_another_ml(demo_engine, demo_warehouse) -> None:
    names = demo_warehouse.ml_names()
    own, others = names[ML], {n for c, n in names.items() if c != ML}
    at = _open(ACCOUNTS["mission_locale"], "pages/explorateur.py")
    assert at.selectbox(key="niveau").options == ["Région", "Département", "Mission locale"]  # no bassin
    choose(at, lignes="ml")
    rows = _first_column(at)
    assert own in rows and "Total" in rows
    assert not rows & others and not _shown(at) & others
    choose(at, niveau="ml")
    assert at.selectbox(key="choix_ml_code").options == [own]  # its own ML, no other
    choose(at, lignes="commune")
    communes = demo_warehouse.communes.dropna(subset=["ml_code"])
    label = communes["nom"].astype(str) + " (" + communes["dep_code"].astype(str) + ")"
    mine = set(label[communes["ml_code"].astype(str) == ML])
    foreign = set(label[communes["ml_code"].astype(str) != ML]) - mine
    rows = _first_column(at)
    assert rows & mine
    assert not rows & foreign and not _shown(at) & others


def test_an_invite_sees_nothing_below_the_departement(demo_engine, demo_warehouse) -> None:
    at = _open(None, "pages/explorateur.py")
    assert at.selectbox(key="niveau").options == ["Région", "Département"]
    rows = at.selectbox(key="lignes").options
    assert "Département" in rows
    assert not {"Mission locale", "Bassin d'emploi", "Commune de résidence"} & set(rows)
    names = {*demo_warehouse.ml_names().values(), *demo_warehouse.bassins["nom"].astype(str)}
    communes = demo_warehouse.communes
    names |= set(communes["nom"].astype(str) + " (" + communes["dep_code"].astype(str) + ")")
    for page in ROLES["invite"]["pages"]:
        assert not _shown(_open(None, page)) & names, page


def test_an_invite_s_table_is_cut_once_and_its_reruns_reuse_it() -> None:
    import pandas as pd

    from lib.publication.read import LABELS
    from lib.secret import declare_public
    from lib.ui import acces

    frame = pd.DataFrame({LABELS["ml"]: ["Mission locale Lot", "Total"], "n": [3.0, 3.0]})
    masked = declare_public(frame, [LABELS["ml"]], ["n"], "table d'essai")
    first, rerun = acces.visible(masked), acces.visible(masked)  # a visitor not logged in: an invité
    assert list(first.table[LABELS["ml"]]) == ["Total"]  # no ML row for an invité, the margin stays
    assert rerun is first  # the same object: its frames, charts and files are not made again
