"""Co-traitance on the demo database: the seed's table, the demo's alerts, exports, validation, the page."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from streamlit.testing.v1 import AppTest

from lib.auth import User
from lib.config import settings
from lib.db.engine import bump_version, make_engine, migrate
from lib.db.schema import AuditLog, Departement, MissionLocale, Region, RepartitionValidee
from lib.demo.seed_figures import SEED_MLS
from lib.export.repartition import Annexe, to_pdf, to_xlsx
from lib.indicators.cotraitance import masquer, repartition, tableau_de_bord
from lib.indicators.cotraitance import validation as val
from lib.indicators.cotraitance.repartition import arrondi_affiche
from lib.indicators.cotraitance.tableau import masquer_repartition
from lib.indicators.scope import Scope

ROOT = Path(__file__).resolve().parent.parent
END_2010 = dt.date(2010, 12, 31)


@pytest.fixture(scope="module")
def published(demo_engine):  # noqa: ANN001, ANN201
    from lib.db.engine import data_version
    from lib.publication import build_publication

    build_publication(demo_engine, data_version(demo_engine))  # other tests write new versions
    return demo_engine


@pytest.fixture(scope="module")
def masked_2010(demo_warehouse, published):
    t = tableau_de_bord(demo_warehouse, END_2010, Scope(), settings().cotraitance)
    return t, masquer(t, published)


def test_demo_reproduces_the_seed_table(demo_warehouse) -> None:
    rep = repartition(demo_warehouse, 2010, 0.5)
    assert rep.total_defm == 198_699 and rep.enveloppe == 5787
    assert int(rep.table["quota"].sum()) == 5787
    for m in SEED_MLS:
        row = rep.table.loc[m.code]
        assert str(arrondi_affiche(row["cle"] * 100)) == str(arrondi_affiche(m.cle_repartition * 100)), m.code
        assert str(arrondi_affiche(row["part_defm"] * 100)) == str(arrondi_affiche(m.part_defm * 100)), m.code
    assert rep.mois_defm == dt.date(2009, 12, 31)


def test_demo_alerts_name_the_expected_missions_locales(masked_2010) -> None:
    _, m = masked_2010
    by_rule: dict[str, list[str]] = {}
    for a in m.alertes:
        by_rule.setdefault(a.regle, []).append(a.ml)
    assert set(by_rule["tolerance"]) == {"Mission locale Aveyron", "Mission locale Haute-Garonne"}
    assert "Mission locale Lot" in by_rule["consommation"]
    lot = next(a for a in m.alertes if a.regle == "consommation" and a.ml == "Mission locale Lot")
    assert "fin juin 2010" in lot.message
    # affectations never accepted in three MLs only (lib/demo/reseau.NON_ACCEPTATION_SEED)
    assert set(by_rule["acceptation"]) == {
        "Mission locale Aveyron",
        "Mission locale Hautes-Pyrénées",
        "Mission locale Tarn Sud",
    }
    aveyron = next(a for a in m.alertes if a.regle == "tolerance" and a.ml == "Mission locale Aveyron")
    assert "en dessous" in aveyron.message


def test_no_alert_fires_for_a_regular_ml_at_mid_year(demo_warehouse, published) -> None:
    t = tableau_de_bord(demo_warehouse, dt.date(2010, 6, 30), Scope(), settings().cotraitance)
    m = masquer(t, published)
    rules = {(a.regle, a.ml) for a in m.alertes}
    assert ("consommation", "Mission locale Lot") in rules
    assert not any(ml == "Mission locale Ariège" for r, ml in rules)


def test_every_count_comes_from_the_publication(masked_2010, published) -> None:
    from lib.publication import read

    _, m = masked_2010
    for table in (m.defm, m.realisation, m.mensuel, m.etapes, m.attente, m.delais, m.etats, m.sorties):
        assert table.sensitive  # counts of people, never declared public
        shown = table.table[table.count].dropna()
        assert not ((shown > 0) & (shown < 5)).any()
    assert not m.cles.sensitive and not m.objectifs.sensitive
    # the year's affectations of the Ariège are the stored cell of the publication, nothing recounted
    ariege = m.realisation.table.set_index("ml").loc["Mission locale Ariège", "n"]
    cell = read.cells(published, "cotraitance_affectation", "2010")  # the current data version's cells
    cell = cell[(cell["niveau"] == "ml") & (cell["dimension"] == "")]
    assert ariege == cell.set_index("code").loc["ML09", "valeur"]
    # a share or rate built on a hidden count is hidden (the DEFM share would give the DEFM back)
    d = m.delais.table
    assert d.loc[d["n"].isna(), "part"].isna().all()
    f = m.defm.table
    assert f.loc[f["defm"].isna(), "part_defm"].isna().all()
    assert "part_defm" not in m.cles.table  # no "public" share beside the keys


def test_annex_exports(demo_warehouse, published) -> None:
    rep = repartition(demo_warehouse, 2010)
    defm, cles = masquer_repartition(rep, published)
    a = Annexe(defm, cles, 2010, rep.enveloppe, rep.poids_defm, "Répartition calculée.", "Midi-Pyrénées")
    ws = load_workbook(io.BytesIO(to_xlsx(a))).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0][0] == "CRITÈRE DE RÉPARTITION DE L'ENVELOPPE CO-TRAITANCE EN MIDI-PYRÉNÉES"
    header = cells[3]
    assert header[1] == "DEFM total jeunes fin déc. 2009" and header[5] == "Quota 2010"
    ariege = next(r for r in cells if r[0] == "Mission locale Ariège")
    assert ariege[1] == 11275 and f"{ariege[4]:.4%}" == "5.4650%"
    total = next(r for r in cells if r[0] == "Total Midi-Pyrénées")
    assert total[1] == 198699 and total[5] == 5787
    flat = " ".join(str(v) for r in cells for v in r if v is not None)
    assert "Source :" in flat and "Édité le" in flat
    pdf = to_pdf(a)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    with pytest.raises(TypeError):
        Annexe(rep.table, cles, 2010, 5787, 0.5, "")  # type: ignore[arg-type]


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://exemple.invalid","clic")', "+33 6 00", "@SOMME(A1)", "-1+2"])
def test_the_annex_never_writes_a_formula(demo_warehouse, published, hostile: str) -> None:
    """An ML name, a source or a region typed into the referentials is text in the annex, never a formula."""
    import dataclasses

    rep = repartition(demo_warehouse, 2010)
    defm, cles = masquer_repartition(rep, published)

    def renamed(m):  # noqa: ANN001, ANN202
        ml = m.table["ml"].astype(str).replace("Mission locale Ariège", hostile)
        return dataclasses.replace(m, table=m.table.assign(ml=ml))

    a = Annexe(renamed(defm), renamed(cles), 2010, rep.enveloppe, rep.poids_defm, hostile, hostile)
    ws = load_workbook(io.BytesIO(to_xlsx(a))).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts = [str(c.value) for c in cells]
    assert "'" + hostile in texts  # the ML's row, its name kept as typed behind the apostrophe
    assert not any(t.startswith(("=", "+", "@")) or (t.startswith("-") and not t[1:2].isdigit()) for t in texts)


# ---------------------------------------------------------------- validation (own small database)


@pytest.fixture()
def small_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/v.db")
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(insert(Region).values(code="73", nom="Midi-Pyrénées"))
        conn.execute(
            insert(Departement), [{"code": d, "nom": d, "region_code": "73"} for d in {m.dep for m in SEED_MLS}]
        )
        conn.execute(insert(MissionLocale), [{"code": m.code, "nom": m.nom, "dep_code": m.dep} for m in SEED_MLS])
    return engine


def test_validation_refused_without_the_right_and_kept_by_year(small_engine, demo_warehouse) -> None:
    rep = repartition(demo_warehouse, 2010)
    # habilitations.toml: administrateur and animateur validate; a partner, an ML, an invité do not
    for who in (None, User("dreets", "partenaire"), User("ml", "mission_locale", "ML32"), User("i", "invite")):
        with pytest.raises(val.ValidationRefusee):
            val.valider(small_engine, rep, who)
    assert val.en_vigueur(small_engine, 2010) is None
    first = val.valider(small_engine, rep, User("admin", "administrateur"), now=dt.datetime(2010, 5, 7, 10, 0))
    sim = repartition(demo_warehouse, 2010, 0.6, 6000)
    val.valider(small_engine, sim, User("admin", "administrateur"), now=dt.datetime(2010, 9, 1, 15, 30))
    hist = val.validations(small_engine, 2010)
    assert list(hist["valide_le"]) == [pd.Timestamp("2010-09-01 15:30"), pd.Timestamp(first)]
    assert list(hist["enveloppe"]) == [6000, 5787]
    now = val.en_vigueur(small_engine, 2010)
    assert int(now["quota"].sum()) == 6000 and (now["valide_par"] == "admin").all()
    assert val.en_vigueur(small_engine, 2011) is None
    with small_engine.connect() as conn:
        actions = conn.execute(select(AuditLog.action)).scalars().all()
    assert actions.count("validation répartition") == 2


def test_validation_is_all_or_nothing(small_engine, demo_warehouse) -> None:
    rep = repartition(demo_warehouse, 2010)
    bad = rep.table.copy()
    bad.loc["ML09", "quota"] += 1  # no longer adds up to the envelope
    broken = type(rep)(bad, rep.annee, rep.enveloppe, rep.poids_defm, rep.mois_defm)
    with pytest.raises(ValueError, match="au lieu de l'enveloppe"):
        val.valider(small_engine, broken, User("admin", "administrateur"))
    unknown = type(rep)(rep.table.rename(index={"ML82": "ML99"}), 2010, 5787, 0.5, rep.mois_defm)
    with pytest.raises(IntegrityError):  # foreign key: all rolled back
        val.valider(small_engine, unknown, User("admin", "administrateur"))
    with small_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RepartitionValidee)).scalar() == 0


# ---------------------------------------------------------------- the page under AppTest


PARTNER = User("dreets", "partenaire")  # opens the page, may not validate (habilitations.toml)


def _page(user: User | None = PARTNER) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if user is not None:
        at.session_state["user"] = user
        at.session_state["utilisateur"] = user.login
    at.run()
    at.switch_page("pages/cotraitance.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_page_shows_alerts_and_the_seed_table(demo_engine) -> None:
    at = _page()
    # one box, one line per rule naming its MLs (the tabs stay on the first screen), details folded
    summary = [e.value for e in at.error]
    assert len(summary) == 1 and not at.warning
    lines = summary[0].split("\n")
    assert any(line.startswith("**Hors de la tolérance**") and "Aveyron" in line for line in lines)
    assert any(line.startswith("**Enveloppe consommée en avance**") and "Lot" in line for line in lines)
    details = next(e for e in at.expander if e.label == "Détail des alertes")
    text = " ".join(m.value for m in details.markdown)
    assert "Mission locale Lot : à fin" in text and "Mission locale Aveyron :" in text
    rep = _frame(at, "Clé de répartition co-traitance (%)")
    keys = dict(zip(rep["Mission locale"], rep["Clé de répartition co-traitance (%)"], strict=True))
    assert keys["Mission locale Ariège"].startswith("5,47") and keys["Mission locale Tarn-et-Garonne"].startswith(
        "9,11"
    )
    assert rep["Quota 2010"].iloc[-1].replace("\u202f", "") == "5787"
    suivi = _frame(at, "Réalisation / attendu au prorata (%)")
    assert "Total" in set(suivi["Mission locale"])


def test_what_if_refuses_to_save_without_admin(demo_engine) -> None:
    at = _page()
    at.number_input(key="sim_enveloppe").set_value(6000).run()
    assert not at.exception
    comp = _frame(at, "Quota simulé")
    assert comp["Quota simulé"].iloc[-1].replace("\u202f", "") == "6000"
    assert not [b for b in at.button if b.key == "sim_valider"]
    assert any("ne permet pas de valider une répartition" in i.value for i in at.info)
    with demo_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RepartitionValidee)).scalar() == 0


def test_what_if_saved_by_admin_with_history(demo_engine) -> None:
    try:
        at = _page(User("admin", "administrateur"))
        at.slider(key="sim_poids").set_value(60).run()
        at.button(key="sim_valider").click().run()
        assert not at.exception, [e.value for e in at.exception]
        with demo_engine.connect() as conn:  # the button only asks: nothing is stored before « Confirmer »
            assert conn.execute(select(func.count()).select_from(RepartitionValidee)).scalar() == 0
        at.button(key="sim_valider-confirmer").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("validée" in s.value for s in at.success)
        hist = _frame(at, "Par")
        assert list(hist["Par"]) == ["admin"] and list(hist["Poids des DEFM (%)"]) == [60]
        assert any("Répartition validée le" in c.value for c in at.caption)  # now in force
        with demo_engine.connect() as conn:
            rows = conn.execute(select(RepartitionValidee.quota, RepartitionValidee.valide_par)).all()
        assert len(rows) == 10 and sum(q for q, _ in rows) == 5787 and {p for _, p in rows} == {"admin"}
    finally:  # leave the shared demo database as found for the other tests
        with demo_engine.begin() as conn:
            conn.execute(delete(RepartitionValidee))
            bump_version(conn)


def test_page_other_periods_and_scopes(demo_engine) -> None:
    at = _page()
    at.selectbox(key="periode_annee").set_value(2009).run()
    assert not at.exception
    assert any("Aucune enveloppe de co-traitance" in i.value for i in at.info)
    at.selectbox(key="periode_annee").set_value(2010).run()
    at.selectbox(key="periode_type").set_value("trimestre").run()
    at.selectbox(key="periode_trim").set_value(2).run()
    at.selectbox(key="niveau").set_value("departement").run()
    at.selectbox(key="choix_dep_code").set_value("46").run()
    assert not at.exception, [e.value for e in at.exception]
    suivi = _frame(at, "Réalisation / attendu au prorata (%)")
    assert list(suivi["Mission locale"]) == ["Mission locale Lot", "Total"]
    details = next(e for e in at.expander if e.label == "Détail des alertes")
    assert "Mission locale Lot : à fin juin 2010" in " ".join(m.value for m in details.markdown)
    # the répartition stays regional whatever the territory shown
    assert len(_frame(at, "Clé de répartition co-traitance (%)")) == 11
