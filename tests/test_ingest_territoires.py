"""Territories from files: ML territories by year, ML sites, QPV / ZRR; checked, versioned, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
import shapely
from openpyxl import Workbook
from sqlalchemy import Engine, text

from lib.db.engine import data_version
from lib.indicators.carte import communes_geometrie, prepare_fond
from lib.indicators.data import read_warehouse
from lib.ingest import territoires as T
from lib.ingest.errors import ImportErrorFr
from lib.ingest.extrait import charger_extrait
from lib.publication.model import Spec, build_problem
from lib.publication.records import records
from lib.publication.territory import build_territory
from tests.ingest_files import CLE_TEST, copie_de_base, extrait
from tests.test_referentiels import empreinte

COLOMIERS = "31149"  # ML31 (Haute-Garonne) in the demo; moved to ML31T (Toulouse) in 2010 below
TOULOUSE = "31555"
FOIX = "09122"  # ML09
DONNEES = ("commune", "mission_locale", "ml_commune", "ml_commune_annee", "ml_site", "version_donnees")


@pytest.fixture
def base(base_referentiels: Path, tmp_path: Path) -> Engine:
    return copie_de_base(base_referentiels, tmp_path)


def _rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def territoire(engine: Engine, annee: int) -> pd.DataFrame:
    """The territory in service as a file for `annee`: annee, commune, code_ml, nom_ml."""
    rows = _rows(
        engine,
        "SELECT c.commune_code, c.ml_code, m.nom FROM ml_commune c JOIN mission_locale m ON m.code = c.ml_code",
    )
    frame = pd.DataFrame(rows, columns=["commune", "code_ml", "nom_ml"])
    frame.insert(0, "annee", annee)
    return frame


def deux_ans(engine: Engine) -> pd.DataFrame:
    """2009 as in the demo; 2010 with Colomiers moved from ML31 to ML31T."""
    t2010 = territoire(engine, 2010)
    t2010.loc[t2010["commune"] == COLOMIERS, ["code_ml", "nom_ml"]] = ["ML31T", "Mission locale Toulouse"]
    return pd.concat([territoire(engine, 2009), t2010], ignore_index=True)


def csv(frame: pd.DataFrame, sep: str = ";", encoding: str = "utf-8") -> bytes:
    return frame.to_csv(sep=sep, index=False).encode(encoding)


def xlsx(frame: pd.DataFrame) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- ML territories


def test_a_territory_file_is_one_version_and_the_same_file_twice_changes_nothing(base) -> None:
    v0 = data_version(base)
    fichier = deux_ans(base)
    res = T.importer_territoires(base, xlsx(fichier), "territoires.xlsx", "animateur")
    assert res.change and res.lignes == 2 * 2944
    assert res.message == "5888 rattachements de communes pour 2009, 2010, 10 missions locales"
    assert data_version(base) == v0 + 1
    assert _rows(base, f"SELECT annee, ml_code FROM ml_commune_annee WHERE commune_code = '{COLOMIERS}'") == [
        (2009, "ML31"),
        (2010, "ML31T"),
    ]
    # the territory in service is the latest year's: what the map draws and extracts are checked against
    assert _rows(base, f"SELECT ml_code FROM ml_commune WHERE commune_code = '{COLOMIERS}'") == [("ML31T",)]
    assert _rows(base, "SELECT status, rows, user FROM import_batch") == [("ok", 5888, "animateur")]
    assert _rows(base, "SELECT action FROM audit_log") == [("import",)]

    before = empreinte(base, DONNEES)
    again = T.importer_territoires(base, csv(fichier, ",", "latin-1"), "territoires.csv", "animateur")
    assert not again.change and "rien n'a changé" in again.message
    assert empreinte(base, DONNEES) == before and data_version(base) == v0 + 1
    assert _rows(base, "SELECT status FROM import_batch ORDER BY id")[-1] == ("inchangé",)
    assert _rows(base, "SELECT action FROM audit_log ORDER BY id")[-1] == ("import sans changement",)


def test_a_year_replaces_that_year_only_and_creates_or_renames_the_mls(base) -> None:
    T.importer_territoires(base, csv(deux_ans(base)), "t.csv", "animateur")
    t2011 = territoire(base, 2011)
    t2011.loc[t2011["commune"] == FOIX, ["code_ml", "nom_ml"]] = ["ML09F", "Mission locale de Foix"]
    t2011.loc[t2011["code_ml"] == "ML12", "nom_ml"] = "Mission locale de l'Aveyron"
    res = T.importer_territoires(base, csv(t2011), "t2011.csv", "animateur")
    assert "dont 1 nouvelle(s)" in res.message
    assert _rows(base, "SELECT annee, COUNT(*) FROM ml_commune_annee GROUP BY annee") == [
        (2009, 2944),
        (2010, 2944),
        (2011, 2944),
    ]
    assert _rows(base, "SELECT nom, dep_code FROM mission_locale WHERE code IN ('ML09F', 'ML12') ORDER BY code") == [
        ("Mission locale de Foix", "09"),
        ("Mission locale de l'Aveyron", "12"),
    ]


def _modifie(engine: Engine, change) -> pd.DataFrame:  # noqa: ANN001 (a function of the frame)
    frame = territoire(engine, 2010)
    return change(frame)


def _deux_ml(f: pd.DataFrame) -> pd.DataFrame:
    extra = f[f["commune"] == COLOMIERS].assign(code_ml="ML31T", nom_ml="Mission locale Toulouse")
    return pd.concat([f, extra], ignore_index=True)


REFUS_TERRITOIRE = [
    (
        "commune inconnue",
        lambda f: f.replace({"commune": {FOIX: "09999"}}),
        "commune inconnue du référentiel des communes (code ancien ou mal saisi ?) (valeur « 09999 »)",
    ),
    (
        "commune hors de la région",
        lambda f: pd.concat([f, f.head(1).assign(commune="34172")], ignore_index=True),
        "Ligne 2946, colonne commune : commune hors de la région (département 34) (valeur « 34172 »)",
    ),
    (
        "une commune à deux missions locales",
        _deux_ml,
        f"commune {COLOMIERS} (Colomiers) attribuée à 2 missions locales en 2010 (ML31, ML31T) : lignes",
    ),
    (
        "une commune sans mission locale",
        lambda f: f[f["commune"] != COLOMIERS],
        f"1 commune(s) de la région sans mission locale en 2010 : {COLOMIERS}",
    ),
    (
        "une mission locale sur deux départements",
        lambda f: f.assign(
            code_ml=f["code_ml"].replace({"ML32": "ML31"}),
            nom_ml=f["nom_ml"].replace({"Mission locale Gers": "Mission locale Haute-Garonne"}),
        ),
        "mission locale ML31 sur plusieurs départements en 2010 (31, 32)",
    ),
    (
        "une année illisible",
        lambda f: f.assign(annee=f["annee"].astype(str).where(f.index != 0, "2O10")),
        "Ligne 2, colonne annee : année attendue (AAAA, entre 1990 et 2100) (valeur « 2O10 »)",
    ),
    (
        "une colonne absente",
        lambda f: f.drop(columns="nom_ml"),
        "colonne(s) obligatoire(s) absente(s) : nom_ml",
    ),
]


@pytest.mark.parametrize(("cas", "change", "attendu"), REFUS_TERRITOIRE, ids=[c[0] for c in REFUS_TERRITOIRE])
def test_a_bad_territory_file_is_refused_with_its_lines_and_changes_nothing(base, cas, change, attendu) -> None:
    before = empreinte(base, DONNEES)
    with pytest.raises(ImportErrorFr) as exc:
        T.importer_territoires(base, csv(_modifie(base, change)), "mauvais.csv", "animateur")
    assert attendu in exc.value.texte(), exc.value.texte()
    assert "Rien n'a été enregistré" in exc.value.message
    assert empreinte(base, DONNEES) == before
    assert _rows(base, "SELECT status, filename FROM import_batch") == [("refusé", "mauvais.csv")]


def test_two_mls_for_one_commune_name_both_lines(base) -> None:
    frame = _deux_ml(territoire(base, 2010))
    lignes = [i + 2 for i in frame.index[frame["commune"] == COLOMIERS]]  # header = line 1
    with pytest.raises(ImportErrorFr) as exc:
        T.importer_territoires(base, csv(frame), "deux.csv", "animateur")
    assert f"lignes {lignes[0]}, {lignes[1]}" in exc.value.texte()
    assert "31149 (Colomiers)" in exc.value.texte()  # the refusal names the commune


# ---------------------------------------------------------------- ML sites


def sites() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code_ml": ["ML31T", "ML31T", "ML09"],
            "type": ["siège", "antenne", "Siege"],
            "nom": ["Toulouse centre", "Toulouse — Mirail", "Foix"],
            "adresse": ["1 place du Capitole", "", "Mairie de Foix"],
            "commune": [TOULOUSE, TOULOUSE, FOIX],
            "latitude": ["43,6045", "43.5770", ""],
            "longitude": ["1,4440", "1.4050", ""],
        }
    )


def test_sites_replace_the_sites_and_one_without_coordinates_is_put_at_its_commune(base) -> None:
    res = T.importer_sites(base, csv(sites()), "sites.csv", "animateur")
    assert res.message == "3 sites (2 sièges, 1 antenne, 0 permanence)"
    assert "1 site(s) sans coordonnées placé(s) au centre de leur commune (lignes 4)." in res.avertissements
    assert any("sans aucun site" in a and "ML12" in a for a in res.avertissements)
    stored = _rows(base, "SELECT ml_code, type, nom, adresse, commune_code, lat, lon FROM ml_site ORDER BY id")
    assert stored[:2] == [
        ("ML31T", "siège", "Toulouse centre", "1 place du Capitole", TOULOUSE, 43.6045, 1.444),
        ("ML31T", "antenne", "Toulouse — Mirail", None, TOULOUSE, 43.577, 1.405),
    ]
    ml, kind, _, _, commune, lat, lon = stored[2]
    assert (ml, kind, commune) == ("ML09", "siège", FOIX)
    (geom,) = _rows(base, f"SELECT geometry FROM commune WHERE code = '{FOIX}'")[0]
    assert shapely.from_geojson(geom).contains(shapely.Point(lon, lat))  # inside Foix
    # the map draws the imported sites
    w = read_warehouse(base)
    fond = prepare_fond(w, communes_geometrie(base))
    assert list(fond.sites["nom"]) == ["Toulouse centre", "Toulouse — Mirail", "Foix"]
    assert list(fond.sites["adresse"]) == ["1 place du Capitole", "", "Mairie de Foix"]
    assert T.importer_sites(base, csv(sites()), "sites.csv", "animateur").change is False


REFUS_SITES = [
    ("mission locale inconnue", {"code_ml": "ML99"}, "Ligne 2, colonne code_ml : mission locale inconnue"),
    ("point hors de la région", {"latitude": "48.85", "longitude": "2.35"}, "point hors de la région (valeur"),
    (
        "latitude et longitude inversées",
        {"latitude": "1.4440", "longitude": "43.6045"},
        "point hors de la région : latitude et longitude inversées ?",
    ),
    (
        "point hors des communes de la mission locale",
        {"latitude": "42.9650", "longitude": "1.6050"},  # Foix, for ML31T
        "point hors des communes de la mission locale ML31T",
    ),
    ("ni adresse ni coordonnées", {"adresse": "", "latitude": "", "longitude": ""}, "ni adresse ni coordonnées"),
    ("type inconnu", {"type": "bureau"}, "type de site inconnu (attendu : siège, antenne, permanence)"),
    ("commune hors de la région", {"commune": "34172"}, "commune hors de la région (département 34)"),
]


@pytest.mark.parametrize(("cas", "valeurs", "attendu"), REFUS_SITES, ids=[c[0] for c in REFUS_SITES])
def test_a_bad_site_is_refused_with_its_line_and_changes_nothing(base, cas, valeurs, attendu) -> None:
    frame = sites()
    for col, v in valeurs.items():
        frame.loc[0, col] = v
    before = empreinte(base, DONNEES)
    with pytest.raises(ImportErrorFr) as exc:
        T.importer_sites(base, csv(frame), "sites.csv", "animateur")
    assert attendu in exc.value.texte(), exc.value.texte()
    assert empreinte(base, DONNEES) == before


def test_two_sieges_for_one_ml_are_refused(base) -> None:
    frame = sites()
    frame.loc[1, "type"] = "siège"
    with pytest.raises(ImportErrorFr) as exc:
        T.importer_sites(base, csv(frame), "sites.csv", "animateur")
    assert "mission locale ML31T avec 2 sièges (lignes 2, 3) : un seul attendu" in exc.value.texte()


# ---------------------------------------------------------------- QPV / ZRR


def test_qpv_zrr_flags_replace_every_commune(base) -> None:
    frame = pd.DataFrame({"commune": [TOULOUSE, "9122"], "qpv": ["oui", "non"], "zrr": ["non", "o"]})
    res = T.importer_qpv_zrr(base, csv(frame, ",", "latin-1"), "qpv.csv", "animateur")
    assert res.message == "1 communes avec un QPV, 1 en ZRR"
    assert "2942 commune(s) de la région absente(s) du fichier, comptée(s) hors QPV et hors ZRR." in res.avertissements
    assert _rows(base, "SELECT code, qpv, zrr FROM commune WHERE qpv = 1 OR zrr = 1 ORDER BY code") == [
        (FOIX, 0, 1),
        (TOULOUSE, 1, 0),
    ]
    w = read_warehouse(base)  # what the warehouse (and the demo generator) reads
    assert w.communes.set_index("code").loc[[TOULOUSE, FOIX], ["qpv", "zrr"]].astype(bool).values.tolist() == [
        [True, False],
        [False, True],
    ]


def test_qpv_zrr_refusals(base) -> None:
    frame = pd.DataFrame({"commune": [TOULOUSE, "9122", FOIX], "qpv": ["oui", "peut-être", "non"], "zrr": "non"})
    before = empreinte(base, DONNEES)
    with pytest.raises(ImportErrorFr) as exc:
        T.importer_qpv_zrr(base, csv(frame), "qpv.csv", "animateur")
    texte = exc.value.texte()
    assert "Ligne 3, colonne qpv : oui ou non attendu (valeur « peut-être »)" in texte
    assert "commune sur plusieurs lignes (lignes 3, 4)" in texte  # 9122 is Foix, its leading zero lost
    assert empreinte(base, DONNEES) == before


# ---------------------------------------------------------------- a commune that moves between two years


def _ml_totals(w, annee: int) -> pd.Series:  # noqa: ANN001 (a Warehouse)
    """First receptions of `annee` per ML, counted by the publication's own model (before protection)."""
    spec = Spec("premiers_accueils", str(annee), dt.date(annee, 1, 1), dt.date(annee, 12, 31), ("ml",), (), ())
    problem = build_problem(
        spec,
        build_territory(w, 2000, "73", "Midi-Pyrénées", annee=annee),
        records(w, "premiers_accueils", spec.start, spec.end, ()),
    )
    cells = problem.cells.assign(v=problem.matrix @ problem.inner)
    return cells[(cells["niveau"] == "ml") & (cells["dimension"] == "")].set_index("code")["v"]


