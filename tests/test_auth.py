"""Accounts in the database: argon2id hashes, throttled logins, sessions, every change audited.

Run on the embedded database and, when OBSERVATOIRE_TEST_PG_URL is set, on PostgreSQL too.
The thresholds are config.toml's: 5 failures per account, 20 per address, a first wait of 1 minute.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text

from lib.auth import (
    CompteInvalide,
    Refus,
    User,
    authenticate,
    check_password,
    close_session,
    create_account,
    hash_password,
    open_session,
    reset_password,
    session_user,
    set_active,
    set_role,
)
from lib.db.engine import migrate
from lib.db.schema import AuditLog, Departement, MissionLocale, Region
from tests.conftest import empty_postgres

PASSWORD = "cheval-agrafe-2010"  # a test fixture, in no real base
T0 = dt.datetime(2026, 12, 4, 10, 0, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path) -> Engine:
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path}/comptes.db")
    else:
        engine = create_engine(request.getfixturevalue("pg_url"))
        empty_postgres(engine)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(insert(Region).values(code="73", nom="Midi-Pyrénées"))
        conn.execute(insert(Departement).values(code="32", nom="Gers", region_code="73"))
        conn.execute(insert(MissionLocale).values(code="ML32", nom="Mission locale du Gers", dep_code="32"))
    create_account(engine, "chef", PASSWORD, "administrateur", "test")
    yield engine
    if request.param == "postgresql":
        empty_postgres(engine)
    engine.dispose()


def journal(engine: Engine) -> list[tuple[str, str, str, str | None]]:
    with engine.connect() as conn:
        q = select(AuditLog.user, AuditLog.action, AuditLog.detail, AuditLog.adresse).order_by(AuditLog.id)
        return [tuple(r) for r in conn.execute(q)]


def test_argon2_hash_round_trip() -> None:
    a, b = hash_password("motdepasse"), hash_password("motdepasse")
    assert a.startswith("$argon2id$") and a != b  # a new salt each time
    assert check_password("motdepasse", a) and not check_password("autre", a)
    assert not check_password("motdepasse", "scrypt$00$00")  # not an argon2 hash: refused, no error


def test_the_right_password_logs_in_a_wrong_one_is_refused_both_audited(engine) -> None:
    assert authenticate(engine, "chef", PASSWORD, "10.0.0.1", T0) == User("chef", "administrateur")
    assert authenticate(engine, "chef", "faux", "10.0.0.1", T0) == Refus(None)
    assert authenticate(engine, "inconnu", PASSWORD, "10.0.0.1", T0) == Refus(None)
    assert journal(engine)[1:] == [
        ("chef", "connexion", "administrateur", "10.0.0.1"),
        ("chef", "connexion refusée", "identifiant ou mot de passe incorrect", "10.0.0.1"),
        ("inconnu", "connexion refusée", "identifiant ou mot de passe incorrect", "10.0.0.1"),
    ]
    with engine.connect() as conn:  # the hash only, never the password
        stored = conn.execute(text("SELECT mot_de_passe FROM compte WHERE login = 'chef'")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_five_failures_on_an_account_make_it_wait_even_with_the_right_password(engine) -> None:
    for i in range(4):
        assert authenticate(engine, "chef", "faux", f"10.0.0.{i}", T0) == Refus(None)
    fifth = authenticate(engine, "chef", "faux", "10.0.0.9", T0 + dt.timedelta(seconds=10))
    assert fifth == Refus(T0 + dt.timedelta(seconds=70))  # the 5th failure: 1 minute from it
    assert "nouvel essai possible à 10:01:10" in fifth.message()
    # from another address, with the right password, still refused until then
    assert authenticate(engine, "chef", PASSWORD, "10.9.9.9", T0 + dt.timedelta(seconds=69)) == fifth
    assert journal(engine)[-1][1:] == ("connexion bloquée", "attente jusqu'à 04/12/2026 10:01:10", "10.9.9.9")
    # the wait over, one more failure doubles it: 2 minutes
    sixth = authenticate(engine, "chef", "faux", "10.0.0.9", T0 + dt.timedelta(seconds=71))
    assert sixth == Refus(T0 + dt.timedelta(seconds=71 + 120))
    assert authenticate(engine, "chef", PASSWORD, "10.0.0.9", T0 + dt.timedelta(seconds=71 + 121)).login == "chef"
    # a success clears the account's failures: one failure now does not make it wait
    assert authenticate(engine, "chef", "faux", "10.0.0.9", T0 + dt.timedelta(seconds=200)) == Refus(None)


def test_twenty_failures_from_one_address_make_it_wait_for_every_account(engine) -> None:
    create_account(engine, "anim", PASSWORD, "animateur", "chef")
    for i in range(19):  # 19 logins, 1 failure each: no account reaches its own threshold
        assert authenticate(engine, f"essai{i}", "faux", "203.0.113.7", T0) == Refus(None)
    twentieth = authenticate(engine, "essai19", "faux", "203.0.113.7", T0)
    assert twentieth == Refus(T0 + dt.timedelta(minutes=1))
    assert authenticate(engine, "anim", PASSWORD, "203.0.113.7", T0 + dt.timedelta(seconds=30)) == twentieth
    assert authenticate(engine, "anim", PASSWORD, "198.51.100.1", T0 + dt.timedelta(seconds=30)).login == "anim"
    assert authenticate(engine, "anim", PASSWORD, "203.0.113.7", T0 + dt.timedelta(seconds=61)).login == "anim"


def test_account_changes_are_checked_and_audited(engine) -> None:
    create_account(engine, "ml", PASSWORD, "mission_locale", "chef", nom="Conseillère", ml="ML32", adresse="10.1.1.1")
    with pytest.raises(CompteInvalide, match="existe déjà"):
        create_account(engine, "ml", PASSWORD, "animateur", "chef")
    with pytest.raises(CompteInvalide, match="doit désigner sa mission locale"):
        create_account(engine, "ml2", PASSWORD, "mission_locale", "chef")
    with pytest.raises(CompteInvalide, match="Mission locale inconnue"):
        create_account(engine, "ml2", PASSWORD, "mission_locale", "chef", ml="ML99")
    with pytest.raises(CompteInvalide, match="au moins 12 caractères"):
        create_account(engine, "court", "court", "invite", "chef")
    with pytest.raises(CompteInvalide, match="Rôle inconnu"):
        create_account(engine, "roi", PASSWORD, "roi", "chef")
    with pytest.raises(CompteInvalide, match="son propre compte"):
        set_active(engine, "chef", False, "chef")
    set_role(engine, "ml", "partenaire", "chef", adresse="10.1.1.1")
    set_active(engine, "ml", False, "chef", "10.1.1.1")
    assert authenticate(engine, "ml", PASSWORD, "10.0.0.1", T0) == Refus(None)  # disabled: refused
    set_active(engine, "ml", True, "chef", "10.1.1.1")
    reset_password(engine, "ml", "un-autre-mot-de-passe", "chef", "10.1.1.1")
    assert authenticate(engine, "ml", "un-autre-mot-de-passe", "10.0.0.1", T0) == User(
        "ml", "partenaire", None, "Conseillère"
    )
    assert [line for line in journal(engine) if line[0] == "chef"] == [
        ("chef", "compte créé", "ml : rôle mission_locale, mission locale ML32", "10.1.1.1"),
        ("chef", "rôle changé", "ml : rôle partenaire", "10.1.1.1"),
        ("chef", "compte désactivé", "ml", "10.1.1.1"),
        ("chef", "compte activé", "ml", "10.1.1.1"),
        ("chef", "mot de passe changé", "ml", "10.1.1.1"),
    ]
    assert ("ml", "connexion refusée", "compte désactivé", "10.0.0.1") in journal(engine)


def test_a_session_ends_after_the_inactivity_timeout_at_logout_and_when_the_account_changes(engine) -> None:
    chef = User("chef", "administrateur")
    token = open_session(engine, chef, "10.0.0.1")
    with engine.connect() as conn:  # the base keeps the token's digest, not the token
        assert conn.execute(text("SELECT COUNT(*) FROM session_connexion WHERE jeton = :t"), {"t": token}).scalar() == 0
    now = dt.datetime.now()
    assert session_user(engine, token, now) == chef
    assert session_user(engine, token, now + dt.timedelta(minutes=29)) == chef  # activity moved to +29 min
    assert session_user(engine, token, now + dt.timedelta(minutes=29 + 29)) == chef
    assert session_user(engine, token, now + dt.timedelta(minutes=29 + 29 + 31)) is None  # 31 min idle
    second = open_session(engine, chef, "10.0.0.1")
    close_session(engine, second, "chef", "10.0.0.1", "à la demande de l'utilisateur")
    assert session_user(engine, second) is None
    assert journal(engine)[-1] == ("chef", "déconnexion", "à la demande de l'utilisateur", "10.0.0.1")
    create_account(engine, "anim", PASSWORD, "animateur", "chef")
    third = open_session(engine, User("anim", "animateur"), "10.0.0.2")
    set_role(engine, "anim", "partenaire", "chef")  # its sessions closed: the new role at the next login
    assert session_user(engine, third) is None
    assert session_user(engine, "un jeton inventé") is None


def test_a_single_sign_on_session_keeps_the_role_its_rules_gave(engine) -> None:
    agent = User("agent@ml-exemple.fr", "mission_locale", "ML09", "Agente")  # no local account
    token = open_session(engine, agent, "10.0.0.3", sso=True)
    assert session_user(engine, token) == agent  # a reload finds the same person, role and ML
    nobody = open_session(engine, User("sans.compte", "animateur"), "10.0.0.3")  # not a sign-on, no account
    assert session_user(engine, nobody) is None
    close_session(engine, token, agent.login, "10.0.0.3", "à la demande de l'utilisateur")
    assert session_user(engine, token) is None


def test_a_cookie_code_is_good_once_and_for_a_minute(monkeypatch) -> None:
    from lib import session_cookie

    code = session_cookie.hand_over("jeton")
    assert session_cookie._take(code) == "jeton" and session_cookie._take(code) is None  # once
    late = session_cookie.hand_over("jeton")
    now = session_cookie.time.monotonic()
    monkeypatch.setattr(session_cookie.time, "monotonic", lambda: now + session_cookie.VALIDITE_S + 1)
    assert session_cookie._take(late) is None
    assert session_cookie._take("un code inventé") is None
