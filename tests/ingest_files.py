"""A small monthly extract written by hand, in the formats of docs/formats.md, for the importer tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, text

CLE_TEST = "0123456789abcdef" * 4  # the pseudonymisation key of the tests (64 characters)


def territoire(engine: Engine) -> dict[str, list[str]]:
    """Two communes of each ML of the database (the demo region's real communes)."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT ml_code, commune_code FROM ml_commune ORDER BY ml_code, commune_code")).all()
    out: dict[str, list[str]] = {}
    for ml, com in rows:
        out.setdefault(ml, [])
        if len(out[ml]) < 2:
            out[ml].append(com)
    return out


def extrait(engine: Engine, folder: Path, n: int = 3, **changes: pd.DataFrame) -> dict[str, Path]:
    """Files jeunes/contacts/dispositifs/situations/defm/cles/enveloppe; `changes` replaces a frame."""
    terr = territoire(engine)
    mls = sorted(terr)
    ml = [mls[i % len(mls)] for i in range(n)]
    frames = {
        "jeunes": pd.DataFrame(
            {
                "identifiant": [f"IM{1000 + i}" for i in range(n)],
                "code_ml": ml,
                "commune": [terr[m][0] for m in ml],
                "sexe": ["F" if i % 2 else "H" for i in range(n)],
                "mois_naissance": ["03/1990"] * n,
                "niveau": ["V"] * n,
                "qpv": ["non"] * n,
                "zrr": ["oui"] * n,
                "date_premier_accueil": ["15/03/2010"] * n,
                "indemnise": ["non"] * n,
                "logement": ["Chez les parents"] * n,
                "permis": ["oui"] * n,
                "vehicule": ["non"] * n,
            }
        ),
        "contacts": pd.DataFrame(
            {"identifiant": [f"IM{1000 + i}" for i in range(n)], "date": ["2010-03-16"] * n, "type": ["entretien"] * n}
        ),
        "dispositifs": pd.DataFrame(
            {
                "identifiant": ["IM1000"],
                "dispositif": ["PPAE"],
                "date_entree": ["2010-03-17"],
                "date_sortie": [""],
                "date_affectation": ["2010-03-17"],
                "date_acceptation": ["2010-03-18"],
                "date_initialisation": ["2010-03-19"],
                "date_premier_entretien": ["2010-03-22"],
                "etat": ["accompagnement actif"],
            }
        ),
        "situations": pd.DataFrame(
            {
                "identifiant": ["IM1001"],
                "type": ["emploi"],
                "contrat": ["CDD"],
                "date_debut": ["2010-03-25"],
                "date_fin": [""],
            }
        ),
        "defm": pd.DataFrame({"code_ml": mls, "mois": "02/2010", "effectif": range(100, 100 + len(mls))}),
        "cles": pd.DataFrame({"code_ml": mls, "annee": 2010, "cle": [1 / len(mls)] * len(mls)}),
        "enveloppe": pd.DataFrame({"annee": [2010], "enveloppe": [5787]}),
    }
    frames.update(changes)
    paths = {}
    for name, frame in frames.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, sep=";", index=False)
        paths[name] = path
    return paths


def liste(paths: dict[str, Path]) -> list[tuple[str, Path]]:
    return [(p.name, p) for p in paths.values()]


def copie_de_base(path: Path, folder: Path):  # noqa: ANN201 (a SQLAlchemy Engine)
    """A copy of the SQLite database `path` in `folder`, for one test to change."""
    import sqlite3

    from lib.db.engine import make_engine

    src, dst = sqlite3.connect(path), sqlite3.connect(folder / "base.db")
    src.backup(dst)
    src.close()
    dst.close()
    return make_engine(f"sqlite:///{folder / 'base.db'}")
