"""territoires des missions locales par année de validité, adresse des sites

Revision ID: 0008
Revises: 0007
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ml_commune_annee",
        sa.Column("annee", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("ml_code", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["commune_code"], ["commune.code"]),
        sa.ForeignKeyConstraint(["ml_code"], ["mission_locale.code"]),
        sa.PrimaryKeyConstraint("annee", "commune_code"),
    )
    with op.batch_alter_table("ml_commune_annee") as batch:
        batch.create_index(batch.f("ix_ml_commune_annee_ml_code"), ["ml_code"], unique=False)
    with op.batch_alter_table("ml_site") as batch:
        batch.add_column(sa.Column("adresse", sa.String(length=200), nullable=True))
    # The territory already stored becomes the one of the first year with data (it then holds for every year).
    conn = op.get_bind()
    first = conn.execute(sa.text("SELECT MIN(date_premier_accueil) FROM jeune")).scalar()
    annee = int(str(first)[:4]) if first else dt.date.today().year
    conn.execute(
        sa.text(
            "INSERT INTO ml_commune_annee (annee, commune_code, ml_code) SELECT :a, commune_code, ml_code FROM ml_commune"
        ),
        {"a": annee},
    )


def downgrade() -> None:
    with op.batch_alter_table("ml_site") as batch:
        batch.drop_column("adresse")
    with op.batch_alter_table("ml_commune_annee") as batch:
        batch.drop_index(batch.f("ix_ml_commune_annee_ml_code"))
    op.drop_table("ml_commune_annee")
