"""versions des données : table version_donnees, lignes versionnées, pseudonyme des jeunes

Revision ID: 0002
Revises: 0005 (the head of main when this landed; 0002 was reserved for it)

Existing rows (a demo loaded before this revision) become version 1, nature "demo".
Indexes that no query uses are dropped (see the end of upgrade). The three small tables get the version in their primary key: they are rebuilt
(create, copy, drop, rename), which works the same on SQLite and PostgreSQL.
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0005"
branch_labels = None
depends_on = None

EVENTS = ("jeune", "contact", "dispositif", "situation")
SMALL = {
    "defm_jeunes": (
        [sa.Column("ml_code", sa.String(12), nullable=False), sa.Column("mois", sa.Date(), nullable=False)],
        [sa.Column("effectif", sa.Integer(), nullable=False)],
        ("ml_code", "mois"),
    ),
    "cle_activite": (
        [sa.Column("ml_code", sa.String(12), nullable=False), sa.Column("annee", sa.Integer(), nullable=False)],
        [sa.Column("cle", sa.Float(), nullable=False)],
        ("ml_code", "annee"),
    ),
    "enveloppe_cotraitance": (
        [sa.Column("annee", sa.Integer(), nullable=False)],
        [sa.Column("enveloppe", sa.Integer(), nullable=False)],
        ("annee",),
    ),
}
VERSIONED = (*EVENTS, *SMALL)


def upgrade() -> None:
    op.create_table(
        "version_donnees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nature", sa.String(length=20), nullable=False),
        sa.Column("mois_extraction", sa.Date(), nullable=True),
        sa.Column("fichiers", sa.Text(), nullable=False),
        sa.Column("empreinte", sa.String(length=64), nullable=True),
        sa.Column("tables", sa.Text(), nullable=False),
        sa.Column("utilisateur", sa.String(length=80), nullable=False),
        sa.Column("charge_le", sa.DateTime(), nullable=False),
        sa.Column("resume", sa.Text(), nullable=False),
        sa.Column("restaure_depuis", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("version_donnees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_version_donnees_empreinte"), ["empreinte"], unique=False)

    bind = op.get_bind()
    has_data = any(bind.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in VERSIONED)  # noqa: S608
    if has_data:
        op.bulk_insert(
            sa.table(
                "version_donnees",
                sa.column("id", sa.Integer),
                sa.column("nature", sa.String),
                sa.column("fichiers", sa.Text),
                sa.column("tables", sa.Text),
                sa.column("utilisateur", sa.String),
                sa.column("charge_le", sa.DateTime),
                sa.column("resume", sa.Text),
            ),
            [
                {
                    "id": 1,
                    "nature": "demo",
                    "fichiers": "[]",
                    "tables": json.dumps(dict.fromkeys(VERSIONED, 1)),
                    "utilisateur": "système",
                    "charge_le": dt.datetime.now(),
                    "resume": "données présentes avant le suivi des versions",
                }
            ],
        )

    for table in EVENTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version_id", sa.Integer(), nullable=True))
            if table == "jeune":
                batch_op.add_column(sa.Column("pseudonyme", sa.String(length=64), nullable=True))
        op.execute(f"UPDATE {table} SET version_id = 1")  # noqa: S608 (fixed names)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("version_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f"ix_{table}_version_id"), ["version_id"], unique=False)
            batch_op.create_foreign_key(f"fk_{table}_version_id", "version_donnees", ["version_id"], ["id"])

    for table, (keys, values, _) in SMALL.items():
        new = f"{table}_v2"
        op.create_table(
            new,
            *keys,
            *values,
            sa.Column("version_id", sa.Integer(), nullable=False),
            *([sa.ForeignKeyConstraint(["ml_code"], ["mission_locale.code"])] if table != "enveloppe_cotraitance" else []),
            sa.ForeignKeyConstraint(["version_id"], ["version_donnees.id"]),
            sa.PrimaryKeyConstraint(*[c.name for c in keys], "version_id"),
        )
        cols = ", ".join(c.name for c in (*keys, *values))
        op.execute(f"INSERT INTO {new} ({cols}, version_id) SELECT {cols}, 1 FROM {table}")  # noqa: S608
        op.drop_table(table)
        op.rename_table(new, table)

    # Indexes no query uses (the app reads whole versions into memory) and that make a monthly
    # load slow: a B-tree on a date takes random inserts (contacts: 1.5 s → 5.3 s of CPU for 700,000).
    for table, index in (
        ("jeune", "ix_jeune_ml_code"),
        ("jeune", "ix_jeune_date_premier_accueil"),
        ("contact", "ix_contact_date_jeune"),
        ("dispositif", "ix_dispositif_code"),
        ("dispositif", "ix_dispositif_jeune_id"),
        ("situation", "ix_situation_jeune_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)

    op.drop_table("data_version")


def downgrade() -> None:
    raise NotImplementedError("les versions des données ne se défont pas : restaurez une sauvegarde de la base")
