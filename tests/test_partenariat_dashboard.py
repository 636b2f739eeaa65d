"""The review table: secret statistique on young people, region figures, statuses, and the demo values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.config import settings
from lib.demo.partenariat import COLUMNS, generate_partenariat
from lib.demo.seed_figures import SEED_MLS
from lib.export.tables import to_csv
from lib.partenariat import dashboard
from lib.partenariat.catalogue import load_catalogue, parse_catalogue
from lib.partenariat.dashboard import REGION, build, select
from lib.partenariat.entry import validate
from lib.partenariat.status import Statut, statut
from lib.publication import partenariat
from lib.publication.suppress import protected_cells
from lib.publication.territory import Territory
from lib.secret import STATUS

CAT = load_catalogue()
MLS = {m.code: m.nom for m in SEED_MLS}
SEED = 20100507


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return generate_partenariat(SEED, list(MLS))


def published(values: pd.DataFrame, cat=CAT, mls=MLS, before: pd.DataFrame | None = None) -> pd.DataFrame:  # noqa: ANN001
    """The partnership cells the publication would store for these values (MLs of 50,000 inhabitants),
    `before` being the cells of the previous publication."""
    rows = [
        {"niveau": "ml", "code": c, "libelle": n, "population": 50_000, "ml": c, "bassin": None, "departement": None}
        for c, n in mls.items()
    ]
    rows.append({**rows[0], "niveau": "region", "code": "73", "libelle": "Région", "population": 500_000, "ml": None})
    territory = Territory(pd.DataFrame(), {}, pd.DataFrame(rows).assign(units=[()] * len(rows)))
    key = ["periode", "niveau", "code", "modalite"]
    frames = []
    for _, p in partenariat.problems(values, cat, territory):
        previous = None
        if before is not None:
            previous = p.cells[key].merge(before[key + ["valeur"]], on=key, how="left")["valeur"].to_numpy(dtype=float)
        frames.append(protected_cells(p, settings().secret, previous)[0])
    return pd.concat(frames, ignore_index=True)


def review_of(values: pd.DataFrame):  # noqa: ANN201
    return build(values, CAT, MLS, published(values), "Région")


@pytest.fixture(scope="module")
def review(demo: pd.DataFrame):  # noqa: ANN201
    return review_of(demo)


def test_demo_is_deterministic_complete_and_valid(demo: pd.DataFrame) -> None:
    assert list(demo.columns) == COLUMNS
    assert demo.equals(generate_partenariat(SEED, list(MLS)))
    assert not demo.equals(generate_partenariat(SEED + 1, list(MLS)))
    assert demo["actif"].all()
    assert not demo.duplicated(["indicateur", "ml_code", "trimestre"]).any()
    assert set(demo["trimestre"]) == {f"{y}-T{q}" for y in (2009, 2010) for q in (1, 2, 3, 4)}
    expected = sum(len(i.trimestres_dus) for i in CAT) * 2 * len(MLS)
    assert len(demo) == expected
    # every demo value passes the same checks as an import
    frame = demo.rename(columns={"ml_code": "ml"}).assign(valeur=demo["valeur"].map(str), ligne=range(2, len(demo) + 2))
    saisies, errors = validate(frame, CAT, list(MLS))
    assert errors == [] and len(saisies) == len(demo)


def test_demo_cotraitance_follows_the_generator_drift(demo: pd.DataFrame) -> None:
    c = demo[(demo["indicateur"] == "entrees_cotraitance") & demo["trimestre"].str.startswith("2010")]
    per_q = c.pivot(index="ml_code", columns="trimestre", values="valeur")
    target = CAT["entrees_cotraitance"]
    assert per_q.loc["ML12"].sum() < 0.8 * 4 * target.cible_ml("ML12")  # far below its quota
    assert per_q.loc["ML31"].sum() > 1.2 * 4 * target.cible_ml("ML31")  # far above
    ml46 = per_q.loc["ML46"]
    assert ml46[["2010-T1", "2010-T2"]].sum() > 3 * ml46[["2010-T3", "2010-T4"]].sum()  # envelope used in H1


def test_young_people_go_through_the_secret(review) -> None:  # noqa: ANN001
    t = review.table
    people = t["code"].isin([i.code for i in CAT if i.compte_jeunes])
    shown = t[people & (t[STATUS] == "ok")]
    assert not shown["valeur_num"].between(0.5, 4.5).any()  # no cell of 1 to 4 young people on screen
    hidden = t[t[STATUS] != "ok"]
    assert len(hidden) > 0 and hidden["code"].isin(t.loc[people, "code"]).all()
    assert hidden[list(dashboard.VALUE_COLUMNS)].isna().all().all()  # nor their status, target or trend
    assert hidden["valeur_num"].isna().all()
    assert (hidden["statut_code"] == Statut.SECRET).all()
    public = t[~people]
    assert (public[STATUS] == "ok").all()
    small = public[public["valeur_num"].between(0.5, 4.5)]
    assert len(small)  # meetings and agents are shown as they are
    assert review.sensitive and "secret statistique" in review.notes[0]


def test_region_figures(review, demo: pd.DataFrame) -> None:  # noqa: ANN001
    t = review.table
    q = "2010-T3"
    for code in ("offres_transmises", "entrees_cotraitance"):  # public sum, and the protected margin
        region = t[(t["code"] == code) & (t["ml_code"] == REGION) & (t["trimestre"] == q)]
        raw = demo[(demo["indicateur"] == code) & (demo["trimestre"] == q)]["valeur"].sum()
        assert region["valeur_num"].iloc[0] == raw
    d = t[(t["code"] == "delai_premier_entretien") & (t["ml_code"] == REGION) & (t["trimestre"] == q)]
    raw = demo[(demo["indicateur"] == "delai_premier_entretien") & (demo["trimestre"] == q)]["valeur"]
    assert d["valeur_num"].iloc[0] == pytest.approx(raw.mean())  # days: the mean of the MLs
    assert d["cible_num"].iloc[0] == 5
    yes = t[(t["code"] == "diagnostic_partage") & (t["ml_code"] == REGION) & (t["trimestre"] == "2010-T4")]
    assert yes["valeur"].iloc[0].endswith(" ML") and yes["cible"].iloc[0] == "10 ML"


def test_statuses_match_the_status_rule(review) -> None:  # noqa: ANN001
    t = review.table
    rows = t[(t[STATUS] == "ok") & t["valeur_num"].notna()]
    for _, r in rows.iterrows():
        expected = statut(r["valeur_num"], r["cible_num"], CAT[r["code"]].sens, CAT.seuil_proche)
        assert r["statut_code"] == expected
    assert set(rows["statut_code"]) >= {Statut.ATTEINT, Statut.PROCHE, Statut.NON_ATTEINT}


def test_missing_values_and_incomplete_region(demo: pd.DataFrame) -> None:
    partial = demo[~((demo["ml_code"] == "ML09") & (demo["trimestre"] == "2010-T4"))]
    t = review_of(partial).table
    ml = t[(t["ml_code"] == "ML09") & (t["trimestre"] == "2010-T4")]
    assert set(ml["statut_code"]) <= {Statut.SANS_VALEUR, Statut.SECRET}
    assert (ml.loc[ml[STATUS] == "ok", "valeur"] == "—").all()  # "—" for missing, NaN only for hidden
    region = t[(t["ml_code"] == REGION) & (t["trimestre"] == "2010-T4") & (t[STATUS] == "ok")]
    assert (region["statut_code"] == Statut.INCOMPLET).all()
    assert region["statut"].str.contains("9 ML sur 10").all()


def test_select_export_and_empty() -> None:
    nothing = pd.DataFrame(columns=["indicateur", "ml_code", "trimestre", "valeur"])
    empty = build(nothing, CAT, MLS, pd.DataFrame(columns=["modalite", "niveau", "code", "periode"]))
    assert len(empty.table) == 0


def test_scorecard_slice_and_export(review) -> None:  # noqa: ANN001
    one = select(review, ml_code="ML32", trimestre="2010-T4")
    assert len(one.table) == len(CAT)  # every indicator is due in T4
    csv = to_csv(one, "Gers T4").decode("utf-8-sig")
    assert "Atteinte de l'objectif" in csv and "Statut" in csv
    hidden = one.table[one.table[STATUS] != "ok"]
    for _, r in hidden.iterrows():
        assert f"{r['indicateur']};Mission locale Gers;2010-T4;s;s;s;s;s" in csv


def test_history_never_shows_what_the_review_hides() -> None:
    """The issue's case: each version masked on its own showed a count the review table hid."""
    versions = pd.DataFrame(
        {
            "valeur": [3.0, 12.0],
            "saisi_par": ["alice", "bruno"],
            "saisi_le": pd.to_datetime(["2010-04-21 10:00", "2010-05-02 09:30"]),
            "actif": [False, True],
        }
    )
    shown = dashboard.history_table(versions, CAT["mrs_evaluations"], 12.0)  # the review shows 12
    assert shown.table["valeur"].isna().tolist() == [True, False]  # a replaced count is never shown (3 or 9)
    assert shown.table[STATUS].tolist() == ["secondary", "ok"]
    assert shown.table["etat"].tolist() == ["remplacée", "en vigueur"]
    hidden = dashboard.history_table(versions.assign(valeur=[12.0, 3.0]), CAT["mrs_evaluations"], None)
    assert hidden.table["valeur"].isna().all()  # the review hides 3: so does the history, 12 included
    public = dashboard.history_table(versions, CAT["agents_dedies"])
    assert public.table["valeur"].tolist() == ["3", "12"] and not public.sensitive


