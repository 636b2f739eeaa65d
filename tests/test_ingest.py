"""The monthly extract: formats, validation in French, anonymity, one version per load, all or nothing."""

from __future__ import annotations

import hashlib
import hmac
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, text

from lib.db.engine import data_version
from lib.ingest.extrait import charger_extrait
from lib.ingest.rapport import MAX_DETAILS
from tests.ingest_files import CLE_TEST, copie_de_base, extrait, liste
from tests.test_referentiels import empreinte


@pytest.fixture
def base(base_referentiels: Path, tmp_path: Path, monkeypatch) -> Engine:
    monkeypatch.setenv("OBSERVATOIRE_CLE_PSEUDONYMISATION", CLE_TEST)
    return copie_de_base(base_referentiels, tmp_path)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar())  # noqa: S608


def test_a_good_extract_is_one_new_version_with_pseudonyms(base, tmp_path) -> None:
    res = charger_extrait(base, liste(extrait(base, tmp_path)), "animateur")
    assert res.statut == "chargé", res.texte()
    assert res.version == 1 == data_version(base)
    assert [_count(base, t) for t in ("jeune", "contact", "dispositif", "situation", "enveloppe_cotraitance")] == [
        3,
        3,
        1,
        1,
        1,
    ]
    with base.connect() as conn:
        pseudos = set(conn.execute(text("SELECT pseudonyme FROM jeune")).scalars())
        mois = conn.execute(text("SELECT mois_extraction FROM version_donnees WHERE id = 1")).scalar()
        defm = conn.execute(text("SELECT DISTINCT mois FROM defm_jeunes")).scalars().all()
        audit = conn.execute(text("SELECT action, detail FROM audit_log")).all()
    expected = {hmac.new(CLE_TEST.encode(), f"IM{1000 + i}".encode(), hashlib.sha256).hexdigest() for i in range(3)}
    assert pseudos == expected  # the ML's identifier itself is nowhere in the warehouse
    assert str(mois) == "2010-03-01"  # deduced from the latest date (situation of 25 March 2010)
    assert [str(d) for d in defm] == ["2010-02-28"]  # a DEFM month is stored as its last day
    assert audit[-1][0] == "import" and "mars 2010" in audit[-1][1]
    assert "Extrait de mars 2010 chargé : version 1" in res.texte()


def test_the_same_files_twice_change_nothing_and_say_so(base, tmp_path) -> None:
    files = liste(extrait(base, tmp_path))
    charger_extrait(base, files, "animateur")
    before = empreinte(base)
    res = charger_extrait(base, files, "animateur")
    assert res.statut == "déjà chargé" and res.code_sortie == 0
    assert "déjà chargés (version 1)" in res.message
    assert empreinte(base) == before  # every table but the logs (the attempt is logged)
    assert data_version(base) == 1


def test_blocking_errors_load_nothing_and_name_file_line_column_value(base, tmp_path) -> None:
    paths = extrait(base, tmp_path)
    jeunes = pd.read_csv(paths["jeunes"], sep=";", dtype=str, keep_default_na=False)
    jeunes.loc[1, "commune"] = "99999"
    jeunes.loc[2, "date_premier_accueil"] = "15/03/2090"
    jeunes.loc[0, "mois_naissance"] = "2000-01"  # first reception at 10 years old
    contacts = pd.read_csv(paths["contacts"], sep=";", dtype=str)
    contacts.loc[len(contacts)] = ["IM9999", "2010-03-20", "entretien"]
    paths = extrait(base, tmp_path, jeunes=jeunes, contacts=contacts)
    before = empreinte(base)
    res = charger_extrait(base, liste(paths), "animateur")
    assert res.statut == "refusé" and res.code_sortie == 1
    texte = res.texte()
    assert "« jeunes.csv », ligne 3, colonne « commune » : valeur non reconnue" in texte and "« 99999 »" in texte
    assert (
        "« jeunes.csv », ligne 4, colonne « date_premier_accueil » : date dans le futur (valeur lue : « 15/03/2090 »)"
        in texte
    )
    assert "ligne 2, colonne « date_premier_accueil » : premier accueil avant l'âge de 15 ans" in texte
    assert (
        "« contacts.csv », ligne 5, colonne « identifiant » : "
        "jeune absent du fichier des jeunes (valeur lue : « IM9999 »)" in texte
    )
    assert "Traceback" not in texte and "Error" not in texte
    after = empreinte(base)
    assert {t: h for t, h in after.items() if t not in ("audit_log", "import_batch")} == {
        t: h for t, h in before.items() if t not in ("audit_log", "import_batch")
    }
    with base.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")).scalar() == "import refusé"


