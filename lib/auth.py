"""Users and roles. Passwords never live in the repo, and are stored only as salted scrypt hashes.

Accounts come from `.streamlit/secrets.toml`:

    [utilisateurs.animateur]
    mot_de_passe = "scrypt$…"   # python -m lib.auth  (asks for the password, prints this line)
    role = "admin"              # admin | animateur | lecteur

or, for a single administrator, from OBSERVATOIRE_ADMIN_PASSWORD (login "admin").
Without login, anyone may consult (masked figures only); importing, entering and
validating need a role.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

ROLES = {"lecteur": 0, "animateur": 1, "admin": 2}
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # the standard interactive-login cost


@dataclass(frozen=True)
class User:
    login: str
    role: str
    ml: str | None = None  # the mission locale of a « mission_locale » account (its code)

    def can(self, role: str) -> bool:
        return ROLES[self.role] >= ROLES[role]


def hash_password(password: str, salt: bytes | None = None) -> str:
    """ "scrypt$<salt>$<hash>" (hex): what goes into secrets.toml."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = hash_password(password, bytes.fromhex(salt)).split("$")[2]
    return hmac.compare_digest(expected, digest)  # constant time


def _accounts(secrets_: Mapping) -> dict[str, tuple[str | None, str]]:
    """login → (stored hash, role); the environment's admin is checked in clear (never stored)."""
    accounts: dict[str, tuple[str | None, str]] = {
        login: (str(v.get("mot_de_passe", "")), str(v.get("role", "lecteur")))
        for login, v in dict(secrets_.get("utilisateurs", {})).items()
    }
    if os.environ.get("OBSERVATOIRE_ADMIN_PASSWORD"):
        accounts.setdefault("admin", (None, "admin"))
    return accounts


def authenticate(login: str, password: str, secrets_: Mapping) -> User | None:
    """The user if login and password match an account, else None."""
    found = _accounts(secrets_).get(login.strip())
    if found is None:
        return None
    stored, role = found
    if stored is None:
        ok = hmac.compare_digest(password.encode(), os.environ.get("OBSERVATOIRE_ADMIN_PASSWORD", "").encode())
    else:
        ok = check_password(password, stored)
    if not ok:
        return None
    return User(login.strip(), role if role in ROLES else "lecteur")


if __name__ == "__main__":
    print('mot_de_passe = "' + hash_password(getpass.getpass("Mot de passe : ")) + '"')