def _colomiers_moves(base: Engine, tmp_path: Path) -> None:
    """Colomiers in ML31 in 2009, in ML31T in 2010, and young people of Colomiers both years."""
    T.importer_territoires(base, csv(deux_ans(base)), "territoires.csv", "animateur")
    # 4 young people of Colomiers first received in 2009 (ML31 then), 3 in 2010 (ML31T then)
    n = 7
    jeunes = pd.DataFrame(
        {
            "identifiant": [f"C{i}" for i in range(n)],
            "code_ml": ["ML31"] * 4 + ["ML31T"] * 3,
            "commune": COLOMIERS,
            "sexe": "F",
            "mois_naissance": "03/1990",
            "niveau": "V",
            "qpv": "non",
            "zrr": "non",
            "date_premier_accueil": ["15/03/2009"] * 4 + ["15/03/2010"] * 3,
            "indemnise": "non",
            "logement": "Chez les parents",
            "permis": "non",
            "vehicule": "non",
        }
    )
    ids = jeunes["identifiant"]
    contacts = pd.DataFrame({"identifiant": ids, "date": ["2009-03-16"] * 4 + ["2010-03-16"] * 3, "type": "entretien"})
    paths = extrait(
        base,
        tmp_path,
        jeunes=jeunes,
        contacts=contacts,
        dispositifs=pd.DataFrame({"identifiant": ["C0"], "dispositif": ["CIVIS"], "date_entree": ["2009-04-01"]}),
        situations=pd.DataFrame({"identifiant": ["C0"], "type": ["emploi"], "date_debut": ["2009-05-01"]}),
    )
    fichiers = [(paths[k].name, paths[k]) for k in ("jeunes", "contacts", "dispositifs", "situations")]
    res = charger_extrait(base, fichiers, "animateur")  # no warning: each young person is in the ML of the time
    assert res.statut == "chargé", res.texte()


