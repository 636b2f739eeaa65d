"""partenariat.toml: the shipped catalogue, and a clear French error for every kind of mistake."""

from __future__ import annotations

import pytest

from lib.demo.seed_figures import ENVELOPPE_2010, SEED_MLS
from lib.partenariat.catalogue import CATALOGUE_PATH, CatalogueError, load_catalogue, parse_catalogue

VALID = """
[[indicateur]]
code = "reunions"
libelle = "Réunions"
definition = "Réunions tenues."
unite = "nombre"
frequence = "trimestrielle"
cible = 1
sens = "hausse"
compte_jeunes = false
motif_public = "compte des réunions"
"""


def test_shipped_catalogue_loads_and_covers_the_convention() -> None:
    cat = load_catalogue(CATALOGUE_PATH)
    expected = {
        "diagnostic_partage",
        "agents_dedies",
        "rencontres_agents_dedies",
        "rencontres_animateurs",
        "immersions_croisees",
        "immersions_pfv",
        "mrs_evaluations",
        "mrs_reussies",
        "mises_en_relation",
        "offres_transmises",
        "offres_deleguees",
        "actions_employeurs",
        "contrats_alternance",
        "contrats_aides",
        "entrees_cotraitance",
    }
    assert expected <= set(cat.codes)
    assert cat.seuil_proche == pytest.approx(0.9)
    assert cat["rencontres_animateurs"].trimestres_dus == (2, 4)  # every 6 months (art. 5)
    assert cat["rencontres_agents_dedies"].frequence == "trimestrielle"
    assert any(i.sens == "baisse" for i in cat)


def test_shipped_catalogue_declares_who_counts_young_people() -> None:
    cat = load_catalogue()
    people = {i.code for i in cat if i.compte_jeunes}
    assert {"mrs_evaluations", "mrs_reussies", "mises_en_relation", "entrees_cotraitance"} <= people
    assert not people & {"agents_dedies", "rencontres_agents_dedies", "rencontres_animateurs", "offres_transmises"}
    for ind in cat:
        if not ind.compte_jeunes:
            assert ind.motif_public  # stated in the catalogue why it is shown as is


def test_shipped_targets_match_the_seed() -> None:
    cat = load_catalogue()
    mls = [m.code for m in SEED_MLS]
    assert set().union(*(i.cibles_ml for i in cat)) <= set(mls)
    assert cat["agents_dedies"].cible_de_region(mls) == 12  # 12 agents seconded (art. 5)
    # quarterly co-traitance targets: the 2010 envelope over four quarters, rounded per ML
    assert abs(cat["entrees_cotraitance"].cible_de_region(mls) - ENVELOPPE_2010 / 4) <= len(mls) / 2
    assert cat["delai_premier_entretien"].cible_de_region(mls) == 5  # days: averaged, not summed


def test_valid_minimal_catalogue() -> None:
    cat = parse_catalogue(VALID)
    ind = cat["reunions"]
    assert (ind.unite, ind.frequence, ind.sens, ind.cible, ind.compte_jeunes) == (
        "nombre",
        "trimestrielle",
        "hausse",
        1.0,
        False,
    )


def _without(field: str) -> str:
    return "\n".join(line for line in VALID.splitlines() if not line.startswith(f"{field} ="))


@pytest.mark.parametrize(
    "field", ["libelle", "definition", "unite", "frequence", "cible", "sens", "compte_jeunes", "motif_public"]
)
def test_missing_field_names_indicator_and_field(field: str) -> None:
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(_without(field))
    msg = str(err.value)
    assert "indicateur n° 1 « reunions »" in msg
    assert f"champ « {field} »" in msg


def test_missing_code_names_position() -> None:
    with pytest.raises(CatalogueError, match=r"indicateur n° 1, champ « code » : champ obligatoire manquant"):
        parse_catalogue(_without("code"))


