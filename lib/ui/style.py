"""Page-wide style: Streamlit's own English strings hidden or said in French, text sized for a projector.

Streamlit 1.67 has no setting for the language of its own widgets. What reaches a user is
replaced here with CSS on the elements' test ids (stable names Streamlit's own tests use):
- the « Stop » button of the running indicator and the main menu (Rerun, Settings, Print…): hidden,
  nothing there is for a comité;
- the data-frame toolbar (Download as CSV, Search, Fullscreen, Show/hide columns): hidden, every
  table has its « Télécharger » menu, whose files are documents with the secret's notes;
- the upload box ("Drag and drop file here", "Limit 200MB per file", "Browse files") and the
  keyboard skip link ("Skip to main content"): their words replaced by French ones drawn by CSS.
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
[data-testid="stStatusWidget"] button,
[data-testid="stMainMenu"],
[data-testid="stElementToolbar"] { display: none !important; }

[data-testid="stFileUploaderDropzoneInstructions"] span,
[data-testid="stFileUploaderDropzoneInstructions"] small { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "Glissez-déposez le fichier ici, ou cliquez sur « Choisir un fichier »";
  display: block;
}
[data-testid="stFileUploaderDropzone"] button { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button::after { content: "Choisir un fichier"; font-size: 1rem; }

/* the keyboard users' skip link, kept (accessibility) and said in French */
[data-testid="stSkipToContent"] { font-size: 0; }
[data-testid="stSkipToContent"]::after { content: "Aller au contenu"; font-size: 1rem; }

/* a projected screen: body text and tables a little larger than Streamlit's 14 px */
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stCaptionContainer"] { font-size: 1.05rem; }
[data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: 2.6rem; line-height: 1.2; }
/* tables with long texts (lib.ui.render.wrapped_table): cells wrap instead of being cut */
table.tableau-texte { border-collapse: collapse; width: 100%; font-size: 1rem; margin-bottom: 0.6rem; }
table.tableau-texte th { background: #f0f2f6; font-weight: 600; text-align: left; padding: 6px 10px;
  border-bottom: 1px solid #d5d8de; }
table.tableau-texte td { padding: 5px 10px; border-bottom: 1px solid #e6e8ec; vertical-align: top; }
table.tableau-texte .nombre { text-align: right; white-space: nowrap; }
</style>
"""


def apply() -> None:
    """Call once per run, from app.py (every page goes through it)."""
    st.html(CSS)
