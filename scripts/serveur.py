"""A real `streamlit run asgi.py` in a child process, for the browser tests and the browser benchmark."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def visitor_habilitations(role: str, folder: Path) -> Path:
    """A copy of habilitations.toml, in `folder`, where a visitor not logged in holds `role`: a browser test
    or benchmark then sees every page of that role without a login form (set OBSERVATOIRE_HABILITATIONS)."""
    text = (ROOT / "habilitations.toml").read_text(encoding="utf-8")
    anonymous = 'role = "invite"'
    if anonymous not in text:  # the shipped default, replaced below
        raise RuntimeError("habilitations.toml : le rôle du visiteur non connecté n'est plus « invite »")
    path = folder / f"habilitations-{role}.toml"
    path.write_text(text.replace(anonymous, f'role = "{role}"', 1), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serveur(env: dict[str, str], timeout_s: float = 90, port: int | None = None) -> Iterator[str]:
    """The app served on `port` (default: a free local one) with `env` added to this process's environment;
    yields its address once Streamlit answers its health check, and stops it on exit."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "asgi.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout_s
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"le serveur Streamlit n'a pas démarré en {timeout_s:.0f} s") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
