"""docs/formats.md and docs/modeles/*.csv, written from the declarations of lib.ingest.formats.

    python -m lib.ingest.documentation

A test checks that the shipped files are those this module writes: the documentation
cannot drift from what the importer accepts.
"""

from __future__ import annotations

from pathlib import Path

from lib.config import ROOT
from lib.ingest.formats import FORMATS, Format
from lib.ingest.territoires import FORMATS_TERRITOIRES

DOCS = ROOT / "docs"
TYPES = {
    "texte": "texte",
    "code": "code",
    "date": "date JJ/MM/AAAA ou AAAA-MM-JJ",
    "mois": "mois MM/AAAA ou AAAA-MM",
    "entier": "nombre entier",
    "decimal": "nombre décimal",
    "booleen": "oui / non",
}
INTRO = """# Formats des fichiers importés

Fichiers de l'extrait mensuel de l'entrepôt régional, chargés par la page **Imports** ou par
la ligne de commande :

```bash
python -m lib.ingest extrait jeunes.csv contacts.csv dispositifs.csv situations.csv [defm.csv cles.csv enveloppe.csv] \\
    [--mois AAAA-MM] [--verifier] [--accepter-avertissements]
python -m lib.ingest versions          # liste des versions des données
python -m lib.ingest restaurer N       # remet en service la version N
```

Code de sortie : 0 si l'extrait est chargé (ou l'était déjà, ou, avec `--verifier`, ne contient
aucune erreur bloquante), 1 s'il est refusé. Le rapport en français est écrit sur la sortie standard.

## Règles communes

- **CSV** (séparateur `;`, `,` ou tabulation ; encodage UTF-8, Windows-1252 ou Latin-1 : détectés)
  ou **XLSX** (première feuille). Première ligne : l'en-tête. Les noms de colonnes ne tiennent compte
  ni des majuscules, ni des accents, ni des espaces (`Date premier accueil` = `date_premier_accueil`).
- Dates : `JJ/MM/AAAA` ou `AAAA-MM-JJ` ; mois : `MM/AAAA` ou `AAAA-MM`. Aucune date dans le futur,
  aucune date avant 1990 (naissance : avant 1950).
- Chaque fichier est reconnu par ses colonnes, quel que soit son nom. Une colonne inconnue est ignorée
  (avertissement). Taille maximale d'un fichier : réglage `taille_max_mo` de la section `[import]`
  de `config.toml` (500 Mo par défaut).
- Les **jeunes** et leurs **événements** (contacts, dispositifs, situations) se chargent ensemble :
  chaque événement doit désigner un jeune du fichier des jeunes. Les DEFM jeunes, les clés et
  l'enveloppe peuvent se charger seuls : les autres données restent celles de la version en service.
- **Anonymat** : un fichier est refusé s'il a une colonne de nom, prénom, adresse, téléphone,
  courriel, numéro de sécurité sociale (NIR) ou date de naissance exacte, ou si des valeurs
  ressemblent à une adresse électronique, à un numéro de téléphone ou à un NIR. L'identifiant du
  jeune est remplacé à l'entrée par un pseudonyme (HMAC-SHA256 sous la clé secrète de l'entrepôt,
  variable d'environnement `OBSERVATOIRE_CLE_PSEUDONYMISATION` ou `cle_pseudonymisation` dans
  `.streamlit/secrets.toml`) : l'entrepôt ne garde jamais l'identifiant de la mission locale.
- **Erreurs bloquantes** (rien n'est chargé) : colonne obligatoire absente, valeur manquante ou
  illisible, code inconnu (commune, mission locale, dispositif…), date invraisemblable, doublon,
  événement d'un jeune absent, premier accueil avant 15 ans, sortie avant l'entrée, clés d'une
  année ne totalisant pas 1. **Avertissements** (chargement seulement s'ils sont acceptés) :
  premier accueil à 26 ans ou plus, commune hors du territoire de la mission locale, étapes de
  co-traitance dans le désordre, texte trop long (coupé à 200 caractères), colonne inconnue.
  Le rapport donne fichier, ligne, colonne et valeur des 50 premiers problèmes de chaque sorte,
  et le nombre de chacune.
- Chaque chargement crée une **version** des données (mois d'extraction, fichiers, empreintes
  SHA-256, nombres de lignes, auteur, date) ; les versions antérieures restent consultables et
  restaurables. Recharger les mêmes fichiers ne change rien.
"""


