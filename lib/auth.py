"""Local accounts in the database: argon2id hashes, roles, throttled logins, sessions kept across reloads.

- An account (table ``compte``) has a login, a role (ROLES), the ML of a « mission_locale » account,
  an argon2id hash of its password and an active flag. No default password exists: the first
  administrator is created on the app's first screen (outside the demo) or by ``python -m lib.auth``.
- Failed logins are stored one row each (``echec_connexion``): after ``securite.echecs_par_compte``
  failures on an account, or ``securite.echecs_par_adresse`` from one address, the next attempt waits
  ``blocage_minutes``, doubled at each further failure; the right password is refused while it waits.
- A session (``session_connexion``) is a random token held by the browser; the base keeps its SHA-256,
  its last activity and its revocation. It ends after ``securite.inactivite_minutes`` without activity.

Every login, failure, logout and account change leaves its line in the audit log, in the same
transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import logging
import secrets
import sys
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import InstrumentedAttribute

from lib.config import SecuriteSettings, settings
from lib.db.engine import get_engine, log_action, migrate
from lib.db.schema import Compte, EchecConnexion, MissionLocale, SessionConnexion

log = logging.getLogger(__name__)

ROLES = {
    "administrateur": "Administrateur régional (ARML)",
    "animateur": "Animateur régional",
    "partenaire": "Partenaire (État, Région, France Travail)",
    "mission_locale": "Mission locale",
    "invite": "Invité",
}
LONGUEUR_MIN = 12  # characters of a password
FENETRE = dt.timedelta(hours=24)  # failures older than this are forgotten
BLOCAGE_MAX = dt.timedelta(hours=24)
_HASHER = PasswordHasher()  # argon2id, the library's defaults (RFC 9106 « second recommended option »)
_LEURRE = _HASHER.hash("aucun compte")  # checked for an unknown login: its answer takes as long


class CompteInvalide(ValueError):
    """A request on accounts that cannot be done; the message says why, in French."""


@dataclass(frozen=True)
class User:
    login: str
    role: str
    ml: str | None = None  # the mission locale of a « mission_locale » account (its code)
    nom: str = ""


@dataclass(frozen=True)
class Refus:
    """A login refused: `jusqua` is set when the account or the address must wait."""

    jusqua: dt.datetime | None = None

    def message(self) -> str:
        if self.jusqua is None:
            return "Identifiant ou mot de passe incorrect."
        return (
            "Trop d'essais de connexion infructueux : nouvel essai possible à "
            f"{self.jusqua:%H:%M:%S} (le {self.jusqua:%d/%m/%Y}). Même le bon mot de passe est refusé d'ici là."
        )


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password(password: str, stored: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, confirmation: str) -> str | None:
    """Why a new password is refused (in French), or None."""
    if len(password) < LONGUEUR_MIN:
        return f"Le mot de passe doit compter au moins {LONGUEUR_MIN} caractères."
    if password != confirmation:
        return "Les deux mots de passe saisis diffèrent."
    return None


def _now() -> dt.datetime:
    return dt.datetime.now()


# --- accounts ---------------------------------------------------------------------------------------


def has_accounts(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(Compte)).scalar())


def _check_role(conn: Connection, role: str, ml: str | None) -> str | None:
    if role not in ROLES:
        raise CompteInvalide(f"Rôle inconnu : « {role} » (rôles : {', '.join(ROLES)}).")
    if role != "mission_locale":
        return None
    if not ml:
        raise CompteInvalide("Un compte de mission locale doit désigner sa mission locale.")
    if conn.execute(select(MissionLocale.code).where(MissionLocale.code == ml)).first() is None:
        raise CompteInvalide(f"Mission locale inconnue de l'entrepôt : « {ml} ».")
    return ml


def create_account(
    engine: Engine,
    login: str,
    password: str,
    role: str,
    par: str,
    *,
    nom: str = "",
    ml: str | None = None,
    adresse: str | None = None,
    conn: Connection | None = None,
) -> User:
    """A new active account; refused (CompteInvalide) if the login exists or a field is wrong."""
    login = login.strip()
    if not login or len(login) > 80 or any(c.isspace() for c in login):
        raise CompteInvalide("L'identifiant doit compter de 1 à 80 caractères, sans espace.")
    if len(password) < LONGUEUR_MIN:
        raise CompteInvalide(f"Le mot de passe doit compter au moins {LONGUEUR_MIN} caractères.")
    if conn is None:
        with engine.begin() as own:
            return create_account(engine, login, password, role, par, nom=nom, ml=ml, adresse=adresse, conn=own)
    ml = _check_role(conn, role, ml)
    if conn.execute(select(Compte.login).where(Compte.login == login)).first() is not None:
        raise CompteInvalide(f"L'identifiant « {login} » existe déjà.")
    now = _now()
    conn.execute(
        insert(Compte).values(
            login=login,
            nom=nom.strip()[:120],
            role=role,
            ml_code=ml,
            mot_de_passe=hash_password(password),
            actif=True,
            cree_le=now,
            cree_par=par,
            modifie_le=now,
            modifie_par=par,
        )
    )
    where = f", mission locale {ml}" if ml else ""
    log_action(conn, par, "compte créé", f"{login} : rôle {role}{where}", adresse)
    return User(login, role, ml, nom)


def create_first_administrator(engine: Engine, login: str, password: str, nom: str, adresse: str | None) -> User:
    """The base's first account, an administrator; refused once any account exists."""
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(Compte)).scalar():
            raise CompteInvalide("Un compte existe déjà : connectez-vous (menu Connexion, à gauche).")
        return create_account(
            engine, login, password, "administrateur", "première ouverture", nom=nom, adresse=adresse, conn=conn
        )


