"""programme régional d'animation (circulaire DGEFP 2008-15)

Revision ID: 0005
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "animation_valeur",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("annee", sa.Integer(), nullable=False),
        sa.Column("action", sa.Integer(), nullable=False),
        sa.Column("champ", sa.String(length=40), nullable=False),
        sa.Column("valeur_num", sa.Float(), nullable=True),
        sa.Column("valeur_texte", sa.Text(), nullable=True),
        sa.Column("saisi_par", sa.String(length=80), nullable=False),
        sa.Column("saisi_le", sa.DateTime(), nullable=False),
        sa.Column("remplace_id", sa.Integer(), nullable=True),
        sa.Column("actif", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["remplace_id"], ["animation_valeur.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("animation_valeur", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_animation_valeur_annee"), ["annee"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("animation_valeur", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_animation_valeur_annee"))
    op.drop_table("animation_valeur")
