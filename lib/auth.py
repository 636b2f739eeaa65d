"""Users and roles. Passwords never live in the repo.

Accounts come from `.streamlit/secrets.toml`:

    [utilisateurs.animateur]
    mot_de_passe_sha256 = "…"   # hashlib.sha256(b"mot de passe").hexdigest()
    role = "admin"              # admin | animateur | lecteur

or, for a single administrator, from OBSERVATOIRE_ADMIN_PASSWORD (login "admin").
Without login, anyone may consult (masked figures only); importing, entering and
validating need a role.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

ROLES = {"lecteur": 0, "animateur": 1, "admin": 2}


@dataclass(frozen=True)
class User:
    login: str
    role: str

    def can(self, role: str) -> bool:
        return ROLES[self.role] >= ROLES[role]


def _accounts(secrets: Mapping) -> dict[str, tuple[str, str]]:
    accounts = {
        login: (str(v.get("mot_de_passe_sha256", "")), str(v.get("role", "lecteur")))
        for login, v in dict(secrets.get("utilisateurs", {})).items()
    }
    admin_pw = os.environ.get("OBSERVATOIRE_ADMIN_PASSWORD")
    if admin_pw:
        accounts.setdefault("admin", (hashlib.sha256(admin_pw.encode()).hexdigest(), "admin"))
    return accounts


def authenticate(login: str, password: str, secrets: Mapping) -> User | None:
    """The user if login and password match an account, else None (constant-time compare)."""
    expected = _accounts(secrets).get(login.strip())
    if expected is None:
        return None
    digest = hashlib.sha256(password.encode()).hexdigest()
    if not hmac.compare_digest(digest, expected[0]):
        return None
    role = expected[1] if expected[1] in ROLES else "lecteur"
    return User(login.strip(), role)
