"""The stored publication against the independent attacker (tests/attacker.py), rule 4, and its life cycle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, text

from lib.config import settings
from lib.db.engine import bump_version, data_version, get_engine
from lib.db.schema import PublicationCase, PublicationProbleme
from lib.publication import build_publication
from lib.publication.build import READY, status
from tests.attacker import crossed_with_months, people, ppae_people, ranges, stored_cells

ALL = ["sexe", "age", "niveau", "qpv", "zrr", "logement", "permis", "vehicule", "indemnise"]
# One situation delay of five: the attacker's LP over all five takes too long on 2 cores; the other four
# are blocks of the same shape (ML × situation), tied to the same ML totals.
PROBLEMS = [  # population, stored period, first day, last day, attributes of the plan
    ("premiers_accueils", "2010", "2010-01-01", "2010-12-31", [*ALL, "situation_6"]),
    ("entrees", "2010", "2010-01-01", "2010-12-31", ["dispositif", "sexe", "age", "niveau", "qpv"]),
    ("suivis", "2010", "2010-01-01", "2010-12-31", ALL),
    ("suivis", "2010-03", "2010-03-01", "2010-03-31", []),
]


@pytest.fixture(scope="module")
def small_engine(tmp_path_factory):  # noqa: ANN001, ANN201
    """The demo generator with 400 young people: full of cells of 1 to 4."""
    from lib.demo.load import load_demo

    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('pub')}/small.db")
    load_demo(engine, settings(), n=400)
    return engine


def attack(engine, population: str, key: str, start: str, end: str, attrs: list[str]):  # noqa: ANN001, ANN201
    frame, cells = stored_cells(engine, data_version(engine), population, key)
    keep = frame["dimension"].isin(["", *attrs]).to_numpy()
    frame, cells = frame[keep].reset_index(drop=True), [c for c, k in zip(cells, keep, strict=True) if k]
    bounds = ranges(people(engine, population, start, end, attrs), cells)
    width = np.array([hi - lo for lo, hi in bounds])
    return frame, width


@pytest.mark.parametrize(("population", "key", "start", "end", "attrs"), PROBLEMS)
def test_no_hidden_cell_is_narrowed_on_the_small_warehouse(small_engine, population, key, start, end, attrs) -> None:  # noqa: ANN001
    frame, width = attack(small_engine, population, key, start, end, attrs)
    hidden = frame["statut"].ne("publiée").to_numpy()
    primary = frame["statut"].eq("primaire").to_numpy()
    assert primary.any()  # the case is hard: cells of 1 to 4
    assert (width[primary] >= 5 - 1e-6).all(), frame[primary & (width < 5)]
    assert (width[hidden] > 0.5).all(), frame[hidden & (width <= 0.5)]  # no hidden cell known exactly


def test_no_hidden_cell_is_narrowed_on_the_demo(demo_engine) -> None:  # noqa: ANN001
    from lib.db.engine import data_version
    from lib.publication import build_publication

    # Other tests write to the shared demo base (each write is a new version): publish the current one.
    build_publication(demo_engine, data_version(demo_engine))
    frame, width = attack(demo_engine, *PROBLEMS[0])
    hidden = frame["statut"].ne("publiée").to_numpy()
    primary = frame["statut"].eq("primaire").to_numpy()
    assert primary.any() and (width[primary] >= 5 - 1e-6).all()
    assert (width[hidden] > 0.5).all()


def test_co_traitance_months_quarters_and_year_to_date_are_protected_together(small_engine) -> None:  # noqa: ANN001
    """Affectations by month, quarter and 1 January → end of each month, by ML, département and region:
    one problem, so no year-to-date minus another gives a month's hidden count."""
    frame, cells = stored_cells(small_engine, data_version(small_engine), "cotraitance_affectation", "2010")
    assert frame["periode"].str.contains("-C").any()  # year-to-date keys, "2010-C05"
    bounds = ranges(ppae_people(small_engine, "affectation", "2010-01-01", "2010-12-31"), cells)
    width = np.array([hi - lo for lo, hi in bounds])
    hidden = frame["statut"].ne("publiée").to_numpy()
    primary = frame["statut"].eq("primaire").to_numpy()
    assert primary.any()
    assert (width[primary] >= 5 - 1e-6).all(), frame[primary & (width < 5)]
    assert (width[hidden] > 0.5).all(), frame[hidden & (width <= 0.5)]


