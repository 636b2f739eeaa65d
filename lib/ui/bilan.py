"""The bilan page's renderers: the choice of period and territory, the texts, the generation."""

from __future__ import annotations

import streamlit as st

from lib.bilan.build import BilanError, generate
from lib.bilan.content import SECTIONS, titre_bilan
from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope
from lib.ui import acces
from lib.ui.downloads import MIME, log_export

MIME_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def section_texts() -> dict[str, str]:
    """One optional text per section, typed by the animateur before generating."""
    st.markdown("**Textes de l'animateur** (facultatifs) : ils s'affichent en tête de la section.")
    texts = {}
    with st.expander("Ajouter un texte à une section"):
        for code, titre in SECTIONS.items():
            texts[code] = st.text_area(titre, key=f"bilan_texte_{code}", max_chars=1500, height=80)
    return {k: v for k, v in texts.items() if v.strip()}


def generate_panel(w: Warehouse, period: Period, scope: Scope, territoire: str, texts: dict[str, str]) -> None:
    """Two buttons (PDF, PPTX); the document is built with a progress bar, then offered for download
    (to a role that may export: a bilan is a file)."""
    if not acces.exports_allowed():
        st.info("Le bilan est un fichier à télécharger : votre rôle ne permet pas de télécharger (habilitations).")
        return
    c1, c2 = st.columns(2)
    fmt = "pdf" if c1.button("Générer le PDF", type="primary", key="bilan_pdf") else None
    fmt = "pptx" if c2.button("Générer le PowerPoint", key="bilan_pptx") else fmt
    if fmt is not None:
        bar = st.progress(0.0, text="Préparation du bilan…")
        try:
            data = generate(w, period, scope, fmt, texts, progress=lambda f, m: bar.progress(min(f, 1.0), text=m))
        except BilanError as exc:
            bar.empty()
            st.error(f"Bilan impossible : {exc}.")
            return
        bar.empty()
        st.session_state["bilan_fichier"] = (fmt, data, f"{titre_bilan(period)} — {territoire}")
    ready = st.session_state.get("bilan_fichier")
    if ready:
        fmt, data, title = ready
        name = title.lower().replace(" — ", "_").replace(" ", "_").replace("'", "")
        st.success(f"{title} : {fmt.upper()} prêt ({len(data) // 1024} Ko).")
        st.download_button(
            f"Télécharger le {fmt.upper()}",
            data,
            f"{name}.{fmt}",
            MIME.get(fmt, MIME_PPTX),
            key="bilan_telecharger",
            on_click=log_export,
            args=(title, fmt, "bilan"),
            type="primary",
        )
