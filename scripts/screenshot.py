"""Screenshot pages of a running app with Playwright and Debian's Chromium.

python scripts/screenshot.py http://localhost:8600/ /tmp/accueil.png [largeur hauteur]
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def wait_streamlit(page, timeout_ms: int = 120_000, ready: str = "[data-testid=stMain] h1") -> None:  # noqa: ANN001
    """Streamlit keeps a websocket open: wait for the app, for the page's content, then for the run to end."""
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout_ms)
    page.wait_for_selector(ready, timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')"
        " && !document.querySelector('[data-testid=stSkeleton]')",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(1500)


def main(url: str, out: str, width: int = 1400, height: int = 1200) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url, wait_until="load")
        wait_streamlit(page, 120_000)
        page.screenshot(path=out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:5]))
