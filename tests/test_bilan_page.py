"""The bilan page under AppTest: generate a document, with the animateur's text, and download it."""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from streamlit.testing.v1 import AppTest

from tests.apptest_pages import ANIMATEUR

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_generating_a_departement_bilan(demo_engine) -> None:  # noqa: ANN001
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["user"] = ANIMATEUR  # a role that opens the page (habilitations.toml)
    at.run()
    at.switch_page("pages/bilan.py")
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="bilan_niveau").set_value("departement")
    at.run()
    at.selectbox(key="bilan_departement").set_value("46")
    at.text_area(key="bilan_texte_cotraitance").set_value("Le Lot consomme son quota en avance.")
    at.run()
    at.button(key="bilan_pptx").click()
    at.run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        f"Bilan annuel 2010 — Département 46 Lot : PPTX prêt ({len(at.session_state['bilan_fichier'][1]) // 1024} Ko)."
    ]
    fmt, data, _ = at.session_state["bilan_fichier"]
    assert fmt == "pptx"
    texts = [sh.text_frame.text for s in Presentation(io.BytesIO(data)).slides for sh in s.shapes if sh.has_text_frame]
    assert "Le Lot consomme son quota en avance." in texts
    assert "Département 46 Lot — année 2010 (du 1er janvier 2010 au 31 décembre 2010)" in texts
    assert len(at.get("download_button")) == 1
