"""Renderers of the import page: the validation report, the templates, the versions of the data.

None of this counts people: the report lists places in files, the version list says what
was loaded when. Values read in a file are shown in a table cell (text, never markup).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.format import entier, horodatage
from lib.ingest.extrait import Resultat
from lib.ingest.formats import FORMATS
from lib.ingest.rapport import Rapport
from lib.ingest.versions import Version, libelle_mois
from lib.secret import declare_public
from lib.ui import render

RAISON = "rapport d'import : lieux de problèmes dans des fichiers, ne compte aucune personne"
RAISON_VERSIONS = "liste des chargements : elle ne dénombre aucun jeune, le secret statistique ne s'y applique pas"


def resultat(res: Resultat) -> None:
    """The outcome in one sentence, then the report."""
    show = {"chargé": st.success, "déjà chargé": st.info, "vérifié": st.success}.get(res.statut, st.error)
    if res.statut == "avertissements à accepter":
        show = st.warning
    show(res.message)
    if res.fichiers:
        st.markdown("\n".join(f"- {f.nom} : {_titre(f.format)}, {entier(f.lignes)} lignes" for f in res.fichiers))
    rapport(res.rapport)


def _titre(cle: str) -> str:
    return next(f.titre for f in FORMATS if f.cle == cle)


def rapport(r: Rapport) -> None:
    for gravite, titre in (("erreur", "Erreurs bloquantes"), ("avertissement", "Avertissements")):
        kinds = r.par_genre(gravite)
        if not kinds:
            continue
        comptes = pd.DataFrame(kinds, columns=["problème", "lignes"])
        render.table(
            declare_public(comptes, ["problème"], ["lignes"], RAISON), f"{titre} par sorte", key=f"imp-{gravite}-n"
        )
        details = pd.DataFrame(
            [
                {
                    "fichier": c.fichier or "",
                    "ligne": "" if c.ligne is None else str(c.ligne),
                    "colonne": c.colonne or "",
                    "valeur lue": c.valeur or "",
                    "problème": c.message,
                    "n": 1,
                }
                for c in r.premiers(gravite)
            ]
        )
        shown = declare_public(details, ["fichier", "ligne", "colonne", "valeur lue", "problème"], ["n"], RAISON)
        render.table(shown, f"{titre} : les {len(details)} premiers", key=f"imp-{gravite}-detail")


def modeles() -> None:
    """One download button per format: the template of docs/modeles/."""
    cols = st.columns(4)
    for i, fmt in enumerate(FORMATS):
        with cols[i % 4]:
            modele(f"Modèle : {fmt.titre.split(' (')[0]}", fmt.modele_csv(), fmt.cle)


def modele(label: str, csv: str, cle: str) -> None:
    """The download button of one blank template (header and example lines, no figure)."""
    st.download_button(
        label,
        csv.encode("utf-8"),
        file_name=f"{cle}.csv",
        mime="text/csv",
        key=f"modele-{cle}",
        on_click="ignore",  # a blank form: no rerun, so quick clicks in a row all get their file
    )


def versions_table(versions: list[Version], courante: int) -> None:
    frame = pd.DataFrame(
        [
            {
                "version": str(v.id),
                "en service": "oui" if v.id == courante else "",
                "chargée le": horodatage(v.charge_le),
                "nature": v.libelle_nature + (f" de la version {v.restaure_depuis}" if v.restaure_depuis else ""),
                "mois d'extraction": libelle_mois(v.mois_extraction) if v.mois_extraction else "",
                "par": v.utilisateur,
                "contenu": v.resume,
                # names and lines; the files' fingerprints are in `python -m lib.ingest versions`
                "fichiers": ", ".join(f"{f['nom']} ({entier(int(f['lignes']))} lignes)" for f in v.fichiers),
                "lignes": sum(int(f["lignes"]) for f in v.fichiers),
            }
            for v in versions
        ]
    )
    if frame.empty:
        st.info("Aucune version des données n'est encore chargée.")
        return
    dims = ["version", "en service", "chargée le", "nature", "mois d'extraction", "par", "contenu", "fichiers"]
    shown = declare_public(frame, dims, ["lignes"], RAISON_VERSIONS)
    render.table(shown, "Chargements successifs", key="imp-versions", wrap=True)  # long lists of files