def _change(engine: Engine, login: str, par: str, adresse: str | None, action: str, detail: str, **values) -> None:
    """One change of an account, its sessions closed (the change applies at its next login), audited."""
    with engine.begin() as conn:
        done = conn.execute(
            update(Compte).where(Compte.login == login).values(**values, modifie_le=_now(), modifie_par=par)
        )
        if done.rowcount != 1:
            raise CompteInvalide(f"Compte inconnu : « {login} ».")
        _revoke_all(conn, login)
        log_action(conn, par, action, f"{login}{detail}", adresse)


def set_active(engine: Engine, login: str, actif: bool, par: str, adresse: str | None = None) -> None:
    if not actif and login == par:
        raise CompteInvalide("Un administrateur ne peut pas désactiver son propre compte.")
    _change(engine, login, par, adresse, "compte activé" if actif else "compte désactivé", "", actif=actif)


def set_role(
    engine: Engine, login: str, role: str, par: str, ml: str | None = None, adresse: str | None = None
) -> None:
    if login == par and role != "administrateur":
        raise CompteInvalide("Un administrateur ne peut pas retirer son propre rôle d'administrateur.")
    with engine.connect() as conn:
        ml = _check_role(conn, role, ml)
    where = f", mission locale {ml}" if ml else ""
    _change(engine, login, par, adresse, "rôle changé", f" : rôle {role}{where}", role=role, ml_code=ml)


def reset_password(engine: Engine, login: str, password: str, par: str, adresse: str | None = None) -> None:
    if len(password) < LONGUEUR_MIN:
        raise CompteInvalide(f"Le mot de passe doit compter au moins {LONGUEUR_MIN} caractères.")
    _change(engine, login, par, adresse, "mot de passe changé", "", mot_de_passe=hash_password(password))


def accounts(engine: Engine) -> list[dict]:
    """Every account, without its hash, by login."""
    cols = [Compte.login, Compte.nom, Compte.role, Compte.ml_code, Compte.actif, Compte.modifie_le, Compte.modifie_par]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(*cols).order_by(Compte.login))]


def missions_locales(engine: Engine) -> dict[str, str]:
    """The warehouse's missions locales (code → name), to choose the one of a « mission_locale » account."""
    with engine.connect() as conn:
        return dict(conn.execute(select(MissionLocale.code, MissionLocale.nom).order_by(MissionLocale.code)).all())


# --- logins and their throttling --------------------------------------------------------------------


def _wait(
    conn: Connection,
    column: InstrumentedAttribute[str],
    value: str,
    threshold: int,
    now: dt.datetime,
    cfg: SecuriteSettings,
) -> dt.datetime | None:
    """When `value` (an account or an address) may try again, if its failures of the last day reach
    `threshold`: its last failure + blocage_minutes × 2^(failures − threshold), at most a day."""
    n, last = conn.execute(
        select(func.count(), func.max(EchecConnexion.at)).where(column == value, EchecConnexion.at >= now - FENETRE)
    ).one()
    if n < threshold:
        return None
    delay = min(dt.timedelta(minutes=cfg.blocage_minutes) * 2 ** min(n - threshold, 20), BLOCAGE_MAX)
    return last + delay if last + delay > now else None


def locked_until(
    conn: Connection, login: str, adresse: str, now: dt.datetime, cfg: SecuriteSettings
) -> dt.datetime | None:
    """When the account or the address may try again, if it must wait (else None)."""
    waits = [
        _wait(conn, EchecConnexion.login, login, cfg.echecs_par_compte, now, cfg),
        _wait(conn, EchecConnexion.adresse, adresse, cfg.echecs_par_adresse, now, cfg),
    ]
    return max((w for w in waits if w is not None), default=None)