def test_duplicates_and_missing_event_files_are_refused(base, tmp_path) -> None:
    paths = extrait(base, tmp_path)
    jeunes = pd.read_csv(paths["jeunes"], sep=";", dtype=str, keep_default_na=False)
    jeunes.loc[2, "identifiant"] = "IM1000"
    paths = extrait(base, tmp_path, jeunes=jeunes)
    res = charger_extrait(base, liste(paths), "animateur")
    assert "ligne 2, colonne « identifiant » : identifiant présent sur plusieurs lignes" in res.texte()
    assert "ligne 4, colonne « identifiant »" in res.texte()
    res = charger_extrait(base, [(paths["jeunes"].name, paths["jeunes"])], "animateur")
    assert res.statut == "refusé"
    assert "manque : Contacts (entretiens, ateliers, informations), Entrées et sorties de dispositifs" in res.texte()


def test_warnings_must_be_accepted(base, tmp_path) -> None:
    paths = extrait(base, tmp_path)
    jeunes = pd.read_csv(paths["jeunes"], sep=";", dtype=str, keep_default_na=False)
    other_ml = jeunes.loc[1, "commune"]
    jeunes.loc[0, "commune"] = other_ml  # a commune of another ML's territory: plausible, worth a look
    paths = extrait(base, tmp_path, jeunes=jeunes)
    res = charger_extrait(base, liste(paths), "animateur")
    assert res.statut == "avertissements à accepter" and res.code_sortie == 1
    assert "ligne 2, colonne « commune » : commune hors du territoire de la mission locale" in res.texte()
    assert data_version(base) == 0
    res = charger_extrait(base, liste(paths), "animateur", accepter_avertissements=True)
    assert res.statut == "chargé" and data_version(base) == 1


def test_verifier_writes_nothing(base, tmp_path) -> None:
    before = empreinte(base, ("jeune", "version_donnees", "contact"))
    res = charger_extrait(base, liste(extrait(base, tmp_path)), "animateur", verifier_seulement=True)
    assert res.statut == "vérifié" and res.code_sortie == 0
    assert empreinte(base, ("jeune", "version_donnees", "contact")) == before


def test_the_report_lists_the_first_50_and_counts_all(base, tmp_path) -> None:
    paths = extrait(base, tmp_path)
    contacts = pd.DataFrame(
        {"identifiant": ["IM1000"] * 120, "date": ["32/13/2010"] * 120, "type": ["entretien"] * 120}
    )
    res = charger_extrait(base, liste(extrait(base, tmp_path, contacts=contacts)), "animateur")
    assert paths
    assert res.rapport.comptes[("erreur", "date illisible")] == 120
    assert len(res.rapport.premiers("erreur")) == MAX_DETAILS
    assert "  - date illisible : 120" in res.texte()


@pytest.mark.parametrize(
    ("colonne", "raison"),
    [
        ("nom", "colonne refusée : nom"),
        ("Prénom", "colonne refusée : prénom"),
        ("adresse_postale", "colonne refusée : adresse"),
        ("Téléphone", "colonne refusée : numéro de téléphone"),
        ("courriel", "colonne refusée : adresse électronique"),
        ("NIR", "colonne refusée : numéro de sécurité sociale (NIR)"),
        ("date_naissance", "colonne refusée : date de naissance exacte"),
    ],
)
def test_a_column_of_direct_identifiers_is_refused(base, tmp_path, colonne, raison) -> None:
    paths = extrait(base, tmp_path)
    jeunes = pd.read_csv(paths["jeunes"], sep=";", dtype=str, keep_default_na=False)
    jeunes[colonne] = "x"
    res = charger_extrait(base, liste(extrait(base, tmp_path, jeunes=jeunes)), "animateur")
    assert res.statut == "refusé"
    assert raison in res.texte()
    assert _count(base, "jeune") == 0


@pytest.mark.parametrize(
    ("valeur", "quoi"),
    [
        ("jean.dupont@example.org", "adresse électronique"),
        ("06 12 34 56 78", "numéro de téléphone"),
        ("1 90 03 31 555 123 45", "numéro de sécurité sociale (NIR)"),
    ],
)
def test_values_that_look_like_identifiers_are_refused_and_not_repeated(base, tmp_path, valeur, quoi) -> None:
    paths = extrait(base, tmp_path)
    disp = pd.read_csv(paths["dispositifs"], sep=";", dtype=str, keep_default_na=False)
    disp["date_sortie"] = "2010-03-30"
    disp["motif_sortie"] = valeur
    res = charger_extrait(base, liste(extrait(base, tmp_path, dispositifs=disp)), "animateur")
    assert res.statut == "refusé"
    assert f"colonne « motif_sortie » : valeur qui ressemble à un(e) {quoi}" in res.texte()
    assert valeur not in res.texte()


