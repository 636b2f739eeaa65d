"""Real browser: the map draws its polygons with no basemap and no network, and its tooltip works."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from sqlalchemy import text

from lib.export.carte import GRIS_SECRET, QUALITATIVE, SEQUENTIELLE
from scripts.screenshot import wait_streamlit

pytestmark = pytest.mark.browser

CANVAS = "[data-testid=stDeckGlJsonChart] canvas"


def _share_of_polygon_colours(png: bytes) -> float:
    """Share of the canvas' pixels painted in one of the map's fill colours (blended at 215/255
    over the white page), within a small tolerance for anti-aliasing."""
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float).reshape(-1, 3)
    palette = np.array([*SEQUENTIELLE, *QUALITATIVE, GRIS_SECRET], dtype=float)
    blended = palette * 215 / 255 + 255 * (1 - 215 / 255)
    distance = np.abs(pixels[:, None, :] - blended[None, :, :]).max(axis=2).min(axis=1)
    return float((distance <= 12).mean())


def test_map_draws_polygons_offline(streamlit_server, browser, demo_engine, tmp_path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1300})
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", "localhost") else None,
    )
    page.goto(streamlit_server + "/", wait_until="load")  # the entry point first: it registers the pages
    wait_streamlit(page)
    page.goto(streamlit_server + "/carte", wait_until="load")
    wait_streamlit(page)
    canvas = page.locator(CANVAS).first
    canvas.wait_for(state="visible", timeout=60_000)
    page.wait_for_timeout(2000)  # the first WebGL frames (software rendering)
    png = canvas.screenshot(path=str(tmp_path / "carte.png"))
    share = _share_of_polygon_colours(png)
    assert share > 0.05, f"seulement {share:.1%} des pixels aux couleurs des territoires"
    assert outside == [], f"requêtes hors du serveur : {outside[:5]}"

    contenu = page.locator("[data-testid=stMain]").inner_text()
    assert "Secret statistique" in contenu  # the legend, next to the map
    assert "découpage de démonstration" in contenu

    # a tooltip: hover the middle of the region until one shows
    box = canvas.bounding_box()
    assert box is not None
    tooltip = page.locator(".deck-tooltip")
    for dx, dy in ((0.45, 0.5), (0.4, 0.45), (0.5, 0.55), (0.35, 0.6)):
        page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        page.wait_for_timeout(400)
        if tooltip.count() and tooltip.first.is_visible():
            break
    assert "Mission locale" in tooltip.first.inner_text()

    # the static export: made on click, same plan, logged
    page.get_by_role("button", name="Télécharger").first.click()  # the downloads menu
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Carte en PNG").click()
    png_file = download.value.path()
    assert png_file is not None and Path(png_file).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    wait_streamlit(page)
    with demo_engine.connect() as conn:
        last = conn.execute(text("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 5")).all()
    assert any(a == "export" and d.startswith("png (carte)") for a, d in last)
    page.close()
