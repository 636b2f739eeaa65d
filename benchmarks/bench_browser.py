"""What the comité waits for: every page of a real `streamlit run app.py`, in Debian's Chromium, cold and warm.

    python benchmarks/bench_browser.py [--runs 3] [30000 300000]

On the demo databases of bench_pages (/tmp/obs_bench_pages_<size>.db, built on first use),
for each page of app.py's navigation, as a visitor who is not logged in (a partner, a
comité member opening a shared link):

- cold: a new server process, and the browser opens the page by its address: the warehouse
  read, the publication read and every cache of the page are made for this visit;
- warm: in the same browser tab, another page from the menu, then this page again from the
  menu, as when the comité goes back to a screen already shown (a page without the menu,
  Mode séance, is opened again by its address).

The time is measured in the browser, from the click (or the address typed) to the
message that ends the page's run (Streamlit's `script_finished`, decoded from the
websocket), then to the next frame the browser paints. Median of --runs. Prints a table
and writes it to BENCHMARKS.md (section "Pages dans le navigateur"). Measurements, not tests.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_pages import app_pages, db_url  # noqa: E402
from benchmarks.report import fr_decimal, fr_int, main_by_size  # noqa: E402
from scripts.serveur import serveur, visitor_habilitations  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# Mode séance: screens one after the other at once (the worst case), then at a presenter's pace
PAUSES = (0.0, 3.0)
DETOUR = "pages/glossaire.py"  # the page visited in between for the warm measure (reads no data)


def server(size: int):  # noqa: ANN201 (a context manager yielding the address)
    """A new server process on the demo database of this size, its visitor with the administrator's
    habilitations (every page of the menu, no login form in the way of the measure)."""
    env = {
        "OBSERVATOIRE_DB_URL": db_url(size),
        "OBSERVATOIRE_DEMO_JEUNES": str(size),
        "OBSERVATOIRE_HABILITATIONS": str(visitor_habilitations("administrateur", Path(tempfile.gettempdir()))),
    }
    return serveur(env, timeout_s=120)


class RunWatch:
    """Decodes the websocket's messages and notes when a page run ends (script_finished)."""

    def __init__(self, page) -> None:  # noqa: ANN001 (playwright Page)
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._msg = ForwardMsg
        self.finished: list[tuple[float, int]] = []  # (time, status)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        m = self._msg()
        m.ParseFromString(payload)
        if m.WhichOneof("type") == "script_finished":
            self.finished.append((time.perf_counter(), int(m.script_finished)))

    def wait_run(self, page, since: int, timeout_s: float = 600) -> float:  # noqa: ANN001
        """Time at which the first run completed after message `since` (a rerun for switch_page is not one)."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        done = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            for t, status in self.finished[since:]:
                if status == done:
                    return t
            page.wait_for_timeout(5)
        raise TimeoutError("la page n'a pas fini son exécution")


def _painted(page) -> float:  # noqa: ANN001
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return time.perf_counter()


def visit(page, watch: RunWatch, go) -> tuple[float, float]:  # noqa: ANN001
    """(seconds to the end of the run, seconds to the next painted frame) of `go()`."""
    since = len(watch.finished)
    t0 = time.perf_counter()
    go()
    end = watch.wait_run(page, since)
    return end - t0, _painted(page) - t0


def menu(page, title: str):  # noqa: ANN001, ANN201
    return lambda: page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title, exact=True).click()


def key(page, name: str):  # noqa: ANN001, ANN201
    return lambda: page.keyboard.press(name)


def address(page, url: str):  # noqa: ANN001, ANN201
    return lambda: page.goto(url, wait_until="commit")


def child(size: int, runs: int, only: str) -> dict:
    from playwright.sync_api import sync_playwright

    from benchmarks.bench_pages import _ensure_demo
    from scripts.screenshot import CHROMIUM_ARGS

    os.environ["OBSERVATOIRE_DB_URL"] = db_url(size)
    os.environ["OBSERVATOIRE_DEMO_JEUNES"] = str(size)
    _ensure_demo(size)
    titles = dict(app_pages())
    results: dict[str, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for script, title in titles.items():
            if only and only.lower() not in title.lower():
                continue
            path = "" if script == "pages/accueil.py" else Path(script).stem
            cold, warm = [], []
            for _ in range(runs):
                with server(size) as url:
                    page = browser.new_page(viewport={"width": 1920, "height": 1080})
                    watch = RunWatch(page)
                    cold.append(visit(page, watch, address(page, f"{url}/{path}")))
                    if page.locator("[data-testid=stSidebarNav]").is_visible():
                        visit(page, watch, menu(page, titles[DETOUR]))
                        warm.append(visit(page, watch, menu(page, title)))
                    else:  # a page without the menu (Mode séance): opened again by its address
                        warm.append(visit(page, watch, address(page, f"{url}/{path}")))
                    page.close()
            results[title] = {
                "froid": [statistics.median(c[i] for c in cold) for i in (0, 1)],
                "chaud": [statistics.median(w[i] for w in warm) for i in (0, 1)],
            }
            r = results[title]
            print(
                f"  {size:>7} {title:<22} froid {r['froid'][1]:6.2f} s   chaud {r['chaud'][1]:6.2f} s",
                file=sys.stderr,
                flush=True,
            )
        meeting = (
            [walk_meeting(browser, size, runs, pause) for pause in PAUSES]
            if not only or only.lower() in "mode séance"
            else []
        )
        browser.close()
    return {"size": size, "pages": results, "seance": meeting}


def walk_meeting(browser, size: int, runs: int, pause_s: float) -> list[float]:  # noqa: ANN001 (playwright Browser)
    """Mode séance, every screen in turn (right arrow) `pause_s` seconds after the previous one is painted,
    seconds to each screen painted: median of `runs`."""
    from lib.bilan.seance import ECRANS

    walks = []
    for _ in range(runs):
        with server(size) as url:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            watch = RunWatch(page)
            visit(page, watch, address(page, f"{url}/seance"))
            start = page.get_by_role("button", name="Commencer la séance")
            times = [visit(page, watch, start.click)[1]]
            page.wait_for_function("() => document.__seanceKeys === true")  # the keyboard is listened to
            for _ in ECRANS:
                page.wait_for_timeout(pause_s * 1000)
                times.append(visit(page, watch, key(page, "ArrowRight"))[1])
            walks.append(times)
            page.close()
    return [statistics.median(w[i] for w in walks) for i in range(len(walks[0]))]


def table(results: list[dict], runs: int) -> str:
    sizes = [r["size"] for r in results]
    lines = [
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"{platform.system()} ; serveur `streamlit run app.py` réel, base SQLite embarquée, Chromium de Debian "
        "(1920 × 1080). Visiteur non connecté, avec les habilitations de l'administrateur.",
        f"Secondes mesurées dans le navigateur (médiane de {runs} essais), du clic jusqu'à la fin de l'exécution "
        "de la page (message `script_finished` reçu), puis jusqu'à l'image suivante affichée. « Froid » : un "
        "nouveau processus serveur, la page ouverte par son adresse (lecture de l'entrepôt et de la publication "
        "comprises) ; « chaud » : retour sur la page par le menu après une autre page. "
        "Commande : `python benchmarks/bench_browser.py`.",
        "",
        "| page | "
        + " | ".join(
            f"{fr_int(s)} jeunes : froid (s) | chaud : fin de l'exécution (s) | chaud : affiché (s)" for s in sizes
        )
        + " |",
        "|---|" + "---:|---:|---:|" * len(sizes),
    ]
    titles = list(dict.fromkeys(t for r in results for t in r["pages"]))
    for title in titles:
        cells = []
        for r in results:
            p = r["pages"].get(title)
            cells.append(
                f"{fr_decimal(p['froid'][1])} | {fr_decimal(p['chaud'][0])} | {fr_decimal(p['chaud'][1])}"
                if p
                else "— | — | —"
            )
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    walks = [r for r in results if r.get("seance")]
    if walks:
        lines += [
            "",
            "Mode séance, bilan annuel de la région : secondes jusqu'à l'écran affiché, du clic sur « Commencer "
            "la séance » (écran 1) puis de chaque flèche droite, pressée dès l'écran précédent affiché (« à la "
            f"suite ») ou {fr_decimal(PAUSES[1])} s après (« au rythme d'une séance »). Les écrans se préparent en "
            "arrière-plan dès la page de choix : à la suite, la flèche peut devancer cette préparation.",
            "",
            "| écran | "
            + " | ".join(f"{fr_int(r['size'])} jeunes, à la suite (s) | au rythme d'une séance (s)" for r in walks)
            + " |",
            "|---|" + "---:|---:|" * len(walks),
        ]
        for i in range(len(walks[0]["seance"][0])):
            lines.append(
                f"| {i + 1} | "
                + " | ".join(f"{fr_decimal(r['seance'][0][i])} | {fr_decimal(r['seance'][1][i])}" for r in walks)
                + " |"
            )
    return "\n".join(lines)


def main() -> None:
    main_by_size(__file__, __doc__, "Pages dans le navigateur", child, table)


if __name__ == "__main__":
    main()