def test_an_exact_birth_date_is_refused(base, tmp_path) -> None:
    paths = extrait(base, tmp_path)
    jeunes = pd.read_csv(paths["jeunes"], sep=";", dtype=str, keep_default_na=False)
    jeunes.loc[0, "mois_naissance"] = "17/03/1990"
    res = charger_extrait(base, liste(extrait(base, tmp_path, jeunes=jeunes)), "animateur")
    assert "ligne 2, colonne « mois_naissance » : date de naissance exacte" in res.texte()
    assert "17/03/1990" not in res.texte()


def test_latin1_comma_csv_and_xlsx_are_read(base, tmp_path) -> None:
    paths = extrait(base, tmp_path)
    jeunes = pd.read_csv(paths["jeunes"], sep=";", dtype=str, keep_default_na=False)
    jeunes["logement"] = "Hébergé (famille, amis)"
    jeunes.to_csv(paths["jeunes"], sep=",", index=False, encoding="latin-1")
    wb = Workbook()
    ws = wb.active
    contacts = pd.read_csv(paths["contacts"], sep=";", dtype=str)
    ws.append(["Identifiant", "Date", "Type"])  # headers as typed in a spreadsheet
    for ident, _, kind in contacts.itertuples(index=False):
        ws.append([ident, pd.Timestamp("2010-03-16").to_pydatetime(), kind])
    xlsx = tmp_path / "contacts.xlsx"
    wb.save(xlsx)
    paths["contacts"] = xlsx
    res = charger_extrait(base, liste(paths), "animateur")
    assert res.statut == "chargé", res.texte()
    with base.connect() as conn:
        assert set(conn.execute(text("SELECT logement FROM jeune")).scalars()) == {"Hébergé (famille, amis)"}
        assert set(conn.execute(text("SELECT date FROM contact")).scalars()) == {"2010-03-16"}


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    return buf.getvalue()


def _truncated_xlsx() -> bytes:
    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(["identifiant", "date", "type"])
    wb.save(buf)
    return buf.getvalue()[:-300]


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("vide.csv", b"", "« vide.csv » est vide"),
        ("entete.csv", b"identifiant;date;type\n", "« entete.csv » ne contient que l'en-tête"),
        ("binaire.csv", bytes(range(256)) * 10, "« binaire.csv » n'est pas un fichier texte"),
        ("tronque.xlsx", _truncated_xlsx(), "« tronque.xlsx » n'est pas un classeur .xlsx lisible"),
        ("bombe.xlsx", _zip_bomb(), "« bombe.xlsx » est refusé : son contenu décompressé"),
        ("ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "classeur Excel ancien (.xls)"),
        ("gros.csv", b"identifiant;date;type\n" + b"IM1;2010-01-01;entretien\n" * 60_000, "la limite est de 1,0 Mo"),
    ],
)
def test_hostile_files_get_a_french_message(base, monkeypatch, nom, contenu, message) -> None:
    import lib.ingest.extrait as E
    from lib.config import ImportSettings, settings

    cfg = settings()
    monkeypatch.setattr(
        E, "settings", lambda: type(cfg)(**{**cfg.__dict__, "imports": ImportSettings(taille_max_mo=1)})
    )
    res = charger_extrait(base, [(nom, contenu)], "animateur")
    assert res.statut == "refusé" and res.code_sortie == 1
    assert message in res.texte()
    assert "Error" not in res.texte()


def test_a_broken_csv_line_is_named(base, tmp_path) -> None:
    paths = extrait(base, tmp_path)
    paths["contacts"].write_text(
        "identifiant;date;type\nIM1000;2010-03-16;entretien\nIM1001;2010-03-16;entretien;en trop\n"
    )
    res = charger_extrait(base, liste(paths), "animateur")
    assert res.statut == "refusé"
    assert "« contacts.csv » est illisible" in res.texte() and "Ligne 3 : 4 valeurs au lieu de 3" in res.texte()