def test_an_attacker_with_every_review_cell_bounds_each_hidden_count(demo: pd.DataFrame) -> None:
    """Independent attacker: in each quarter the hidden MLs add up to the region minus the shown MLs
    (the only relation between the cells shown), each hidden cell at least 1 (zeros are shown)."""
    t = review_of(demo).table
    people = t[t["code"].isin([i.code for i in CAT if i.compte_jeunes])]
    raw = demo.set_index(["indicateur", "ml_code", "trimestre"])["valeur"]
    checked = 0
    for (code, quarter), g in people.groupby(["code", "trimestre"]):
        mls, region = g[g["ml_code"] != REGION], g[g["ml_code"] == REGION].iloc[0]
        hidden = mls[mls[STATUS] != "ok"]
        if hidden.empty:
            continue
        if region[STATUS] != "ok":
            continue  # the hidden cells are then bounded below only
        rest = region["valeur_num"] - mls["valeur_num"].sum()  # what the hidden MLs hold together
        for ml in hidden["ml_code"]:
            true = raw[(code, ml, quarter)]
            low, high = 1.0, rest - (len(hidden) - 1)
            assert low <= true <= high
            assert high - low >= 5 - 1e-6, (code, quarter, ml, low, high)  # a range at least 5 wide
            checked += 1
    assert checked > 0
    assert (people[STATUS] == "primary").sum() > 0