def test_a_commune_moving_to_another_ml_keeps_each_years_figures_where_they_were(base, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OBSERVATOIRE_CLE_PSEUDONYMISATION", CLE_TEST)
    _colomiers_moves(base, tmp_path)
    w = read_warehouse(base)
    t2009, t2010 = _ml_totals(w, 2009), _ml_totals(w, 2010)
    assert (t2009["ML31"], t2009["ML31T"]) == (4, 0)
    assert (t2010["ML31"], t2010["ML31T"]) == (0, 3)
    # before the first year given, the first year's territory holds
    assert w.annee_territoire(2008) == 2009 and w.annee_territoire(2012) == 2010


def test_the_site_and_qpv_templates_pass_the_checks_on_the_demo_region(base) -> None:
    from lib.ingest.documentation import DOCS

    with base.connect() as conn:
        sites_ = T.verifier_sites(conn, DOCS / "modeles" / "sites_ml.csv", "sites_ml.csv")
        flags = T.verifier_qpv_zrr(conn, DOCS / "modeles" / "qpv_zrr.csv", "qpv_zrr.csv")
    assert sites_.lignes == 2 and flags.lignes == 2
    assert "1 site(s) sans coordonnées placé(s) au centre de leur commune (lignes 3)." in sites_.avertissements


def test_the_publication_puts_each_year_of_a_moved_commune_in_its_ml_of_that_year(base, tmp_path, monkeypatch) -> None:
    from lib.publication import build_publication

    monkeypatch.setenv("OBSERVATOIRE_CLE_PSEUDONYMISATION", CLE_TEST)
    _colomiers_moves(base, tmp_path)
    build_publication(base, data_version(base))
    cells = _rows(
        base,
        "SELECT DISTINCT periode, ml FROM publication_case WHERE population = 'premiers_accueils' "
        f"AND niveau = 'commune' AND code = '{COLOMIERS}' AND periode IN ('2009', '2010') ORDER BY periode",
    )
    assert cells == [("2009", "ML31"), ("2010", "ML31T")]