def authenticate(
    engine: Engine, login: str, password: str, adresse: str, now: dt.datetime | None = None
) -> User | Refus:
    """The account's user if the login and password match an active account and neither the account nor
    the address must wait; else a Refus. Audited either way."""
    now, cfg, login = now or _now(), settings().securite, login.strip()[:80]
    with engine.begin() as conn:
        until = locked_until(conn, login, adresse, now, cfg)
        if until is not None:
            log_action(conn, login or "?", "connexion bloquée", f"attente jusqu'à {until:%d/%m/%Y %H:%M:%S}", adresse)
            return Refus(until)
        row = conn.execute(select(Compte.__table__).where(Compte.login == login)).first()
        ok = check_password(password, row.mot_de_passe if row is not None else _LEURRE)
        if row is None or not ok or not row.actif:
            conn.execute(delete(EchecConnexion).where(EchecConnexion.at < now - FENETRE))  # forgotten anyway
            conn.execute(insert(EchecConnexion).values(at=now, login=login, adresse=adresse))
            why = "compte désactivé" if row is not None and ok else "identifiant ou mot de passe incorrect"
            log_action(conn, login or "?", "connexion refusée", why, adresse)
            return Refus(locked_until(conn, login, adresse, now, cfg))
        conn.execute(delete(EchecConnexion).where(EchecConnexion.login == login))
        if _HASHER.check_needs_rehash(row.mot_de_passe):
            conn.execute(update(Compte).where(Compte.login == login).values(mot_de_passe=hash_password(password)))
        log_action(conn, login, "connexion", row.role, adresse)
        return User(row.login, row.role, row.ml_code, row.nom)


# --- sessions -----------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: Engine, user: User, adresse: str, sso: bool = False) -> str:
    """A new session of `user`: the random token for the browser (the base keeps its digest only). A single
    sign-on (`sso`) keeps the role and ML its rules gave with the session: it has no local account."""
    token, now = secrets.token_urlsafe(32), _now()
    idle = max(FENETRE, dt.timedelta(minutes=settings().securite.inactivite_minutes))
    with engine.begin() as conn:  # sessions idle past their timeout (and a day) are of no use any more
        conn.execute(delete(SessionConnexion).where(SessionConnexion.vue_le < now - idle))
        conn.execute(
            insert(SessionConnexion).values(
                jeton=_digest(token),
                login=user.login,
                adresse=adresse,
                creee_le=now,
                vue_le=now,
                **({"role": user.role, "ml_code": user.ml, "nom": user.nom} if sso else {}),
            )
        )
    return token


def session_user(engine: Engine, token: str, now: dt.datetime | None = None) -> User | None:
    """The user of a live session (not revoked, active account, used within the inactivity timeout);
    its last activity is moved to now (at most once a minute: one write per minute, not per click)."""
    now = now or _now()
    timeout = dt.timedelta(minutes=settings().securite.inactivite_minutes)
    s = SessionConnexion
    q = (
        select(s.vue_le, s.login, s.role, s.ml_code, s.nom, Compte.role.label("compte_role"),
               Compte.ml_code.label("compte_ml"), Compte.nom.label("compte_nom"), Compte.actif)
        .outerjoin(Compte, Compte.login == s.login)
        .where(s.jeton == _digest(token), s.revoquee_le.is_(None))
    )  # fmt: skip
    with engine.connect() as conn:
        found = conn.execute(q).first()
    if found is None or found.vue_le < now - timeout:
        return None
    if found.role is not None:  # a single sign-on: the role its rules gave at sign-in
        user = User(found.login, found.role, found.ml_code, found.nom or "")
    elif found.compte_role is not None and found.actif:  # a local account, still active
        user = User(found.login, found.compte_role, found.compte_ml, found.compte_nom)
    else:
        return None
    if found.vue_le < now - dt.timedelta(minutes=1):
        with engine.begin() as conn:
            conn.execute(update(SessionConnexion).where(SessionConnexion.jeton == _digest(token)).values(vue_le=now))
    return user


def close_session(engine: Engine, token: str, login: str, adresse: str | None, motif: str) -> None:
    """The session revoked (its cookie opens nothing any more), audited as a logout."""
    with engine.begin() as conn:
        conn.execute(
            update(SessionConnexion)
            .where(SessionConnexion.jeton == _digest(token), SessionConnexion.revoquee_le.is_(None))
            .values(revoquee_le=_now())
        )
        log_action(conn, login, "déconnexion", motif, adresse)


def _revoke_all(conn: Connection, login: str) -> None:
    conn.execute(
        update(SessionConnexion)
        .where(SessionConnexion.login == login, SessionConnexion.revoquee_le.is_(None))
        .values(revoquee_le=_now())
    )


# --- command line -------------------------------------------------------------------------------------


def main() -> int:
    """python -m lib.auth : create an administrator (the password is asked, never on the command line)."""
    engine = get_engine()
    migrate(engine)
    login = input("Identifiant du nouvel administrateur : ").strip()
    password = getpass.getpass(f"Mot de passe (au moins {LONGUEUR_MIN} caractères) : ")
    problem = password_problem(password, getpass.getpass("Le même mot de passe, encore : "))
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        create_account(engine, login, password, "administrateur", f"{getpass.getuser()} (ligne de commande)")
    except CompteInvalide as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Compte administrateur « {login} » créé.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
