"""Accounts: salted scrypt hashes, roles, the environment's administrator."""

from __future__ import annotations

from lib.auth import User, authenticate, check_password, hash_password


def test_hash_is_salted_and_checks() -> None:
    a, b = hash_password("motdepasse"), hash_password("motdepasse")
    assert a != b and a.startswith("scrypt$")  # a new salt each time
    assert check_password("motdepasse", a) and not check_password("autre", a)
    assert not check_password("motdepasse", "n'importe quoi")


def test_accounts_from_secrets_with_roles() -> None:
    secrets = {"utilisateurs": {"anim": {"mot_de_passe": hash_password("x"), "role": "animateur"}}}
    user = authenticate("anim", "x", secrets)
    assert user == User("anim", "animateur") and user.can("lecteur") and not user.can("admin")
    assert authenticate("anim", "y", secrets) is None
    bad_role = {"utilisateurs": {"z": {"mot_de_passe": hash_password("x"), "role": "roi"}}}
    assert authenticate("z", "x", bad_role) == User("z", "lecteur")  # an unknown role grants nothing
