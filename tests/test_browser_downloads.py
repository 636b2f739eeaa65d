"""Real browser: every download of every page arrives, opens, and is the only kind of line the journal gets.

For each page, each tab, each « Télécharger » menu, each button: the click must hand the browser
a file (Playwright's download event), the file must open with the library of its format, and
the journal must have gained exactly one export line per file received.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page
from sqlalchemy import text

from scripts.screenshot import wait_streamlit
from tests.browser_helpers import PAGES

pytestmark = pytest.mark.browser
# The pages whose first screen offers tables, charts, maps or documents to take away.
WITH_DOWNLOADS = ["Observation", "Explorateur", "Partenariat", "Co-traitance", "Carte"]


def _opens(name: str, data: bytes) -> None:
    """The file is what its extension says, and not empty."""
    ext = name.rsplit(".", 1)[-1]
    assert data, f"{name} : fichier vide"
    if ext == "xlsx":
        wb = load_workbook(io.BytesIO(data))
        assert any(ws.max_row > 1 for ws in wb.worksheets), f"{name} : classeur sans données"
    elif ext == "csv":
        assert data.startswith(b"\xef\xbb\xbf"), f"{name} : UTF-8 sans BOM"
        frame = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)
        assert len(frame.columns) >= 1, name
    elif ext == "txt":
        assert data.decode("utf-8-sig").strip(), name
    elif ext == "pdf":
        assert data.startswith(b"%PDF-"), name
    elif ext == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name
    elif ext in ("pptx", "zip"):
        assert zipfile.ZipFile(io.BytesIO(data)).namelist(), name
    else:
        raise AssertionError(f"{name} : format inattendu")


def _exports(engine) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'export'")).scalar())


def _download_all(page: Page, where: str) -> list[str]:
    """Open every visible « Télécharger » menu and click each of its buttons; the names received."""
    got = []
    menus = page.locator("[data-testid=stMain] [data-testid=stPopover] button:visible", has_text="Télécharger")
    for i in range(menus.count()):
        menus.nth(i).click()
        panel = page.locator("[data-testid=stPopoverBody]:visible").last
        panel.wait_for(timeout=30_000)
        buttons = panel.locator("[data-testid=stDownloadButton] button")
        for j in range(buttons.count()):
            with page.expect_download(timeout=60_000) as info:
                buttons.nth(j).click()
            d = info.value
            assert d.failure() is None, f"{where} : {d.suggested_filename} : {d.failure()}"
            with open(d.path(), "rb") as fh:
                _opens(d.suggested_filename, fh.read())
            got.append(d.suggested_filename)  # no pause: a comité member clicks the next file at once
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
    return got


@pytest.mark.parametrize("title", WITH_DOWNLOADS)
def test_every_download_of_the_page_arrives_and_opens(streamlit_server, browser, demo_engine, title) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page.goto(f"{streamlit_server}/{PAGES[title]}", wait_until="load")
    wait_streamlit(page)
    before = _exports(demo_engine)
    received = _download_all(page, title)
    tabs = page.locator("[data-testid=stMain] [role=tab]")
    for k in range(1, tabs.count()):  # the first tab is open already
        tabs.nth(k).click()
        page.wait_for_timeout(500)
        wait_streamlit(page)
        received += _download_all(page, f"{title}, onglet {k + 1}")
    assert received, f"{title} : aucun téléchargement proposé"
    page.wait_for_timeout(1000)  # the journal line is written by the click's rerun
    assert _exports(demo_engine) - before == len(received), (title, received)
    page.close()


def test_every_template_of_the_imports_page_arrives(streamlit_server, browser) -> None:  # noqa: ANN001
    from lib.ingest.formats import FORMATS

    page = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page.goto(f"{streamlit_server}/imports", wait_until="load")
    wait_streamlit(page)
    page.get_by_text("Modèles des fichiers", exact=False).first.click()
    buttons = page.locator("[data-testid=stMain] [data-testid=stDownloadButton] button")
    buttons.first.wait_for(timeout=30_000)
    names = []
    for j in range(buttons.count()):
        with page.expect_download(timeout=60_000) as info:
            buttons.nth(j).click()
        d = info.value
        assert d.failure() is None, d.suggested_filename
        frame = pd.read_csv(d.path(), sep=None, engine="python", dtype=str, encoding="utf-8-sig")
        assert len(frame) == 2, d.suggested_filename  # the header and two example rows
        names.append(d.suggested_filename)
    assert sorted(names) == sorted(f"{f.cle}.csv" for f in FORMATS)
    page.close()


def test_the_bilan_is_generated_then_downloaded_and_logged(streamlit_server, browser, demo_engine) -> None:  # noqa: ANN001
    from pypdf import PdfReader

    page = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page.goto(f"{streamlit_server}/bilan", wait_until="load")
    wait_streamlit(page)
    before = _exports(demo_engine)
    page.get_by_role("button", name="Générer le PDF").click()
    button = page.locator("[data-testid=stDownloadButton] button", has_text="Télécharger le PDF")
    button.wait_for(timeout=180_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    d = info.value
    assert d.failure() is None and d.suggested_filename.endswith(".pdf")
    assert len(PdfReader(d.path()).pages) >= 3
    page.wait_for_timeout(1000)
    assert _exports(demo_engine) - before == 1
    page.close()
