"""No secret in the repository: no private key, no password or cookie secret written in a file.

Allowed, and only there: the demo accounts' public passwords (lib/demo/comptes.py, which creates them,
and README.md, which lists them), test fixtures (a line of tests/ marked « test fixture »), and the
throwaway credentials of a database on the loopback (the test PostgreSQL of .ci/run).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from lib.demo.comptes import DEMO_ACCOUNTS

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "artifacts",
    "node_modules",
}
SKIP_SUFFIXES = {".db", ".png", ".jpg", ".jpeg", ".pdf", ".xlsx", ".pptx", ".gpkg", ".zip", ".gz", ".parquet", ".pyc"}
DEMO_PASSWORDS = {password for _, _, password, _ in DEMO_ACCOUNTS}
DEMO_FILES = {"README.md", "lib/demo/comptes.py"}

PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")
# a name that says secret, then = or :, then a quoted value of 6 characters or more
ASSIGNED = re.compile(
    r"(?i)\b(mot_de_passe|password|passwd|pwd|cookie_secret|client_secret|secret_key|api_key|token)\w*"
    r"\s*[:=]\s*[\"']([^\"'\s]{6,})[\"']"
)
URL_CREDENTIALS = re.compile(r"://[^/\s:@\"']+:([^/\s@\"']+)@([^/\s:\"']+)")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


def tracked_files(root: Path = ROOT) -> list[Path]:
    return [
        p
        for p in root.rglob("*")
        if p.is_file()
        and not SKIP_DIRS & set(p.relative_to(root).parts)
        and p.suffix.lower() not in SKIP_SUFFIXES
        and p.name != "secrets.toml"  # ignored by git (.gitignore): the place of the real secrets
        and p.stat().st_size < 5_000_000
    ]


def leaks(text: str, rel: str) -> list[str]:
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        fixture = rel.startswith("tests/") and "test fixture" in line
        if PRIVATE_KEY.search(line) and not fixture:
            found.append(f"{rel}:{n} clé privée")
        for m in ASSIGNED.finditer(line):
            value = m.group(2)
            demo = value in DEMO_PASSWORDS and rel in DEMO_FILES
            if not (demo or fixture or value.startswith(("<", "…", "$argon2"))):
                found.append(f"{rel}:{n} {m.group(1)} écrit en clair")
        for m in URL_CREDENTIALS.finditer(line):
            if m.group(2) not in LOOPBACK and not fixture:
                found.append(f"{rel}:{n} identifiants dans une adresse")
        for password in DEMO_PASSWORDS:
            if password in line and rel not in DEMO_FILES and not rel.startswith("tests/"):
                found.append(f"{rel}:{n} mot de passe de démonstration hors du README")
    return found


def test_no_secret_in_the_repository() -> None:
    found = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a binary file: no assignment to read
        found += leaks(text, path.relative_to(ROOT).as_posix())
    assert found == []


def test_real_secrets_have_their_place_out_of_git() -> None:
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_streamlit_runs_with_its_security_settings_on() -> None:
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert "cookieSecret" not in server


def test_the_demo_accounts_are_the_ones_the_readme_lists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for login, _, password, _ in DEMO_ACCOUNTS:
        assert f"| `{login}` | `{password}` |" in readme


def test_the_scan_catches_each_kind_of_secret() -> None:
    sample = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"  # test fixture
        'cookie_secret = "f3a9c2e1d4b5"\n'  # test fixture
        "OBSERVATOIRE_DB_URL=postgresql://app:Secr3tValue@db.exemple.fr/observatoire\n"  # test fixture
        "client_secret: 'abcdef123456'\n"  # test fixture
        f'mot_de_passe = "{sorted(DEMO_PASSWORDS)[0]}"\n'  # test fixture: a demo password outside the README
    )
    assert len(leaks(sample, "docs/deploiement.md")) == 6  # the last line: written, and a demo one
    ok = 'url = "postgresql+psycopg://observatoire:observatoire@127.0.0.1/observatoire_test"\n'
    ok += 'PASSWORD = "cheval-agrafe-2010"  # a test fixture\n'
    ok += 'mot_de_passe = "$argon2id$v=19$m=65536"\n'
    assert leaks(ok, "tests/test_x.py") == []