def test_co_traitance_exits_by_reason_and_quarter_are_protected_together(small_engine) -> None:  # noqa: ANN001
    """Exits by ML × reason for each quarter and each year-to-date, with the monthly totals: the attacker
    works on ML × reason × month, finer than anything published."""
    frame, cells = stored_cells(small_engine, data_version(small_engine), "cotraitance_sorties", "2010")
    rec = ppae_people(small_engine, "sorties", "2010-01-01", "2010-12-31")
    motifs = sorted(set(frame.loc[frame["dimension"] == "motif", "modalite"]) | set(rec["motif"]))
    rec["motif|mois"] = rec["motif"] + "|" + rec["mois"]
    bounds = ranges(rec, crossed_with_months(cells, frame, "motif", motifs))
    width = np.array([hi - lo for lo, hi in bounds])
    hidden = frame["statut"].ne("publiée").to_numpy()
    primary = frame["statut"].eq("primaire").to_numpy()
    assert primary.any() and (frame["dimension"] == "motif").any()
    assert (width[primary] >= 5 - 1e-6).all(), frame[primary & (width < 5)]
    assert (width[hidden] > 0.5).all(), frame[hidden & (width <= 0.5)]


def test_rule_4_every_small_territory_is_hidden(small_engine) -> None:  # noqa: ANN001
    with small_engine.connect() as conn:
        pops = dict(conn.execute(text("SELECT code, population FROM commune")).all())
    frame, cells = stored_cells(small_engine, data_version(small_engine), "premiers_accueils", "2010")
    small = np.array([sum(pops[c] for c in cell.communes) < 2000 for cell in cells])
    assert small.any()  # ML × basin intersections made of small communes
    assert frame.loc[small, "statut"].eq("primaire").all()
    assert frame.loc[small, "valeur"].isna().all()


def test_a_cell_has_one_status_wherever_it_is_shown(demo_engine) -> None:  # noqa: ANN001
    """The ML total read as a key figure, as the margin of ML × sex and of ML × month is the same stored cell."""
    from lib.indicators.periods import make_period
    from lib.indicators.scope import Scope
    from lib.publication import read

    year = make_period("annee", 2010)
    for ml in ("ML09", "ML46"):
        figure = read.figure(demo_engine, "premiers_accueils", year, Scope("ml", ml)).table
        margin = read.breakdown(demo_engine, "premiers_accueils", year, Scope(), "ml", "sexe").table.table
        name = margin["Mission locale"].unique()
        assert len(name) == 11
        by_ml = read.breakdown(demo_engine, "premiers_accueils", year, Scope("ml", ml), "sexe").table.table
        assert figure["status"].iloc[0] == by_ml.loc[by_ml["Sexe"] == "Total", "status"].iloc[0]
        v, w = figure.iloc[0, 0], by_ml.loc[by_ml["Sexe"] == "Total", "Premiers accueils"].iloc[0]
        assert (pd.isna(v) and pd.isna(w)) or v == w


def test_build_is_idempotent_and_stored_with_its_rules(small_engine) -> None:  # noqa: ANN001
    version = data_version(small_engine)
    assert status(small_engine, version) == READY
    with small_engine.connect() as conn:
        before = conn.execute(select(PublicationCase.id).where(PublicationCase.version == version)).all()
        rules = conn.execute(select(PublicationProbleme.regles).where(PublicationProbleme.version == version)).first()
    build_publication(small_engine, version)  # already built: nothing happens
    with small_engine.connect() as conn:
        after = conn.execute(select(PublicationCase.id).where(PublicationCase.version == version)).all()
    assert before == after
    assert '"seuil_diffusion": 5' in rules[0] and '"premiers_accueils"' in rules[0]


def test_an_ended_period_is_frozen_in_the_next_publication(small_engine) -> None:  # noqa: ANN001
    """Publication-to-publication rule: a period that had ended when it was published keeps its cells,
    so the difference between two publications of 2009 is zero whatever arrives later."""
    v1 = data_version(small_engine)
    with small_engine.begin() as conn:
        v2 = bump_version(conn, "modification", "test", "nouvelle version sans nouvelle donnée")
    build_publication(small_engine, v2)

    def cells(version: int) -> pd.DataFrame:
        q = text(
            "SELECT niveau, code, dimension, modalite, periode, valeur, statut FROM publication_case "
            "WHERE version = :v AND population = 'premiers_accueils' AND periode LIKE '2009%' ORDER BY id"
        )
        with small_engine.connect() as conn:
            return pd.DataFrame(conn.execute(q, {"v": version}).all())

    old, new = cells(v1), cells(v2)
    assert len(old) > 100
    pd.testing.assert_frame_equal(old, new)  # the difference between the two publications is zero everywhere
    with small_engine.connect() as conn:
        frozen = conn.execute(
            text(
                "SELECT figee_depuis FROM publication_probleme "
                "WHERE version = :v AND population = 'premiers_accueils' AND periode = '2009'"
            ),
            {"v": v2},
        ).scalar()
    assert frozen == v1