def _section(fmt: Format) -> str:
    lines = [
        f"## {fmt.titre} (`{fmt.cle}`)",
        "",
        fmt.description + f" Modèle : [`docs/modeles/{fmt.cle}.csv`](modeles/{fmt.cle}.csv).",
        "",
        "| colonne | type | obligatoire | description |",
        "|---|---|---|---|",
    ]
    for c in fmt.colonnes:
        oblig = "oui" if c.obligatoire else ("non" if c.requise else "non (colonne facultative)")
        lines.append(f"| `{c.nom}` | {TYPES[c.type]} | {oblig} | {c.description} |")
    if fmt.unique:
        lines += ["", "Une seule ligne par " + ", ".join(f"`{u}`" for u in fmt.unique) + "."]
    return "\n".join(lines) + "\n"


def _partenariat() -> str:
    from lib.partenariat.entry import DESCRIPTION_COLONNES

    lines = [
        "## Indicateurs de partenariat (`partenariat`)",
        "",
        "Valeurs trimestrielles des indicateurs du partenariat ML ↔ France Travail, importées par la page "
        "**Partenariat** (onglet « Saisie et import ») : une ligne par indicateur, mission locale et trimestre. "
        "CSV (`;` ou `,`, UTF-8 ou Latin-1) ou XLSX ; le fichier est vérifié en entier et rien n'est enregistré "
        "s'il contient une erreur. Modèle : [`docs/modeles/partenariat.csv`](modeles/partenariat.csv).",
        "",
        "| colonne | description |",
        "|---|---|",
    ]
    lines += [f"| `{c}` | {d} |" for c, d in DESCRIPTION_COLONNES.items()]
    return "\n".join(lines) + "\n"


TERRITOIRES = """# Territoires : missions locales, sites, QPV et ZRR

Fichiers du territoire de la région, importés par la page **Référentiels** (onglets « Territoires des
missions locales », « Sites », « QPV et ZRR ») ; les zones d'emploi (table de l'Insee) et les contours
des communes s'importent sur la même page. Mêmes règles de lecture que l'extrait (CSV `;` ou `,`,
UTF-8 ou Latin-1, ou XLSX ; en-têtes sans égard aux majuscules ni aux accents). Les codes sont vérifiés
contre le référentiel des communes de la région (`region_code` de `config.toml`) : une commune inconnue
ou hors de la région, une commune donnée à deux missions locales la même année, une commune de la région
sans mission locale, un code de mission locale inconnu dans les sites, un point hors de la région ou des
communes de sa mission locale refusent le fichier, avec fichier, ligne, colonne et valeur de chaque
problème. Rien n'est enregistré si un seul problème est trouvé ; un fichier accepté crée une version des
données et une ligne du journal ; réimporter le même contenu ne change rien.
"""


def formats_markdown() -> str:
    return (
        INTRO
        + "\n"
        + "\n".join([*(_section(f) for f in FORMATS), _partenariat()])
        + "\n"
        + TERRITOIRES
        + "\n"
        + "\n".join(_section(f) for f in FORMATS_TERRITOIRES)
    )


def ecrire(docs: Path = DOCS) -> list[Path]:
    (docs / "modeles").mkdir(parents=True, exist_ok=True)
    out = [docs / "formats.md"]
    out[0].write_text(formats_markdown(), encoding="utf-8")
    for fmt in (*FORMATS, *FORMATS_TERRITOIRES):
        path = docs / "modeles" / f"{fmt.cle}.csv"
        path.write_text(fmt.modele_csv(), encoding="utf-8")
        out.append(path)
    from lib.partenariat.entry import MODELE_CSV

    out.append(docs / "modeles" / "partenariat.csv")
    out[-1].write_text(MODELE_CSV, encoding="utf-8")
    return out


if __name__ == "__main__":
    for p in ecrire():
        print(p.relative_to(ROOT))
