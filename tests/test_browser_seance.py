"""Meeting mode in a real browser at 1920×1080: every screen in turn, by keyboard and buttons.

Each screen's key element is checked and a screenshot saved (OBSERVATOIRE_CAPTURES, or the
test's temporary folder).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from lib.bilan.seance import ECRANS
from scripts.screenshot import wait_streamlit

pytestmark = pytest.mark.browser

# screen title → a text that proves its content is there (figures, chart, table, image)
KEY_ELEMENT = {
    "Chiffres clés": "Jeunes suivis",
    "Niveau de formation des jeunes suivis": "[data-testid=stPlotlyChart]",
    "Âge des jeunes suivis": "[data-testid=stPlotlyChart]",
    "Entrées en dispositif": "table.seance-table",
    "Situation six mois après le premier accueil": "[data-testid=stPlotlyChart]",
    "Activité mois par mois": "[data-testid=stPlotlyChart]",
    "Carte des missions locales": "[data-testid=stImage] img",
    "Co-traitance : réalisation face au quota": "[data-testid=stPlotlyChart]",
    "Co-traitance : alertes": ".seance-alerte",
    "Co-traitance : délai du premier entretien": "table.seance-table",
    "Partenariat : indicateurs face aux objectifs": "table.seance-table",
    "Programme régional d'animation": ".seance-carte",
}


def _wait_screen(page, n: int, total: int, title: str | None = None) -> float:  # noqa: ANN001
    """Seconds until screen n's position (and its title) is shown and the run has ended."""
    start = time.perf_counter()
    page.wait_for_function(
        f"() => (document.querySelector('[data-testid=seance-position]') || {{}}).innerText"
        f"?.startsWith('Écran {n} / {total}')",
        timeout=180_000,
    )
    if title is not None:  # the previous screen stays until the new one replaces it
        page.wait_for_function(
            "t => [...document.querySelectorAll('.seance-titre')].some(e => e.innerText === t)",
            arg=title,
            timeout=180_000,
        )
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)
    elapsed = time.perf_counter() - start
    page.wait_for_timeout(400)  # the previous screen's elements fade out after the run
    return elapsed


def test_the_meeting_walks_every_screen(streamlit_server, browser, tmp_path) -> None:  # noqa: ANN001
    assert set(KEY_ELEMENT) == {e.titre for e in ECRANS}
    out = Path(os.environ.get("OBSERVATOIRE_CAPTURES", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(streamlit_server + "/seance", wait_until="load")
    wait_streamlit(page)
    page.get_by_role("button", name="Commencer la séance").click()
    total = len(ECRANS) + 1
    _wait_screen(page, 1, total)
    assert not page.locator("[data-testid=stSidebar]").is_visible()  # no sidebar in front of the room
    main = page.locator("[data-testid=stMain]")
    assert "Comité de pilotage — Bilan annuel 2010" in main.inner_text()
    page.screenshot(path=str(out / "seance-00.png"))
    times = []
    for n, ecran in enumerate(ECRANS, start=2):
        if n % 2:  # half the moves with the keyboard, half with the button
            page.keyboard.press("ArrowRight")
        else:
            page.locator(".st-key-seance_suivant button").click()
        times.append(_wait_screen(page, n, total, ecran.titre))
        title = page.locator(".seance-titre").first.inner_text()
        assert title == ecran.titre
        key = KEY_ELEMENT[ecran.titre]
        if key[0] in ".[t":
            page.locator(key).first.wait_for(state="visible", timeout=15_000)
        else:
            assert key in main.inner_text()
        assert "Midi-Pyrénées — année 2010" in page.locator(".seance-bandeau").inner_text()  # the period stays
        page.screenshot(path=str(out / f"seance-{n - 1:02d}.png"))
    assert page.locator(".st-key-seance_suivant button").is_disabled()  # last screen
    page.keyboard.press("ArrowLeft")
    _wait_screen(page, total - 1, total, ECRANS[-2].titre)
    assert page.locator(".seance-titre").first.inner_text() == ECRANS[-2].titre
    figures = main.inner_text()
    assert not re.search(r"\bnan\b|None", figures)
    page.close()
    print("temps par écran (s) :", ", ".join(f"{t:.2f}" for t in times))
