"""Comptes locaux, échecs de connexion, sessions ; adresse d'origine dans le journal

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compte",
        sa.Column("login", sa.String(length=80), primary_key=True),
        sa.Column("nom", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("ml_code", sa.String(length=12), nullable=True),
        sa.Column("mot_de_passe", sa.String(length=200), nullable=False),
        sa.Column("actif", sa.Boolean(), nullable=False),
        sa.Column("cree_le", sa.DateTime(), nullable=False),
        sa.Column("cree_par", sa.String(length=80), nullable=False),
        sa.Column("modifie_le", sa.DateTime(), nullable=False),
        sa.Column("modifie_par", sa.String(length=80), nullable=False),
    )
    op.create_table(
        "echec_connexion",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("login", sa.String(length=80), nullable=False),
        sa.Column("adresse", sa.String(length=64), nullable=False),
    )
    for column in ("at", "login", "adresse"):
        op.create_index(f"ix_echec_connexion_{column}", "echec_connexion", [column])
    op.create_table(
        "session_connexion",
        sa.Column("jeton", sa.String(length=64), primary_key=True),
        sa.Column("login", sa.String(length=80), nullable=False),
        sa.Column("adresse", sa.String(length=64), nullable=False),
        sa.Column("creee_le", sa.DateTime(), nullable=False),
        sa.Column("vue_le", sa.DateTime(), nullable=False),
        sa.Column("revoquee_le", sa.DateTime(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("ml_code", sa.String(length=16), nullable=True),
        sa.Column("nom", sa.String(length=120), nullable=True),
    )
    op.create_index("ix_session_connexion_login", "session_connexion", ["login"])
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("adresse", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("adresse")
    op.drop_table("session_connexion")
    op.drop_table("echec_connexion")
    op.drop_table("compte")
