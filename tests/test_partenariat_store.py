"""Saving values: a correction keeps the earlier value (history, who, when), all in one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from lib.db.engine import data_version, make_engine, migrate
from lib.db.schema import AuditLog, Departement, ImportBatch, MissionLocale, PartenariatValeur, Region
from lib.partenariat import store
from lib.partenariat.entry import EntryError, Saisie

V = PartenariatValeur


@pytest.fixture
def engine(tmp_path):  # noqa: ANN001, ANN201
    """A small fresh database: the shared demo one is left alone."""
    eng = make_engine(f"sqlite:///{tmp_path}/partenariat.db")
    migrate(eng)
    with eng.begin() as conn:
        conn.execute(insert(Region).values(code="73", nom="Midi-Pyrénées"))
        conn.execute(insert(Departement).values(code="09", nom="Ariège", region_code="73"))
        conn.execute(
            insert(MissionLocale),
            [
                {"code": "ML09", "nom": "Mission locale Ariège", "dep_code": "09"},
                {"code": "ML12", "nom": "Mission locale Aveyron", "dep_code": "09"},
            ],
        )
    return eng


def _count(engine, table, *where) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar())


def test_new_value_then_correction_keeps_both(engine) -> None:  # noqa: ANN001
    v0 = data_version(engine)
    first = store.save_values(engine, [Saisie("mrs_evaluations", "ML09", "2010-T1", 12)], "alice")
    assert (first.nouvelles, first.corrigees, first.inchangees) == (1, 0, 0)
    assert data_version(engine) == v0 + 1

    second = store.save_values(engine, [Saisie("mrs_evaluations", "ML09", "2010-T1", 14)], "bruno")
    assert (second.nouvelles, second.corrigees) == (0, 1)

    versions = store.history(engine, "mrs_evaluations", "ML09", "2010-T1")
    assert versions["valeur"].tolist() == [12, 14]
    assert versions["actif"].tolist() == [False, True]  # both retrievable, the newest in force
    assert versions["saisi_par"].tolist() == ["alice", "bruno"]
    assert versions["remplace_id"].iloc[1] == versions["id"].iloc[0]
    assert versions["saisi_le"].notna().all()

    active = store.active_values(engine)
    assert active[["indicateur", "ml_code", "trimestre", "valeur"]].values.tolist() == [
        ["mrs_evaluations", "ML09", "2010-T1", 14.0]
    ]
    with engine.connect() as conn:
        actions = conn.execute(select(AuditLog.user, AuditLog.action).order_by(AuditLog.id)).all()
    assert [tuple(a) for a in actions] == [("alice", "saisie partenariat"), ("bruno", "saisie partenariat")]


def test_same_value_is_not_rewritten(engine) -> None:  # noqa: ANN001
    store.save_values(engine, [Saisie("offres_transmises", "ML12", "2010-T2", 30)], "alice")
    v = data_version(engine)
    report = store.save_values(engine, [Saisie("offres_transmises", "ML12", "2010-T2", 30)], "alice")
    assert (report.nouvelles, report.corrigees, report.inchangees) == (0, 0, 1)
    assert _count(engine, V) == 1
    assert data_version(engine) == v  # nothing written: caches stay valid


def test_preview_writes_nothing(engine) -> None:  # noqa: ANN001
    store.save_values(engine, [Saisie("offres_transmises", "ML12", "2010-T2", 30)], "alice")
    saisies = [Saisie("offres_transmises", "ML12", "2010-T2", 31), Saisie("offres_transmises", "ML09", "2010-T2", 3)]
    report = store.preview(engine, saisies)
    assert (report.nouvelles, report.corrigees) == (1, 1)
    assert _count(engine, V) == 1


def test_a_failing_row_rolls_back_the_whole_save(engine) -> None:  # noqa: ANN001
    store.save_values(engine, [Saisie("mrs_evaluations", "ML09", "2010-T1", 12)], "alice")
    bad = [
        Saisie("mrs_evaluations", "ML09", "2010-T1", 20),  # a correction, written first…
        Saisie("mrs_evaluations", "ML99", "2010-T1", 5),  # …then an ML the database does not know
    ]
    with pytest.raises(IntegrityError):
        store.save_values(engine, bad, "alice")
    versions = store.history(engine, "mrs_evaluations", "ML09", "2010-T1")
    assert versions["valeur"].tolist() == [12] and versions["actif"].tolist() == [True]
    assert _count(engine, AuditLog) == 1


def test_import_leaves_a_batch_and_a_refused_one_too(engine) -> None:  # noqa: ANN001
    store.save_values(
        engine, [Saisie("mrs_evaluations", "ML09", "2010-T1", 12)], "alice", source="import", filename="t1.csv"
    )
    store.log_refused_import(engine, "alice", "t2.csv", [EntryError(3, "valeur", "abc", "ce n'est pas un nombre")])
    with engine.connect() as conn:
        batches = conn.execute(select(ImportBatch.filename, ImportBatch.status, ImportBatch.rows)).all()
        actions = conn.execute(select(AuditLog.action, AuditLog.detail)).all()
    assert [tuple(b) for b in batches] == [("t1.csv", "ok", 1), ("t2.csv", "refusé", 0)]
    assert actions[1][0] == "import partenariat refusé" and "Ligne 3" in actions[1][1]
    assert _count(engine, V) == 1


def test_comments_are_kept_per_quarter(engine) -> None:  # noqa: ANN001
    assert store.check_comment("2010-T4", "  ") == "Le commentaire est vide."
    assert "format attendu" in store.check_comment("2010-4", "texte")
    with pytest.raises(ValueError):
        store.add_comment(engine, "2010-T4", None, "", "alice")
    store.add_comment(engine, "2010-T4", None, "Premier relevé.", "alice")
    store.add_comment(engine, "2010-t4", None, "Relevé corrigé.", "bruno")
    store.add_comment(engine, "2010-T4", "ML09", "Pour l'Ariège.", "alice")
    c = store.comments(engine)
    assert c["texte"].tolist() == ["Premier relevé.", "Relevé corrigé.", "Pour l'Ariège."]
    assert c["trimestre"].unique().tolist() == ["2010-T4"]
    assert c["ml_code"].isna().tolist() == [True, True, False]


def test_ml_names(engine) -> None:  # noqa: ANN001
    assert store.ml_names(engine) == {"ML09": "Mission locale Ariège", "ML12": "Mission locale Aveyron"}