@pytest.mark.parametrize(
    ("line", "replacement", "field", "words"),
    [
        ('unite = "nombre"', 'unite = "nb"', "unite", "'nb' inconnue"),
        ('sens = "hausse"', 'sens = "monte"', "sens", "hausse ou baisse"),
        ('frequence = "trimestrielle"', 'frequence = "mensuelle"', "frequence", "inconnue"),
        ("compte_jeunes = false", 'compte_jeunes = "non"', "compte_jeunes", "true ou false"),
        ("cible = 1", 'cible = "un"', "cible", "attendu : un nombre"),
        ("cible = 1", "cible = -3", "cible", "hors des bornes"),
        ('code = "reunions"', 'code = "Réunions !"', "code", "invalide"),
        ('libelle = "Réunions"', 'libelle = "  "', "libelle", "texte vide"),
    ],
)
def test_bad_values_are_named(line: str, replacement: str, field: str, words: str) -> None:
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(VALID.replace(line, replacement))
    assert f"champ « {field} »" in str(err.value)
    assert words in str(err.value)


def test_duplicate_code_names_both_positions() -> None:
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(VALID + VALID)
    msg = str(err.value)
    assert "indicateur n° 2 « reunions »" in msg and "champ « code »" in msg and "n° 1" in msg


def test_people_count_must_be_a_count_and_public_needs_a_reason() -> None:
    with pytest.raises(CatalogueError, match="compte_jeunes.*unité « nombre »"):
        parse_catalogue(VALID.replace("compte_jeunes = false", "compte_jeunes = true").replace('"nombre"', '"jours"'))
    with pytest.raises(CatalogueError, match="motif_public"):
        parse_catalogue(VALID.replace('motif_public = "compte des réunions"', 'motif_public = ""'))


def test_other_mistakes() -> None:
    with pytest.raises(CatalogueError, match="champ « cibel » : champ inconnu"):
        parse_catalogue(VALID + "cibel = 3\n")
    with pytest.raises(CatalogueError, match="n'est pas un fichier TOML valide"):
        parse_catalogue(VALID + "cible = = 3\n")
    with pytest.raises(CatalogueError, match="cibles_ml.ML09.*hors des bornes"):
        parse_catalogue(VALID.replace("cible = 1", "cible = 1\ncibles_ml = { ML09 = -1 }"))
    with pytest.raises(CatalogueError, match="seuil_proche"):
        parse_catalogue("[reglages]\nseuil_proche = 1.5\n" + VALID)
    with pytest.raises(CatalogueError, match="aucun indicateur"):
        parse_catalogue("[reglages]\nseuil_proche = 0.8\n")
    with pytest.raises(CatalogueError, match="oui/non"):
        parse_catalogue(VALID.replace('"nombre"', '"oui_non"').replace("cible = 1", "cible = 0.5"))


def test_missing_file(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(CatalogueError, match="introuvable"):
        load_catalogue(tmp_path / "absent.toml")


def test_region_target_and_ml_override() -> None:
    cat = parse_catalogue(VALID.replace("cible = 1", "cible = 2\ncibles_ml = { ML31 = 5 }"))
    ind = cat["reunions"]
    assert ind.cible_ml("ML31") == 5 and ind.cible_ml("ML09") == 2
    assert ind.cible_de_region(["ML09", "ML31"]) == 7
    cat = parse_catalogue(VALID.replace("cible = 1", "cible = 2\ncible_region = 3"))
    assert cat["reunions"].cible_de_region(["ML09", "ML31"]) == 3


def test_an_edited_catalogue_is_read_again_without_restart(tmp_path) -> None:  # noqa: ANN001
    import os

    from lib.partenariat.catalogue import catalogue

    path = tmp_path / "partenariat.toml"
    path.write_text(VALID, encoding="utf-8")
    first = catalogue(path)
    assert catalogue(path) is first  # cached while the file is unchanged
    path.write_text(VALID + VALID.replace('"reunions"', '"forums"'), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert catalogue(path).codes == ("reunions", "forums")