def test_a_corrected_territory_of_an_ended_year_is_published_again(small_engine) -> None:  # noqa: ANN001
    """A closed year stays frozen only while its territory is unchanged: a commune given to another ML for
    2009 by a territory import moves in the 2009 publication too."""
    from lib.ingest.territoires import importer_territoires

    with small_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT 2009, c.commune_code, c.ml_code, m.nom FROM ml_commune c "
                "JOIN mission_locale m ON m.code = c.ml_code"
            )
        ).all()
    t2009 = pd.DataFrame(rows, columns=["annee", "commune", "code_ml", "nom_ml"])
    t2009.loc[t2009["commune"] == "31149", ["code_ml", "nom_ml"]] = ["ML31T", "Mission locale Toulouse"]
    importer_territoires(small_engine, t2009.to_csv(sep=";", index=False).encode(), "t2009.csv", "test")
    version = data_version(small_engine)
    build_publication(small_engine, version)
    with small_engine.connect() as conn:
        frozen = conn.execute(
            text(
                "SELECT figee_depuis FROM publication_probleme "
                "WHERE version = :v AND population = 'premiers_accueils' AND periode = '2009'"
            ),
            {"v": version},
        ).scalar()
        ml = conn.execute(
            text(
                "SELECT DISTINCT periode, ml FROM publication_case WHERE version = :v AND niveau = 'commune' "
                "AND code = '31149' AND population = 'premiers_accueils' AND periode IN ('2009', '2010') "
                "ORDER BY periode"
            ),
            {"v": version},
        ).all()
    assert frozen is None  # rebuilt on the corrected territory
    assert [tuple(r) for r in ml] == [("2009", "ML31T"), ("2010", "ML31T")]


def test_late_entries_in_the_current_year_never_show_as_a_small_difference(tmp_path) -> None:  # noqa: ANN001
    """Publication-to-publication rule for the year in progress: two young people of Ariège entered late
    for March 2010 (version 2), then one of Aveyron for June (version 3). Every cell published by two of
    the three versions differs by 0 or by at least 5, so no pair of publications counts the late ones;
    Ariège's March, moved by 2, stays hidden in version 3 although version 2 did not publish it."""
    from lib.db.schema import Jeune
    from lib.demo.load import load_demo

    engine = get_engine(f"sqlite:///{tmp_path}/late.db")
    load_demo(engine, settings(), n=400)
    versions = [data_version(engine)]
    build_publication(engine, versions[0])
    for ml, day, n in (("ML09", "2010-03-15", 2), ("ML12", "2010-06-15", 1)):
        with engine.begin() as conn:
            model = conn.execute(select(Jeune).where(Jeune.ml_code == ml).limit(1)).mappings().one()
            for k in range(n):
                row = {**model, "pseudonyme": f"tardif-{ml}-{k}", "date_premier_accueil": pd.Timestamp(day)}
                conn.execute(Jeune.__table__.insert().values({c: v for c, v in row.items() if c != "id"}))
            versions.append(bump_version(conn, "modification", "test", f"{n} premier(s) accueil(s) en retard"))
        build_publication(engine, versions[-1])

    def cells(version: int) -> pd.DataFrame:
        q = text(
            "SELECT c.periode, c.niveau, c.code, c.dimension, c.modalite, c.valeur FROM publication_case c "
            "JOIN publication_probleme p ON p.id = c.probleme_id "
            "WHERE c.version = :v AND c.population = 'premiers_accueils' AND p.periode = '2010'"
        )
        with engine.connect() as conn:
            return pd.DataFrame(conn.execute(q, {"v": version}).all())

    key = ["periode", "niveau", "code", "dimension", "modalite"]
    published = [cells(v) for v in versions]
    for a, b in ((0, 1), (1, 2), (0, 2)):
        both = published[a].merge(published[b], on=key, suffixes=("_a", "_b"))
        assert len(both) > 1000
        shown = both.dropna(subset=["valeur_a", "valeur_b"])
        moved = (shown["valeur_b"] - shown["valeur_a"]).abs()
        assert ((moved == 0) | (moved >= 5)).all(), (a, b, shown[(moved > 0) & (moved < 5)])
        assert (moved == 0).mean() > 0.5  # what did not move stays as it was
    for v in (1, 2):
        c = published[v]
        march = c[(c["niveau"] == "ml") & (c["code"] == "ML09") & (c["periode"] == "2010-03")]
        assert len(march) == 1 and pd.isna(march["valeur"].iloc[0])  # moved by 2 since version 1
