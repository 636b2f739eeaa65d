"""publication protégée, stockée par version des données

Revision ID: 0004
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publication_etat",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("statut", sa.String(length=12), nullable=False),
        sa.Column("debut", sa.DateTime(), nullable=False),
        sa.Column("fin", sa.DateTime(), nullable=True),
        sa.Column("fin_donnees", sa.Date(), nullable=True),
        sa.Column("resume", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "publication_probleme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("population", sa.String(length=40), nullable=False),
        sa.Column("periode", sa.String(length=10), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("primaires", sa.Integer(), nullable=False),
        sa.Column("secondaires", sa.Integer(), nullable=False),
        sa.Column("personnes", sa.Integer(), nullable=False),
        sa.Column("personnes_masquees", sa.Integer(), nullable=False),
        sa.Column("secondes", sa.Float(), nullable=False),
        sa.Column("figee_depuis", sa.Integer(), nullable=True),
        sa.Column("regles", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("publication_probleme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_probleme_version"), ["version"], unique=False)
    op.create_table(
        "publication_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("probleme_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("population", sa.String(length=40), nullable=False),
        sa.Column("periode", sa.String(length=10), nullable=False),
        sa.Column("niveau", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("libelle", sa.String(length=200), nullable=False),
        sa.Column("ml", sa.String(length=12), nullable=True),
        sa.Column("bassin", sa.String(length=12), nullable=True),
        sa.Column("departement", sa.String(length=3), nullable=True),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("modalite", sa.String(length=120), nullable=False),
        sa.Column("valeur", sa.Float(), nullable=True),
        sa.Column("statut", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["probleme_id"], ["publication_probleme.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("publication_case", schema=None) as batch_op:
        batch_op.create_index(
            "ix_publication_case_lecture", ["version", "population", "periode"], unique=False
        )


def downgrade() -> None:
    op.drop_table("publication_case")
    op.drop_table("publication_probleme")
    op.drop_table("publication_etat")
