"""The demo's accounts, one per role, written in the README (section « Démonstration »).

Their passwords are public on purpose: they open a base of synthetic people only. They are created
only in a base that holds the demo and no account yet (lib.ui.session.ensure_accounts, load_demo).
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from lib.auth import create_account, has_accounts
from lib.db.engine import current_version, version_tables
from lib.db.schema import MissionLocale, VersionDonnees

# login, role, password, display name
DEMO_ACCOUNTS = (
    ("admin.demo", "administrateur", "demo-admin-2010", "Administratrice de démonstration"),
    ("animateur.demo", "animateur", "demo-animateur-2010", "Animateur de démonstration"),
    ("partenaire.demo", "partenaire", "demo-partenaire-2010", "Partenaire de démonstration"),
    ("ml.demo", "mission_locale", "demo-ml-2010", "Conseillère de mission locale (démonstration)"),
    ("invite.demo", "invite", "demo-invite-2010", "Invité de démonstration"),
)


def is_demo(engine: Engine) -> bool:
    """True while the young people in service come from the demo (not from an imported extract)."""
    with engine.connect() as conn:
        version = version_tables(conn, current_version(conn)).get("jeune")
        if version is None:
            return False
        return conn.execute(select(VersionDonnees.nature).where(VersionDonnees.id == version)).scalar() == "demo"


def create_demo_accounts(engine: Engine) -> bool:
    """The demo accounts, in a demo base without any account; True if they were created. The ML account
    belongs to the first mission locale of the warehouse (by code)."""
    if has_accounts(engine) or not is_demo(engine):
        return False
    with engine.begin() as conn:
        ml = conn.execute(select(MissionLocale.code).order_by(MissionLocale.code).limit(1)).scalar()
        for login, role, password, nom in DEMO_ACCOUNTS:
            own_ml = ml if role == "mission_locale" else None
            create_account(engine, login, password, role, "système", nom=nom, ml=own_ml, conn=conn)
    return True