def test_an_unknown_file_says_which_format_is_closest(base, tmp_path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("identifiant;date\nIM1;2010-01-01\n")
    res = charger_extrait(base, [(f.name, f)], "animateur")
    assert (
        "le plus proche est « Contacts (entretiens, ateliers, informations) », auquel il manque : type" in res.texte()
    )


def test_a_missing_key_refuses_the_load(base, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("OBSERVATOIRE_CLE_PSEUDONYMISATION")
    res = charger_extrait(base, liste(extrait(base, tmp_path)), "animateur")
    assert res.statut == "refusé"
    assert (
        "Clé de pseudonymisation absente : définissez la variable d'environnement OBSERVATOIRE_CLE_PSEUDONYMISATION"
        in res.texte()
    )


def test_docs_and_templates_are_those_of_the_declarations(tmp_path) -> None:
    from lib.ingest.documentation import DOCS, ecrire

    for written in ecrire(tmp_path):
        shipped = DOCS / written.relative_to(tmp_path)
        assert shipped.read_text(encoding="utf-8") == written.read_text(encoding="utf-8"), (
            f"{shipped} n'est plus à jour : python -m lib.ingest.documentation"
        )


def test_the_templates_load_without_blocking_error(base) -> None:
    from lib.ingest.documentation import DOCS
    from lib.ingest.formats import FORMATS

    files = [(f"{f.cle}.csv", DOCS / "modeles" / f"{f.cle}.csv") for f in FORMATS if f.cle != "cles"]
    res = charger_extrait(base, files, "animateur", verifier_seulement=True)
    assert res.rapport.erreurs == 0, res.texte()


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (b"indicateur;ml;trimestre;valeur\nmrs;ML09;2010-T1;3;4\n", "v.csv", "2 : 5 valeurs au lieu de 4"),
        ("indicateur;ml;trimestre;valeur\nmrs;Ariège;2010-T1;3\n".encode("cp1252"), "v.csv", None),
        (_truncated_xlsx(), "v.xlsx", "n'est pas un classeur .xlsx lisible"),
        (bytes(range(256)), "v.csv", "n'est pas un fichier texte"),
    ],
)
def test_the_partnership_import_reads_with_the_same_reader(contenu, nom, message) -> None:
    """Formerly "UnicodeDecodeError : 'charmap' codec…", "BadZipFile", "ParserError : Error tokenizing…"."""
    from lib.partenariat.entry import read_file

    frame, errors = read_file(contenu, nom)
    if message is None:  # Windows-1252 is read, not refused
        assert errors == [] and frame["ml"].tolist() == ["Ariège"]
        return
    assert frame is None and message in str(errors[0])
    assert not any(word in str(errors[0]) for word in ("Error", "codec", "BadZipFile"))


def test_restore_and_as_of_read_the_rows_of_each_version(base, tmp_path) -> None:
    from lib.indicators.data import read_warehouse
    from lib.ingest.versions import libelle_version, restaurer

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = charger_extrait(base, liste(extrait(base, tmp_path / "a")), "animateur")
    second = charger_extrait(base, liste(extrait(base, tmp_path / "b", n=5)), "animateur")
    assert (first.version, second.version) == (1, 2)
    assert len(read_warehouse(base).jeunes) == 5
    assert len(read_warehouse(base, version=1).jeunes) == 3  # "as of" version 1: its own rows, still there
    assert restaurer(base, 1, "chef") == 3
    w = read_warehouse(base)
    assert (w.version, len(w.jeunes), len(w.contacts)) == (3, 3, 3)
    assert len(read_warehouse(base, version=2).jeunes) == 5  # nothing was deleted
    label = libelle_version(base, 3)
    assert label.startswith("Données de l'extraction de mars 2010, chargée le ")
    assert "(remise en service le " in label and label.endswith("— version 3.")
    with base.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")).scalar() == "restauration"


def test_a_defm_file_alone_keeps_the_young_people_of_the_version_in_service(base, tmp_path) -> None:
    from lib.indicators.data import read_warehouse

    paths = extrait(base, tmp_path)
    charger_extrait(base, liste(paths), "animateur")
    defm = pd.read_csv(paths["defm"], sep=";", dtype=str)
    defm["mois"] = "03/2010"
    defm.to_csv(tmp_path / "defm_mars.csv", sep=";", index=False)
    res = charger_extrait(base, [("defm_mars.csv", tmp_path / "defm_mars.csv")], "animateur")
    assert res.statut == "chargé" and res.version == 2
    w = read_warehouse(base)
    assert len(w.jeunes) == 3 and {str(m.date()) for m in w.defm["mois"]} == {"2010-03-31"}


