"""Anonymous by construction: direct identifiers are refused, the ML's identifier is re-hashed.

A file is refused, with the reason, when a column is named like a direct identifier
(name, first name, address, phone, e-mail, social security number, exact birth date)
or when values of a column look like one (e-mail, French phone number, NIR). The
young person's identifier is replaced on entry by HMAC-SHA256 under the warehouse's
secret key: the warehouse never holds the MLs' own identifiers, and without the key
nobody can recompute a pseudonym from an identifier.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

from lib.ingest.errors import ImportErrorFr

VARIABLE_CLE = "OBSERVATOIRE_CLE_PSEUDONYMISATION"
SECRET_CLE = "cle_pseudonymisation"  # key in .streamlit/secrets.toml
CLE_MIN = 32  # characters: a short key could be found by trying

# Normalised column names (lib.ingest.lecture.normaliser) of direct identifiers, by the words they hold.
MOTS_INTERDITS = {
    "nom": "nom",
    "noms": "nom",
    "prenom": "prénom",
    "prenoms": "prénom",
    "adresse": "adresse",
    "rue": "adresse",
    "voie": "adresse",
    "telephone": "numéro de téléphone",
    "tel": "numéro de téléphone",
    "portable": "numéro de téléphone",
    "courriel": "adresse électronique",
    "email": "adresse électronique",
    "mail": "adresse électronique",
    "nir": "numéro de sécurité sociale (NIR)",
    "secu": "numéro de sécurité sociale (NIR)",
    "securite": "numéro de sécurité sociale (NIR)",
}
NAISSANCE_EXACTE = re.compile(r"^(date_(de_)?)?naissance$|^(date_)?nais(s)?$|^ddn$")

MOTIFS_VALEURS = {
    "adresse électronique": re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"),
    "numéro de téléphone": re.compile(r"^(?:\+33\s?|0033\s?|0)[1-9](?:[\s.\-]?\d{2}){4}$"),
    "numéro de sécurité sociale (NIR)": re.compile(
        r"^[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?$"
    ),
}


def colonnes_interdites(entete: list[str]) -> list[tuple[str, str]]:
    """(column, what it is) for every column named like a direct identifier."""
    found = []
    for col in entete:
        mots = col.split("_")
        if NAISSANCE_EXACTE.match(col):
            found.append((col, "date de naissance exacte"))
            continue
        for mot in mots:
            if mot in MOTS_INTERDITS:
                found.append((col, MOTS_INTERDITS[mot]))
                break
    return found


def valeurs_interdites(serie: pd.Series) -> tuple[str, np.ndarray] | None:
    """(what, positions) of the first kind of direct identifier the values of `serie` look like."""
    codes, uniques = pd.factorize(serie.astype(str))  # most columns repeat few values: each tested once
    candidates = pd.Series(uniques, dtype=object)
    # cheap vectorised filters first: an e-mail has an "@", a phone number or a NIR 10 characters or more
    arobase = candidates.str.contains("@", regex=False).to_numpy()
    longs = (candidates.str.len() >= 10).to_numpy()
    for quoi, motif in MOTIFS_VALEURS.items():
        keep = arobase if quoi == "adresse électronique" else longs
        if not keep.any():
            continue
        hit = np.zeros(len(candidates), dtype=bool)
        hit[keep] = candidates[keep].str.contains(motif, na=False).to_numpy()
        if hit.any():
            return quoi, np.flatnonzero(hit[codes])
    return None


def cle_pseudonymisation(fichier_demo: Path | None = None) -> bytes:
    """The secret key: environment, then .streamlit/secrets.toml; for the demo only, a key file
    generated once under data/ (never in the repository: .gitignore). Raises ImportErrorFr if absent."""
    cle = os.environ.get(VARIABLE_CLE) or _secret_streamlit()
    if not cle and fichier_demo is not None:
        if not fichier_demo.exists():
            fichier_demo.parent.mkdir(parents=True, exist_ok=True)
            fichier_demo.write_text(secrets.token_hex(32), encoding="ascii")
            fichier_demo.chmod(0o600)
        cle = fichier_demo.read_text(encoding="ascii").strip()
    if not cle:
        raise ImportErrorFr(
            "Clé de pseudonymisation absente : définissez la variable d'environnement "
            f"{VARIABLE_CLE} ou « {SECRET_CLE} » dans .streamlit/secrets.toml (au moins {CLE_MIN} caractères, "
            "par exemple produite par « python -c 'import secrets; print(secrets.token_hex(32))' »). "
            "Gardez-la : la même clé donne le même pseudonyme au même jeune d'un mois à l'autre."
        )
    if len(cle) < CLE_MIN:
        raise ImportErrorFr(f"Clé de pseudonymisation trop courte : au moins {CLE_MIN} caractères sont requis.")
    return cle.encode("utf-8")


def _secret_streamlit() -> str:
    try:
        import streamlit as st

        return str(st.secrets.get(SECRET_CLE, ""))
    except Exception:  # noqa: BLE001 (no secrets file: the environment is the only source)
        return ""


def pseudonymes(identifiants: pd.Series, cle: bytes) -> np.ndarray:
    """HMAC-SHA256 (hex) of each identifier; hmac.digest is OpenSSL's one-shot path (3x the hmac object's speed)."""
    return np.fromiter(
        (hmac.digest(cle, x.encode("utf-8"), "sha256").hex() for x in identifiants.astype(str).tolist()),
        dtype=object,
        count=len(identifiants),
    )