def test_a_correction_never_shows_as_the_difference_of_two_publications(demo: pd.DataFrame) -> None:
    """Ariège's co-traitance entries of 2010-T4 corrected to 3: the other MLs were published before and
    did not change, so publishing the region again would give Ariège = region − the others."""
    v1 = published(demo)
    fixed = demo.copy()
    where = (fixed["indicateur"] == "entrees_cotraitance") & (fixed["trimestre"] == "2010-T4")
    fixed.loc[where & (fixed["ml_code"] == "ML09"), "valeur"] = 3.0
    v2 = published(fixed, before=v1)
    # the attacker: each ML from v2, else from v1 (assumed unchanged), the region from v2
    cell = (v2["modalite"] == "entrees_cotraitance") & (v2["periode"] == "2010-T4")
    old = v1[(v1["modalite"] == "entrees_cotraitance") & (v1["periode"] == "2010-T4")].set_index("code")["valeur"]
    new = v2[cell].set_index("code")["valeur"]
    others = [m for m in MLS if m != "ML09"]
    known = [new[m] if pd.notna(new[m]) else old[m] for m in others]
    assert pd.isna(new["ML09"])
    assert pd.isna(new["73"]) or any(pd.isna(k) for k in known)  # Ariège cannot be recomputed
    unchanged = [m for m in others if pd.notna(old[m])]
    assert all(new[m] == old[m] for m in unchanged)  # what was public and did not move stays published
    # the other quarters and indicators are published as before
    same = v1.merge(v2, on=["periode", "niveau", "code", "modalite"], suffixes=("_1", "_2"))
    other = same[~((same["modalite"] == "entrees_cotraitance") & (same["periode"] == "2010-T4"))]
    pd.testing.assert_series_equal(other["valeur_1"], other["valeur_2"], check_names=False)


def test_a_new_indicator_needs_no_code(tmp_path) -> None:  # noqa: ANN001
    extra = """
[[indicateur]]
code = "forums_emploi"
libelle = "Forums emploi communs"
definition = "Forums organisés ensemble."
unite = "nombre"
frequence = "semestrielle"
cible = 1
sens = "hausse"
compte_jeunes = false
motif_public = "compte des forums"
"""
    path = tmp_path / "partenariat.toml"
    path.write_text(CAT.path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    cat = parse_catalogue(path.read_text(encoding="utf-8"), path)
    values = generate_partenariat(SEED, ["ML09", "ML12"], cat)
    assert set(values.loc[values["indicateur"] == "forums_emploi", "trimestre"]) == {
        "2009-T2",
        "2009-T4",
        "2010-T2",
        "2010-T4",
    }
    two = {"ML09": "Ariège", "ML12": "Aveyron"}
    t = build(values, cat, two, published(values, cat, two)).table
    assert "Forums emploi communs" in set(t["indicateur"])
    assert np.isin(["ML09", "ML12", REGION], t.loc[t["code"] == "forums_emploi", "ml_code"]).all()


def test_achievement_text_agrees_with_the_status(review) -> None:  # noqa: ANN001
    t = review.table
    rows = t[(t[STATUS] == "ok") & (t["atteinte"] != "—") & t["statut_code"].isin(list(Statut)[:3])]
    pct = rows["atteinte"].str.replace("\u202f", "").str.removesuffix("%").astype(int)  # "93 %": narrow no-break space
    assert (pct[rows["statut_code"] == Statut.NON_ATTEINT] < 90).all()
    assert pct[rows["statut_code"] == Statut.PROCHE].between(90, 99).all()
    assert (pct[rows["statut_code"] == Statut.ATTEINT] >= 100).all()


def test_french_numbers() -> None:
    assert dashboard.fr_number(90, 0) == "90"
    assert dashboard.fr_number(1234) == "1\u202f234"
    assert dashboard.fr_number(5.5) == "5,5"
    assert dashboard.fmt_valeur(5.5, CAT["delai_premier_entretien"]) == "5,5 j"
    assert dashboard.fmt_valeur(1, CAT["diagnostic_partage"]) == "Oui"
