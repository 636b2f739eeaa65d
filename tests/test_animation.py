"""Programme régional d'animation: totals, the 2–4 % check, entry, import and history."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy import create_engine

from lib.animation import programme as prog
from lib.animation import store
from lib.animation.annexe import ACTIONS, MISSIONS, OBJECTIFS, PROGRAMME, mission_of
from lib.animation.entry import form_frame, read_file, validate
from lib.db.engine import migrate


def _values(rows: list[tuple[int, str, float]], annee: int = 2010) -> pd.DataFrame:
    return pd.DataFrame(
        [{"annee": annee, "action": a, "champ": c, "valeur_num": v, "valeur_texte": None} for a, c, v in rows]
    )


# Hand-made fixture: three actions, one mission each except 8 and 9 (both Observatoire).
FIXTURE = [
    (PROGRAMME, "budget_ml", 10_000_000.0),
    (1, "cout_prevu", 100_000.0),
    (1, "cout_realise", 90_000.0),
    (1, "financement_etat", 60_000.0),
    (1, "financement_region", 40_000.0),
    (1, "avancement", 100.0),
    (8, "cout_prevu", 150_000.0),
    (8, "cout_realise", 160_000.0),
    (8, "financement_etat", 30_000.0),
    (8, "financement_region", 100_000.0),
    (8, "financement_fse", 20_000.0),
    (8, "avancement", 50.0),
    (9, "cout_prevu", 50_000.0),
    (9, "financement_etat", 10_000.0),
    (9, "financement_region", 20_000.0),  # 30 000 of 50 000: a funding gap the page reports
]


def test_the_annex_has_4_missions_6_objectives_16_actions() -> None:
    assert len(MISSIONS) == 4 and len(OBJECTIFS) == 6
    assert [a.numero for a in ACTIONS] == list(range(1, 17))
    # seed 003: actions 3–5 under objective 2, 6–7 under objective 3, 13–16 under the partnership mission
    assert [a.numero for a in ACTIONS if a.objectif == 2] == [3, 4, 5]
    assert [a.numero for a in ACTIONS if a.objectif == 3] == [6, 7]
    assert {mission_of(n).numero for n in (13, 14, 15, 16)} == {"IV"}


def test_programme_totals_and_state_share_by_hand() -> None:
    p = prog.build(_values(FIXTURE), 2010)
    assert p.budget.prevu == 300_000  # 100 000 + 150 000 + 50 000
    assert p.budget.realise == 250_000  # action 9 has no actual cost yet
    assert p.part_etat == pytest.approx(100_000 / 300_000)
    assert p.renseignees == 3
    t = prog.actions_table(p).table
    total = t[t["action"] == "Total"].iloc[0]
    assert total["financement_etat"] == 100_000
    # progress weighted by planned cost over actions with both: (100×100 000 + 50×150 000) / 250 000 = 70
    assert total["avancement"] == pytest.approx(70.0)
    row9 = t[t["action"].str.startswith("9.")].iloc[0]
    assert row9["part_etat"] == pytest.approx(20.0)
    assert math.isnan(row9["avancement"])
    missions = prog.missions_table(p).table.set_index("mission")
    assert missions.loc["III — Observatoire", "cout_prevu"] == 200_000
    assert missions.loc["Total", "cout_prevu"] == 300_000
    fin = prog.financeurs_table(p).table.set_index("financeur")
    assert fin.loc["Conseil régional", "montant"] == 160_000
    assert fin.loc["Total", "part"] == pytest.approx(100.0)
    gap = "Action 9 : financements 30\u202f000\u202f€ pour un coût prévu de 50\u202f000\u202f€"
    assert prog.ecarts_financement(p) == [gap]


@pytest.mark.parametrize(
    ("budget_ml", "part", "position"),
    [
        (10_000_000.0, 0.03, "dans la fourchette"),  # 300 000 / 10 M
        (20_000_000.0, 0.015, "en dessous de la fourchette"),
        (6_000_000.0, 0.05, "au-dessus de la fourchette"),
        (7_500_000.0, 0.04, "dans la fourchette"),  # 4 % exactly is inside the band
    ],
)
def test_the_2_to_4_percent_check(budget_ml: float, part: float, position: str) -> None:
    rows = [(a, c, budget_ml if c == "budget_ml" else v) for a, c, v in FIXTURE]
    b = prog.build(_values(rows), 2010).budget
    assert b.part == pytest.approx(part)
    assert b.position == position
    assert position in b.phrase()


def test_without_the_mls_budget_the_share_is_not_computed() -> None:
    b = prog.build(_values(FIXTURE[1:]), 2010).budget
    assert b.part is None
    assert "non renseigné" in b.phrase()
    assert math.isnan(prog.budget_table(prog.build(_values(FIXTURE[1:]), 2010)).table.loc[0, "part"])


def test_the_demo_programme_sits_in_the_band(demo_engine) -> None:
    p = prog.build(store.active_values(demo_engine, 2010), 2010)
    assert p.renseignees == 14
    assert p.budget.prevu == 748_000 and p.budget.budget_ml == 24_600_000
    assert p.budget.position == "dans la fourchette"
    assert prog.ecarts_financement(p) == []  # the demo's funders add up to each cost


def test_amounts_are_declared_public_with_their_reason() -> None:
    m = prog.actions_table(prog.build(_values(FIXTURE), 2010))
    assert m.sensitive is False and m.hidden_count == 0
    assert prog.RAISON in m.notes


def test_validation_names_line_and_column() -> None:
    frame, errors = read_file(
        b"annee;action;champ;valeur\n2010;17;cout_prevu;10\n2010;3;cout_prevu;-5\n2010;programme;avancement;20\n"
        b"2010;3;avancement;140\n20x0;3;echeancier;T1\n",
        "programme.csv",
    )
    assert errors == []
    saisies, errors = validate(frame)
    assert saisies == []
    messages = [str(e) for e in errors]
    assert messages[0].startswith("Ligne 2, colonne « action » (valeur lue : « 17 ») : action inconnue")
    assert "Ligne 3" in messages[1] and "négative" in messages[1]
    assert "Ligne 4" in messages[2] and "rubrique est d'une action" in messages[2]
    assert "Ligne 5" in messages[3] and "maximum" in messages[3]
    assert "Ligne 6, colonne « annee »" in messages[4]


def test_a_missing_column_is_named() -> None:
    frame, errors = read_file(b"annee;action;valeur\n2010;1;5\n", "p.csv")
    assert frame is None
    assert [e.colonne for e in errors] == ["champ"]


def test_french_amounts_are_read() -> None:
    saisies, errors = validate(form_frame(2010, 1, {"cout_prevu": "38 000,50 €", "avancement": "90 %"}))
    assert errors == []
    assert {s.champ: s.valeur_num for s in saisies} == {"cout_prevu": 38_000.5, "avancement": 90.0}


def test_a_correction_keeps_the_history(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/a.db")
    migrate(engine)
    first, _ = validate(form_frame(2010, 4, {"cout_prevu": 35_000, "methode": "Deux documentalistes"}))
    assert store.save_values(engine, first, "anim").nouvelles == 2
    again, _ = validate(form_frame(2010, 4, {"cout_prevu": 35_000}))
    assert store.save_values(engine, again, "anim").inchangees == 1
    fix, _ = validate(form_frame(2010, 4, {"cout_prevu": 36_500}))
    report = store.save_values(engine, fix, "relecteur")
    assert (report.nouvelles, report.corrigees) == (0, 1)
    h = store.history(engine, 2010, 4, "cout_prevu")
    assert h["valeur_num"].tolist() == [35_000, 36_500]
    assert h["actif"].tolist() == [False, True]
    assert h["saisi_par"].tolist() == ["anim", "relecteur"]
    assert h["remplace_id"].iloc[1] == h["id"].iloc[0]
    p = prog.build(store.active_values(engine, 2010), 2010)
    assert p.budget.prevu == 36_500
    assert p.actions.set_index("action").loc[4, "methode"] == "Deux documentalistes"