def test_the_command_line_exit_codes(base, tmp_path) -> None:
    import os
    import subprocess
    import sys

    paths = extrait(base, tmp_path)
    env = {**os.environ, "OBSERVATOIRE_DB_URL": str(base.url), "OBSERVATOIRE_CLE_PSEUDONYMISATION": CLE_TEST}
    root = Path(__file__).resolve().parent.parent

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "lib.ingest", *args], cwd=root, env=env, capture_output=True, text=True
        )

    files = [str(p) for p in paths.values()]
    checked = cli("extrait", *files, "--verifier")
    assert checked.returncode == 0 and "Vérification seulement : aucune erreur bloquante" in checked.stdout
    assert data_version(base) == 0
    loaded = cli("extrait", *files, "--mois", "2010-03")
    assert loaded.returncode == 0 and "Extrait de mars 2010 chargé : version 1 des données." in loaded.stdout
    # the monthly refresh ends with its publication ready for the comité, not at the first visitor
    assert "Publication de la version 1 prête." in loaded.stdout
    with base.connect() as conn:
        assert conn.execute(text("SELECT statut FROM publication_etat WHERE version = 1")).scalar() == "prête"
    again = cli("extrait", *files)
    assert again.returncode == 0 and "déjà chargés (version 1)" in again.stdout
    (tmp_path / "vide.csv").write_text("")
    refused = cli("extrait", str(tmp_path / "vide.csv"))
    assert refused.returncode == 1 and "« vide.csv » est vide" in refused.stdout and "Traceback" not in refused.stderr
    listed = cli("versions")
    assert listed.returncode == 0 and "*    1" in listed.stdout
    assert cli("restaurer", "9").returncode == 1
    defm = pd.read_csv(paths["defm"], sep=";", dtype=str).assign(mois="03/2010")
    defm.to_csv(tmp_path / "defm_mars.csv", sep=";", index=False)
    assert cli("extrait", str(tmp_path / "defm_mars.csv"), "--sans-publication").returncode == 0
    restored = cli("restaurer", "1")
    assert restored.returncode == 0 and "nouvelle version 3" in restored.stdout
    assert "Publication de la version 3 prête." in restored.stdout
    with base.connect() as conn:
        built = dict(conn.execute(text("SELECT version, statut FROM publication_etat")).all())
    assert built == {1: "prête", 3: "prête"}  # version 2 was loaded --sans-publication


def test_a_database_refusal_mid_load_is_said_in_french_and_changes_nothing(base, tmp_path, monkeypatch) -> None:
    import sqlite3 as sqlite

    from lib.ingest import ecriture

    calls = []

    def full_disk(conn, table, frame, colonnes) -> None:  # noqa: ANN001
        calls.append(table)
        if table == "contact":
            raise sqlite.OperationalError("database or disk is full")
        real(conn, table, frame, colonnes)

    real = ecriture.inserer
    monkeypatch.setattr(ecriture, "inserer", full_disk)
    before = empreinte(base)
    res = charger_extrait(base, liste(extrait(base, tmp_path)), "animateur")
    assert calls[:2] == ["jeune", "contact"]  # the young people were written, then the disk was full
    assert res.statut == "refusé" and "la base de données a refusé l'écriture ; rien n'a été modifié" in res.texte()
    assert "OperationalError" not in res.texte()
    assert empreinte(base) == before


def test_a_very_long_text_is_cut_with_a_warning_and_a_long_identifier_refused(base, tmp_path) -> None:
    from lib.ingest.formats import LONGUEUR_TEXTE

    paths = extrait(base, tmp_path)
    dispositifs = pd.read_csv(paths["dispositifs"], sep=";", dtype=str, keep_default_na=False)
    dispositifs.loc[0, "motif_sortie"] = "emploi durable " + "x" * 400
    paths = extrait(base, tmp_path, dispositifs=dispositifs)
    res = charger_extrait(base, liste(paths), "animateur")
    assert res.statut == "avertissements à accepter", res.texte()
    assert f"colonne « motif_sortie » : texte de plus de {LONGUEUR_TEXTE} caractères, coupé" in res.texte()
    res = charger_extrait(base, liste(paths), "animateur", accepter_avertissements=True)
    assert res.statut == "chargé"
    with base.connect() as conn:
        stored = conn.execute(text("SELECT motif_sortie FROM dispositif")).scalars().all()
    assert [len(m) for m in stored if m] == [LONGUEUR_TEXTE] and stored[0].startswith("emploi durable x")

    (tmp_path / "b").mkdir()
    jeunes = pd.read_csv(paths["jeunes"], sep=";", dtype=str, keep_default_na=False)
    jeunes.loc[0, "identifiant"] = "9" * 65
    res = charger_extrait(base, liste(extrait(base, tmp_path / "b", jeunes=jeunes)), "animateur")
    assert res.statut == "refusé" and "identifiant de plus de 64 caractères" in res.texte()
    assert data_version(base) == 1  # the first load stays, untouched
